/**
 * The phone page at 360×640 (and 320 px wide): every state is reachable and readable — first
 * visit, waiting with an ETA, next (with a vibration), live, idle hint, on hold, turn over,
 * removed, left, Spotify access ended, login problems, logged out — with no horizontal scroll,
 * touch targets of at least 44 px and nothing reading null/undefined; Log out works in the browser;
 * French is chosen from Accept-Language and can be switched. The line is steered through the real
 * Line scripts and events go out through the worker's emitter path.
 */
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { RedisClient } from '../../shared/redis.js';
import { keys } from '../../shared/redis-keys.js';
import { ARTIFACTS, launchChromium } from '../helpers/browser.js';
import { CookieClient } from '../helpers/cookie-client.js';
import { loginThroughSimulator, startTestHub, type TestHub } from '../helpers/hub.js';
import { openRedis, startTestRedis, type TestRedis } from '../helpers/redis-server.js';
import { leakedWords, pageScrolls } from './layout-checks.js';
import { nowPlayingFeed, trackItem, type NowPlayingFeed } from './now-playing-feed.js';

let redis: TestRedis;
let hub: TestHub;
let feed: NowPlayingFeed;
let browser: Browser;

beforeAll(async () => {
  redis = await startTestRedis();
  hub = await startTestHub(redis.url);
  feed = await nowPlayingFeed(redis.url);
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await feed?.close();
  await hub?.close();
  await redis?.dispose();
});

const PHONE = { viewport: { width: 360, height: 640 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 };

async function phoneContext(extra: Parameters<Browser['newContext']>[0] = {}): Promise<BrowserContext> {
  const context = await browser.newContext({ ...PHONE, ...extra });
  // Record vibrations: the page calls the real API, the test only listens.
  await context.addInitScript(() => {
    const w = window as unknown as { vibrations: unknown[] };
    w.vibrations = [];
    const real = navigator.vibrate?.bind(navigator);
    navigator.vibrate = ((pattern: VibratePattern) => {
      w.vibrations.push(pattern);
      return real ? real(pattern) : true;
    }) as Navigator['vibrate'];
  });
  return context;
}

async function withRedis<T>(run: (c: RedisClient) => Promise<T>): Promise<T> {
  const c = await openRedis(redis.url);
  try {
    return await run(c);
  } finally {
    await c.close();
  }
}

/** Readable at 360 and at 320 px wide: no sideways scroll, big enough targets, no leaked nulls. */
async function expectReadable(page: Page, name: string): Promise<void> {
  for (const width of [360, 320]) {
    await page.setViewportSize({ width, height: 640 });
    expect(await pageScrolls(page)).toMatchObject({ x: false });
    expect(await leakedWords(page)).toEqual([]);
    const small = await page.$$eval('button, a.button, .lang-button', (els) =>
      els
        .filter((el) => (el as HTMLElement).checkVisibility())
        .map(
          (el) =>
            ({ text: (el.textContent ?? '').trim(), ...el.getBoundingClientRect().toJSON() }) as {
              text: string;
              width: number;
              height: number;
            },
        )
        .filter((r) => r.width < 44 || r.height < 44)
        .map((r) => `${r.text} ${Math.round(r.width)}×${Math.round(r.height)}`),
    );
    expect(small).toEqual([]);
    const heading = page.locator('section.view:not([hidden]) h1');
    if ((await heading.count()) > 0) {
      const box = (await heading.boundingBox())!;
      expect(box.x).toBeGreaterThanOrEqual(0);
      expect(box.x + box.width).toBeLessThanOrEqual(width + 0.5);
    }
  }
  await page.setViewportSize(PHONE.viewport);
  await page.screenshot({ path: path.join(ARTIFACTS, `phone-${name}.png`), fullPage: true });
}

const view = (page: Page, v: string) => page.waitForFunction((want) => document.body.dataset.you === want, v);

describe('phone page states at 360×640', () => {
  it('shows the first visit with a way to connect', async () => {
    const context = await phoneContext();
    const page = await context.newPage();
    await page.goto(`${hub.url}/`);
    await view(page, 'welcome');
    await page.getByRole('heading', { name: 'Drive the installation with your music' }).waitFor();
    expect(await page.getByRole('link', { name: 'Connect Spotify' }).getAttribute('href')).toBe('/login');
    await expectReadable(page, 'welcome');
    await context.close();
  });

  it('explains a login that did not happen', async () => {
    const context = await phoneContext();
    const page = await context.newPage();
    await page.goto(`${hub.url}/?login_error=not_registered`);
    await page.locator('#notice', { hasText: 'Development Mode' }).waitFor();
    expect(page.url()).toBe(`${hub.url}/`);
    await expectReadable(page, 'login-not-registered');
    await context.close();
  });

  it('walks one person through waiting, next, live, on hold, turn over, removed, left and revoked, then logs out', async () => {
    await loginThroughSimulator(new CookieClient(), hub.url, 'ada'); // drives
    await loginThroughSimulator(new CookieClient(), hub.url, 'hedy'); // waits first
    const context = await phoneContext();
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${hub.url}/`);
    await page.getByRole('link', { name: 'Connect Spotify' }).tap();
    await page.getByLabel('Grace Hopper').check();
    await page.getByRole('button', { name: 'Agree' }).tap();
    await page.waitForURL(`${hub.url}/`);

    await view(page, 'waiting');
    expect(await page.textContent('#waiting-title')).toBe('You’re in line');
    expect(await page.textContent('#position')).toBe('2');
    expect(await page.textContent('#place-of')).toBe('of 2 in line');
    await page.waitForFunction(() =>
      /^in \d+ (seconds?|minutes?)$|^any moment now$/.test(document.getElementById('eta')?.textContent ?? ''),
    );
    await expectReadable(page, 'waiting');

    const skipped = await feed.line.skip();
    await feed.lineChanged(skipped ? [skipped] : []);
    await view(page, 'next');
    expect(await page.textContent('#waiting-title')).toBe('You’re next!');
    await page.waitForFunction(() => (window as unknown as { vibrations: unknown[] }).vibrations.length === 1);
    await expectReadable(page, 'next');

    const hedy = await feed.line.skip();
    await feed.lineChanged(hedy ? [hedy] : []);
    await feed.publish({
      state: 'playing',
      user: { display_name: 'Grace Hopper' },
      item: trackItem('Orbit Song', ['The Static Gardens'], []),
      is_playing: true,
      progress_ms: 3000,
      turn_ends_at: Date.now() + 180_000,
    });
    await view(page, 'live');
    await page
      .locator('#turn-left')
      .filter({ hasText: /^\d+:\d\d$/ })
      .waitFor();
    expect(await page.textContent('#live-title-text')).toBe('You’re live!');
    expect(await page.textContent('#driver')).toBe('Driving: Grace Hopper');
    await expectReadable(page, 'live');

    await feed.publish({
      state: 'idle',
      user: { display_name: 'Grace Hopper' },
      item: null,
      is_playing: false,
      progress_ms: 0,
      turn_ends_at: Date.now() + 170_000,
    });
    await page.locator('#live-hint').waitFor({ state: 'visible' });
    await expectReadable(page, 'live-idle');

    await feed.line.pause();
    await feed.lineChanged();
    await view(page, 'held');
    expect(await page.textContent('#live-title-text')).toBe('Your turn is on hold');
    expect(await page.locator('#turn-left-row').isVisible()).toBe(false);
    await page.locator('#held-lead').waitFor({ state: 'visible' });
    await expectReadable(page, 'held');
    await feed.line.resume();

    const grace = await feed.line.skip();
    expect(grace).toBe('grace');
    await feed.lineChanged(['grace']);
    await view(page, 'out');
    expect(await page.textContent('#out-title')).toBe('Thanks for driving!');
    await expectReadable(page, 'turn-over');

    await page.getByRole('button', { name: 'Join the line again' }).tap();
    await view(page, 'live');
    await feed.line.takeOut('grace', 'removed');
    await feed.lineChanged(['grace']);
    await view(page, 'out');
    expect(await page.textContent('#out-title')).toBe('You’re out of the line');
    await expectReadable(page, 'removed');

    await page.getByRole('button', { name: 'Join the line again' }).tap();
    await view(page, 'live');
    await page.getByRole('button', { name: 'Leave the line' }).tap();
    await view(page, 'out');
    expect(await page.textContent('#out-title')).toBe('You’re not in line');

    await page.getByRole('button', { name: 'Join the line again' }).tap();
    await view(page, 'live');
    await feed.line.takeOut('grace', 'revoked');
    await feed.lineChanged(['grace']);
    await view(page, 'out');
    expect(await page.textContent('#out-title')).toBe('Spotify access ended');
    expect(await page.getByRole('link', { name: 'Connect Spotify again' }).isVisible()).toBe(true);
    expect(await page.getByRole('button', { name: 'Join the line again' }).isVisible()).toBe(false);
    await expectReadable(page, 'revoked');

    // Log out: a same-origin POST from the page, then the logged-out state.
    await page.getByRole('button', { name: 'Log out' }).tap();
    await view(page, 'welcome');
    await page.locator('#notice', { hasText: 'You’re logged out' }).waitFor();
    const me = await page.evaluate(async () => (await fetch('/api/me', { credentials: 'same-origin' })).json());
    expect(me.logged_in).toBe(false);
    expect(await withRedis((c) => c.exists(keys.tokens('grace')))).toBe(0);
    await expectReadable(page, 'logged-out');
    expect(errors).toEqual([]);
    await context.close();
  });
});

describe('phone page in French', () => {
  it('speaks French to a browser that asks for it, and switches to English on request', async () => {
    const context = await phoneContext({
      locale: 'fr-FR',
      extraHTTPHeaders: { 'Accept-Language': 'fr-FR,fr;q=0.9,en;q=0.5' },
    });
    const page = await context.newPage();
    await page.goto(`${hub.url}/`);
    await view(page, 'welcome');
    expect(await page.getAttribute('html', 'lang')).toBe('fr');
    await page.getByRole('heading', { name: 'Prenez les commandes de l’installation avec votre musique' }).waitFor();
    expect(await page.getByRole('link', { name: 'Connecter Spotify' }).isVisible()).toBe(true);
    expect(await page.title()).toBe('Prenez les commandes — nowplaying-hub');
    await expectReadable(page, 'welcome-fr');

    await page.getByRole('button', { name: 'English' }).tap();
    await page.getByRole('heading', { name: 'Drive the installation with your music' }).waitFor();
    expect(await page.getAttribute('html', 'lang')).toBe('en');
    // The choice is remembered on this device.
    await page.reload();
    await page.getByRole('heading', { name: 'Drive the installation with your music' }).waitFor();
    await context.close();
  });

  it('gives the waiting view in French with French plural and relative time', async () => {
    const context = await phoneContext({ locale: 'fr-FR', extraHTTPHeaders: { 'Accept-Language': 'fr' } });
    const page = await context.newPage();
    await page.goto(`${hub.url}/`);
    await page.getByRole('link', { name: 'Connecter Spotify' }).tap();
    await page.getByLabel('Alan Turing').check();
    await page.getByRole('button', { name: 'Agree' }).tap();
    await page.waitForURL(`${hub.url}/`);
    await page.waitForFunction(() => ['waiting', 'next', 'live'].includes(document.body.dataset.you ?? ''));
    const state = await page.evaluate(() => document.body.dataset.you);
    if (state === 'live') {
      expect(await page.textContent('#live-title-text')).toBe('C’est à vous !');
    } else {
      await page.locator('#place-of', { hasText: /^sur \d+ dans la file$/ }).waitFor();
      await page.waitForFunction(() =>
        /^dans \d+ (secondes?|minutes?)$|^d’un instant à l’autre$/.test(
          document.getElementById('eta')?.textContent ?? '',
        ),
      );
    }
    expect(await page.getByRole('button', { name: 'Se déconnecter' }).isVisible()).toBe(true);
    await expectReadable(page, `${state}-fr`);
    await context.close();
  });
});
