/**
 * The projector view survives any track: at 1920×1080 and 1280×720 (and 4:3), with a 180-character
 * title, without album art, with a driver who has no name, in the paused state and on the attract
 * screen, the parts it must show are inside the viewport, do not overlap, the page does not
 * scroll and no null/undefined leaks onto the screen. Payloads go through the worker's real Redis
 * emitter path. Screenshots land in test-artifacts/.
 */
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import type { NowPlaying } from '../../shared/events.js';
import { ARTIFACTS, launchChromium } from '../helpers/browser.js';
import { startTestHub, type TestHub } from '../helpers/hub.js';
import { startTestRedis, type TestRedis } from '../helpers/redis-server.js';
import { boxes, leakedWords, outsideViewport, overlaps, pageScrolls, renderedLines } from './layout-checks.js';
import { nowPlayingFeed, trackItem, type Draft, type NowPlayingFeed } from './now-playing-feed.js';

let redis: TestRedis;
let hub: TestHub;
let feed: NowPlayingFeed;
let browser: Browser;

const VENUE = 'Salle Pleyel — Late Night Listening';

beforeAll(async () => {
  redis = await startTestRedis();
  hub = await startTestHub(redis.url, { env: { VENUE_NAME: VENUE } });
  feed = await nowPlayingFeed(redis.url);
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await feed?.close();
  await hub?.close();
  await redis?.dispose();
});

const LONG_TITLE =
  'Symphony No. 9 in D minor, Op. 125 "Choral": IV. Presto – Allegro assai – Presto (O Freunde, nicht diese Töne!) – Allegro assai vivace alla marcia (Extended Club Remix feat. Everyone)';
const art = () => {
  const albumId = [...hub.sim.catalog.albums.keys()][0]!;
  return [640, 300, 64].map((size) => ({
    url: `${hub.url}/sim/images/${albumId}/${size}.png`,
    width: size,
    height: size,
  }));
};
const turnEnds = () => Date.now() + 150_000;

const CASES: { name: string; draft: () => Draft }[] = [
  {
    name: 'long-title',
    draft: () => ({
      state: 'playing',
      user: { display_name: 'Wolfgang Amadeus Theophilus Mozart-Bernstein von Karajan the Third' },
      item: trackItem(
        LONG_TITLE,
        [
          'Berliner Philharmoniker',
          'Rundfunkchor Berlin',
          'Herbert von Karajan',
          'DJ Ludwig and the Nine Symphonies Collective',
        ],
        art(),
      ),
      is_playing: true,
      progress_ms: 61_000,
      turn_ends_at: turnEnds(),
    }),
  },
  {
    name: 'no-images',
    draft: () => ({
      state: 'playing',
      user: { display_name: 'Ada' },
      item: trackItem('Slow Bloom', ['Mira Okonkwo'], []),
      is_playing: true,
      progress_ms: 30_000,
      turn_ends_at: turnEnds(),
    }),
  },
  {
    name: 'broken-image',
    draft: () => ({
      state: 'playing',
      user: { display_name: 'Ada' },
      item: trackItem(
        'Copper Wire',
        ['Mira Okonkwo'],
        [{ url: `${hub.url}/sim/images/nope/640.png`, width: 640, height: 640 }],
      ),
      is_playing: true,
      progress_ms: 30_000,
      turn_ends_at: turnEnds(),
    }),
  },
  {
    name: 'no-driver-name',
    // Spotify may send no display name; the wire can carry a null where a string is typed.
    draft: () => ({
      state: 'playing',
      user: { display_name: null as unknown as string },
      item: trackItem('Orbit Song', ['The Static Gardens'], art()),
      is_playing: true,
      progress_ms: 10_000,
      turn_ends_at: turnEnds(),
    }),
  },
  {
    name: 'paused',
    draft: () => ({
      state: 'paused',
      user: { display_name: 'Grace Hopper' },
      item: trackItem('Tidal Lock', ['Lumen Drift'], art()),
      is_playing: false,
      progress_ms: 90_000,
      turn_ends_at: turnEnds(),
    }),
  },
  {
    name: 'any-script',
    draft: () => ({
      state: 'playing',
      user: { display_name: 'فاطمة الزهراء 🎧' },
      item: trackItem(
        'قصيدة الليل الطويلة جداً في المدينة القديمة تحت ضوء القمر 🌙✨ 夜の街を歩く長い長い歌のタイトル',
        ['坂本龍一', 'فيروز', '🎹 Keys'],
        art(),
      ),
      is_playing: true,
      progress_ms: 5_000,
      turn_ends_at: turnEnds(),
    }),
  },
];

const LIVE_PARTS = ['track', 'artists', 'progress', 'driver', 'turn-left', 'qr'] as const;
const VIEWPORTS = [
  { width: 1920, height: 1080 },
  { width: 1280, height: 720 },
  { width: 1024, height: 768 },
];

async function openDisplay(viewport: { width: number; height: number }): Promise<Page> {
  const context = await browser.newContext({ viewport });
  const page = await context.newPage();
  await page.goto(`${hub.url}/display`);
  return page;
}

async function expectSound(page: Page, parts: readonly string[]): Promise<void> {
  const list = await boxes(page, parts);
  expect(list.filter((b) => !b.visible).map((b) => b.id)).toEqual([]);
  expect(await outsideViewport(page, list)).toEqual([]);
  expect(overlaps(list)).toEqual([]);
  expect(await pageScrolls(page)).toEqual({ x: false, y: false });
  expect(await leakedWords(page)).toEqual([]);
}

const shot = (page: Page, name: string) => page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`) });
const waitForSeq = (page: Page, p: NowPlaying) =>
  page.waitForFunction(
    (title) =>
      document.getElementById('stage')?.dataset.mode === 'live' &&
      document.getElementById('track')?.textContent === title,
    p.item?.name ?? '',
  );

describe.each(VIEWPORTS)('display at $width×$height', (viewport) => {
  beforeAll(async () => {
    // Four people in line: one drives, three wait (the "next up" list is full).
    for (const [id, name] of [
      ['u1', 'Hedy Lamarr'],
      ['u2', 'Alan Turing'],
      ['u3', 'Katherine Johnson-Goble, Flight Research Division'],
      ['u4', '李小龍'],
    ] as const) {
      await feed.line.join(id, name);
    }
    await feed.lineChanged();
  });

  it.each(CASES.map((c) => [c.name, c] as const))('keeps every part on screen and apart: %s', async (name, c) => {
    const sent = await feed.publish(c.draft());
    const page = await openDisplay(viewport);
    await waitForSeq(page, sent);
    await page.waitForFunction(() => (document.getElementById('next-list')?.children.length ?? 0) > 0);
    if (sent.item && sent.item.album.images.length > 0 && name !== 'broken-image')
      await page.locator('#art').waitFor({ state: 'visible' });
    await expectSound(page, LIVE_PARTS);
    expect(await renderedLines(page, 'track')).toBeLessThanOrEqual(3);
    expect(await renderedLines(page, 'artists')).toBeLessThanOrEqual(2);
    expect((await page.textContent('#driver-name'))?.trim()).not.toBe('');
    await shot(page, `display-${name}-${viewport.width}x${viewport.height}`);
    await page.context().close();
  });

  it('shows a placeholder, never alt text, when the track has no art or the art does not load', async () => {
    const sent = await feed.publish(CASES.find((c) => c.name === 'broken-image')!.draft());
    const page = await openDisplay(viewport);
    await waitForSeq(page, sent);
    await page.waitForFunction(() => document.getElementById('stage')?.dataset.art === 'none');
    expect(await page.locator('#art').isVisible()).toBe(false);
    expect(await page.locator('.art-placeholder').isVisible()).toBe(true);
    await page.context().close();
  });

  it('marks the paused state clearly and holds the progress bar', async () => {
    const sent = await feed.publish(CASES.find((c) => c.name === 'paused')!.draft());
    const page = await openDisplay(viewport);
    await waitForSeq(page, sent);
    await page.locator('#paused-badge').waitFor({ state: 'visible' });
    expect(await page.textContent('#paused-badge')).toBe('Paused');
    const at = () =>
      page.$eval('#progress-fill', (el) => Number(/scaleX\(([\d.]+)\)/.exec((el as HTMLElement).style.transform)?.[1]));
    const first = await at();
    // A moving bar changes every frame: wait two painted frames and compare.
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
    expect(await at()).toBe(first);
    expect(first).toBeCloseTo(90_000 / 240_000, 4);
    await page.context().close();
  });

  it('shows the attract screen when nobody drives: venue, a QR code a third of the height, how to join', async () => {
    await feed.publish({
      state: 'playing',
      user: { display_name: 'Ada' },
      item: trackItem('Sodium Lights', ['Lumen Drift'], art()),
      is_playing: true,
      progress_ms: 1000,
      turn_ends_at: turnEnds(),
    });
    await feed.publish({
      state: 'no_active_user',
      user: null,
      item: null,
      is_playing: false,
      progress_ms: 0,
      turn_ends_at: null,
    });
    const page = await openDisplay(viewport);
    await page.waitForFunction(() => document.getElementById('stage')?.dataset.mode === 'attract');
    await page.waitForFunction(() => (document.getElementById('qr') as HTMLImageElement).complete);
    expect(await page.textContent('#venue')).toBe(VENUE);
    await expectSound(page, ['venue', 'how', 'qr', 'join-url']);
    const [qr] = await boxes(page, ['qr']);
    expect(qr!.height).toBeGreaterThanOrEqual(0.3 * viewport.height);
    // The dead progress bar and the live parts are gone, not just empty.
    for (const id of ['progress', 'track', 'turn-left']) expect(await page.locator(`#${id}`).isVisible()).toBe(false);
    await shot(page, `display-attract-${viewport.width}x${viewport.height}`);
    await page.context().close();
  });
});

describe('display with a live page', () => {
  it('goes from attract to live and back as payloads arrive, remembering the track it played', async () => {
    await feed.publish({
      state: 'no_active_user',
      user: null,
      item: null,
      is_playing: false,
      progress_ms: 0,
      turn_ends_at: null,
    });
    const page = await openDisplay({ width: 1280, height: 720 });
    await page.waitForFunction(() => document.getElementById('stage')?.dataset.mode === 'attract');
    const live = await feed.publish({
      state: 'playing',
      user: { display_name: 'Ada' },
      item: trackItem('Carrier Wave', ['Lumen Drift'], art()),
      is_playing: true,
      progress_ms: 1000,
      turn_ends_at: turnEnds(),
    });
    await waitForSeq(page, live);
    expect(await page.textContent('#driver-name')).toBe('Ada');
    await feed.publish({
      state: 'no_active_user',
      user: null,
      item: null,
      is_playing: false,
      progress_ms: 0,
      turn_ends_at: null,
    });
    await page.waitForFunction(() => document.getElementById('stage')?.dataset.mode === 'attract');
    await page.locator('#recent-list li', { hasText: 'Carrier Wave' }).waitFor();
    await page.context().close();
  });

  it('says the turn clock is held when the crew pauses the rotation', async () => {
    const sent = await feed.publish({
      state: 'playing',
      user: { display_name: 'Ada' },
      item: trackItem('Sideband', ['Lumen Drift'], art()),
      is_playing: true,
      progress_ms: 1000,
      turn_ends_at: null,
    });
    // The line's active turn (from the queue event) must not contradict the payload here.
    await feed.line.pause();
    await feed.lineChanged();
    const page = await openDisplay({ width: 1920, height: 1080 });
    await waitForSeq(page, sent);
    await page.locator('#turn-left', { hasText: 'Paused by the crew' }).waitFor();
    expect(await page.textContent('#turn-label')).toBe('Turn clock');
    await page.context().close();
  });

  it('fits a long title at 4K too', async () => {
    const sent = await feed.publish(CASES.find((c) => c.name === 'long-title')!.draft());
    const page = await openDisplay({ width: 3840, height: 2160 });
    await waitForSeq(page, sent);
    await expectSound(page, LIVE_PARTS);
    expect(await renderedLines(page, 'track')).toBeLessThanOrEqual(3);
    await page.context().close();
  });

  it('speaks French on a projector opened with ?lang=fr, live and on the attract screen', async () => {
    await feed.line.resume();
    const sent = await feed.publish({
      state: 'playing',
      user: { display_name: 'Ada' },
      item: trackItem('Strobe Season', ['Kilohertz Club'], art()),
      is_playing: true,
      progress_ms: 1000,
      turn_ends_at: turnEnds(),
    });
    const context = await browser.newContext({ viewport: { width: 1280, height: 720 } });
    const page = await context.newPage();
    await page.goto(`${hub.url}/display?lang=fr`);
    await waitForSeq(page, sent);
    expect(await page.textContent('#turn-label')).toBe('Fin du tour dans');
    expect(await page.textContent('#next-label')).toBe('Ensuite');
    await expectSound(page, LIVE_PARTS);
    await shot(page, 'display-live-fr-1280x720');
    await feed.publish({
      state: 'no_active_user',
      user: null,
      item: null,
      is_playing: false,
      progress_ms: 0,
      turn_ends_at: null,
    });
    await page.waitForFunction(() => document.getElementById('stage')?.dataset.mode === 'attract');
    expect(await page.textContent('.scan')).toBe('Scannez pour rejoindre');
    await page.locator('#recent-list li', { hasText: /^Strobe Season — Kilohertz Club/ }).waitFor();
    await expectSound(page, ['venue', 'how', 'qr', 'join-url', 'recent']);
    await shot(page, 'display-attract-fr-1280x720');
    await context.close();
  });

  it('shows a driver with nothing playing without a dead progress bar', async () => {
    await feed.publish({
      state: 'playing',
      user: { display_name: 'Ada' },
      item: trackItem('Sodium Lights', ['Lumen Drift'], art()),
      is_playing: true,
      progress_ms: 1000,
      turn_ends_at: turnEnds(),
    });
    await feed.publish({
      state: 'idle',
      user: { display_name: 'Ada' },
      item: null,
      is_playing: false,
      progress_ms: 0,
      turn_ends_at: turnEnds(),
    });
    const page = await openDisplay({ width: 1280, height: 720 });
    await page.waitForFunction(
      () =>
        document.getElementById('stage')?.dataset.mode === 'live' &&
        document.getElementById('stage')?.dataset.state === 'idle',
    );
    expect(await page.textContent('#track')).toBe('Nothing playing right now');
    expect(await page.locator('#progress').isVisible()).toBe(false);
    await expectSound(page, ['track', 'artists', 'driver', 'turn-left', 'qr']);
    await shot(page, 'display-idle-1280x720');
    await page.context().close();
  });

  it('is ready for venue mode: a guest driver, house music and a first pick in next up', async () => {
    const page = await openDisplay({ width: 1920, height: 1080 });
    const guest = await feed.publish({
      state: 'playing',
      user: { display_name: 'Sam', kind: 'guest' },
      item: trackItem('Copper Wire', ['Mira Okonkwo'], art()),
      is_playing: true,
      progress_ms: 1000,
      turn_ends_at: turnEnds(),
    });
    await waitForSeq(page, guest);
    feed.emitQueue({
      length: 2,
      active: { display_name: 'Sam', turn_ends_at: guest.turn_ends_at },
      next: [{ display_name: 'Lou', first_pick: { name: 'Slow Bloom' } }, { display_name: 'Ada' }],
    });
    await page.locator('#next-list li', { hasText: 'Lou · Slow Bloom' }).waitFor();
    expect(await page.textContent('#driver-name')).toBe('Sam (guest)');
    await expectSound(page, LIVE_PARTS);
    await shot(page, 'display-guest-1920x1080');

    const house = await feed.publish({
      state: 'playing',
      user: { display_name: 'Venue', kind: 'house' },
      item: trackItem('Tin Can Telephone', ['The Static Gardens'], art()),
      is_playing: true,
      progress_ms: 1000,
      turn_ends_at: null,
    });
    await waitForSeq(page, house);
    expect(await page.textContent('#driver-name')).toBe('House music');
    expect(await page.textContent('#turn-label')).toBe('Between turns');
    await expectSound(page, LIVE_PARTS);
    await page.context().close();
  });
});
