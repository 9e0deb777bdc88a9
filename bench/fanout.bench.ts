/**
 * Fan-out benchmark (`npm run bench`; `npm run bench -- --quick` for a run under two minutes).
 *
 * Two targets, measured side by side in one run by the same client generators with the same
 * payload:
 * - `hub`: the real stack from stack/ — a private Redis, one server process, one poll worker and
 *   the simulated Spotify — where every event takes the real path: a track change in the simulator
 *   → poll → worker → Redis → server → clients;
 * - `socketio`: a plain Socket.IO server of the same version (bench/fanout/baseline-server.ts)
 *   broadcasting a copy of the hub's own `now_playing` payload with `io.emit`, with the hub's
 *   keyframe every 5 s.
 * Clients live in several generator processes (bench/fanout/generator.ts), connected at a bounded
 * rate, all connected before measuring. Each size runs `rounds` times, the order of the targets
 * alternating, so drifting load on the machine hits both alike. After a warm-up, each event's
 * latency is from the payload's `server_time` to each client's receipt (and, for the hub, from the
 * change in the simulator); CPU and RSS of each server process come from /proc. A second hub stack
 * with two server processes behind the Redis adapter joins the rounds of the largest size.
 *
 * Knobs: BENCH_SIZES (1000,5000,10000,19800), BENCH_EVENTS (30), BENCH_WARMUP (3), BENCH_ROUNDS (2),
 * BENCH_GENERATORS (4), BENCH_CONNECT_RATE (connections a second, 1000), BENCH_SETTLE_MS (from the
 * last connection to the RSS reading, 15000), BENCH_TWO_SERVERS (the
 * size, one of BENCH_SIZES, whose rounds also measure the two-server stack; the largest by default,
 * 0 leaves it out). The largest default size stays under this machine's
 * open-file limit of 20,000 (each server holds one descriptor per client plus its own).
 */
import { fork, type ChildProcess } from 'node:child_process';
import os from 'node:os';
import { io } from 'socket.io-client';
import { baselineScript, prepareBuild, runKind, stackBuild } from './built.js';
import { freePort, spawnRole, startStack, type RoleProcess, type Stack } from '../stack/index.js';
import { cpuMs, rssKb } from './fanout/proc.js';
import {
  hubMemory,
  meanReading,
  perConnectionSplit,
  plainMemory,
  readMemory,
  type MemoryReading,
  type MemorySource,
} from './fanout/memory.js';
import type { FromGenerator, Receipts, ToGenerator } from './fanout/protocol.js';
import { median, round1, summarize, type Summary } from './fanout/stats.js';

const QUICK = process.argv.includes('--quick');
const numbers = (name: string, fallback: number[]) => {
  const raw = (process.env as Record<string, string | undefined>)[name];
  const list = (raw ?? '')
    .split(',')
    .filter((v) => v.trim() !== '')
    .map(Number)
    .filter((n) => Number.isFinite(n) && n >= 0);
  return list.length > 0 ? list : fallback;
};
const SIZES = numbers('BENCH_SIZES', QUICK ? [500, 2000] : [1000, 5000, 10000, 19800]).filter((n) => n > 0);
const EVENTS = numbers('BENCH_EVENTS', [QUICK ? 8 : 30])[0]!;
const WARMUP = numbers('BENCH_WARMUP', [QUICK ? 1 : 3])[0]!;
const ROUNDS = numbers('BENCH_ROUNDS', [QUICK ? 1 : 2])[0]!;
const GENERATORS = numbers('BENCH_GENERATORS', [4])[0]!;
const CONNECT_RATE = numbers('BENCH_CONNECT_RATE', [1000])[0]!;
// The two-server stack joins the rounds of this size (one of SIZES; 0 leaves it out).
const TWO_SERVERS_ASKED = numbers('BENCH_TWO_SERVERS', [SIZES.at(-1)!])[0]!;
const TWO_SERVERS = TWO_SERVERS_ASKED === 0 ? 0 : SIZES.includes(TWO_SERVERS_ASKED) ? TWO_SERVERS_ASKED : SIZES.at(-1)!;
const INTERVAL = 1000;
const EVENT_TIMEOUT_MS = 15_000;

const say = (msg: string) => process.stderr.write(`${new Date().toISOString().slice(11, 19)} ${msg}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// --- client generators -------------------------------------------------------------------------

interface Generator {
  child: ChildProcess;
  send(msg: ToGenerator): void;
  next<T extends FromGenerator['type']>(
    type: T,
    match?: (m: Extract<FromGenerator, { type: T }>) => boolean,
  ): Promise<Extract<FromGenerator, { type: T }>>;
  on(listener: (m: FromGenerator) => void): () => void;
}

function startGenerator(): Generator {
  const child = fork('bench/fanout/generator.ts', [], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  const listeners = new Set<(m: FromGenerator) => void>();
  child.on('message', (m: FromGenerator) => {
    for (const l of [...listeners]) l(m);
  });
  const on = (l: (m: FromGenerator) => void) => {
    listeners.add(l);
    return () => listeners.delete(l);
  };
  return {
    child,
    send: (msg) => child.send(msg),
    on,
    next: (type, match = () => true) =>
      new Promise((resolve) => {
        const off = on((m) => {
          if (m.type === type && match(m as never)) {
            off();
            resolve(m as never);
          }
        });
      }),
  };
}

const generators = Array.from({ length: GENERATORS }, startGenerator);
process.once('exit', () => {
  for (const g of generators) g.child.kill('SIGKILL');
});

/** Connects `count` clients spread over the generators (generator i to urls[i % urls.length]). */
async function connectClients(urls: readonly string[], count: number): Promise<number> {
  const replies = generators.map((g, i) => {
    const share = Math.floor(count / GENERATORS) + (i < count % GENERATORS ? 1 : 0);
    const reply = g.next('connected');
    g.send({ cmd: 'connect', url: urls[i % urls.length]!, count: share, perSecond: CONNECT_RATE / GENERATORS });
    return reply;
  });
  const done = await Promise.all(replies);
  const failed = done.reduce((n, r) => n + r.failed, 0);
  if (failed > 0) {
    const reasons: Record<string, number> = {};
    for (const r of done) for (const [why, n] of Object.entries(r.reasons)) reasons[why] = (reasons[why] ?? 0) + n;
    say(`bench: ${failed} connections failed: ${JSON.stringify(reasons)}`);
  }
  return done.reduce((n, r) => n + r.connected, 0);
}

async function disconnectClients(): Promise<void> {
  await Promise.all(
    generators.map((g) => {
      const reply = g.next('disconnected');
      g.send({ cmd: 'disconnect' });
      return reply;
    }),
  );
}

/**
 * Causes one event and waits until every generator reports it as received by all its clients, or
 * until the timeout; answers the receipts of that event from each generator (partial on timeout).
 * Listens before triggering: a fast broadcast can complete before the trigger's reply arrives.
 */
async function triggerAndAwait(trigger: () => Promise<(r: Receipts) => boolean>): Promise<Receipts[]> {
  const got = new Map<Generator, Receipts>();
  const early: [Generator, Receipts][] = [];
  let match: ((r: Receipts) => boolean) | null = null;
  let resolveComplete = () => {};
  const complete = new Promise<void>((resolve) => (resolveComplete = resolve));
  const take = (g: Generator, r: Receipts) => {
    if (!match!(r)) return;
    got.set(g, r);
    if (got.size === generators.length) resolveComplete();
  };
  const offs = generators.map((g) =>
    g.on((m) => {
      if (m.type !== 'complete') return;
      if (match) take(g, m);
      else early.push([g, m]);
    }),
  );
  match = await trigger();
  for (const [g, r] of early) take(g, r);
  const timedOut = await Promise.race([complete.then(() => false), sleep(EVENT_TIMEOUT_MS).then(() => true)]);
  for (const off of offs) off();
  if (!timedOut) return [...got.values()];
  const reports = await Promise.all(
    generators.map((g) => {
      const reply = g.next('report');
      g.send({ cmd: 'report' });
      return reply;
    }),
  );
  const m = match;
  return reports.flatMap((r) => r.receipts.filter(m));
}

// --- targets -----------------------------------------------------------------------------------

interface Target {
  readonly name: 'hub' | 'hub-2-servers' | 'socketio';
  readonly urls: readonly string[];
  readonly pids: readonly number[];
  /** Where each server process's memory is read. */
  readonly memory: readonly MemorySource[];
  /** Causes one broadcast; answers which receipts belong to it. */
  trigger(): Promise<(r: Receipts) => boolean>;
}

function hubTarget(stack: Stack, name: Target['name'] = 'hub'): Target {
  const playback = () => stack.sim.state.listeners.get('ada')!.playback;
  return {
    name,
    urls: stack.urls,
    pids: stack.servers.map((s) => s.child.pid!),
    memory: stack.servers.map((s, i) => ({ pid: s.child.pid!, url: stack.urls[i]!, read: hubMemory })),
    async trigger() {
      const at = Date.now();
      await stack.control('ada', { action: 'next' });
      const id = playback().playlist[playback().index]!;
      return (r) => r.item === id && r.serverTime >= at;
    },
  };
}

function baselineTarget(role: RoleProcess, url: string, payload: unknown): Target {
  return {
    name: 'socketio',
    urls: [url],
    pids: [role.child.pid!],
    memory: [{ pid: role.child.pid!, url, read: plainMemory }],
    async trigger() {
      const res = await fetch(`${url}/emit`, { method: 'POST', body: JSON.stringify(payload) });
      const { seq, server_time } = (await res.json()) as { seq: number; server_time: number };
      // That broadcast, not a keyframe repeating its seq later.
      return (r) => r.key === `${seq}/${server_time}`;
    },
  };
}

// --- measuring ---------------------------------------------------------------------------------

interface Measured {
  connected: number;
  events: number;
  missed: number;
  /** server_time → receipt, every client of every event. */
  fanout: number[];
  /** trigger → receipt (for the hub: the change in the simulator → the screen). */
  endToEnd: number[];
  cpuMsPerEvent: number[];
  /** The servers' memory once the clients are connected and settled. */
  memory: MemoryReading;
}

/** How long clients stay connected before the server's RSS is read (BENCH_SETTLE_MS). */
const CONNECTED_SETTLE_MS = numbers('BENCH_SETTLE_MS', [15_000])[0]!;

async function measure(target: Target, size: number, events: number): Promise<Measured> {
  const connected = await connectClients(target.urls, size);
  // Memory is read once the connecting is over and the collector has had time to catch up (the
  // handshakes' garbage would otherwise count as per-connection memory).
  await sleep(QUICK ? 1000 : CONNECTED_SETTLE_MS);
  const memory = await readMemory(target.memory);
  const out: Measured = { connected, events: 0, missed: 0, fanout: [], endToEnd: [], cpuMsPerEvent: [], memory };
  for (const g of generators) g.send({ cmd: 'arm' });
  for (let e = 0; e < WARMUP + events; e++) {
    const cpu0 = target.pids.reduce((n, pid) => n + cpuMs(pid), 0);
    const t0 = Date.now();
    const receipts = await triggerAndAwait(() => target.trigger());
    const cpu1 = target.pids.reduce((n, pid) => n + cpuMs(pid), 0);
    const received = receipts.reduce((n, r) => n + r.times.length, 0);
    if (e >= WARMUP) {
      out.events += 1;
      out.missed += Math.max(0, connected - received);
      for (const r of receipts)
        for (const at of r.times) {
          out.fanout.push(at - r.serverTime);
          out.endToEnd.push(at - t0);
        }
      out.cpuMsPerEvent.push(cpu1 - cpu0);
    }
    // The next change at a uniformly random phase of the poll interval: a pause drawn over one whole
    // interval, after the broadcast settled. (A shorter draw would put every change at about the
    // same distance after the poll that sent the last broadcast, and change → screen would measure
    // that distance rather than the wait for the next poll.)
    await sleep(200 + Math.random() * INTERVAL);
  }
  await disconnectClients();
  await sleep(QUICK ? 1000 : 3000);
  return out;
}

interface Row {
  connected: number;
  events: number;
  missed: number;
  latency_ms: Summary;
  change_to_screen_ms?: Summary;
  cpu_ms_per_event: number;
  server_rss_mb: number;
  rss_per_connection_kb: number;
  /** Where that memory is: V8's heap (committed, used), external memory, the rest. */
  memory_per_connection: Omit<ReturnType<typeof perConnectionSplit>, 'totals_mb'>;
}

function row(target: Target, parts: Measured[], idleMemory: MemoryReading): Row {
  const connected = Math.round(parts.reduce((n, p) => n + p.connected, 0) / parts.length);
  const loaded = meanReading(parts.map((p) => p.memory));
  const rss = loaded.rssKb;
  const { totals_mb: _totals, ...split } = perConnectionSplit(idleMemory, loaded, connected);
  return {
    connected,
    events: parts.reduce((n, p) => n + p.events, 0),
    missed: parts.reduce((n, p) => n + p.missed, 0),
    latency_ms: summarize(parts.flatMap((p) => p.fanout)),
    ...(target.name !== 'socketio' ? { change_to_screen_ms: summarize(parts.flatMap((p) => p.endToEnd)) } : {}),
    cpu_ms_per_event: median(parts.flatMap((p) => p.cpuMsPerEvent)),
    server_rss_mb: Math.round(rss / 1024),
    // Growth over the same process with no clients, per connected client.
    rss_per_connection_kb: round1((rss - idleMemory.rssKb) / Math.max(1, connected)),
    memory_per_connection: split,
  };
}

/**
 * A server with no clients for `ms`: RSS at the end of the window (settled: V8 gives memory back a
 * while after the last activity), the highest RSS seen in it, and the CPU used.
 */
async function idle(
  target: Target,
  ms: number,
): Promise<{ rss_mb: number; rss_peak_mb: number; cpu_pct: number; memory: MemoryReading }> {
  const pids = target.pids;
  const rss = () => pids.reduce((n, pid) => n + rssKb(pid), 0);
  const cpu0 = pids.reduce((n, pid) => n + cpuMs(pid), 0);
  let peak = rss();
  for (const end = Date.now() + ms; Date.now() < end;) {
    await sleep(Math.min(1000, end - Date.now()));
    peak = Math.max(peak, rss());
  }
  const cpu1 = pids.reduce((n, pid) => n + cpuMs(pid), 0);
  const memory = await readMemory(target.memory);
  return {
    rss_mb: Math.round(memory.rssKb / 1024),
    rss_peak_mb: Math.round(Math.max(peak, memory.rssKb) / 1024),
    cpu_pct: round1(((cpu1 - cpu0) / ms) * 100),
    memory,
  };
}

/** Extra node flags for the hub's server processes, for experiments (e.g. `--max-semi-space-size=64`). */
const HUB_NODE_ARGS = (process.env.BENCH_HUB_NODE_ARGS ?? '').split(' ').filter(Boolean);

await prepareBuild();

async function startHubStack(servers: number): Promise<Stack> {
  const stack = await startStack({
    servers,
    ...stackBuild,
    serverNodeArgs: HUB_NODE_ARGS,
    pollIntervalMs: INTERVAL,
    env: { IDLE_SECONDS: '3600', TURN_SECONDS: '86400' },
  });
  await stack.login('ada');
  await stack.login('grace');
  await stack.control('ada', { action: 'play' });
  return stack;
}

/**
 * Plays every track of the driver's playlist once, so each album's palette is known: a track whose
 * palette is not yet known goes out twice (at once without colours, then with them), which would
 * put a second broadcast into some measured events but not others.
 */
async function warmPalettes(stack: Stack): Promise<void> {
  const { playlist } = stack.sim.state.listeners.get('ada')!.playback;
  for (let i = 0; i < playlist.length; i++) {
    await stack.control('ada', { action: 'next' });
    await sleep(1200);
  }
}

/** The hub's current `now_playing`, as a phone gets it on connecting. */
async function hubPayload(url: string): Promise<Record<string, unknown>> {
  const socket = io(url, { transports: ['websocket'], forceNew: true, reconnection: false });
  try {
    for (;;) {
      const p = await new Promise<Record<string, unknown>>((resolve) => socket.once('now_playing', resolve));
      if (p.item) return p;
    }
  } finally {
    socket.close();
  }
}

// --- the run -----------------------------------------------------------------------------------

say(
  `bench fanout: sizes ${SIZES.join(', ')}; ${EVENTS} events (+${WARMUP} warm-up) × ${ROUNDS} rounds; ${GENERATORS} generators`,
);
const stack = await startHubStack(1);
// Two server processes sharing the broadcast through the Redis adapter, clients split evenly.
const pairStack = TWO_SERVERS > 0 ? await startHubStack(2) : null;
const baselinePort = await freePort();
const baselineRole = spawnRole('socketio', baselineScript, { PORT: String(baselinePort) });
await baselineRole.waitForLog((m) => m.msg === 'server listening');
const baselineUrl = `http://127.0.0.1:${baselinePort}`;

// (Not in --quick, which checks that the bench works rather than measuring.)
if (!QUICK) {
  say('bench: warming palettes (one pass over the playlist)');
  await Promise.all([warmPalettes(stack), ...(pairStack ? [warmPalettes(pairStack)] : [])]);
} else await sleep(2500);
const payload = await hubPayload(stack.urls[0]!);
const hub = hubTarget(stack);
const pair = pairStack ? hubTarget(pairStack, 'hub-2-servers') : null;
const baseline = baselineTarget(baselineRole, baselineUrl, payload);
const packetBytes = (p: unknown) => Buffer.byteLength(`42${JSON.stringify(['now_playing', p])}`);

// Warm the servers (JIT, first connections) before measuring them idle.
for (const t of [hub, baseline, ...(pair ? [pair] : [])]) await measure(t, 200, QUICK ? 1 : 3);
const idleMs = QUICK ? 3000 : 30_000;
const [hubIdle, baselineIdle, pairIdle] = await Promise.all([
  idle(hub, idleMs),
  idle(baseline, idleMs),
  pair ? idle(pair, idleMs) : null,
]);
const idleSummary = ({ memory: _memory, ...rest }: Awaited<ReturnType<typeof idle>>) => rest;
say(`bench: idle hub ${JSON.stringify(idleSummary(hubIdle))}, socketio ${JSON.stringify(idleSummary(baselineIdle))}`);

const ratio = (a: number, b: number) => Math.round((a / Math.max(0.1, b)) * 100) / 100;
const runs: Record<string, unknown>[] = [];
let twoServers: Record<string, unknown> | null = null;
for (const [si, size] of SIZES.entries()) {
  const targets = [hub, ...(pair && size === TWO_SERVERS ? [pair] : []), baseline];
  const parts = new Map<Target, Measured[]>(targets.map((t) => [t, []]));
  for (let r = 0; r < ROUNDS; r++) {
    const order = (si + r) % 2 === 0 ? targets : [...targets].reverse();
    for (const t of order) {
      say(`bench: ${size} clients, round ${r + 1}/${ROUNDS}, ${t.name}`);
      const m = await measure(t, size, EVENTS);
      parts.get(t)!.push(m);
      say(`bench:   p99 ${summarize(m.fanout).p99} ms, missed ${m.missed}, cpu/event ${median(m.cpuMsPerEvent)} ms`);
    }
  }
  const h = row(hub, parts.get(hub)!, hubIdle.memory);
  const b = row(baseline, parts.get(baseline)!, baselineIdle.memory);
  runs.push({
    clients: size,
    hub: h,
    socketio: b,
    p99_ratio: ratio(h.latency_ms.p99, b.latency_ms.p99),
    cpu_ratio: ratio(h.cpu_ms_per_event, b.cpu_ms_per_event),
    rss_per_connection_ratio: ratio(h.rss_per_connection_kb, b.rss_per_connection_kb),
  });
  if (pair && pairIdle && size === TWO_SERVERS) {
    const p = row(pair, parts.get(pair)!, pairIdle.memory);
    twoServers = { clients: size, servers: 2, ...p, p99_ratio_to_socketio: ratio(p.latency_ms.p99, b.latency_ms.p99) };
  }
  say(`bench: ${JSON.stringify(runs.at(-1))}`);
}
await baselineRole.kill();
await stack.close();
await pairStack?.close();

for (const g of generators) g.child.disconnect();

const at = (n: number) =>
  runs.find((r) => r.clients === n) as { hub: Row; socketio: Row; p99_ratio: number } | undefined;
const tenK = at(10000);
process.stdout.write(
  `${JSON.stringify({
    runs,
    idle: {
      seconds: idleMs / 1000,
      hub: { rss_mb: hubIdle.rss_mb, rss_peak_mb: hubIdle.rss_peak_mb, cpu_pct: hubIdle.cpu_pct },
      socketio: {
        rss_mb: baselineIdle.rss_mb,
        rss_peak_mb: baselineIdle.rss_peak_mb,
        cpu_pct: baselineIdle.cpu_pct,
      },
    },
    two_servers: twoServers,
    payload_bytes: {
      hub: packetBytes(payload),
      socketio: packetBytes({ ...payload, seq: 1, server_time: Date.now() }),
    },
    events_per_size: EVENTS * ROUNDS,
    warmup_events: WARMUP,
    rounds: ROUNDS,
    generators: GENERATORS,
    connect_rate_per_s: CONNECT_RATE,
    hub_node_args: HUB_NODE_ARGS,
    run: runKind,
    poll_interval_ms: INTERVAL,
    goals: {
      p99_ratio_max: 0.8,
      change_to_screen_10k: tenK?.hub.change_to_screen_ms
        ? {
            p50: tenK.hub.change_to_screen_ms.p50,
            p50_limit: INTERVAL / 2 + 50,
            p99: tenK.hub.change_to_screen_ms.p99,
            p99_limit: INTERVAL + 150,
          }
        : null,
    },
    machine: {
      cpus: os.cpus().length,
      model: os.cpus()[0]?.model ?? '',
      node: process.version,
      date: new Date().toISOString(),
    },
  })}\n`,
);
process.exit(0);
