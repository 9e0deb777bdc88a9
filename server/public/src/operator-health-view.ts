/**
 * The operator board's health panel: Redis, the last poll, Spotify's rate limit, token refreshes
 * and who is connected, each with a tone. Apart from operator.ts because it only draws one event.
 */
import type { Health } from '../../../shared/events.js';
import { agoTime, clockTime, t } from './i18n.js';
import { $ } from './lib.js';

function status(id: string, text: string, tone: 'ok' | 'warn' | 'bad' | ''): void {
  const el = $(id);
  el.textContent = text;
  el.className = tone;
}

export function renderHealth(h: Health | null): void {
  if (!h) return;
  status('h-redis', t(h.redis ? 'op.reachable' : 'op.unreachable'), h.redis ? 'ok' : 'bad');
  status(
    'h-poll',
    h.last_poll_age_ms === null ? t('op.never') : agoTime(h.last_poll_age_ms / 1000),
    h.last_poll_age_ms !== null && h.last_poll_age_ms < 10_000 ? 'ok' : 'bad',
  );
  // The app's quota used up is an outage until Spotify lifts it; a short rate limit passes by itself.
  const quota = h.spotify_limit === 'quota_exceeded';
  const until = h.spotify_retry_after ? clockTime(h.spotify_retry_after) : '';
  status(
    'h-429',
    !h.spotify_retry_after ? t('op.none') : t(quota ? 'op.quotaUntil' : 'op.until', { time: until }),
    !h.spotify_retry_after ? 'ok' : quota ? 'bad' : 'warn',
  );
  status('h-refresh', String(h.refresh_failures), h.refresh_failures > 0 ? 'warn' : '');
  status('h-audience', String(Math.max(0, h.clients['/'] - h.clients.displays)), '');
  status('h-displays', String(h.clients.displays), '');
  status('h-operators', String(h.clients['/operator']), '');
  status('h-bridges', String(h.clients['/bridge']), '');
  status('h-bridge', t(h.bridge_connected ? 'op.connected' : 'op.notConnected'), h.bridge_connected ? 'ok' : 'warn');
}
