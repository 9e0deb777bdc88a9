import type { NowPlaying } from '../../shared/events.js';
import { createLogger } from '../../shared/logger.js';
import { startBridge, type RunningBridge } from '../../workers/bridge/bridge.js';
import { COLOR_ADDRESSES } from '../../workers/bridge/osc-output.js';
import WebSocket from 'ws';
import { startTestHub, type TestHub } from '../helpers/hub.js';
import { OscReceiver } from '../helpers/osc-receiver.js';
import { startTestRedis, type TestRedis } from '../helpers/redis-server.js';
import { measureFor, until } from '../helpers/wait.js';

let redis: TestRedis;
let hub: TestHub;
let osc: OscReceiver;
let bridge: RunningBridge;

const palette = {
  vibrant: '#ff8000',
  dark_vibrant: '#330066',
  light_vibrant: '#ccffee',
  muted: '#808080',
  dark_muted: null,
  light_muted: '#f0f0f0',
};

/** Each test sends a newer item of its own, so none depends on what an earlier test sent. */
let lastSeq = 1000;
function nowPlaying(withPalette: boolean): NowPlaying {
  const seq = ++lastSeq;
  return {
    seq,
    state: 'playing',
    user: { display_name: 'Ada Lovelace' },
    item: {
      type: 'track',
      id: `track-${seq}`,
      uri: `spotify:track:track-${seq}`,
      name: `Colours ${seq}`,
      artists: [{ id: 'a', name: 'Artist' }],
      album: { id: 'al', name: 'Album', images: [{ url: 'https://i.scdn.co/image/x', width: 640, height: 640 }] },
      duration_ms: 200_000,
      ...(withPalette ? { palette } : { palette: null }),
    },
    is_playing: true,
    progress_ms: 1000,
    server_time: Date.now(),
    turn_ends_at: null,
  };
}

beforeAll(async () => {
  redis = await startTestRedis();
  hub = await startTestHub(redis.url);
  osc = await OscReceiver.start();
  bridge = await startBridge({
    hubUrl: hub.url,
    token: 'bridge-token-for-tests',
    oscHost: '127.0.0.1',
    oscPort: osc.port,
    oscRateHz: 30,
    wsPort: 0,
    wsHost: '127.0.0.1',
    log: createLogger({ level: 'silent' }),
  });
  await until(
    () => bridge.status(),
    (s) => s === 'connected',
    5000,
    'connected',
  );
});
afterAll(async () => {
  await bridge?.close();
  osc?.close();
  await hub?.close();
  await redis?.dispose();
});

describe('colour from the album art at the bridge', () => {
  it('sends nothing on /np/color/* while the palette is not known yet', async () => {
    const sent = nowPlaying(false);
    hub.server.io.of('/bridge').emit('now_playing', sent);
    const shown = await until(
      () => osc.messages.find((m) => m.address === '/np/track' && m.values[0] === sent.item!.name),
      (m) => m !== undefined,
      3000,
      'the track',
    );
    // Colours go out once a second while known: a window past that shows none for this item.
    await measureFor(1500);
    expect(osc.messages.filter((m) => m.at >= shown!.at && m.address.startsWith('/np/color/'))).toEqual([]);
  });

  it('sends /np/color/<swatch> as three floats in 0..1 when a now_playing carries a palette, and once a second', async () => {
    const t = Date.now();
    hub.server.io.of('/bridge').emit('now_playing', nowPlaying(true));
    await until(
      () => osc.of('/np/color/vibrant', t).length,
      (n) => n >= 2,
      3000,
      'the colour twice',
    );
    const vibrant = osc.last('/np/color/vibrant')!;
    expect(vibrant.type).toBe('f');
    expect(vibrant.values).toEqual([1, expect.closeTo(128 / 255, 5), 0]);
    expect(osc.last('/np/color/dark_vibrant')!.values).toEqual([
      expect.closeTo(0x33 / 255, 5),
      0,
      expect.closeTo(0x66 / 255, 5),
    ]);
    // A null swatch sends nothing; every other one arrives.
    expect(COLOR_ADDRESSES.filter((a) => osc.last(a) === undefined)).toEqual(['/np/color/dark_muted']);
    for (const a of COLOR_ADDRESSES) for (const v of osc.last(a)?.values ?? []) expect(v).toBeGreaterThanOrEqual(0);
  });

  it('passes the palette through to the WebSocket DAT unchanged', async () => {
    const sent = nowPlaying(true);
    hub.server.io.of('/bridge').emit('now_playing', sent);
    await until(
      () => osc.messages.find((m) => m.address === '/np/track' && m.values[0] === sent.item!.name),
      (m) => m !== undefined,
      3000,
      'the track',
    );
    const ws = new WebSocket(`ws://127.0.0.1:${bridge.wsPort}`);
    const first = await new Promise<{ event: string; data: NowPlaying }>((resolve) => {
      ws.on('message', (raw) => {
        const m = JSON.parse((raw as Buffer).toString('utf8')) as { event: string; data: NowPlaying };
        if (m.event === 'now_playing') resolve(m);
      });
    });
    ws.close();
    expect(first.data.item?.name).toBe(sent.item!.name);
    expect(first.data.item?.palette).toEqual(palette);
  });
});
