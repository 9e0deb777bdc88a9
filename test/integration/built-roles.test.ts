/**
 * `npm run build` (scripts/build.ts): the compiled roles run on plain node, with no tsx, and do
 * the whole job — pages with their bundled scripts, a login, a poll, the palette worker thread
 * and the broadcast to a phone.
 */
import { jest } from '@jest/globals';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import { buildHub } from '../../scripts/build.js';
import { startStack, type Stack } from '../../stack/index.js';
import { RecordingSocket } from '../helpers/socket-client.js';

jest.setTimeout(120_000);

const OUT = `test-artifacts/built-roles-${process.pid}`;
let stack: Stack;
let phone: RecordingSocket | null = null;

beforeAll(async () => {
  await buildHub(`${process.cwd()}/${OUT}`);
  stack = await startStack({ builtDir: OUT, pollIntervalMs: 400 });
}, 90_000);

afterAll(async () => {
  phone?.close();
  await stack?.close();
  await rm(OUT, { recursive: true, force: true });
});

test('the build holds every role as JavaScript and the files they read at run time', () => {
  for (const file of [
    'bin/start.js',
    'server/main.js',
    'workers/poll.main.js',
    'workers/bridge.main.js',
    'workers/palette/palette.worker.js',
    'server/public/phone.html',
    'server/public/src/phone.ts',
    'simulator/catalog-data.json',
  ])
    expect(existsSync(`${OUT}/${file}`)).toBe(true);
});

test('the compiled roles run on node without tsx', () => {
  for (const role of [...stack.servers, ...stack.workers]) {
    expect(role.child.spawnargs).not.toContain('tsx');
    expect(role.child.spawnargs.some((a) => a.endsWith('.js'))).toBe(true);
  }
});

test('the compiled server serves the pages and their scripts', async () => {
  const page = await fetch(`${stack.urls[0]}/`);
  expect(page.status).toBe(200);
  const html = await page.text();
  const script = /<script[^>]+src="([^"]+)"/.exec(html)?.[1];
  expect(script).toBeDefined();
  const js = await fetch(new URL(script!, stack.urls[0]));
  expect(js.status).toBe(200);
  expect((await js.text()).length).toBeGreaterThan(1000);
});

/** Command lines of the processes whose parent is `pid`. */
function childCommands(pid: number): string[] {
  const out: string[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      // Field 4 of /proc/PID/stat is the parent; the name before it may hold spaces, in parentheses.
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === pid) out.push(readFileSync(`/proc/${entry}/cmdline`, 'utf8').replaceAll('\0', ' '));
    } catch {
      // The process ended while we looked.
    }
  }
  return out;
}

test('the compiled server serves the scripts the build bundled and compressed, and runs no bundler', async () => {
  const assets = `${OUT}/server/public/assets`;
  for (const name of ['phone.js', 'operator.js', 'display.js', 'hub.css']) {
    const plain = await fetch(`${stack.urls[0]}/assets/${name}`, { headers: { 'accept-encoding': 'identity' } });
    expect(Buffer.from(await plain.arrayBuffer())).toEqual(await readFile(`${assets}/${name}`));
  }
  const br = await fetch(`${stack.urls[0]}/assets/phone.js`, { headers: { 'accept-encoding': 'br' } });
  expect(br.headers.get('content-encoding')).toBe('br');
  expect(childCommands(stack.servers[0]!.child.pid!).filter((c) => c.includes('esbuild'))).toEqual([]);
});

test('a driver’s track reaches a phone with its colours from the palette worker thread', async () => {
  await stack.login('ada');
  await stack.control('ada', { action: 'play' });
  phone = new RecordingSocket(stack.urls[0]!);
  const shown = await phone.next('now_playing', (p) => p.state === 'playing' && !!p.item?.palette, 30_000);
  expect(Object.values(shown.item!.palette!).some((v) => typeof v === 'string' && /^#[0-9a-f]{6}$/.test(v))).toBe(true);
});
