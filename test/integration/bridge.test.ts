import WebSocket from 'ws';
import { createLogger } from '../../shared/logger.js';
import type { NowPlaying } from '../../shared/events.js';
import { startServer, type RunningServer } from '../../server/index.js';
import { startPollWorker, type RunningPollWorker } from '../../workers/poll.worker.js';
import { startBridge, type RunningBridge } from '../../workers/bridge/bridge.js';
import { NUMERIC_ADDRESSES, STRING_ADDRESSES } from '../../workers/bridge/osc-output.js';
import { CookieClient } from '../helpers/cookie-client.js';
import { TEST_RATE_LIMITS, loginThroughSimulator, startTestHub, type TestHub } from '../helpers/hub.js';
import { OscReceiver } from '../helpers/osc-receiver.js';
import { freePort } from '../helpers/ports.js';
import { startTestRedis, type TestRedis } from '../helpers/redis-server.js';
import { RecordingSocket } from '../helpers/socket-client.js';
import { measureFor, until } from '../helpers/wait.js';
import { captureLog, type CapturedLog } from '../helpers/log-capture.js';

const INTERVAL = 250;
const RATE = 30;
const silent = createLogger({ level: 'silent' });
let redis: TestRedis;
let hub: TestHub;
let server: RunningServer;
let worker: RunningPollWorker;
let osc: OscReceiver;
let bridge: RunningBridge;
let viewer: RecordingSocket;
let bridgeLog: CapturedLog;

beforeAll(async () => {
  redis = await startTestRedis();
  hub = await startTestHub(redis.url, { env: { POLL_INTERVAL_MS: String(INTERVAL) } });
  server = hub.server;
  worker = await startPollWorker(hub.config, silent, { slowMs: 1000 });
  await loginThroughSimulator(new CookieClient(), hub.url, 'ada');
  viewer = new RecordingSocket(hub.url);
  await viewer.next('now_playing', (p) => p.state === 'playing');
  osc = await OscReceiver.start();
  bridgeLog = captureLog('info');
  bridge = await startBridge({
    hubUrl: hub.url,
    token: 'bridge-token-for-tests',
    oscHost: '127.0.0.1',
    oscPort: osc.port,
    oscRateHz: RATE,
    wsPort: 0,
    wsHost: '127.0.0.1',
    log: bridgeLog.log,
  });
});
afterAll(async () => {
  viewer?.close();
  await bridge?.close();
  osc?.close();
  await worker?.close();
  await server?.close();
  await redis?.dispose();
});

const control = (action: string) =>
  fetch(`${hub.url}/sim/control/listeners/ada/playback`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ action }),
  });

/** Where the hub says playback is right now, from the last event and the true clock. */
function expectedPositionS(p: NowPlaying): number {
  const moving = p.is_playing ? Date.now() - p.server_time : 0;
  return Math.min(p.item!.duration_ms, p.progress_ms + moving) / 1000;
}
/**
 * Waits until the bridge shows the hub's state and no /np/changed pulse is running (its first
 * item's pulse ends a frame after the metadata), so each test starts from the same place whatever
 * ran before it.
 */
async function bridgeSettled(): Promise<void> {
  await until(
    () => [bridge.status(), osc.last('/np/id')?.value, osc.last('/np/changed')?.value],
    ([status, id, changed]) => status === 'connected' && id !== undefined && changed === 0,
    15_000,
    'the bridge settled on the hub’s state',
  );
}
const lastNowPlaying = () => viewer.events.filter((e) => e.event === 'now_playing').at(-1)!.payload as NowPlaying;

describe('TouchDesigner bridge', () => {
  it('sends every OSC address with the right type', async () => {
    const all = [...NUMERIC_ADDRESSES, ...STRING_ADDRESSES];
    await until(
      () => all.filter((a) => osc.last(a) === undefined),
      (missing) => missing.length === 0,
      20_000,
      'every address',
    );
    const types = Object.fromEntries(all.map((a) => [a, osc.last(a)!.type]));
    expect(types).toEqual({
      '/np/playing': 'i',
      '/np/progress': 'f',
      '/np/position': 'f',
      '/np/duration': 'f',
      '/np/changed': 'i',
      '/np/queue': 'i',
      '/np/track': 's',
      '/np/artist': 's',
      '/np/album': 's',
      '/np/art': 's',
      '/np/id': 's',
      '/np/user': 's',
    });
    await until(
      () => osc.last('/np/user')?.value,
      (v) => v === 'Ada Lovelace',
      15_000,
      'the user',
    );
    expect(osc.last('/np/art')!.value).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/sim\/images\//);
  });

  it('streams progress at OSC_RATE_HZ, never faster (a starved machine may send fewer)', async () => {
    await bridgeSettled();
    const from = Date.now();
    await measureFor(2000);
    const n = osc.of('/np/progress', from).filter((m) => m.at < from + 2000).length;
    // The exact rate is the bench's business; here: a stream, and never a flood past the setting.
    expect(n).toBeGreaterThanOrEqual(RATE * 2 * 0.3);
    expect(n).toBeLessThanOrEqual(RATE * 2 * 1.2);
  });

  it('keeps progress monotonic while playing and frozen while paused', async () => {
    await bridgeSettled();
    await control('play');
    await until(
      () => osc.last('/np/playing')?.value,
      (v) => v === 1,
      15_000,
      'playing',
    );
    let from = Date.now();
    await measureFor(600);
    const playing = osc.of('/np/position', from).map((m) => m.value as number);
    for (let i = 1; i < playing.length; i++) expect(playing[i]!).toBeGreaterThanOrEqual(playing[i - 1]!);
    expect(playing.at(-1)! - playing[0]!).toBeGreaterThan(0.3);

    await control('pause');
    await until(
      () => osc.last('/np/playing')?.value,
      (v) => v === 0,
      15_000,
      'paused',
    );
    from = Date.now();
    await measureFor(500);
    const paused = new Set(osc.of('/np/position', from).map((m) => m.value));
    expect(paused.size).toBe(1);
    await control('play');
    await until(
      () => osc.last('/np/playing')?.value,
      (v) => v === 1,
      15_000,
      'playing again',
    );
  });

  it('gets a track change to OSC, with a /np/changed pulse', async () => {
    await bridgeSettled();
    const before = osc.last('/np/id')!.value;
    const t = Date.now();
    await control('next');
    // How fast is measured by the bench; here: the new id arrives, with its pulse.
    await until(
      () => osc.of('/np/id', t).find((m) => m.value !== before),
      (m) => m !== undefined,
      15_000,
      'a new id',
    );
    expect(osc.of('/np/changed', t).some((m) => m.value === 1)).toBe(true);
    await until(
      () => osc.last('/np/changed')?.value,
      (v) => v === 0,
      5000,
      'the pulse to end',
    );
  });

  it('sends /np/changed only as a pulse, 1 then 0 once per new item, and not every second', async () => {
    await bridgeSettled();
    const quiet = Date.now();
    await measureFor(2500);
    expect(osc.of('/np/changed', quiet)).toHaveLength(0);
    const t = Date.now();
    await control('next');
    await until(
      () => osc.of('/np/changed', t).length,
      (n) => n >= 2,
      15_000,
      'the pulse',
    );
    await measureFor(1500);
    expect(osc.of('/np/changed', t).map((m) => m.value)).toEqual([1, 0]);
  });

  it('serves a plain WebSocket: the current state at once, then one JSON message per event', async () => {
    const ws = new WebSocket(`ws://127.0.0.1:${bridge.wsPort}`);
    const messages: { event: string; data: { seq?: number; item?: { id: string } | null } }[] = [];
    ws.on('message', (raw) => messages.push(JSON.parse((raw as Buffer).toString('utf8'))));
    await until(
      () => messages.length,
      (n) => n >= 2,
      15_000,
      'the current state',
    );
    // The first two are the current state (an event of the hub may follow at any moment).
    expect(
      messages
        .slice(0, 2)
        .map((m) => m.event)
        .sort(),
    ).toEqual(['now_playing', 'queue']);
    const shown = messages.find((m) => m.event === 'now_playing')!.data.item?.id;
    await control('next');
    await until(
      () => messages.some((m) => m.event === 'now_playing' && m.data.item?.id !== shown),
      (v) => v,
      15_000,
      'the next item as an event',
    );
    ws.close();
  });

  it('gives correct progress with a 5 s clock skew between bridge and hub', async () => {
    const skewedOsc = await OscReceiver.start();
    const skewed = await startBridge({
      hubUrl: hub.url,
      token: 'bridge-token-for-tests',
      oscHost: '127.0.0.1',
      oscPort: skewedOsc.port,
      oscRateHz: RATE,
      wsPort: 0,
      wsHost: '127.0.0.1',
      log: silent,
      now: () => Date.now() + 5000,
    });
    try {
      await until(
        () => skewed.clock.hasSample(),
        (v) => v,
        15_000,
        'a clock sample',
      );
      expect(Math.abs(skewed.clock.offsetMs() + 5000)).toBeLessThan(100);
      await until(
        () => skewedOsc.last('/np/position'),
        (m) => m !== undefined,
        15_000,
        'a position',
      );
      const at = Date.now();
      await until(
        () => skewedOsc.of('/np/position', at + 100)[0],
        (m) => m !== undefined,
        2000,
        'a fresh position',
      );
      const sample = skewedOsc.of('/np/position', at + 100)[0]!;
      const expected = expectedPositionS(lastNowPlaying()) - (Date.now() - sample.at) / 1000;
      expect(Math.abs((sample.value as number) - expected)).toBeLessThan(0.25);
    } finally {
      await skewed.close();
      skewedOsc.close();
    }
  });

  it('refuses a wrong token as a fatal error, not a retry loop', async () => {
    const wrong = await startBridge({
      hubUrl: hub.url,
      token: 'not-the-token',
      oscHost: '127.0.0.1',
      oscPort: await freePort(), // its own: nothing it sends may reach the other tests' receiver
      oscRateHz: RATE,
      wsPort: 0,
      wsHost: '127.0.0.1',
      log: silent,
    });
    try {
      const err = await wrong.fatal;
      expect(err.message).toMatch(/refused BRIDGE_TOKEN/);
      expect(wrong.status()).not.toBe('connected');
    } finally {
      await wrong.close();
    }
  });

  it('does not log "lost the hub" when it is itself stopping', async () => {
    const own = captureLog('info');
    const stopping = await startBridge({
      hubUrl: hub.url,
      token: 'bridge-token-for-tests',
      oscHost: '127.0.0.1',
      oscPort: await freePort(), // its own: nothing it sends may reach the other tests' receiver
      oscRateHz: RATE,
      wsPort: 0,
      wsHost: '127.0.0.1',
      log: own.log,
    });
    await until(
      () => stopping.status(),
      (s) => s === 'connected',
      5000,
      'connected',
    );
    await stopping.close();
    const messages = own.lines.map((l) => (JSON.parse(l) as { msg: string }).msg);
    expect(messages).toContain('connected to the hub');
    expect(messages.filter((m) => m.startsWith('lost the hub'))).toEqual([]);
  });

  it('says it cannot reach a hub it never reached, rather than that it lost it', async () => {
    const own = captureLog('info');
    const nowhere = await startBridge({
      hubUrl: `http://127.0.0.1:${await freePort()}`,
      token: 'bridge-token-for-tests',
      oscHost: '127.0.0.1',
      oscPort: await freePort(), // its own: nothing it sends may reach the other tests' receiver
      oscRateHz: RATE,
      wsPort: 0,
      wsHost: '127.0.0.1',
      log: own.log,
    });
    try {
      await until(
        () => nowhere.status(),
        (s) => s === 'disconnected',
        5000,
        'disconnected',
      );
      const messages = own.lines.map((l) => (JSON.parse(l) as { msg: string }).msg);
      expect(messages.filter((m) => m.startsWith('cannot reach the hub yet'))).toHaveLength(1);
      expect(messages.filter((m) => m.startsWith('lost the hub'))).toEqual([]);
    } finally {
      await nowhere.close();
    }
  });

  it('keeps sending the last state while the hub is down and recovers by itself when it returns', async () => {
    await bridgeSettled();
    const logged = () => bridgeLog.lines.map((l) => (JSON.parse(l) as { msg: string }).msg);
    const reconnectsBefore = logged().filter((m) => m === 'connected to the hub').length;
    const lostBefore = logged().filter((m) => m.startsWith('lost the hub')).length;
    const port = server.port;
    await server.close();
    await until(
      () => bridge.status(),
      (s) => s === 'disconnected',
      5000,
      'disconnected',
    );
    const downFrom = Date.now();
    await measureFor(1500);
    const whileDown = osc.of('/np/position', downFrom).map((m) => m.value as number);
    expect(whileDown.length).toBeGreaterThan(10);
    expect(whileDown.at(-1)!).toBeGreaterThan(whileDown[0]!);

    server = await startServer(hub.config, silent, { port, rateLimits: TEST_RATE_LIMITS, simulatorState: hub.sim });
    await until(
      () => bridge.status(),
      (s) => s === 'connected',
      15_000,
      'reconnected',
    );
    const before = osc.last('/np/id')!.value;
    const t = Date.now();
    await control('next');
    await until(
      () => osc.of('/np/id', t).find((m) => m.value !== before),
      (m) => m !== undefined,
      5000,
      'a change after the restart',
    );
    // Several reconnection attempts failed while the hub was down; the log said so once.
    const messages = logged();
    expect(messages.filter((m) => m.startsWith('lost the hub'))).toHaveLength(lostBefore + 1);
    expect(messages.filter((m) => m === 'connected to the hub')).toHaveLength(reconnectsBefore + 1);
  });
});
