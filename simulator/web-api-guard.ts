/**
 * What every simulated Web API call goes through before its own work: the bearer token, a forced
 * fault, the user behind the token, Development Mode's user list and the scope, each refused with
 * Spotify's status and error shape. The reads, the catalog and the player all answer through here,
 * so a token or fault behaves the same on every endpoint.
 */
import type { Request, Response } from 'express';
import { CatalogRenderer } from './catalog-renderer.js';
import type { AccessToken, Fault, FaultTarget, Listener, SimulatorState } from './simulator-state.js';

/** Spotify's Web API error object; `reason` is the machine-readable part some errors carry. */
export function apiError(res: Response, status: number, message: string, reason?: string | null): void {
  res.status(status).json({ error: { status, message, ...(reason ? { reason } : {}) } });
}

/** The accounts service's error object (RFC 6749). */
export function oauthError(res: Response, status: number, error: string, description: string): void {
  res.status(status).json({ error, error_description: description });
}

/** A query parameter as text: absent, repeated or nested values count as empty. */
export function queryText(req: Request, name: string): string {
  const value = req.query[name];
  return typeof value === 'string' ? value : '';
}

/** The simulator's public root (scheme, host and mount path) as the caller reached it. */
export function rootUrl(req: Request, mountPath: string): string {
  return `${req.protocol}://${req.get('host')}${mountPath}`;
}

export function rendererFor(state: SimulatorState, req: Request, mountPath: string): CatalogRenderer {
  const root = rootUrl(req, mountPath);
  return new CatalogRenderer(state.catalog, root, `${root}/api`);
}

/**
 * Answers a forced fault (after its delay, if any), recorded under `target` with the time the call
 * arrived. Token calls get the accounts service's error shape; plain-text faults a bare message.
 */
export function sendFault(
  state: SimulatorState,
  res: Response,
  fault: Fault,
  target: string,
  listenerId: string | null,
): void {
  const arrivedAt = state.now();
  const answer = () => {
    state.record(target, listenerId, fault.status, arrivedAt);
    if (fault.status === 429) res.set('Retry-After', String(fault.retryAfterSeconds ?? 1));
    const message =
      fault.status === 429 ? 'API rate limit exceeded' : fault.status >= 500 ? 'Server error' : 'Forced error';
    if (fault.plainText) res.status(fault.status).type('text/plain').send(message);
    else if (target.startsWith('token:'))
      oauthError(res, fault.status, fault.status === 429 ? 'rate_limited' : 'server_error', message);
    // Spotify's 2026 error objects may add a machine-readable `reason` (e.g. QUOTA_EXCEEDED).
    else apiError(res, fault.status, message, fault.reason);
  };
  if (fault.delayMs > 0) setTimeout(answer, fault.delayMs);
  else answer();
}

/** Authenticates a Web API call; answers the token record or sends the 401 itself. */
export function bearer(state: SimulatorState, req: Request, res: Response, target: string): AccessToken | null {
  const header = req.get('authorization') ?? '';
  const token = header.startsWith('Bearer ') ? state.accessTokens.get(header.slice(7)) : undefined;
  if (!token) {
    state.record(target, null, 401);
    apiError(res, 401, header.startsWith('Bearer ') ? 'Invalid access token' : 'No token provided');
    return null;
  }
  if (token.expiresAt <= state.now()) {
    state.record(target, token.listenerId, 401);
    apiError(res, 401, 'The access token expired');
    return null;
  }
  return token;
}

export interface UserCall {
  /** Recorded in the call log under this name. */
  readonly target: string;
  /** Which forced faults apply (`/control/faults` targets). */
  readonly faults: FaultTarget;
  /** A scope the token must carry, if any. */
  readonly scope?: string;
}

/** A call on behalf of a user: answers the listener, or sends the refusal itself and answers null. */
export function userCall(state: SimulatorState, req: Request, res: Response, call: UserCall): Listener | null {
  const { target } = call;
  const token = bearer(state, req, res, target);
  if (!token) return null;
  const fault = state.takeFault(call.faults);
  if (fault) {
    sendFault(state, res, fault, target, token.listenerId);
    return null;
  }
  const listener = token.listenerId ? state.listeners.get(token.listenerId) : undefined;
  if (!listener) {
    state.record(target, null, 401);
    apiError(res, 401, 'This endpoint needs a user token');
    return null;
  }
  if (listener.notRegistered) {
    state.record(target, listener.id, 403);
    res.status(403).type('text/plain').send('User not registered in the Developer Dashboard');
    return null;
  }
  if (call.scope !== undefined && !token.scope.split(' ').includes(call.scope)) {
    state.record(target, listener.id, 403);
    apiError(res, 403, 'Insufficient client scope');
    return null;
  }
  return listener;
}
