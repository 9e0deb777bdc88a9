/**
 * `npm run bench:profile`: where the hub server's time and memory go, next to plain Socket.IO.
 * Starts the hub stack (stack/) and the bench's plain Socket.IO server with `--cpu-prof` and
 * `--heapsnapshot-signal`, connects N idle clients (BENCH_PROFILE_CLIENTS, 5000) from generator
 * processes to each in turn, takes a heap snapshot, sends BENCH_PROFILE_EVENTS (20) broadcasts,
 * then stops the server so it writes its CPU profile. Prints, as one JSON line, the retained
 * memory per connection by object kind (heap snapshot, self sizes grouped by constructor) and the
 * functions with the most self time, for both, and where the resident memory is (V8's heap,
 * external memory, malloc) idle and loaded. BENCH_PROFILE_SETTLE_MS (3000): the rest before each
 * memory reading. Files are left in test-artifacts/bench-profiles/ (ignored by git).
 */
import { fork, type ChildProcess } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { freePort, spawnRole, startStack, type RoleProcess } from '../stack/index.js';
import { baselineScript, prepareBuild, stackBuild } from './built.js';
import type { FromGenerator, ToGenerator } from './fanout/protocol.js';
import { rssKb } from './fanout/proc.js';
import { hubMemory, perConnectionSplit, plainMemory, readMemory, type MemorySplit } from './fanout/memory.js';

const CLIENTS = Number(process.env.BENCH_PROFILE_CLIENTS ?? 5000);
const EVENTS = Number(process.env.BENCH_PROFILE_EVENTS ?? 40);
/** How long the server rests before each memory reading (idle, then loaded). */
const SETTLE_MS = Number(process.env.BENCH_PROFILE_SETTLE_MS ?? 3000);
const GENERATORS = 4;
const DIR = path.resolve('test-artifacts/bench-profiles');
const say = (msg: string) => process.stderr.write(`${msg}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

rmSync(DIR, { recursive: true, force: true });
mkdirSync(DIR, { recursive: true });

const generators: ChildProcess[] = Array.from({ length: GENERATORS }, () =>
  fork('bench/fanout/generator.ts', [], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  }),
);
const reply = (g: ChildProcess, type: FromGenerator['type']) =>
  new Promise<FromGenerator>((resolve) => {
    const on = (m: FromGenerator) => {
      if (m.type !== type) return;
      g.off('message', on);
      resolve(m);
    };
    g.on('message', on);
  });
const all = async (msg: (i: number) => ToGenerator, type: FromGenerator['type']) =>
  Promise.all(
    generators.map((g, i) => {
      const r = reply(g, type);
      g.send(msg(i));
      return r;
    }),
  );

/** Writes a heap snapshot (SIGUSR2) and waits until the file is complete. */
async function heapSnapshot(role: RoleProcess, dir: string): Promise<string> {
  const before = new Set(readdirSync(dir));
  role.child.kill('SIGUSR2');
  for (;;) {
    await sleep(500);
    const file = readdirSync(dir).find((f) => f.endsWith('.heapsnapshot') && !before.has(f));
    if (!file) continue;
    const size = statSync(path.join(dir, file)).size;
    await sleep(1500);
    if (statSync(path.join(dir, file)).size === size && size > 0) return path.join(dir, file);
  }
}

interface Snapshot {
  snapshot: { meta: { node_fields: string[]; node_types: [string[]] } };
  nodes: number[];
  strings: string[];
}

/** Self sizes grouped by kind (constructor or, for strings and code, the node type). */
function heapByKind(file: string): Map<string, { count: number; bytes: number }> {
  const snap = JSON.parse(readFileSync(file, 'utf8')) as Snapshot;
  const fields = snap.snapshot.meta.node_fields;
  const types = snap.snapshot.meta.node_types[0];
  const [fType, fName, fSize] = ['type', 'name', 'self_size'].map((f) => fields.indexOf(f)) as [number, number, number];
  const out = new Map<string, { count: number; bytes: number }>();
  for (let i = 0; i < snap.nodes.length; i += fields.length) {
    const type = types[snap.nodes[i + fType]!]!;
    const name = snap.strings[snap.nodes[i + fName]!]!;
    const kind = type === 'object' || type === 'closure' ? `${type}:${name}` : type;
    const e = out.get(kind) ?? { count: 0, bytes: 0 };
    e.count += 1;
    e.bytes += snap.nodes[i + fSize]!;
    out.set(kind, e);
  }
  return out;
}

interface CpuProfile {
  nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number } }[];
  samples: number[];
  timeDeltas: number[];
}

/** Where a function lives: a package, Node itself, the hub's own code, or V8's pseudo-frames. */
function area(fn: string, url: string): string {
  if (fn === '(garbage collector)') return 'garbage collection';
  if (fn === 'writev' || fn === 'writeUtf8String' || fn === 'writeBuffer') return 'socket writes (kernel)';
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url)?.[1];
  if (pkg) return pkg;
  if (url.startsWith('node:')) return 'node internals';
  if (/\/(server|shared|workers)\//.test(url)) return 'hub code';
  return fn.startsWith('(') ? fn : 'other';
}

/** Self time per function and per area, in ms, biggest first (heap snapshot writing left out). */
function cpuSummary(file: string, n: number) {
  const prof = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(prof.nodes.map((node) => [node.id, node]));
  const self = new Map<string, number>();
  const areas = new Map<string, number>();
  let total = 0;
  prof.samples.forEach((id, i) => {
    const node = byId.get(id)!;
    const fn = node.callFrame.functionName;
    if (fn === '(idle)' || fn === 'writeHeapSnapshot') return;
    const where = node.callFrame.url
      .replace(/^.*node_modules\//, '')
      .replace(/^file:\/\/.*?\/(server|shared)\//, '$1/');
    const key = `${node.callFrame.functionName || '(anonymous)'} ${where}:${node.callFrame.lineNumber + 1}`;
    const dt = (prof.timeDeltas[i] ?? 0) / 1000;
    self.set(key, (self.get(key) ?? 0) + dt);
    const a = area(fn, node.callFrame.url);
    areas.set(a, (areas.get(a) ?? 0) + dt);
    total += dt;
  });
  const list = (m: Map<string, number>, k: number) =>
    [...m]
      .sort((a, b) => b[1] - a[1])
      .slice(0, k)
      .map(([name, ms]) => ({ name, ms: Math.round(ms), pct: Math.round((ms / total) * 1000) / 10 }));
  return { total_ms: Math.round(total), by_area: list(areas, 15), top_functions: list(self, n) };
}

async function profileTarget(
  name: string,
  role: RoleProcess,
  url: string,
  memory: (url: string) => Promise<MemorySplit>,
  trigger: () => Promise<void>,
  dir: string,
) {
  const source = [{ pid: role.child.pid!, url, read: memory }];
  await sleep(SETTLE_MS);
  const idleKb = rssKb(role.child.pid!);
  const idleSnap = heapByKind(await heapSnapshot(role, dir));
  // Read after the snapshot: writing it leaves malloc'd memory resident, which must not count
  // as the connections'.
  const idle = await readMemory(source);
  const per = Math.ceil(CLIENTS / GENERATORS);
  const connected = (await all(() => ({ cmd: 'connect', url, count: per, perSecond: 250 }), 'connected')).reduce(
    (n, m) => n + (m.type === 'connected' ? m.connected : 0),
    0,
  );
  await sleep(SETTLE_MS);
  // Read before the heap snapshot, whose full GC would shrink the heap it is compared with.
  const loaded = await readMemory(source);
  const loadedKb = loaded.rssKb;
  const loadedSnap = heapByKind(await heapSnapshot(role, dir));
  for (let e = 0; e < EVENTS; e++) {
    await trigger();
    await sleep(1200);
  }
  await all(() => ({ cmd: 'disconnect' }), 'disconnected');
  await role.kill('SIGTERM');
  const prof = readdirSync(dir).find((f) => f.endsWith('.cpuprofile'));
  const growth = [...loadedSnap]
    .map(([kind, v]) => {
      const before = idleSnap.get(kind) ?? { count: 0, bytes: 0 };
      return { kind, count: v.count - before.count, bytes: v.bytes - before.bytes };
    })
    .sort((a, b) => b.bytes - a.bytes);
  const heapBytes = growth.reduce((n, g) => n + g.bytes, 0);
  say(`profile: ${name} done`);
  return {
    connected,
    idle_rss_mb: Math.round(idleKb / 1024),
    rss_per_connection_kb: Math.round(((loadedKb - idleKb) / connected) * 10) / 10,
    memory_per_connection: perConnectionSplit(idle, loaded, connected),
    heap_per_connection_bytes: Math.round(heapBytes / connected),
    heap_growth_by_kind: growth.slice(0, 20).map((g) => ({
      kind: g.kind,
      per_connection: Math.round((g.count / connected) * 100) / 100,
      bytes_per_connection: Math.round(g.bytes / connected),
    })),
    cpu: prof ? cpuSummary(path.join(dir, prof), 20) : null,
  };
}

const hubDir = path.join(DIR, 'hub');
const plainDir = path.join(DIR, 'socketio');
mkdirSync(hubDir);
mkdirSync(plainDir);
const nodeArgs = (dir: string) => [
  '--cpu-prof',
  `--cpu-prof-dir=${dir}`,
  `--heapsnapshot-signal=SIGUSR2`,
  `--diagnostic-dir=${dir}`,
];

await prepareBuild();
const stack = await startStack({
  ...stackBuild,
  env: { IDLE_SECONDS: '3600', TURN_SECONDS: '86400' },
  serverNodeArgs: nodeArgs(hubDir),
});
await stack.login('ada');
await stack.control('ada', { action: 'play' });
const hub = await profileTarget(
  'hub',
  stack.servers[0]!,
  stack.urls[0]!,
  hubMemory,
  () => stack.control('ada', { action: 'next' }),
  hubDir,
);
await stack.close();

const port = await freePort();
const plainRole = spawnRole('socketio', baselineScript, { PORT: String(port) }, nodeArgs(plainDir));
await plainRole.waitForLog((m) => m.msg === 'server listening');
const plainUrl = `http://127.0.0.1:${port}`;
const payload = { item: { id: 'x'.repeat(22), name: 'y'.repeat(600) }, is_playing: true };
const socketio = await profileTarget(
  'socketio',
  plainRole,
  plainUrl,
  plainMemory,
  async () => void (await fetch(`${plainUrl}/emit`, { method: 'POST', body: JSON.stringify(payload) })),
  plainDir,
);
for (const g of generators) g.disconnect();
process.stdout.write(`${JSON.stringify({ clients: CLIENTS, events: EVENTS, hub, socketio })}\n`);
process.exit(0);
