/**
 * Everything the simulated Spotify remembers: its registered app, listeners and their playback,
 * authorization codes, tokens, forced faults and a log of calls. In memory, like a test double of
 * an external service should be.
 */
import { randomBytes } from 'node:crypto';
import { buildCatalog, type Catalog } from './catalog.js';

export interface SimulatorOptions {
  clientId: string;
  /** Null: the app has no secret, so only PKCE public-client exchanges and no client credentials. */
  clientSecret: string | null;
  redirectUris: string[];
  accessTokenSeconds?: number;
  /** Issue a new refresh token on every refresh (the old one stops working) instead of omitting it. */
  rotateRefreshTokens?: boolean;
  codeTtlSeconds?: number;
  now?: () => number;
}

export type PlaybackMode = 'playlist' | 'nothing' | 'ad' | 'unknown';

export interface Playback {
  mode: PlaybackMode;
  /** Item ids (tracks or episodes) played in order, looping. */
  playlist: string[];
  index: number;
  isPlaying: boolean;
  /** Progress at `anchorTime`. */
  anchorProgress: number;
  anchorTime: number;
  /** When playback last changed (play, pause, skip, seek, a new item): Spotify's `timestamp`. */
  changedAt: number;
  /** Played by a player command with `uris`: stop (paused) after the last item instead of looping. */
  stopAtEnd?: boolean;
}

export interface Listener {
  id: string;
  displayName: string;
  country: string;
  product: 'premium' | 'free';
  /** Development Mode: not on the app's user list, so the Web API answers 403. */
  notRegistered: boolean;
  playback: Playback;
}

export interface AuthCode {
  listenerId: string;
  redirectUri: string;
  challenge: string | null;
  scope: string;
  expiresAt: number;
}

export interface AccessToken {
  listenerId: string | null;
  scope: string;
  expiresAt: number;
}

export interface RefreshToken {
  listenerId: string;
  scope: string;
  revoked: boolean;
}

export type FaultTarget = 'token' | 'me' | 'currently-playing' | 'catalog' | 'api';

export interface Fault {
  target: FaultTarget;
  status: number;
  retryAfterSeconds: number | null;
  /** How many calls it still applies to. */
  remaining: number;
  /** Answer with a plain-text body instead of JSON. */
  plainText: boolean;
  delayMs: number;
  /** Spotify's 2026 error bodies may name a cause, e.g. `QUOTA_EXCEEDED` on a 429. */
  reason?: string | null;
}

/** Slow answers: the next `remaining` calls to `target` are answered `ms` late (with the state at arrival). */
export interface Latency {
  target: FaultTarget;
  ms: number;
  remaining: number;
}

export interface CallRecord {
  /** When the request arrived. */
  at: number;
  target: string;
  listenerId: string | null;
  status: number;
  /** When the answer was sent (later than `at` for slow answers). */
  answeredAt: number;
}

const DEMO_LISTENERS: [string, string, string][] = [
  ['ada', 'Ada Lovelace', 'GB'],
  ['grace', 'Grace Hopper', 'US'],
  ['hedy', 'Hedy Lamarr', 'AT'],
  ['alan', 'Alan Turing', 'GB'],
  ['katherine', 'Katherine Johnson', 'US'],
  ['margaret', 'Margaret Hamilton', 'US'],
];

export function randomToken(prefix: string, bytes = 48): string {
  return prefix + randomBytes(bytes).toString('base64url');
}

export class SimulatorState {
  readonly catalog: Catalog;
  readonly clientId: string;
  readonly clientSecret: string | null;
  readonly redirectUris: Set<string>;
  accessTokenSeconds: number;
  rotateRefreshTokens: boolean;
  codeTtlSeconds: number;
  readonly now: () => number;

  readonly listeners = new Map<string, Listener>();
  readonly codes = new Map<string, AuthCode>();
  readonly accessTokens = new Map<string, AccessToken>();
  readonly refreshTokens = new Map<string, RefreshToken>();
  /** Every code and token ever issued, kept after use so tests can look for leaks. */
  readonly issued = new Set<string>();
  faults: Fault[] = [];
  latencies: Latency[] = [];
  calls: CallRecord[] = [];

  constructor(options: SimulatorOptions) {
    this.catalog = buildCatalog();
    this.clientId = options.clientId;
    this.clientSecret = options.clientSecret;
    this.redirectUris = new Set(options.redirectUris);
    this.accessTokenSeconds = options.accessTokenSeconds ?? 3600;
    this.rotateRefreshTokens = options.rotateRefreshTokens ?? false;
    this.codeTtlSeconds = options.codeTtlSeconds ?? 600;
    this.now = options.now ?? Date.now;
    DEMO_LISTENERS.forEach(([id, name, country], i) => this.addListener(id, name, { country, startIndex: i * 2 }));
  }

  addListener(id: string, displayName: string, options: { country?: string; startIndex?: number } = {}): Listener {
    const order = this.catalog.trackOrder;
    const start = (options.startIndex ?? this.listeners.size * 2) % order.length;
    const listener: Listener = {
      id,
      displayName,
      country: options.country ?? 'DE',
      product: 'premium',
      notRegistered: false,
      playback: {
        mode: 'playlist',
        playlist: [...order.slice(start), ...order.slice(0, start)],
        index: 0,
        isPlaying: true,
        anchorProgress: 0,
        anchorTime: this.now(),
        changedAt: this.now(),
      },
    };
    this.listeners.set(id, listener);
    return listener;
  }

  createCode(code: Omit<AuthCode, 'expiresAt'>): string {
    const value = randomToken('AQ', 64);
    this.codes.set(value, { ...code, expiresAt: this.now() + this.codeTtlSeconds * 1000 });
    this.issued.add(value);
    return value;
  }

  /** Duration of a track or episode id. */
  durationOf(itemId: string): number {
    return this.catalog.tracks.get(itemId)?.durationMs ?? this.catalog.episodes.get(itemId)?.durationMs ?? 0;
  }

  /** Advances a listener's playback to now: progress moves in real time and the playlist loops. */
  settle(listener: Listener): { itemId: string | null; progressMs: number } {
    const pb = listener.playback;
    if (pb.mode !== 'playlist' || pb.playlist.length === 0) return { itemId: null, progressMs: pb.anchorProgress };
    const now = this.now();
    let progress = pb.anchorProgress + (pb.isPlaying ? now - pb.anchorTime : 0);
    let index = pb.index;
    let duration = this.durationOf(pb.playlist[index]!);
    while (duration > 0 && progress >= duration) {
      if (pb.stopAtEnd && index === pb.playlist.length - 1) {
        progress = duration;
        pb.isPlaying = false;
        break;
      }
      progress -= duration;
      index = (index + 1) % pb.playlist.length;
      duration = this.durationOf(pb.playlist[index]!);
      // A new item started by itself: Spotify's timestamp moves to its start.
      pb.changedAt = Math.round(now - progress);
    }
    pb.index = index;
    pb.anchorProgress = progress;
    pb.anchorTime = now;
    return { itemId: pb.playlist[index]!, progressMs: Math.floor(progress) };
  }

  issueTokens(
    listenerId: string | null,
    scope: string,
  ): { accessToken: string; refreshToken: string | null; expiresIn: number } {
    const accessToken = randomToken('BQ');
    this.issued.add(accessToken);
    this.accessTokens.set(accessToken, { listenerId, scope, expiresAt: this.now() + this.accessTokenSeconds * 1000 });
    let refreshToken: string | null = null;
    if (listenerId) {
      refreshToken = randomToken('AQ', 96);
      this.issued.add(refreshToken);
      this.refreshTokens.set(refreshToken, { listenerId, scope, revoked: false });
    }
    return { accessToken, refreshToken, expiresIn: this.accessTokenSeconds };
  }

  /** The first matching fault, consumed once. */
  takeFault(target: FaultTarget): Fault | null {
    const fault = this.faults.find(
      (f) => f.remaining > 0 && (f.target === target || (f.target === 'api' && target !== 'token')),
    );
    if (!fault) return null;
    fault.remaining -= 1;
    this.faults = this.faults.filter((f) => f.remaining > 0);
    return fault;
  }

  /** The first matching slow-answer setting, consumed once. */
  takeLatency(target: FaultTarget): number {
    const slow = this.latencies.find(
      (l) => l.remaining > 0 && (l.target === target || (l.target === 'api' && target !== 'token')),
    );
    if (!slow) return 0;
    slow.remaining -= 1;
    this.latencies = this.latencies.filter((l) => l.remaining > 0);
    return slow.ms;
  }

  record(target: string, listenerId: string | null, status: number, arrivedAt = this.now()): void {
    this.calls.push({ at: arrivedAt, target, listenerId, status, answeredAt: this.now() });
    if (this.calls.length > 50_000) this.calls.splice(0, 10_000);
  }

  /** Every secret value the simulator ever issued: what must never appear in the hub's output. */
  issuedSecrets(): string[] {
    return [...this.issued, ...(this.clientSecret ? [this.clientSecret] : [])];
  }
}
