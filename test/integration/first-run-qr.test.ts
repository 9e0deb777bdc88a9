/**
 * The address phones use: with PUBLIC_URL unset (its default is loopback) and the hub listening on
 * every interface, the projector's QR code carries the LAN address, and operators are told so.
 */
import { networkInterfaces } from 'node:os';
import { launchChromium } from '../helpers/browser.js';
import { startTestHub, type TestHub } from '../helpers/hub.js';
import { freePort } from '../helpers/ports.js';
import { decodeQrSvg } from '../helpers/qr-svg.js';
import { startTestRedis, type TestRedis } from '../helpers/redis-server.js';
import { RecordingSocket } from '../helpers/socket-client.js';

let redis: TestRedis;
let hub: TestHub;
let port: number;

/** This machine's IPv4 addresses other than loopback, read independently of the product. */
const machineAddresses = Object.values(networkInterfaces())
  .flat()
  .filter((i) => i !== undefined && i.family === 'IPv4' && !i.internal)
  .map((i) => i!.address);

beforeAll(async () => {
  redis = await startTestRedis();
  port = await freePort();
  hub = await startTestHub(redis.url, { env: { HOST: '0.0.0.0', PORT: String(port), PUBLIC_URL: undefined } });
});
afterAll(async () => {
  await hub?.close();
  await redis?.dispose();
});

describe('the display QR code when PUBLIC_URL is unset and the hub listens beyond loopback', () => {
  it('runs on a machine with a network address (the premise of this test)', () => {
    expect(machineAddresses.length).toBeGreaterThan(0);
  });

  it('decodes to the LAN address and port, not the loopback default', async () => {
    const svg = await (await fetch(`http://127.0.0.1:${port}/display/qr.svg`)).text();
    const decoded = new URL(decodeQrSvg(svg)!);
    expect(hub.config.publicUrl).toBe(`http://127.0.0.1:${port}`);
    expect(machineAddresses).toContain(decoded.hostname);
    expect(decoded.port).toBe(String(port));
    expect(decoded.pathname).toBe('/');
  });

  it('tells operators which address the QR code carries, and warns that PUBLIC_URL is loopback', async () => {
    const svg = await (await fetch(`http://127.0.0.1:${port}/display/qr.svg`)).text();
    const operator = new RecordingSocket(`http://127.0.0.1:${port}/operator`, {
      auth: { token: 'operator-token-for-tests' },
    });
    try {
      const health = await operator.next('health', (h) => h.address !== undefined);
      expect(health.address!.qr_url).toBe(decodeQrSvg(svg));
      expect(health.address!.qr_source).toBe('lan');
      expect(health.address!.warnings.map((w) => w.code)).toContain('public_url_loopback');
      expect(health.address!.guests_note).toMatch(/plain http/);
    } finally {
      operator.close();
    }
  });

  it('shows it on the operator dashboard, with the warning, in a real browser', async () => {
    const qr = decodeQrSvg(await (await fetch(`http://127.0.0.1:${port}/display/qr.svg`)).text());
    const browser = await launchChromium();
    try {
      const page = await browser.newPage();
      await page.goto(`http://127.0.0.1:${port}/operator`);
      await page.getByLabel('Operator token').fill('operator-token-for-tests');
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.locator('#join-address').waitFor({ state: 'visible' });
      expect(await page.textContent('#join-qr-url')).toBe(qr);
      expect(await page.textContent('#join-warnings li[data-code="public_url_loopback"]')).toMatch(
        /loopback address no phone can open/,
      );
      expect(await page.textContent('#join-guests')).toMatch(/Guests .* plain http/);
    } finally {
      await browser.close();
    }
  });
});
