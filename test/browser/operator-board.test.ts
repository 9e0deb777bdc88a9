/**
 * The operator view on a 1366×768 laptop: now playing, the turn, the line and health are all on
 * screen at once; long names are cut with the full name on hover; skip and remove wait with Undo
 * (the page's timers run on Playwright's controlled clock, so no test waits for real seconds).
 */
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import type { QueueFull } from '../../shared/events.js';
import { ARTIFACTS, launchChromium } from '../helpers/browser.js';
import { startTestHub, type TestHub } from '../helpers/hub.js';
import { startTestRedis, type TestRedis } from '../helpers/redis-server.js';
import { boxes, leakedWords, outsideViewport, overlaps, pageScrolls } from './layout-checks.js';
import { nowPlayingFeed, trackItem, type NowPlayingFeed } from './now-playing-feed.js';

let redis: TestRedis;
let hub: TestHub;
let feed: NowPlayingFeed;
let browser: Browser;

const LONG_NAME =
  'Maximiliana Wilhelmina Konstantinopoulou-Vanderbilt de la Cruz y Montenegro, Flight Research Division, Night Shift';

beforeAll(async () => {
  redis = await startTestRedis();
  hub = await startTestHub(redis.url);
  feed = await nowPlayingFeed(redis.url);
  browser = await launchChromium();
  for (const [id, name] of [
    ['u1', 'Hedy Lamarr'],
    ['u2', LONG_NAME],
    ['u3', 'Alan Turing'],
    ['u4', 'Katherine Johnson'],
    ['u5', 'Grace Hopper'],
  ] as const) {
    await feed.line.join(id, name);
  }
  await feed.publish({
    state: 'playing',
    user: { display_name: 'Hedy Lamarr' },
    item: trackItem('Fog Machine Forecast', ['Kilohertz Club'], []),
    is_playing: true,
    progress_ms: 20_000,
    turn_ends_at: Date.now() + 170_000,
  });
  await feed.lineChanged();
});
afterAll(async () => {
  await browser?.close();
  await feed?.close();
  await hub?.close();
  await redis?.dispose();
});

async function signIn(acceptLanguage = 'en'): Promise<Page> {
  const context = await browser.newContext({
    viewport: { width: 1366, height: 768 },
    extraHTTPHeaders: { 'Accept-Language': acceptLanguage },
  });
  const page = await context.newPage();
  await page.clock.install();
  await page.goto(`${hub.url}/operator`);
  await page.locator('#token').fill('operator-token-for-tests');
  await page.locator('#signin-form button[type="submit"]').click();
  await page.locator('#dashboard').waitFor({ state: 'visible' });
  await page.locator('#line-body tr').nth(2).waitFor();
  return page;
}

async function operatorQueue(page: Page): Promise<QueueFull> {
  return page.evaluate(async () => (await fetch('/api/operator/queue', { credentials: 'same-origin' })).json());
}

describe('operator view at 1366×768', () => {
  it('shows now playing, the turn, the line and health together, without scrolling the page', async () => {
    const page = await signIn();
    await page.locator('#h-redis', { hasText: 'reachable' }).waitFor();
    const cards = await boxes(page, ['now', 'turn', 'line', 'health']);
    expect(cards.filter((b) => !b.visible).map((b) => b.id)).toEqual([]);
    expect(await outsideViewport(page, cards)).toEqual([]);
    expect(overlaps(cards)).toEqual([]);
    expect(await pageScrolls(page)).toEqual({ x: false, y: false });
    expect(await leakedWords(page)).toEqual([]);
    await page.screenshot({ path: path.join(ARTIFACTS, 'operator-1366x768.png') });
    await page.context().close();
  });

  it('cuts a long name with an ellipsis and shows it whole on hover', async () => {
    const page = await signIn();
    const name = page.locator('#line-body td.name span', { hasText: 'Maximiliana' });
    expect(await name.getAttribute('title')).toBe(LONG_NAME);
    expect(
      await name.evaluate((el) => el.scrollWidth > el.clientWidth && getComputedStyle(el).textOverflow === 'ellipsis'),
    ).toBe(true);
    const [row] = await boxes(page, ['line']);
    const cell = (await name.boundingBox())!;
    expect(cell.x + cell.width).toBeLessThanOrEqual(row!.right);
    await page.context().close();
  });

  it('holds a removal for a few seconds: Undo keeps the person, letting it run removes them', async () => {
    const page = await signIn();
    await page.getByRole('button', { name: 'Remove Alan Turing' }).click();
    await page.locator('#pending li', { hasText: 'Removing Alan Turing from the line' }).waitFor();
    await page.getByRole('button', { name: 'Undo' }).click();
    await page.locator('#pending li').waitFor({ state: 'detached' });
    await page.clock.runFor(10_000);
    expect((await operatorQueue(page)).waiting.map((w) => w.user_id)).toContain('u3');

    await page.getByRole('button', { name: 'Remove Katherine Johnson' }).click();
    await page.locator('#pending li', { hasText: 'in 5 seconds' }).waitFor();
    await page.clock.runFor(6_000);
    await page.locator('#line-body tr', { hasText: 'Katherine Johnson' }).waitFor({ state: 'detached' });
    expect((await operatorQueue(page)).waiting.map((w) => w.user_id)).not.toContain('u4');
    await page.context().close();
  });

  it('holds a skip with Undo too', async () => {
    const page = await signIn();
    const before = (await operatorQueue(page)).active?.user_id;
    await page.getByRole('button', { name: 'Skip turn' }).click();
    await page.locator('#pending li', { hasText: 'Skipping Hedy Lamarr’s turn' }).waitFor();
    expect(await page.getByRole('button', { name: 'Skip turn' }).isDisabled()).toBe(true);
    await page.getByRole('button', { name: 'Undo' }).click();
    await page.clock.runFor(10_000);
    expect((await operatorQueue(page)).active?.user_id).toBe(before);
    await page.context().close();
  });

  it('fits the same board in French, whose labels are longer', async () => {
    const page = await signIn('fr-FR,fr;q=0.9');
    await page.locator('#h-redis', { hasText: 'joignable' }).waitFor();
    expect(await page.textContent('#pause')).toBe('Mettre le chrono en pause');
    const cards = await boxes(page, ['now', 'turn', 'line', 'health']);
    expect(await outsideViewport(page, cards)).toEqual([]);
    expect(overlaps(cards)).toEqual([]);
    expect(await pageScrolls(page)).toEqual({ x: false, y: false });
    await page.screenshot({ path: path.join(ARTIFACTS, 'operator-1366x768-fr.png') });
    await page.context().close();
  });
});
