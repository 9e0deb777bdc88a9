/**
 * The simulator's control API under `/control`, for tests and demos: listeners and their playback
 * (control-listeners.ts), the catalog's ids, token expiry and revocation, forced faults and slow
 * answers, the call log, and the token settings.
 */
import express, { type Router } from 'express';
import { createListenersControl } from './control-listeners.js';
import type { FaultTarget, SimulatorState } from './simulator-state.js';

const FAULT_TARGETS: readonly FaultTarget[] = ['token', 'me', 'currently-playing', 'catalog', 'api'];
const LATENCY_TARGETS: readonly FaultTarget[] = ['me', 'currently-playing', 'catalog', 'api'];

const isTarget = (targets: readonly FaultTarget[], t: unknown): t is FaultTarget => targets.includes(t as FaultTarget);
/** How many calls a fault or latency applies to: `times`, at least one. */
const timesOf = (times: unknown) => (typeof times === 'number' && times > 0 ? times : 1);

export function createControlRouter(state: SimulatorState): Router {
  const control = express.Router();
  control.use(createListenersControl(state));

  control.get('/catalog', (_req, res) => {
    const c = state.catalog;
    res.json({
      tracks: [...c.tracks.values()].map((t) => ({
        id: t.id,
        name: t.name,
        duration_ms: t.durationMs,
        album_id: t.albumId,
        artists: t.artistIds.map((a) => c.artists.get(a)!.name),
      })),
      episodes: [...c.episodes.values()].map((e) => ({
        id: e.id,
        name: e.name,
        duration_ms: e.durationMs,
        show_id: e.showId,
      })),
      albums: [...c.albums.values()].map((a) => ({ id: a.id, name: a.name })),
      artists: [...c.artists.values()].map((a) => ({ id: a.id, name: a.name })),
    });
  });

  /** Expires access tokens now (all, or one listener's). */
  control.post('/tokens/expire', (req, res) => {
    const who = (req.body as { listener_id?: unknown } | undefined)?.listener_id;
    let count = 0;
    for (const t of state.accessTokens.values()) {
      if (typeof who === 'string' && t.listenerId !== who) continue;
      t.expiresAt = Math.min(t.expiresAt, state.now());
      count++;
    }
    res.json({ expired: count });
  });

  /** Revokes a listener's refresh tokens (as when they remove the app from their account). */
  control.post('/tokens/revoke', (req, res) => {
    const who = (req.body as { listener_id?: unknown } | undefined)?.listener_id;
    if (typeof who !== 'string') return void res.status(400).json({ error: 'listener_id is required' });
    let count = 0;
    for (const t of state.refreshTokens.values())
      if (t.listenerId === who && !t.revoked) {
        t.revoked = true;
        count++;
      }
    for (const t of state.accessTokens.values())
      if (t.listenerId === who) t.expiresAt = Math.min(t.expiresAt, state.now());
    res.json({ revoked: count });
  });

  /** Forces the next `times` calls to `target` to fail with `status` (429 carries Retry-After). */
  control.post('/faults', (req, res) => {
    const b = (req.body ?? {}) as {
      target?: unknown;
      status?: unknown;
      retry_after?: unknown;
      times?: unknown;
      plain_text?: unknown;
      delay_ms?: unknown;
      reason?: unknown;
    };
    if (!isTarget(FAULT_TARGETS, b.target) || typeof b.status !== 'number' || b.status < 400 || b.status > 599) {
      return void res
        .status(400)
        .json({ error: `target (${FAULT_TARGETS.join(', ')}) and status (400-599) are required` });
    }
    state.faults.push({
      target: b.target,
      status: b.status,
      retryAfterSeconds: typeof b.retry_after === 'number' ? b.retry_after : null,
      remaining: timesOf(b.times),
      plainText: b.plain_text === true,
      delayMs: typeof b.delay_ms === 'number' && b.delay_ms > 0 ? Math.min(b.delay_ms, 60_000) : 0,
      reason: typeof b.reason === 'string' && /^[A-Z_]{1,64}$/.test(b.reason) ? b.reason : null,
    });
    res.status(201).json({ faults: state.faults.length });
  });
  control.delete('/faults', (_req, res) => {
    state.faults = [];
    res.json({ faults: 0 });
  });

  /** Slow answers: the next `times` calls to `target` answer `ms` late, with the state at arrival. */
  control.post('/latency', (req, res) => {
    const b = (req.body ?? {}) as { target?: unknown; ms?: unknown; times?: unknown };
    if (!isTarget(LATENCY_TARGETS, b.target) || typeof b.ms !== 'number' || b.ms < 0 || b.ms > 60_000) {
      return void res
        .status(400)
        .json({ error: `target (${LATENCY_TARGETS.join(', ')}) and ms (0-60000) are required` });
    }
    state.latencies.push({ target: b.target, ms: b.ms, remaining: timesOf(b.times) });
    res.status(201).json({ latencies: state.latencies.length });
  });
  control.delete('/latency', (_req, res) => {
    state.latencies = [];
    res.json({ latencies: 0 });
  });

  /** Counts calls per target; `since` (epoch ms) narrows the log. */
  control.get('/calls', (req, res) => {
    const since = Number(req.query.since ?? 0) || 0;
    const log = state.calls.filter((c) => c.at >= since);
    const counts: Record<string, number> = {};
    for (const c of log) counts[c.target] = (counts[c.target] ?? 0) + 1;
    res.json({ counts, log });
  });
  control.delete('/calls', (_req, res) => {
    state.calls = [];
    res.json({ calls: 0 });
  });

  const settings = () => ({
    access_token_seconds: state.accessTokenSeconds,
    rotate_refresh_tokens: state.rotateRefreshTokens,
    code_ttl_seconds: state.codeTtlSeconds,
  });
  control.get('/settings', (_req, res) => res.json(settings()));
  control.put('/settings', (req, res) => {
    const b = (req.body ?? {}) as {
      access_token_seconds?: unknown;
      rotate_refresh_tokens?: unknown;
      code_ttl_seconds?: unknown;
    };
    if (typeof b.access_token_seconds === 'number' && b.access_token_seconds >= 1)
      state.accessTokenSeconds = b.access_token_seconds;
    if (typeof b.rotate_refresh_tokens === 'boolean') state.rotateRefreshTokens = b.rotate_refresh_tokens;
    if (typeof b.code_ttl_seconds === 'number' && b.code_ttl_seconds >= 1) state.codeTtlSeconds = b.code_ttl_seconds;
    res.json(settings());
  });

  return control;
}
