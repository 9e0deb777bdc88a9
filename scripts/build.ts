/**
 * `npm run build`: the hub's TypeScript compiled to plain JavaScript in `dist/`, file by file in
 * the same tree, so the roles run on `node` alone.
 *
 * Running through `tsx` compiles every module at start-up and keeps a loader thread and the
 * compiled sources' maps for the life of the process: about a third of an idle server's memory.
 * esbuild (already what tsx and the page bundler use) transpiles each file the way tsx does —
 * one file at a time, types erased, imports untouched — so what runs is what the tests ran.
 * Files read at run time (the pages' HTML, CSS and browser sources, the simulator's catalogue)
 * are copied beside the code that reads them. The browser sources are compiled too (the server
 * imports their message catalogues), and the pages' scripts are bundled and compressed into
 * `server/public/assets/`, so the built server never runs esbuild.
 */
import { cp, readdir, rm } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { writePrebuiltAssets } from '../server/pages/client-bundle.js';

const ROOT = resolve(fileURLToPath(new URL('..', import.meta.url)));

/** The product's code: what the roles (`bin/`, `server/`, `workers/`) load. */
const SOURCE_DIRS = ['bin', 'server', 'shared', 'simulator', 'workers'] as const;
/** Read from disk at run time, relative to the code that reads them. */
const RUNTIME_FILES = ['server/public', 'simulator/catalog-data.json'] as const;

async function typeScriptFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(join(ROOT, dir), { withFileTypes: true, recursive: true })) {
    const path = relative(ROOT, join(entry.parentPath, entry.name));
    if (!entry.isFile() || !path.endsWith('.ts') || path.endsWith('.d.ts')) continue;
    out.push(path);
  }
  return out;
}

export interface BuildResult {
  outdir: string;
  files: number;
}

/**
 * Compiles into `outdir` (default `dist/`), replacing what was there. `extra`: more TypeScript
 * files (relative to the project) to compile alongside, such as the bench's baseline server.
 */
export async function buildHub(outdir = join(ROOT, 'dist'), extra: readonly string[] = []): Promise<BuildResult> {
  const entryPoints = [...(await Promise.all(SOURCE_DIRS.map(typeScriptFiles))).flat(), ...extra];
  await rm(outdir, { recursive: true, force: true });
  await build({
    absWorkingDir: ROOT,
    entryPoints,
    outdir,
    outbase: '.',
    bundle: false,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    logLevel: 'warning',
  });
  for (const path of RUNTIME_FILES) await cp(join(ROOT, path), join(outdir, path), { recursive: true });
  await writePrebuiltAssets(`${join(outdir, 'server/public')}/`);
  return { outdir, files: entryPoints.length };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const started = Date.now();
  const { outdir, files } = await buildHub(process.argv[2] ? resolve(process.argv[2]) : undefined);
  process.stdout.write(
    `built ${files} modules into ${relative(process.cwd(), outdir) || '.'} in ${Date.now() - started} ms\n`,
  );
}
