import { threadId } from 'node:worker_threads';
import { createClient } from 'redis';
import type { Palette } from '../../shared/events.js';
import { createLogger } from '../../shared/logger.js';
import type { RedisClient } from '../../shared/redis.js';
import { keys } from '../../shared/redis-keys.js';
import { PaletteDecoder } from '../../workers/palette/palette-decoder.js';
import { PaletteService } from '../../workers/palette/palette-service.js';
import { followUpWithPalette } from '../../workers/palette/palette-follow-up.js';
import type { NowPlaying } from '../../shared/events.js';
import { startArtServer, type ArtServer } from '../helpers/art-server.js';
import { distance, halvesPng, rgbOf, solidPng } from '../helpers/images.js';
import { startTestRedis, type TestRedis } from '../helpers/redis-server.js';

const RED = [230, 20, 20] as const;
const NAVY = [20, 30, 110] as const;
const MB = 1024 * 1024;

let redis: TestRedis;
let client: RedisClient;
let art: ArtServer;
let decoder: PaletteDecoder;
let service: PaletteService;
let red: Buffer;

const item = (url: string) => ({
  type: 'track' as const,
  id: 't1',
  uri: null,
  name: 'Song',
  artists: [],
  album: { id: 'a1', name: 'Album', images: [{ url, width: 640, height: 640 }] },
  duration_ms: 1000,
});

beforeAll(async () => {
  redis = await startTestRedis();
  client = createClient({ url: redis.url });
  await client.connect();
  art = await startArtServer();
  red = await solidPng(RED);
  const halves = await halvesPng(RED, NAVY);
  const png = (body: Buffer) => (_req: unknown, res: import('node:http').ServerResponse) =>
    res.writeHead(200, { 'content-type': 'image/png', 'content-length': body.length }).end(body);
  art.route('/art/red.png', png(red));
  art.route('/art/red-twice.png', png(red));
  art.route('/art/red-once.png', png(red));
  art.route('/art/halves.png', png(halves));
  art.route('/art/not-an-image', (_req, res) =>
    res.writeHead(200, { 'content-type': 'text/html' }).end('<html>hello</html>'),
  );
  art.route('/art/broken.png', png(Buffer.from('\x89PNG\r\n\x1a\n this is not really a png')));
  art.route('/art/huge.png', (_req, res) => {
    res.writeHead(200, { 'content-type': 'image/png', 'content-length': 20 * MB });
    res.end(Buffer.alloc(20 * MB));
  });
  // No Content-Length: the cap must hold while the body streams.
  art.route('/art/endless.png', (_req, res) => {
    res.writeHead(200, { 'content-type': 'image/png' });
    const chunk = Buffer.alloc(256 * 1024);
    const pump = () => {
      while (!res.destroyed && res.write(chunk));
      if (!res.destroyed) res.once('drain', pump);
    };
    pump();
  });
  // Headers at once, then nothing: only the deadline ends it.
  art.route('/art/slow.png', (_req, res) => {
    res.writeHead(200, { 'content-type': 'image/png' });
    res.write(red.subarray(0, 100));
  });
  art.route('/art/redirect-in', (_req, res) => res.writeHead(302, { location: '/art/red-once.png' }).end());
  art.route('/art/redirect-out', (_req, res) =>
    res.writeHead(302, { location: `http://localhost:${new URL(art.url).port}/art/redirect-target.png` }).end(),
  );
  art.route('/art/redirect-target.png', png(red));
  art.route('/art/red-after.png', png(red));
  art.route('/art/redirect-loop', (_req, res) => res.writeHead(302, { location: '/art/redirect-loop' }).end());
  decoder = new PaletteDecoder({ timeoutMs: 10_000 });
  service = new PaletteService({
    redis: client,
    log: createLogger({ level: 'silent' }),
    policy: { extraPrefixes: [`${art.url}/art/`] },
    limits: { timeoutMs: 1000, maxBytes: 2 * MB, maxRedirects: 2 },
    decoder,
  });
});

afterAll(async () => {
  await decoder?.close();
  await art?.close();
  await client?.quit();
  await redis?.dispose();
});

describe('PaletteService', () => {
  it('computes the swatches of an album’s largest image in a worker thread', async () => {
    const p = await service.forItem(item(`${art.url}/art/halves.png`));
    expect(decoder.threadId).not.toBeNull();
    expect(decoder.threadId).not.toBe(threadId);
    expect(distance(rgbOf(p!.vibrant), RED)).toBeLessThanOrEqual(25);
    expect(distance(rgbOf(p!.dark_muted ?? p!.muted), NAVY)).toBeLessThanOrEqual(40);
  });

  it('caches the palette per image URL in Redis: the image is fetched once', async () => {
    const url = `${art.url}/art/red.png`;
    const first = await service.forUrl(url);
    const second = await service.forUrl(url);
    expect(second).toEqual(first);
    expect(art.hits.get('/art/red.png')).toBe(1);
    const keysNow = await client.keys(keys.palette('*'));
    expect(keysNow.length).toBeGreaterThan(0);
    expect(await service.cachedForItem(item(url))).toEqual(first);
    expect(await service.cachedForItem(item(`${art.url}/art/never-seen.png`))).toBeNull();
  });

  it('computes concurrent requests for one URL once', async () => {
    const url = `${art.url}/art/red-twice.png`;
    const all = await Promise.all([service.forUrl(url), service.forUrl(url), service.forItem(item(url))]);
    expect(all[0]).not.toBeNull();
    expect(new Set(all.map((p) => JSON.stringify(p))).size).toBe(1);
    expect(art.hits.get('/art/red-twice.png')).toBe(1);
  });

  it('follows a redirect within the allowed art folder', async () => {
    const p = await service.forUrl(`${art.url}/art/redirect-in`);
    expect(distance(rgbOf(p!.vibrant), RED)).toBeLessThanOrEqual(25);
  });

  describe('refuses and bounds bad art without crashing', () => {
    const cases: [string, string][] = [
      ['a host that is not allowed', 'http://localhost:1/art/red.png'],
      ['a page that is not an image', '/art/not-an-image'],
      ['bytes that do not decode', '/art/broken.png'],
      ['a redirect to another host', '/art/redirect-out'],
      ['a redirect loop', '/art/redirect-loop'],
    ];
    it.each(cases)('answers null for %s', async (_what, path) => {
      const url = path.startsWith('/') ? `${art.url}${path}` : path;
      await expect(service.forUrl(url)).resolves.toBeNull();
    });

    it('never fetches the target of a redirect to another host', async () => {
      await service.forUrl(`${art.url}/art/redirect-out`);
      expect(art.hits.get('/art/redirect-out')).toBe(1);
      expect(art.hits.get('/art/redirect-target.png')).toBeUndefined();
    });

    it('stops reading a huge image at the size cap', async () => {
      await expect(service.forUrl(`${art.url}/art/huge.png`)).resolves.toBeNull();
      await expect(service.forUrl(`${art.url}/art/endless.png`)).resolves.toBeNull();
      expect(art.written.get('/art/endless.png')!).toBeLessThan(20 * MB);
    });

    it('gives up on a slow image at the deadline and drops the connection', async () => {
      await expect(service.forUrl(`${art.url}/art/slow.png`)).resolves.toBeNull();
      await new Promise<void>((resolve) => {
        const check = () => (art.abandoned.has('/art/slow.png') ? resolve() : setTimeout(check, 20));
        check();
      });
    });

    it('remembers a failure for a while instead of fetching again on every track change', async () => {
      const before = art.hits.get('/art/not-an-image');
      await service.forUrl(`${art.url}/art/not-an-image`);
      expect(art.hits.get('/art/not-an-image')).toBe(before);
    });

    it('keeps working after all of that', async () => {
      const p: Palette | null = await service.forItem(item(`${art.url}/art/red-after.png`));
      expect(art.hits.get('/art/red-after.png')).toBe(1);
      expect(distance(rgbOf(p!.vibrant), RED)).toBeLessThanOrEqual(25);
    });
  });

  it('warm() starts the decoding thread ahead of the first track', async () => {
    const cold = new PaletteDecoder();
    try {
      expect(cold.threadId).toBeNull();
      await cold.warm();
      expect(cold.threadId).not.toBeNull();
    } finally {
      await cold.close();
    }
  });

  it('answers null, not an error, when Redis is unreachable and still computes', async () => {
    const down = createClient({
      url: 'redis://127.0.0.1:1',
      socket: { reconnectStrategy: false },
    }) as unknown as RedisClient;
    down.on('error', () => undefined);
    const offline = new PaletteService({
      redis: down,
      log: createLogger({ level: 'silent' }),
      policy: { extraPrefixes: [`${art.url}/art/`] },
      decoder,
    });
    const p = await offline.forUrl(`${art.url}/art/halves.png`);
    expect(distance(rgbOf(p!.vibrant), RED)).toBeLessThanOrEqual(25);
  });
});

describe('the follow-up now_playing with the palette', () => {
  const sent = (url: string, id = 't1'): NowPlaying => ({
    seq: 7,
    state: 'playing',
    user: null,
    item: { ...item(url), id, palette: null },
    is_playing: true,
    progress_ms: 0,
    server_time: Date.now(),
    turn_ends_at: null,
  });

  it('publishes the palette for the item still playing', async () => {
    const first = sent(`${art.url}/art/halves.png`);
    const published: Palette[] = [];
    const ok = await followUpWithPalette(service, first, {
      current: async () => first,
      publish: async (p) => void published.push(p),
    });
    expect(ok).toBe(true);
    expect(distance(rgbOf(published[0]!.vibrant), RED)).toBeLessThanOrEqual(25);
  });

  it('publishes nothing when the track moved on, or when there is no palette to be had', async () => {
    const published: Palette[] = [];
    const publish = async (p: Palette) => void published.push(p);
    const first = sent(`${art.url}/art/halves.png`);
    expect(
      await followUpWithPalette(service, first, { current: async () => sent(`${art.url}/art/red.png`, 't2'), publish }),
    ).toBe(false);
    const broken = sent(`${art.url}/art/not-an-image`);
    expect(await followUpWithPalette(service, broken, { current: async () => broken, publish })).toBe(false);
    expect(published).toEqual([]);
  });
});
