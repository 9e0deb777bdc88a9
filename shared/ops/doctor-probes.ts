/**
 * `npm run doctor`'s checks that talk to something: Redis, Spotify's accounts service, and the
 * hub itself at PUBLIC_URL. Each gives up after a few seconds and reports, never throws.
 */
import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { createClient } from 'redis';
import type { Config } from '../config.js';
import type { RedisClient } from '../redis.js';
import { AccountsClient } from '../spotify/accounts-client.js';
import { SpotifyError } from '../spotify/spotify-error.js';
import type { Finding } from './doctor-checks.js';
import { judgeRedis, readRedisFacts } from './redis-server-check.js';
import { redisUrlForDisplay } from './redis-database.js';

// Generous: a doctor run on a busy show laptop should not cry wolf over a slow answer.
export const TIMEOUT_MS = 5000;

export async function probeRedis(url: string): Promise<Finding[]> {
  const shown = redisUrlForDisplay(url);
  const client = createClient({
    url,
    socket: { reconnectStrategy: false, connectTimeout: TIMEOUT_MS },
  }) as unknown as RedisClient;
  client.on('error', () => undefined);
  try {
    await client.connect();
    const facts = await readRedisFacts(client);
    await client.close();
    const findings = judgeRedis(facts).map((f): Finding => ({
      status: f.severity === 'blocker' ? 'fail' : 'warn',
      subject: 'redis',
      message: f.message,
    }));
    return [
      {
        status: 'ok',
        subject: 'redis',
        message: `${shown} answers: Redis ${facts.version}, maxmemory-policy ${facts.maxmemoryPolicy}`,
      },
      ...findings,
    ];
  } catch (err) {
    if (client.isOpen) client.destroy();
    return [
      {
        status: 'fail',
        subject: 'redis',
        message: `no Redis answers at ${shown} (${(err as Error).message}). Get one: the system package (apt install redis-server), \`docker compose up -d redis\`, or REDIS_URL pointing at yours`,
      },
    ];
  }
}

/** The client id and secret, tried with a client-credentials token request (no user involved). */
export async function probeSpotifyCredentials(config: Config): Promise<Finding[]> {
  if (config.demoMode || config.spotify.clientSecret === null) return [];
  try {
    await new AccountsClient(config.spotify, { timeoutMs: TIMEOUT_MS }).clientCredentials();
    return [
      { status: 'ok', subject: 'spotify', message: `${config.spotify.accountsUrl} accepts the client id and secret` },
    ];
  } catch (err) {
    if (err instanceof SpotifyError && err.code === 'invalid_client') {
      return [
        {
          status: 'fail',
          subject: 'spotify',
          message: `${config.spotify.accountsUrl} rejects the client id or secret (${err.message}). Copy both again from the Spotify dashboard`,
        },
      ];
    }
    return [
      {
        status: 'warn',
        subject: 'spotify',
        message: `could not check the credentials at ${config.spotify.accountsUrl}: ${(err as Error).message}`,
      },
    ];
  }
}

/** PUBLIC_URL resolves, and the hub answers there (its /healthz), as a phone would reach it. */
export async function probePublicUrl(config: Config): Promise<Finding[]> {
  const subject = 'PUBLIC_URL';
  const u = new URL(config.publicUrl);
  if (isIP(u.hostname.replace(/^\[|\]$/g, '')) === 0) {
    try {
      await lookup(u.hostname);
    } catch {
      return [
        {
          status: 'fail',
          subject,
          message: `${u.hostname} does not resolve: point its DNS record at the machine phones reach, or use its IP address`,
        },
      ];
    }
  }
  try {
    const res = await fetch(`${config.publicUrl}/healthz`, {
      signal: AbortSignal.timeout(TIMEOUT_MS),
      redirect: 'manual',
    });
    const body = (await res.json().catch(() => null)) as { status?: unknown } | null;
    if (res.status === 200 && body?.status === 'ok')
      return [{ status: 'ok', subject, message: `${config.publicUrl} answers as this hub` }];
    return [
      {
        status: 'warn',
        subject,
        message: `${config.publicUrl}/healthz answered ${res.status}, not the hub's {"status":"ok"}: is another service on that address, or the proxy misrouted?`,
      },
    ];
  } catch (err) {
    const why = (err as { cause?: { code?: string; message?: string } }).cause?.code ?? (err as Error).name;
    return [
      {
        status: 'warn',
        subject,
        message: `${config.publicUrl} does not answer (${why}): start the hub and run doctor again; check the firewall lets phones reach that port`,
      },
    ];
  }
}
