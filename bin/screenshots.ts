/**
 * `npm run screenshots`: regenerates the README's pictures of the three screens in docs/screenshots/.
 * Starts a private redis-server on a free port (never the one on 6379) and a demo hub, logs people
 * in through the simulator, publishes a track the way the poll worker does, and photographs the
 * projector (live and attract), the phone and the operator view in Chromium. A developer tool: it
 * borrows the test helpers that already do all of this.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { launchChromium } from '../test/helpers/browser.js';
import { CookieClient } from '../test/helpers/cookie-client.js';
import { loginThroughSimulator, startTestHub } from '../test/helpers/hub.js';
import { startTestRedis } from '../test/helpers/redis-server.js';
import { nowPlayingFeed, trackItem } from '../test/browser/now-playing-feed.js';
import { createLogger } from '../shared/logger.js';
import { openRedis } from '../test/helpers/redis-server.js';
import { PaletteService } from '../workers/palette/palette-service.js';
import { artUrlPolicyFor } from '../workers/palette/art-url-policy.js';

const OUT = path.resolve('docs/screenshots');

async function main(): Promise<void> {
  mkdirSync(OUT, { recursive: true });
  const redis = await startTestRedis();
  const hub = await startTestHub(redis.url, { env: { VENUE_NAME: 'Le Hangar · Friday Listening Club' } });
  const feed = await nowPlayingFeed(redis.url);
  const browser = await launchChromium();
  try {
    for (const id of ['ada', 'hedy', 'alan']) await loginThroughSimulator(new CookieClient(), hub.url, id);
    const album = [...hub.sim.catalog.albums.values()][4]!;
    const images = [640, 300, 64].map((size) => ({
      url: `${hub.url}/sim/images/${album.id}/${size}.png`,
      width: size,
      height: size,
    }));
    const track = hub.sim.catalog.tracks.get(album.trackIds[1]!)!;
    const artists = track.artistIds.map((id) => hub.sim.catalog.artists.get(id)!.name);
    const item = {
      ...trackItem(track.name, artists, images, track.durationMs),
      album: { id: album.id, name: album.name, images },
    };
    // The cover's colours, as the worker adds them in its follow-up now_playing.
    const paletteRedis = await openRedis(redis.url);
    const palettes = new PaletteService({
      redis: paletteRedis,
      log: createLogger({ level: 'silent' }),
      policy: artUrlPolicyFor(hub.config),
    });
    const palette = await palettes.forItem(item);
    await palettes.close();
    await paletteRedis.close();
    await feed.publish({
      state: 'playing',
      user: { display_name: 'Ada Lovelace' },
      item: { ...item, palette },
      is_playing: true,
      progress_ms: 83_000,
      turn_ends_at: Date.now() + 131_000,
    });

    const phoneContext = await browser.newContext({
      viewport: { width: 360, height: 640 },
      isMobile: true,
      hasTouch: true,
    });
    const phone = await phoneContext.newPage();
    await phone.goto(`${hub.url}/`);
    await phone.getByRole('link', { name: 'Connect Spotify' }).tap();
    await phone.getByLabel('Grace Hopper').check();
    await phone.getByRole('button', { name: 'Agree' }).tap();
    await phone.waitForURL(`${hub.url}/`);
    await phone.waitForFunction(
      () => document.body.dataset.you === 'waiting' && /\d/.test(document.getElementById('eta')?.textContent ?? ''),
    );
    await phone.locator('#art').waitFor({ state: 'visible' });
    await phone.screenshot({ path: path.join(OUT, 'phone.png') });

    const displayContext = await browser.newContext({ viewport: { width: 1280, height: 720 } });
    const display = await displayContext.newPage();
    await display.goto(`${hub.url}/display`);
    await display.waitForFunction(
      () =>
        document.getElementById('stage')?.dataset.mode === 'live' &&
        (document.getElementById('next-list')?.children.length ?? 0) > 1,
    );
    await display.locator('#art').waitFor({ state: 'visible' });
    await display.screenshot({ path: path.join(OUT, 'display-live.png') });

    const operatorContext = await browser.newContext({ viewport: { width: 1366, height: 768 } });
    const operator = await operatorContext.newPage();
    await operator.goto(`${hub.url}/operator`);
    await operator.getByLabel('Operator token').fill(hub.config.operatorToken);
    await operator.getByRole('button', { name: 'Sign in' }).click();
    await operator.locator('#line-body tr').nth(2).waitFor();
    await operator.locator('#art').waitFor({ state: 'visible' });
    await operator.screenshot({ path: path.join(OUT, 'operator.png') });

    await feed.publish({
      state: 'no_active_user',
      user: null,
      item: null,
      is_playing: false,
      progress_ms: 0,
      turn_ends_at: null,
    });
    await display.waitForFunction(
      () =>
        document.getElementById('stage')?.dataset.mode === 'attract' &&
        (document.getElementById('qr') as HTMLImageElement).complete,
    );
    await display.screenshot({ path: path.join(OUT, 'display-attract.png') });
    process.stdout.write(`screenshots written to ${OUT}\n`);
  } finally {
    await browser.close();
    await feed.close();
    await hub.close();
    await redis.dispose();
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`screenshots failed: ${(err as Error).stack ?? String(err)}\n`);
    process.exit(1);
  },
);
