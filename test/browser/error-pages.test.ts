/**
 * Error pages a person reaches by navigating (here: a login answer with an unknown state) are
 * styled under the strict CSP — the stylesheet applies and the browser reports no CSP violation —
 * in the browser's language, with a way back to the hub.
 */
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { ARTIFACTS, launchChromium } from '../helpers/browser.js';
import { startTestHub, type TestHub } from '../helpers/hub.js';
import { startTestRedis, type TestRedis } from '../helpers/redis-server.js';

let redis: TestRedis;
let hub: TestHub;
let browser: Browser;

beforeAll(async () => {
  redis = await startTestRedis();
  hub = await startTestHub(redis.url);
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await hub?.close();
  await redis?.dispose();
});

describe('error pages in Chromium', () => {
  it.each([
    ['en', 'en', 'That link didn’t work', 'Back to the hub'],
    ['fr', 'fr-FR,fr;q=0.9', 'Ce lien n’a pas marché', 'Retour au hub'],
  ])('styles a bad-state page under the CSP (%s)', async (name, acceptLanguage, title, back) => {
    const context = await browser.newContext({
      viewport: { width: 360, height: 640 },
      extraHTTPHeaders: { 'Accept-Language': acceptLanguage },
    });
    const page = await context.newPage();
    const violations: string[] = [];
    page.on('console', (m) => {
      if (/Content Security Policy/i.test(m.text())) violations.push(m.text());
    });
    const res = await page.goto(`${hub.url}/callback?state=not-a-state&code=x`);
    expect(res?.status()).toBe(400);
    await page.getByRole('heading', { name: title }).waitFor();
    // The stylesheet applied: the page has the hub's dark background, not the browser's white.
    expect(await page.evaluate(() => getComputedStyle(document.body).backgroundColor)).toBe('rgb(13, 15, 20)');
    expect(violations).toEqual([]);
    await page.screenshot({ path: path.join(ARTIFACTS, `error-bad-state-${name}.png`) });
    await page.getByRole('link', { name: back }).click();
    await page.waitForURL(`${hub.url}/`);
    await context.close();
  });
});
