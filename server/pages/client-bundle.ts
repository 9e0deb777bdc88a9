/**
 * The pages' scripts, bundled by esbuild, and their stylesheet, each kept in memory with gzip and
 * brotli variants and served with an ETag.
 *
 * `npm run build` bundles and compresses them once (`writePrebuiltAssets`) into `assets/` beside
 * the built pages; the built server only reads those files. Run from the TypeScript sources
 * (tests, `tsx`), the server bundles them itself at start-up. Keeping esbuild and brotli's
 * quality-11 pass out of the built server saves start-up time, the garbage they make and
 * esbuild's service process.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, constants as zlib, gzipSync } from 'node:zlib';

export const PUBLIC_DIR = fileURLToPath(new URL('../public/', import.meta.url));
/** Where `npm run build` leaves the bundled, compressed assets (relative to the public folder). */
const PREBUILT = 'assets/';
const MANIFEST = 'manifest.json';

export interface Asset {
  type: string;
  body: Buffer;
  gzip: Buffer;
  brotli: Buffer;
  etag: string;
}

const JS = 'text/javascript; charset=utf-8';
const CSS = 'text/css; charset=utf-8';

const etagOf = (body: Buffer) => `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"`;

function compressed(type: string, body: Buffer): Asset {
  return {
    type,
    body,
    gzip: gzipSync(body, { level: 9 }),
    brotli: brotliCompressSync(body, { params: { [zlib.BROTLI_PARAM_QUALITY]: 11 } }),
    etag: etagOf(body),
  };
}

export const ENTRY_POINTS = ['phone', 'operator', 'display'] as const;

/** Bundles and compresses every asset from the sources under `publicDir`. */
async function bundleAssets(publicDir: string): Promise<Map<string, Asset>> {
  // Loaded only here: the built server never bundles.
  const { build } = await import('esbuild');
  const result = await build({
    entryPoints: Object.fromEntries(ENTRY_POINTS.map((name) => [name, `${publicDir}src/${name}.ts`])),
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: ['es2020', 'chrome90', 'safari15', 'firefox90'],
    minify: true,
    sourcemap: false,
    legalComments: 'none',
    write: false,
    outdir: '/assets',
    logLevel: 'silent',
  });
  const assets = new Map<string, Asset>();
  for (const file of result.outputFiles) {
    assets.set(file.path.split('/').pop()!, compressed(JS, Buffer.from(file.contents)));
  }
  assets.set('hub.css', compressed(CSS, await readFile(`${publicDir}hub.css`)));
  return assets;
}

/** `npm run build`: bundles and compresses the assets into `assets/` under `publicDir`. */
export async function writePrebuiltAssets(publicDir: string): Promise<void> {
  const assets = await bundleAssets(publicDir);
  const dir = `${publicDir}${PREBUILT}`;
  await mkdir(dir, { recursive: true });
  const manifest: Record<string, string> = {};
  for (const [name, a] of assets) {
    await writeFile(`${dir}${name}`, a.body);
    await writeFile(`${dir}${name}.gz`, a.gzip);
    await writeFile(`${dir}${name}.br`, a.brotli);
    manifest[name] = a.type;
  }
  await writeFile(`${dir}${MANIFEST}`, JSON.stringify(manifest));
}

async function readPrebuilt(dir: string): Promise<Map<string, Asset>> {
  const manifest = JSON.parse(await readFile(`${dir}${MANIFEST}`, 'utf8')) as Record<string, string>;
  const assets = new Map<string, Asset>();
  for (const [name, type] of Object.entries(manifest)) {
    const [body, gzip, brotli] = await Promise.all(
      [name, `${name}.gz`, `${name}.br`].map((file) => readFile(`${dir}${file}`)),
    );
    assets.set(name, { type, body: body!, gzip: gzip!, brotli: brotli!, etag: etagOf(body!) });
  }
  return assets;
}

/** All page assets by file name (`phone.js`, `hub.css`, ...): prebuilt when there, else bundled now. */
export async function buildAssets(): Promise<Map<string, Asset>> {
  const prebuilt = `${PUBLIC_DIR}${PREBUILT}`;
  return existsSync(`${prebuilt}${MANIFEST}`) ? readPrebuilt(prebuilt) : bundleAssets(PUBLIC_DIR);
}
