/**
 * The one HTTP client for Spotify: fetch with a deadline, answering a small record the callers
 * interpret. Network failures and time-outs become `SpotifyError('unreachable')`.
 */
import { SpotifyError } from './spotify-error.js';
import type { CallGate } from './rate-gate.js';

export interface HttpAnswer {
  status: number;
  headers: Headers;
  text: string;
}

export type FetchLike = typeof fetch;

export async function send(
  fetchImpl: FetchLike,
  url: string,
  init: RequestInit,
  timeoutMs: number,
): Promise<HttpAnswer> {
  let res: Response;
  try {
    res = await fetchImpl(url, { ...init, redirect: 'manual', signal: AbortSignal.timeout(timeoutMs) });
  } catch (cause) {
    const timedOut = cause instanceof Error && (cause.name === 'TimeoutError' || cause.name === 'AbortError');
    throw new SpotifyError('unreachable', timedOut ? `no answer within ${timeoutMs} ms` : 'network error', {
      cause: safeCause(cause),
    });
  }
  let text: string;
  try {
    text = await res.text();
  } catch (cause) {
    throw new SpotifyError('unreachable', 'connection dropped while reading the answer', {
      status: res.status,
      cause: safeCause(cause),
    });
  }
  return { status: res.status, headers: res.headers, text };
}

/** How a Spotify client calls: its fetch (tests and the simulator swap it), its deadline, the 429 gate. */
export interface SpotifyCallOptions {
  readonly fetch?: FetchLike;
  readonly timeoutMs?: number;
  /** The app-wide 429 deadline: no call before it, every 429 recorded into it. */
  readonly gate?: CallGate;
}

/**
 * One client's way out to Spotify: each call first waits out the app-wide 429 deadline, and a
 * 429 the client meets is recorded into it, so every client of the app backs off together.
 */
export class GatedSender {
  readonly timeoutMs: number;
  readonly #fetch: FetchLike;
  readonly #gate: CallGate | null;

  constructor(options: SpotifyCallOptions, defaultTimeoutMs: number) {
    this.#fetch = options.fetch ?? fetch;
    this.timeoutMs = options.timeoutMs ?? defaultTimeoutMs;
    this.#gate = options.gate ?? null;
  }

  async send(url: string, init: RequestInit): Promise<HttpAnswer> {
    await this.#gate?.before();
    return send(this.#fetch, url, init, this.timeoutMs);
  }

  async limited(retryAfterMs: number, reason: string | null): Promise<void> {
    await this.#gate?.limited(retryAfterMs, reason);
  }
}

export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** Keeps only the name and message of a low-level error: no request objects reach the logs. */
function safeCause(cause: unknown): Error {
  if (cause instanceof Error) {
    const inner = (cause as { cause?: unknown }).cause;
    const detail = inner instanceof Error ? `: ${inner.message}` : '';
    return new Error(`${cause.name}: ${cause.message}${detail}`);
  }
  return new Error(String(cause));
}
