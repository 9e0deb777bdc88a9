/**
 * `npm run doctor`: is this machine and these settings ready for a show? Checks Node, the
 * settings, Redis, the Spotify app and redirect URI, the address phones use, and the venue
 * account (venue mode); prints one line per finding with what to fix, and exits 1 when something
 * blocks a show (0 otherwise).
 */
import {
  ConfigError,
  DATA_DIR,
  loadConfig,
  loadStartSettings,
  readEnvironment,
  type Config,
} from '../shared/config.js';
import {
  checkNode,
  checkPublicUrl,
  checkRedirectUri,
  checkSpotifyApp,
  type Finding,
} from '../shared/ops/doctor-checks.js';
import { probePublicUrl, probeRedis, probeSpotifyCredentials } from '../shared/ops/doctor-probes.js';
import { probeVenue } from '../shared/ops/doctor-venue.js';
import { redisUrlForDisplay } from '../shared/ops/redis-database.js';
import { redisServerInstalled } from './local-redis.js';

const LABEL = { ok: 'ok  ', info: 'info', warn: 'WARN', fail: 'FAIL' } as const;
const print = (f: Finding) => process.stdout.write(`${LABEL[f.status]}  ${f.subject}: ${f.message}\n`);

interface RedisCheck {
  findings: Finding[];
  /** The Redis the hub would use, if it answered (the venue account is read there). */
  answered: string | null;
}

const answeredAt = (url: string, findings: Finding[]): RedisCheck => ({
  findings,
  answered: findings[0]?.status === 'ok' ? url : null,
});

async function redisFindings(config: Config, localRedisUrl: string): Promise<RedisCheck> {
  if (config.redisUrl) return answeredAt(config.redisUrl, await probeRedis(config.redisUrl));
  const local = await probeRedis(localRedisUrl);
  if (local[0]?.status === 'ok')
    return answeredAt(localRedisUrl, [
      {
        status: 'info',
        subject: 'redis',
        message: `REDIS_URL is unset: npm start uses ${redisUrlForDisplay(localRedisUrl)}`,
      },
      ...local,
    ]);
  // `npm start` can run its own; the separate roles (start:server, start:worker) cannot.
  if (redisServerInstalled()) {
    return {
      findings: [
        {
          status: 'ok',
          subject: 'redis',
          message: `nothing answers at ${redisUrlForDisplay(localRedisUrl)}; npm start will run a private redis-server (data in ${DATA_DIR}/redis). Set REDIS_URL for start:server and start:worker`,
        },
      ],
      answered: null,
    };
  }
  return { findings: local, answered: null };
}

async function diagnose(): Promise<Finding[]> {
  const findings: Finding[] = [checkNode(process.version)];
  const env = readEnvironment();
  let config: Config;
  let localRedisUrl: string;
  try {
    // No data folder: the doctor only reads, it never generates demo secrets.
    config = loadConfig(env, { dataDir: null });
    localRedisUrl = loadStartSettings(env).localRedisUrl;
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    return [...findings, ...err.problems.map((p): Finding => ({ status: 'fail', subject: 'settings', message: p }))];
  }
  findings.push({ status: 'ok', subject: 'settings', message: 'every variable parses' });
  const [[redis, venue], credentials, reachable] = await Promise.all([
    // The venue account lives in the Redis that answered; none answering is the redis finding's to say.
    redisFindings(config, localRedisUrl).then(async (r) => [r.findings, await probeVenue(config, r.answered)] as const),
    probeSpotifyCredentials(config),
    probePublicUrl(config),
  ]);
  findings.push(
    ...redis,
    ...checkSpotifyApp(config),
    ...credentials,
    ...checkRedirectUri(config),
    ...checkPublicUrl(config),
  );
  // A loopback PUBLIC_URL has already failed; whether it answers on this machine says nothing about phones.
  if (!findings.some((f) => f.subject === 'PUBLIC_URL' && f.status === 'fail')) findings.push(...reachable);
  findings.push(...venue);
  return findings;
}

const findings = await diagnose();
for (const f of findings) print(f);
const blockers = findings.filter((f) => f.status === 'fail').length;
const warnings = findings.filter((f) => f.status === 'warn').length;
process.stdout.write(
  blockers > 0
    ? `doctor: ${blockers} problem${blockers === 1 ? '' : 's'} block${blockers === 1 ? 's' : ''} a show${warnings ? `, ${warnings} warning${warnings === 1 ? '' : 's'}` : ''}\n`
    : `doctor: ready for a show${warnings ? ` (${warnings} warning${warnings === 1 ? '' : 's'})` : ''}\n`,
);
process.exit(blockers > 0 ? 1 : 0);
