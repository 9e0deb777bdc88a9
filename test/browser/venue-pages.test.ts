/**
 * Venue mode in Chromium, demo mode: a phone at 360×640 joins with a name, searches, picks three,
 * reorders them and sees them listed with its place in line; the operator's venue panel shows the
 * simulator's venue account and its device; the operator bans the guest from the line view.
 * Screenshots go to test-artifacts/.
 */
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { createLogger } from '../../shared/logger.js';
import { VENUE_DEVICE_ID, VENUE_LISTENER_ID } from '../../simulator/player-state.js';
import { startPollWorker, type RunningPollWorker } from '../../workers/poll.worker.js';
import { ARTIFACTS, launchChromium } from '../helpers/browser.js';
import { CookieClient } from '../helpers/cookie-client.js';
import { loginThroughSimulator, startTestHub, type TestHub } from '../helpers/hub.js';
import { startTestRedis, type TestRedis } from '../helpers/redis-server.js';
import { boxes, leakedWords, outsideViewport, overlaps, pageScrolls } from './layout-checks.js';

let redis: TestRedis;
let hub: TestHub;
let worker: RunningPollWorker;
let browser: Browser;

beforeAll(async () => {
  redis = await startTestRedis();
  hub = await startTestHub(redis.url, { env: { POLL_INTERVAL_MS: '250' } });
  worker = await startPollWorker(hub.config, createLogger({ level: 'silent' }), { slowMs: 1000 });
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await worker?.close();
  await hub?.close();
  await redis?.dispose();
});

const PHONE = { viewport: { width: 360, height: 640 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 };
const shot = (page: Page, name: string) =>
  page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), fullPage: true });

/** No sideways scroll at 360 and 320 px, touch targets of 44 px, nothing reading null/undefined. */
async function expectReadable(page: Page): Promise<void> {
  for (const width of [360, 320]) {
    await page.setViewportSize({ width, height: 640 });
    expect(await pageScrolls(page)).toMatchObject({ x: false });
    expect(await leakedWords(page)).toEqual([]);
    const small = await page.$$eval('button, a.button, input', (els) =>
      els
        .filter((el) => (el as HTMLElement).checkVisibility())
        .map(
          (el) =>
            ({ text: (el.textContent ?? el.id).trim() || el.id, ...el.getBoundingClientRect().toJSON() }) as {
              text: string;
              width: number;
              height: number;
            },
        )
        .filter((r) => r.width < 44 || r.height < 44)
        .map((r) => `${r.text} ${Math.round(r.width)}×${Math.round(r.height)}`),
    );
    expect(small).toEqual([]);
  }
  await page.setViewportSize(PHONE.viewport);
}

/** The simulator's control API: devices appear and disappear as on a real venue computer. */
async function control(method: string, route: string, body?: unknown): Promise<void> {
  const res = await fetch(`${hub.url}/sim/control${route}`, {
    method,
    headers: { 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  expect(res.status).toBeLessThan(300);
}

const pickTitles = (page: Page) =>
  page.$$eval('#picks-list .track-title', (els) => els.map((e) => e.textContent ?? ''));

async function signInOperator(): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1366, height: 768 } });
  const page = await context.newPage();
  await page.goto(`${hub.url}/operator`);
  await page.getByLabel('Operator token').fill('operator-token-for-tests');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.locator('#dashboard').waitFor({ state: 'visible' });
  return page;
}

describe('venue mode pages in Chromium', () => {
  let phone: Page;

  it('lets a phone join with a name, search, pick three, reorder and see its picks and place', async () => {
    // Someone already drives, so the guest waits in line with a place to show.
    await loginThroughSimulator(new CookieClient(), hub.url, 'ada');

    const context = await browser.newContext(PHONE);
    phone = await context.newPage();
    const pageErrors: string[] = [];
    phone.on('pageerror', (e) => pageErrors.push(e.message));
    await phone.goto(`${hub.url}/`);
    await phone.getByRole('button', { name: 'Join with a name' }).tap();
    await expectReadable(phone);
    await shot(phone, 'venue-phone-join');

    // The server's refusal reads in plain words: a name of only invisible characters is no name.
    const nameField = phone.getByLabel('Your name (shown on the screen)');
    await nameField.fill('\u200b\u200b');
    await phone.getByRole('button', { name: 'Join the line' }).tap();
    await phone.locator('#guest-error', { hasText: 'That name can’t be used' }).waitFor();

    await nameField.fill('Sam the Guest');
    await phone.getByRole('button', { name: 'Join the line' }).tap();
    await phone.locator('#guest-picks').waitFor({ state: 'visible' });
    await phone.locator('#view-waiting').waitFor({ state: 'visible' });
    await phone.locator('#position', { hasText: '1' }).waitFor();
    await phone.locator('#who', { hasText: 'Sam the Guest' }).waitFor();

    await phone.getByLabel('Search for a song').fill('Lumen Drift');
    await phone.locator('#search-results li').nth(2).waitFor();
    const found = await phone.$$eval('#search-results .track-title', (els) => els.map((e) => e.textContent ?? ''));
    for (const title of found.slice(0, 3)) {
      await phone.getByRole('button', { name: `Add ${title}` }).tap();
      await phone.locator('#picks-list .track-title', { hasText: title }).waitFor();
    }
    expect(await pickTitles(phone)).toEqual(found.slice(0, 3));
    await phone.locator('#picks-count', { hasText: '3 of 3' }).waitFor();
    // A full list: the other results cannot be added.
    if (found.length > 3) expect(await phone.getByRole('button', { name: `Add ${found[3]}` }).isDisabled()).toBe(true);

    // Move the third pick to the top, then remove the (new) last one and add it back.
    await phone.getByRole('button', { name: `Move ${found[2]} up` }).tap();
    await phone.locator('#picks-list li').nth(1).filter({ hasText: found[2]! }).waitFor();
    await phone.getByRole('button', { name: `Move ${found[2]} up` }).tap();
    await phone.locator('#picks-list li').first().filter({ hasText: found[2]! }).waitFor();
    expect(await pickTitles(phone)).toEqual([found[2], found[0], found[1]]);
    const saved = await phone.evaluate(
      async () =>
        (await (await fetch('/api/picks', { credentials: 'same-origin' })).json()) as { picks: { name: string }[] },
    );
    expect(saved.picks.map((p) => p.name)).toEqual([found[2], found[0], found[1]]);

    await phone.getByRole('button', { name: `Remove ${found[1]}` }).tap();
    await phone.locator('#picks-count', { hasText: '2 of 3' }).waitFor();
    await phone.getByRole('button', { name: `Add ${found[1]}` }).tap();
    await phone.locator('#picks-count', { hasText: '3 of 3' }).waitFor();

    await expectReadable(phone);
    await shot(phone, 'venue-phone-picks');
    // Still in line, with an ETA, while Ada drives.
    await phone.locator('#view-waiting').waitFor({ state: 'visible' });
    expect(await phone.textContent('#position')).toBe('1');

    await phone.locator('.lang-button[lang="fr"]').tap();
    await phone.locator('#picks-title', { hasText: 'Vos choix' }).waitFor();
    expect(await leakedWords(phone)).toEqual([]);
    await shot(phone, 'venue-phone-picks-fr');
    await phone.locator('.lang-button[lang="en"]').tap();
    expect(pageErrors).toEqual([]);
  });

  it('shows the venue account and its device to the operator, a guest’s picks with a veto, and bans the guest', async () => {
    const operator = await signInOperator();
    const pageErrors: string[] = [];
    operator.on('pageerror', (e) => pageErrors.push(e.message));
    const venue = await operator.evaluate(
      async () =>
        (await (await fetch('/api/operator/venue', { credentials: 'same-origin' })).json()) as {
          account: { display_name: string };
          devices: { id: string; name: string }[];
        },
    );
    expect(venue.devices.length).toBeGreaterThan(0);
    await operator.locator('#venue-account', { hasText: `Connected: ${venue.account.display_name}` }).waitFor();
    await operator.locator('#venue-device option', { hasText: venue.devices[0]!.name }).waitFor({ state: 'attached' });
    expect(await operator.locator('#venue-problem').isHidden()).toBe(true);
    expect(await operator.getByRole('link', { name: 'Connect again' }).getAttribute('href')).toBe(
      '/operator/venue/connect',
    );

    // The guest's picks open under their row; a veto takes one out.
    const row = operator.locator('#line-body tr', { hasText: 'Sam the Guest' });
    await row.waitFor();
    await operator.getByRole('button', { name: 'Show Sam the Guest’s picks' }).click();
    const picks = operator.locator('tr.picks-row li');
    await picks.nth(2).waitFor();
    const first = (await picks.first().locator('.one-line').textContent())!.split(' — ')[0]!;
    const cards = await boxes(operator, ['now', 'turn', 'venue', 'line', 'health']);
    expect(cards.filter((b) => !b.visible).map((b) => b.id)).toEqual([]);
    expect(await outsideViewport(operator, cards)).toEqual([]);
    expect(overlaps(cards)).toEqual([]);
    expect(await pageScrolls(operator)).toEqual({ x: false, y: false });
    expect(await leakedWords(operator)).toEqual([]);
    await operator.screenshot({ path: path.join(ARTIFACTS, 'venue-operator-1366x768.png') });

    await operator.getByRole('button', { name: `Veto ${first}` }).click();
    await operator.locator('tr.picks-row li').nth(1).waitFor();
    await operator.waitForFunction(() => document.querySelectorAll('tr.picks-row li').length === 2);
    const left = await phone.evaluate(
      async () =>
        (await (await fetch('/api/picks', { credentials: 'same-origin' })).json()) as { picks: { name: string }[] },
    );
    expect(left.picks.map((p) => p.name)).not.toContain(first);

    // Ban waits with Undo like remove; "Do it now" sends it.
    await operator.getByRole('button', { name: 'Ban Sam the Guest for this show' }).click();
    await operator.locator('#pending li', { hasText: 'Banning Sam the Guest' }).waitFor();
    await operator.locator('#pending li').getByRole('button', { name: 'Do it now' }).click();
    await row.waitFor({ state: 'detached' });
    await phone.locator('#view-out').waitFor({ state: 'visible' });
    await shot(phone, 'venue-phone-banned');

    // Banned means banned: joining again is refused in plain words.
    await phone.getByRole('button', { name: 'Join the line again' }).tap();
    await phone.locator('#notice', { hasText: 'The crew has closed the line to you for this show.' }).waitFor();
    await shot(phone, 'venue-phone-banned-rejoin');
    expect(pageErrors).toEqual([]);
    await operator.context().close();
  });

  it('offers the name form at once when Spotify refused the account (not_registered)', async () => {
    const context = await browser.newContext(PHONE);
    const page = await context.newPage();
    await page.goto(`${hub.url}/?login_error=not_registered`);
    await page.locator('#notice', { hasText: 'Development Mode' }).waitFor();
    await page.locator('#guest-form').waitFor({ state: 'visible' });
    await page.locator('#guest-offer', { hasText: 'You can still take part' }).waitFor();
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('guest-name');
    await expectReadable(page);
    await shot(page, 'venue-phone-not-registered');
    await context.close();
  });

  it('shows a guest on their turn that they are live, with their own pick playing on the venue', async () => {
    // Self-contained: the venue has its device and nobody else drives or waits.
    const devices = (await (await fetch(`${hub.url}/sim/control/listeners/${VENUE_LISTENER_ID}/devices`)).json()) as {
      devices: { id: string }[];
    };
    if (!devices.devices.some((d) => d.id === VENUE_DEVICE_ID))
      await control('POST', `/listeners/${VENUE_LISTENER_ID}/devices`, {
        id: VENUE_DEVICE_ID,
        name: 'Venue Speakers',
        type: 'Computer',
      });
    const crew = new CookieClient();
    expect(
      (await crew.request(`${hub.url}/api/operator/login`, { json: { token: 'operator-token-for-tests' } })).status,
    ).toBe(200);
    const full = JSON.parse((await crew.request(`${hub.url}/api/operator/queue`)).body) as {
      active: { user_id: string } | null;
      waiting: { user_id: string }[];
    };
    for (const userId of [full.active?.user_id, ...full.waiting.map((w) => w.user_id)].filter(Boolean))
      expect((await crew.request(`${hub.url}/api/operator/remove`, { json: { userId } })).status).toBe(200);

    const context = await browser.newContext(PHONE);
    const page = await context.newPage();
    const pageErrors: string[] = [];
    page.on('pageerror', (e) => pageErrors.push(e.message));
    await page.goto(`${hub.url}/`);
    await page.getByRole('button', { name: 'Join with a name' }).tap();
    await page.getByLabel('Your name (shown on the screen)').fill('Lee on Stage');
    await page.getByRole('button', { name: 'Join the line' }).tap();
    await page.locator('#guest-picks').waitFor({ state: 'visible' });
    await page.getByLabel('Search for a song').fill('Lumen Drift');
    await page.locator('#search-results li').first().waitFor();
    const title = (await page.locator('#search-results .track-title').first().textContent())!;
    await page.getByRole('button', { name: `Add ${title}` }).tap();

    // The turn starts, the venue plays the pick, and the phone says so.
    await page.locator('#view-live').waitFor({ state: 'visible' });
    await page.locator('#live-title-text', { hasText: 'You’re live!' }).waitFor();
    await page.locator('#live-pick', { hasText: `Playing your pick: ${title}` }).waitFor();
    // The pick that plays is locked on the phone: marked, with no way to move or remove it.
    await page.locator('#picks-list li').first().locator('.badge', { hasText: 'Playing' }).waitFor();
    expect(await page.getByRole('button', { name: `Remove ${title}` }).count()).toBe(0);
    const venuePlays = (await (await fetch(`${hub.url}/sim/control/player/commands`)).json()) as {
      commands: { command: string; deviceId: string | null }[];
    };
    expect(venuePlays.commands.filter((c) => c.command === 'play').at(-1)?.deviceId).toBe(VENUE_DEVICE_ID);
    await expectReadable(page);
    await shot(page, 'venue-phone-live');
    expect(pageErrors).toEqual([]);
    await context.close();
  });

  it('lets the operator move the venue to another device and says what to do when none is left', async () => {
    await control('POST', `/listeners/${VENUE_LISTENER_ID}/devices`, {
      id: 'bar-speaker-1',
      name: 'Bar',
      type: 'Speaker',
    });
    const operator = await signInOperator();
    // The card asks again every few seconds: the new device appears without a reload.
    await operator.locator('#venue-device option', { hasText: 'Bar' }).waitFor({ state: 'attached' });
    await operator.getByLabel('Plays on').selectOption('bar-speaker-1');
    await operator.locator('#venue-device option', { hasText: 'Bar (active)' }).waitFor({ state: 'attached' });
    expect(await operator.locator('#venue-device').inputValue()).toBe('bar-speaker-1');

    await control('DELETE', `/listeners/${VENUE_LISTENER_ID}/devices/bar-speaker-1`);
    await control('DELETE', `/listeners/${VENUE_LISTENER_ID}/devices/${VENUE_DEVICE_ID}`);
    await operator.locator('#venue-problem', { hasText: 'Open Spotify on the venue computer' }).waitFor();
    await operator.screenshot({ path: path.join(ARTIFACTS, 'venue-operator-no-device.png') });
    await operator.locator('.lang-button[lang="fr"]').click();
    await operator.locator('#venue-problem', { hasText: 'Ouvrez Spotify sur l’ordinateur du lieu' }).waitFor();
    expect(await leakedWords(operator)).toEqual([]);
    await operator.context().close();
  });
});
