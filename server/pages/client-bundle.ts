/**
 * Builds the pages' scripts with esbuild when the server starts (no separate build step), keeps
 * them in memory with gzip and brotli variants, and serves them with an ETag.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, constants as zlib, gzipSync } from 'node:zlib';
import { build } from 'esbuild';

export const PUBLIC_DIR = fileURLToPath(new URL('../public/', import.meta.url));

export interface Asset {
  type: string;
  body: Buffer;
  gzip: Buffer;
  brotli: Buffer;
  etag: string;
}

function asset(type: string, body: Buffer): Asset {
  return {
    type,
    body,
    gzip: gzipSync(body, { level: 9 }),
    brotli: brotliCompressSync(body, { params: { [zlib.BROTLI_PARAM_QUALITY]: 11 } }),
    etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"`,
  };
}

export const ENTRY_POINTS = ['phone', 'operator', 'display'] as const;

/** All page assets by file name (`phone.js`, `hub.css`, ...). */
export async function buildAssets(): Promise<Map<string, Asset>> {
  const result = await build({
    entryPoints: Object.fromEntries(ENTRY_POINTS.map((name) => [name, `${PUBLIC_DIR}src/${name}.ts`])),
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
    assets.set(file.path.split('/').pop()!, asset('text/javascript; charset=utf-8', Buffer.from(file.contents)));
  }
  assets.set('hub.css', asset('text/css; charset=utf-8', await readFile(`${PUBLIC_DIR}hub.css`)));
  return assets;
}
