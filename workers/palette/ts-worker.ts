/**
 * Starts a worker thread from a TypeScript file. Built (`npm run build`), the file sits beside
 * this one as JavaScript and runs as it is. From the sources, through tsx, Node 20 does not apply
 * `--import tsx` to a worker's entry module, so the worker begins as a one-line bootstrap that
 * loads the file through tsx's own API.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker, type WorkerOptions } from 'node:worker_threads';

const require = createRequire(import.meta.url);
/** tsx's ESM API (`tsx/esm/api`), located through its package.json so the ESM build is the one loaded. */
const TSX_ESM_API = pathToFileURL(
  require.resolve('tsx/package.json').replace(/package\.json$/, 'dist/esm/api/index.mjs'),
).href;

export function startTsWorker(file: URL, options: Omit<WorkerOptions, 'eval'> = {}): Worker {
  const built = new URL(file.href.replace(/\.ts$/, '.js'));
  if (import.meta.url.endsWith('.js') && existsSync(fileURLToPath(built))) return new Worker(built, options);
  const target = JSON.stringify(file.href);
  const bootstrap = `import(${JSON.stringify(TSX_ESM_API)}).then(({ tsImport }) => tsImport(${target}, ${target}))`;
  return new Worker(bootstrap, { ...options, eval: true, execArgv: [] });
}
