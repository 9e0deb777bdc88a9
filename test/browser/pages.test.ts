/**
 * The three pages in Chromium: a phone goes through the simulator's consent page, waits, drives,
 * and sees the operator skip its turn from a second browser context; the display shows the track
 * and a QR code that decodes to PUBLIC_URL. Screenshots go to test-artifacts/.
 */
import path from 'node:path';
import jsQRModule from 'jsqr';
import type { Browser, Page } from 'playwright-core';
import { createLogger } from '../../shared/logger.js';
import { startPollWorker, type RunningPollWorker } from '../../workers/poll.worker.js';
import { CookieClient } from '../helpers/cookie-client.js';
import { ARTIFACTS, launchChromium } from '../helpers/browser.js';
import { TEST_RATE_LIMITS, loginThroughSimulator, startTestHub, type TestHub } from '../helpers/hub.js';
import { startServer } from '../../server/index.js';
import { startTestRedis, type TestRedis } from '../helpers/redis-server.js';

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

const shot = (page: Page, name: string) =>
  page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), fullPage: true });
const currentTrackName = (listener: string) => {
  const l = hub.sim.listeners.get(listener)!;
  const { itemId } = hub.sim.settle(l);
  return hub.sim.catalog.tracks.get(itemId!)!.name;
};
const progressScale = (page: Page) =>
  page.$eval('#progress-fill', (el) => {
    const m = /scaleX\(([\d.]+)\)/.exec((el as HTMLElement).style.transform);
    return m ? Number(m[1]) : 0;
  });

describe('pages in Chromium', () => {
  it('takes a phone from / through consent to its place, its turn, and the operator’s skip', async () => {
    // Someone is already driving, so the phone has to wait.
    await loginThroughSimulator(new CookieClient(), hub.url, 'ada');

    const phoneContext = await browser.newContext({
      viewport: { width: 360, height: 640 },
      isMobile: true,
      hasTouch: true,
      deviceScaleFactor: 2,
    });
    const phone = await phoneContext.newPage();
    const pageErrors: string[] = [];
    phone.on('pageerror', (e) => pageErrors.push(e.message));
    await phone.goto(`${hub.url}/`);
    await phone.getByRole('link', { name: 'Connect Spotify' }).tap();
    await phone.waitForURL(/\/sim\/accounts\/authorize/);
    await phone.getByLabel('Grace Hopper').check();
    await shot(phone, 'simulator-consent');
    await phone.getByRole('button', { name: 'Agree' }).tap();
    await phone.waitForURL(`${hub.url}/`);
    await phone.locator('#view-waiting').waitFor({ state: 'visible' });
    await expectText(phone, '#position', '1');
    await expectText(phone, '#place-of', 'of 1 in line');
    await expectText(phone, '#waiting-title', 'You’re next!');
    await phone.waitForFunction(() => /\d/.test(document.getElementById('eta')?.textContent ?? ''));
    await shot(phone, 'phone-waiting');

    const operatorContext = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const operator = await operatorContext.newPage();
    await operator.goto(`${hub.url}/operator`);
    await operator.getByLabel('Operator token').fill('operator-token-for-tests');
    await operator.getByRole('button', { name: 'Sign in' }).click();
    await operator.locator('#dashboard').waitFor({ state: 'visible' });
    await expectText(operator, '#active-name', 'Ada Lovelace');
    await operator.locator('#line-body tr', { hasText: 'Grace Hopper' }).waitFor();

    // Skip waits a few seconds with Undo; "Do it now" sends it at once.
    await operator.getByRole('button', { name: 'Skip turn' }).click();
    await operator.locator('#pending li', { hasText: 'Skipping Ada Lovelace’s turn' }).waitFor();
    await operator.getByRole('button', { name: 'Do it now' }).click();
    await phone.locator('#view-live').waitFor({ state: 'visible' });
    await expectText(phone, '#driver', 'Driving: Grace Hopper');
    await expectText(phone, '#track', currentTrackName('grace'));
    const before = await progressScale(phone);
    await phone.waitForFunction((b) => {
      const m = /scaleX\(([\d.]+)\)/.exec((document.getElementById('progress-fill') as HTMLElement).style.transform);
      return m !== null && Number(m[1]) > b;
    }, before);
    await phone.locator('#art').waitFor({ state: 'visible' });
    await shot(phone, 'phone-live');
    await expectText(operator, '#active-name', 'Grace Hopper');
    await shot(operator, 'operator-dashboard');

    await operator.getByRole('button', { name: 'Skip turn' }).click();
    await operator.getByRole('button', { name: 'Do it now' }).click();
    await phone.locator('#view-out').waitFor({ state: 'visible' });
    await expectText(phone, '#out-title', 'Thanks for driving!');
    await shot(phone, 'phone-thank-you');
    await phone.getByRole('button', { name: 'Join the line again' }).tap();
    await phone.waitForFunction(
      () => !document.getElementById('view-live')!.hidden || !document.getElementById('view-waiting')!.hidden,
    );
    expect(pageErrors).toEqual([]);
    await phoneContext.close();
    await operatorContext.close();
  });

  it('tells the phone why a login did not happen', async () => {
    const context = await browser.newContext({ viewport: { width: 360, height: 640 }, isMobile: true, hasTouch: true });
    const phone = await context.newPage();
    await phone.goto(`${hub.url}/`);
    await phone.getByRole('link', { name: 'Connect Spotify' }).tap();
    await phone.getByRole('button', { name: 'Cancel' }).tap();
    await phone.waitForURL(`${hub.url}/`);
    await expectText(phone, '#notice', 'you didn’t connect Spotify');
    await context.close();
  });

  it('shows the track and a QR code that decodes to PUBLIC_URL on the display', async () => {
    // Whoever else is in line, make sure somebody drives.
    await loginThroughSimulator(new CookieClient(), hub.url, 'hedy');
    const context = await browser.newContext({ viewport: { width: 1280, height: 720 } });
    const display = await context.newPage();
    await display.goto(`${hub.url}/display`);
    await display.waitForFunction(
      () =>
        document.getElementById('stage')?.dataset.mode === 'live' &&
        (document.getElementById('driver-name')?.textContent ?? '') !== '',
    );
    const driver = (await display.textContent('#driver-name'))!;
    const listener = [...hub.sim.listeners.values()].find((l) => l.displayName === driver)!;
    await expectText(display, '#track', currentTrackName(listener.id));
    await display.waitForFunction(() => (document.getElementById('qr') as HTMLImageElement).complete);
    const pixels = await display.$eval('#qr', (img) => {
      const size = 400;
      const canvas = document.createElement('canvas');
      canvas.width = size;
      canvas.height = size;
      const ctx = canvas.getContext('2d')!;
      ctx.fillStyle = '#fff';
      ctx.fillRect(0, 0, size, size);
      ctx.drawImage(img as HTMLImageElement, 20, 20, size - 40, size - 40);
      // Base64, not an array: 640k numbers would crawl through the protocol.
      const data = ctx.getImageData(0, 0, size, size).data;
      let binary = '';
      for (let i = 0; i < data.length; i += 0x8000) binary += String.fromCharCode(...data.subarray(i, i + 0x8000));
      return btoa(binary);
    });
    // jsqr is CommonJS with a default export: under ESM the function may sit on `.default`.
    const jsQR = ((jsQRModule as unknown as { default?: unknown }).default ?? jsQRModule) as unknown as (
      data: Uint8ClampedArray,
      w: number,
      h: number,
    ) => { data: string } | null;
    const code = jsQR(new Uint8ClampedArray(Buffer.from(pixels, 'base64')), 400, 400);
    expect(code?.data).toBe(`${hub.config.publicUrl}/`);
    expect(await display.textContent('#join-url')).toBe(hub.config.publicUrl.replace(/^https?:\/\//, ''));
    await shot(display, 'display');
    await context.close();
  });
});

describe('phone page on a flaky network', () => {
  it('says when the hub is unreachable, reconnects by itself and says it is back', async () => {
    const context = await browser.newContext({ viewport: { width: 360, height: 640 }, isMobile: true, hasTouch: true });
    const phone = await context.newPage();
    await phone.goto(`${hub.url}/`);
    await phone.locator('#view-welcome').waitFor({ state: 'visible' });
    const port = hub.server.port;
    await hub.server.close();
    await expectText(phone, '#banner', 'reconnecting');
    await shot(phone, 'phone-offline');
    const restarted = await startServer(hub.config, createLogger({ level: 'silent' }), {
      port,
      rateLimits: TEST_RATE_LIMITS,
      simulatorState: hub.sim,
    });
    hub = { ...hub, server: restarted, close: () => restarted.close() };
    await expectText(phone, '#banner', 'Back online');
    await context.close();
  });
});

async function expectText(page: Page, selector: string, text: string): Promise<void> {
  await page.locator(selector, { hasText: text }).waitFor({ timeout: 10_000 });
}
