/**
 * Records `docs/shows/demo-show.jsonl`: a demo hub (embedded simulator, a crowd of three taking
 * 40-second turns, on a private Redis) and a real bridge with `--record`, for SHOW_SECONDS.
 *
 *   npx tsx docs/shows/record-demo-show.ts [SHOW_SECONDS=180]
 *
 * The poll worker does not compute palettes yet, so afterwards this script adds each item's
 * palette with the real PaletteService (as the publisher's follow-up `now_playing` will carry it),
 * and rewrites the art URLs to the default demo hub's (`http://127.0.0.1:4000/sim/images/…`, the
 * same generated art), so the show does not name a port that existed only while recording.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { createClient } from 'redis';
import { createLogger } from '../../shared/logger.js';
import type { RedisClient } from '../../shared/redis.js';
import { startDemoCrowd } from '../../bin/demo-crowd.js';
import { startBridge } from '../../workers/bridge/bridge.js';
import { parseShow } from '../../workers/bridge/show-file.js';
import { artUrlPolicyFor } from '../../workers/palette/art-url-policy.js';
import { PaletteService } from '../../workers/palette/palette-service.js';
import { startPollWorker } from '../../workers/poll.worker.js';
import { startTestHub } from '../../test/helpers/hub.js';
import { startTestRedis } from '../../test/helpers/redis-server.js';

const SECONDS = Number(process.argv[2] ?? 180);
const OUT = path.resolve('docs/shows/demo-show.jsonl');
const log = createLogger({ level: 'info', name: 'record-demo-show' });
const quiet = createLogger({ level: 'warn' });

const redis = await startTestRedis();
const hub = await startTestHub(redis.url, { env: { POLL_INTERVAL_MS: '1000', TURN_SECONDS: '40', IDLE_SECONDS: '20' } });
const worker = await startPollWorker(hub.config, quiet);
const crowd = startDemoCrowd(hub.sim, hub.url, 3, quiet);
const bridge = await startBridge({ hubUrl: hub.url, token: 'bridge-token-for-tests', oscHost: '127.0.0.1', oscPort: 7999, oscRateHz: 30, wsPort: 0, wsHost: '127.0.0.1', log: quiet, recordFile: OUT });
log.info({ seconds: SECONDS, file: OUT }, 'recording');

/** Steers whoever is driving through the simulator's control API, so the show has more than one track per turn. */
async function steerDriver(action: 'next' | 'pause' | 'play'): Promise<void> {
  const now = (await (await fetch(`${hub.url}/api/now-playing`)).json()) as { user: { display_name: string } | null };
  const listener = [...hub.sim.listeners.values()].find((l) => l.displayName === now.user?.display_name);
  if (!listener) return;
  await fetch(`${hub.url}/sim/control/listeners/${listener.id}/playback`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ action }) });
  log.info({ action, driver: listener.displayName }, 'steered');
}
// Seconds into the show → what the driver does then.
const SCRIPT: [number, 'next' | 'pause' | 'play'][] = [[20, 'next'], [30, 'pause'], [36, 'play'], [62, 'next'], [102, 'next'], [125, 'pause'], [129, 'play'], [145, 'next'], [168, 'next']];
const startedAt = Date.now();
for (const [at, action] of SCRIPT.filter(([at]) => at < SECONDS)) {
  await new Promise((r) => setTimeout(r, Math.max(0, startedAt + at * 1000 - Date.now())));
  await steerDriver(action);
}
await new Promise((r) => setTimeout(r, Math.max(0, startedAt + SECONDS * 1000 - Date.now())));
await bridge.close();

const client = createClient({ url: redis.url }) as unknown as RedisClient;
await client.connect();
const palettes = new PaletteService({ redis: client, log: quiet, policy: artUrlPolicyFor(hub.config) });
const lines = parseShow(readFileSync(OUT, 'utf8'), OUT);
const origin = new URL(hub.url).origin;
const out: string[] = [];
for (const line of lines) {
  if (line.event === 'now_playing' && line.data.item) {
    const item = line.data.item;
    item.palette = await palettes.forItem(item);
    for (const image of item.album.images) image.url = image.url.replace(origin, 'http://127.0.0.1:4000');
  }
  out.push(JSON.stringify(line));
}
writeFileSync(OUT, `${out.join('\n')}\n`);
log.info({ events: lines.length, bytes: Buffer.byteLength(out.join('\n')) }, 'recorded');

await palettes.close();
await client.quit();
crowd.stop();
await worker.close();
await hub.close();
await redis.dispose();
process.exit(0);
