/**
 * Log out from the phone page in a real Chromium: the page's own POST carries its Origin (the hub
 * sends Referrer-Policy same-origin), so the CSRF check lets it through; the person leaves the
 * line and sees the first-visit page again. A page of another site cannot do the same.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser } from 'playwright-core';
import type { QueueFull } from '../../shared/events.js';
import { launchChromium } from '../helpers/browser.js';
import { startTestHub, type TestHub } from '../helpers/hub.js';
import { startTestRedis, type TestRedis } from '../helpers/redis-server.js';
import { until } from '../helpers/wait.js';

let redis: TestRedis;
let hub: TestHub;
let browser: Browser;
let evil: Server;
let evilUrl: string;

beforeAll(async () => {
  redis = await startTestRedis();
  hub = await startTestHub(redis.url);
  browser = await launchChromium();
  // Another site that tries to log the visitor out of the hub with a form POST.
  evil = createServer((_req, res) => {
    res.setHeader('content-type', 'text/html');
    res.end(
      `<form id="f" method="post" action="${hub.url}/logout"></form><script>document.getElementById('f').submit()</script>`,
    );
  });
  await new Promise<void>((resolve) => evil.listen(0, '127.0.0.2', resolve));
  evilUrl = `http://127.0.0.2:${(evil.address() as AddressInfo).port}/`;
});
afterAll(async () => {
  await browser?.close();
  await new Promise((resolve) => evil?.close(resolve));
  await hub?.close();
  await redis?.dispose();
});

async function loggedInPhone() {
  const context = await browser.newContext({ viewport: { width: 360, height: 640 }, isMobile: true, hasTouch: true });
  const page = await context.newPage();
  await page.goto(`${hub.url}/`);
  await page
    .getByRole('link', { name: /Connect Spotify/i })
    .first()
    .tap();
  await page.waitForURL(/\/sim\/accounts\/authorize/);
  await page.getByLabel('Hedy Lamarr').check();
  await page.getByRole('button', { name: /agree/i }).click();
  await page.waitForURL(`${hub.url}/`);
  await until(
    () => page.evaluate(async () => ((await (await fetch('/api/me')).json()) as { logged_in: boolean }).logged_in),
    (v) => v,
    15_000,
    'logged in',
  );
  return { context, page };
}

/** The line as the operator sees it. */
async function operatorQueue(): Promise<QueueFull> {
  const res = await fetch(`${hub.url}/api/operator/queue`, {
    headers: { authorization: 'Bearer operator-token-for-tests' },
  });
  return (await res.json()) as QueueFull;
}
const lineHolds = async (userId: string) => {
  const q = await operatorQueue();
  return q.active?.user_id === userId || q.waiting.some((w) => w.user_id === userId);
};

const me = (page: import('playwright-core').Page) =>
  page.evaluate(async () => (await (await fetch('/api/me')).json()) as { logged_in: boolean });

describe('log out in Chromium', () => {
  it('logs out from the phone page’s own button: out of the line, the first-visit page again', async () => {
    const { context, page } = await loggedInPhone();
    expect(await lineHolds('hedy')).toBe(true);
    const connect = page.getByRole('link', { name: /Connect Spotify/i }).first();
    expect(await connect.isVisible()).toBe(false);
    await page
      .getByRole('button', { name: /log out/i })
      .first()
      .click();
    // Polled from here: each check is one awaited /api/me from the page.
    const after = await until(
      () => me(page),
      (m) => !m.logged_in,
      15_000,
      'logged out',
    );
    expect(after.logged_in).toBe(false);
    // The person left the line, as having left…
    expect(await lineHolds('hedy')).toBe(false);
    const queue = await operatorQueue();
    expect(queue.out).toContainEqual(expect.objectContaining({ user_id: 'hedy', reason: 'left' }));
    // …and the page offers the first visit's way in again.
    await connect.waitFor({ state: 'visible', timeout: 15_000 });
    await context.close();
  });

  it('is not logged out by another site’s form POST', async () => {
    const { context, page } = await loggedInPhone();
    const attack = await context.newPage();
    const answer = attack.waitForResponse((r) => r.url() === `${hub.url}/logout`);
    await attack.goto(evilUrl);
    expect((await answer).status()).toBe(403);
    expect((await me(page)).logged_in).toBe(true);
    await context.close();
  });
});
