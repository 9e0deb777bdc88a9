/**
 * Request budgets counted in Redis, so every server process of the fleet shares one count per
 * client (rate-limiter-flexible). While Redis is down each process falls back to its own memory
 * count: limits keep holding, just per process.
 */
import type { RequestHandler } from 'express';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import { AppError } from '../../shared/errors.js';
import { keys } from '../../shared/redis-keys.js';
import type { RedisClient } from '../../shared/redis.js';

/** Budgets per window; tests raise or lower them. */
export interface RateLimits {
  /** GET /login per client IP per minute (each one writes a session). */
  readonly loginPerMinute: number;
  /** Catalog proxy calls per client IP per minute (each may cost a Spotify call). */
  readonly proxyPerMinute: number;
  /**
   * Wrong secrets per client IP per 15 minutes, over every channel that accepts one (operator
   * sign-in, `Authorization: Bearer`, `auth.token` on /operator and /bridge). Successes are free.
   */
  readonly secretFailuresPer15Minutes: number;
  /** Join/leave per session per minute: one phone cannot flood every screen. */
  readonly lineActionsPerSessionPerMinute: number;
  /** Join/leave per client IP per minute; generous, a venue's phones often share one NAT address. */
  readonly lineActionsPerIpPerMinute: number;
  /** Venue mode: catalog searches per session per minute (each may cost a Spotify call). */
  readonly searchPerSessionPerMinute: number;
  /** Venue mode: catalog searches per client IP per minute (shared NAT: generous). */
  readonly searchPerIpPerMinute: number;
}

export const DEFAULT_RATE_LIMITS: RateLimits = {
  loginPerMinute: 120,
  proxyPerMinute: 300,
  secretFailuresPer15Minutes: 10,
  lineActionsPerSessionPerMinute: 12,
  lineActionsPerIpPerMinute: 240,
  searchPerSessionPerMinute: 30,
  searchPerIpPerMinute: 600,
};

/** A verdict: go ahead, or wait this many seconds. */
export type LimitVerdict = { readonly allowed: true } | { readonly allowed: false; readonly retryAfterSeconds: number };

const ALLOWED: LimitVerdict = { allowed: true };

function rejected(res: unknown): LimitVerdict {
  const ms = res instanceof RateLimiterRes ? res.msBeforeNext : 60_000;
  return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil(ms / 1000)) };
}

/** One named budget: `points` per `seconds` per key. */
export class Budget {
  readonly #limiter: RateLimiterRedis;
  readonly #points: number;

  constructor(redis: RedisClient, name: string, points: number, seconds: number) {
    this.#points = points;
    const insurance = new RateLimiterMemory({ points, duration: seconds, keyPrefix: `mem-${name}` });
    this.#limiter = new RateLimiterRedis({
      storeClient: redis,
      useRedisPackage: true,
      rejectIfRedisNotReady: true,
      points,
      duration: seconds,
      keyPrefix: keys.rateLimitPrefix(name),
      insuranceLimiter: insurance,
    });
  }

  /** Spends one point; refused once the window's points are gone. */
  async consume(key: string): Promise<LimitVerdict> {
    try {
      await this.#limiter.consume(key);
      return ALLOWED;
    } catch (res) {
      if (res instanceof RateLimiterRes) return rejected(res);
      throw res;
    }
  }

  /** Whether `key` has used up its points, without spending one (for failure-only budgets). */
  async check(key: string): Promise<LimitVerdict> {
    const res = await this.#limiter.get(key).catch(() => null);
    return res && res.consumedPoints >= this.#points ? rejected(res) : ALLOWED;
  }
}

export function rateLimitedError(verdict: Extract<LimitVerdict, { allowed: false }>): AppError {
  return new AppError('rate_limited', { details: { retry_after_seconds: verdict.retryAfterSeconds } });
}

/** Express middleware spending one point of each budget whose key applies to the request. */
export function limit(
  ...rules: readonly { budget: Budget; key: (req: Parameters<RequestHandler>[0]) => string | null }[]
): RequestHandler {
  return (req, _res, next) => {
    void (async () => {
      for (const { budget, key } of rules) {
        const k = key(req);
        if (k === null) continue;
        const verdict = await budget.consume(k);
        if (!verdict.allowed) return next(rateLimitedError(verdict));
      }
      next();
    })().catch(next);
  };
}

/** Every budget of the server, built once per process from one Redis client. */
export interface Budgets {
  readonly login: Budget;
  readonly proxy: Budget;
  readonly secretFailures: Budget;
  readonly lineActionsPerSession: Budget;
  readonly lineActionsPerIp: Budget;
  readonly searchPerSession: Budget;
  readonly searchPerIp: Budget;
}

export function createBudgets(redis: RedisClient, limits: RateLimits): Budgets {
  return {
    login: new Budget(redis, 'login', limits.loginPerMinute, 60),
    proxy: new Budget(redis, 'proxy', limits.proxyPerMinute, 60),
    secretFailures: new Budget(redis, 'secret-failures', limits.secretFailuresPer15Minutes, 15 * 60),
    lineActionsPerSession: new Budget(redis, 'line-session', limits.lineActionsPerSessionPerMinute, 60),
    lineActionsPerIp: new Budget(redis, 'line-ip', limits.lineActionsPerIpPerMinute, 60),
    searchPerSession: new Budget(redis, 'search-session', limits.searchPerSessionPerMinute, 60),
    searchPerIp: new Budget(redis, 'search-ip', limits.searchPerIpPerMinute, 60),
  };
}
