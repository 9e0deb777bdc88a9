/**
 * shared/hub-state/ is bundled into the pages by esbuild and imported by the bridge: it must stay
 * pure. Its files import one another, and the wire types only as types; nothing from Node, Redis
 * or any package, and no global clock (time comes in as an argument or an injected function).
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { build } from 'esbuild';

const dir = path.resolve('shared/hub-state');
const files = readdirSync(dir).filter((f) => f.endsWith('.ts'));
const source = (f: string) => readFileSync(path.join(dir, f), 'utf8');

describe('shared/hub-state stays pure', () => {
  it('imports only its own files, and the wire types as types', () => {
    expect(files).toContain('index.ts');
    const bad: string[] = [];
    for (const f of files) {
      for (const m of source(f).matchAll(/^(import|export)\s+(type\s+)?[^;]*?from\s+'([^']+)'/gm)) {
        const [statement, , typeOnly, target] = m;
        const own = target!.startsWith('./');
        const wireTypes = target === '../events.js' && typeOnly !== undefined;
        if (!own && !wireTypes) bad.push(`${f}: ${statement}`);
      }
    }
    expect(bad).toEqual([]);
  });

  it('reads no clock of its own', () => {
    const bad = files.filter((f) => /\bDate\.now\b|\bperformance\.now\b|\bnew Date\(/.test(source(f)));
    expect(bad).toEqual([]);
  });

  it('bundles for the browser with nothing external', async () => {
    const result = await build({
      entryPoints: [path.join(dir, 'index.ts')],
      bundle: true,
      platform: 'browser',
      format: 'esm',
      write: false,
      metafile: true,
      logLevel: 'silent',
    });
    const inputs = Object.keys(result.metafile.inputs);
    expect(inputs.filter((i) => !i.startsWith('shared/hub-state/') && i !== 'shared/events.ts')).toEqual([]);
  });
});
