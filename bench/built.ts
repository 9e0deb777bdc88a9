/**
 * The benches measure what production runs: the roles compiled by `npm run build` (here into a
 * folder of the bench's own) on plain node, the plain Socket.IO baseline compiled alike.
 * `BENCH_RUN=source` runs both from the TypeScript through tsx instead, for comparison.
 */
import { resolve } from 'node:path';
import { buildHub } from '../scripts/build.js';
import { builtScript } from '../stack/index.js';

export const FROM_SOURCE = process.env.BENCH_RUN === 'source';
const BUILT_DIR = 'test-artifacts/bench-build';
const BASELINE_SOURCE = 'bench/fanout/baseline-server.ts';
/** What the baseline server imports besides socket.io. */
const BASELINE_MODULES = [BASELINE_SOURCE, 'bench/fanout/memory.ts', 'bench/fanout/proc.ts'];

/** Compiles the hub and the baseline server (nothing to do with `BENCH_RUN=source`). */
export async function prepareBuild(): Promise<void> {
  if (!FROM_SOURCE) await buildHub(resolve(BUILT_DIR), BASELINE_MODULES);
}

/** `startStack`'s option for the hub roles. */
export const stackBuild: { builtDir?: string } = FROM_SOURCE ? {} : { builtDir: BUILT_DIR };

/** The script that runs the plain Socket.IO baseline. */
export const baselineScript = FROM_SOURCE ? BASELINE_SOURCE : builtScript(BUILT_DIR, BASELINE_SOURCE);

/** Said in the benches' JSON. */
export const runKind = FROM_SOURCE ? 'source (tsx)' : 'built (node)';
