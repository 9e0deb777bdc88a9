/**
 * The contract travels with the code: every setting, HTTP route, Socket.IO event, OSC address and
 * npm script the code has must be named in docs/protocol.md. A new one without a line there fails.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { ENVIRONMENT_VARIABLES } from '../../shared/config.js';

const doc = readFileSync(path.resolve('docs/protocol.md'), 'utf8');
const named = (name: string) => doc.includes(`\`${name}\``);

function sources(dir: string, skip: RegExp = /$^/): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir)) {
    const full = path.join(dir, entry);
    if (skip.test(full)) continue;
    if (statSync(full).isDirectory()) out.push(...sources(full, skip));
    else if (full.endsWith('.ts')) out.push(full);
  }
  return out;
}
const read = (files: string[]) => files.map((f) => readFileSync(f, 'utf8')).join('\n');

describe('docs/protocol.md', () => {
  it('names every setting the hub reads', () => {
    expect(ENVIRONMENT_VARIABLES.filter((v) => !named(v))).toEqual([]);
  });

  it('names every HTTP route the server defines', () => {
    const code = read(sources('server', /server\/public/));
    const routes = [...code.matchAll(/(?:router|app)\.(?:get|post|put|delete|patch|all)\(\s*'([^']+)'/g)].map(
      (m) => m[1]!,
    );
    expect(routes.length).toBeGreaterThan(20);
    expect([...new Set(routes)].filter((r) => !named(r))).toEqual([]);
  });

  it('names every Socket.IO event, both directions', () => {
    const events = readFileSync('shared/events.ts', 'utf8');
    const block = (name: string) =>
      events.slice(
        events.indexOf(`export interface ${name}`),
        events.indexOf('}\n', events.indexOf(`export interface ${name}`)),
      );
    const names = [
      ...block('ServerToClientEvents').matchAll(/^\s+(\w+):/gm),
      ...block('ClientToServerEvents').matchAll(/^\s+(\w+):/gm),
    ].map((m) => m[1]!);
    expect(names).toContain('now_playing');
    expect(names.filter((n) => !named(n))).toEqual([]);
  });

  it('names every OSC address the bridge sends', () => {
    const code = read(sources('workers/bridge'));
    const addresses = [...code.matchAll(/'(\/np\/[a-z_/]+)'/g)].map((m) => m[1]!);
    expect(addresses).toContain('/np/progress');
    expect([...new Set(addresses)].filter((a) => !named(a))).toEqual([]);
  });

  it('names every npm script', () => {
    const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { scripts: Record<string, string> };
    expect(Object.keys(pkg.scripts).filter((s) => !named(`npm run ${s}`) && !named(`npm ${s}`))).toEqual([]);
  });
});
