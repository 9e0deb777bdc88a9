/**
 * What the HTTP server process loads is part of its idle memory (the issue's goal: ≤ 100 MB idle).
 * The poll workers' queue library (BullMQ, with its own Redis client, ioredis, and a native
 * MessagePack addon: about 9 MB resident) belongs to the workers alone; the server asks them for
 * a poll at once through Redis pub/sub (shared/ops/poll-now.ts).
 */
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** The packages the module graph from `entry` imports (its own files followed, packages not). */
async function packagesImportedBy(entry: string): Promise<Set<string>> {
  const result = await build({
    absWorkingDir: ROOT,
    entryPoints: [entry],
    bundle: true,
    packages: 'external',
    platform: 'node',
    format: 'esm',
    write: false,
    metafile: true,
    logLevel: 'silent',
    outdir: '/out',
  });
  const packages = new Set<string>();
  for (const input of Object.values(result.metafile.inputs))
    for (const imported of input.imports) if (imported.external) packages.add(imported.path);
  return packages;
}

describe('the server process', () => {
  it('does not load BullMQ or ioredis', async () => {
    const packages = await packagesImportedBy('server/main.ts');
    expect(packages.has('socket.io')).toBe(true);
    expect([...packages].filter((p) => /^(bullmq|ioredis)(\/|$)/.test(p))).toEqual([]);
  });

  it('leaves them to the poll worker', async () => {
    expect((await packagesImportedBy('workers/poll.main.ts')).has('bullmq')).toBe(true);
  });
});
