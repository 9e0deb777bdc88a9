/**
 * `npm run doctor` against good and broken settings. "Good" is a show set-up in miniature: a hub
 * behind TLS at a LAN address (a self-signed certificate the doctor is told to trust), Redis with
 * noeviction, and an app the (simulated) Spotify accepts. Its venue account, when connected, is the
 * simulator's `venue` listener, its tokens sealed into Redis as the hub seals them.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { networkInterfaces, tmpdir } from 'node:os';
import path from 'node:path';
import { createLogger } from '../../shared/logger.js';
import type { RedisClient } from '../../shared/redis.js';
import { keys } from '../../shared/redis-keys.js';
import { TokenStore } from '../../shared/spotify/token-store.js';
import { connectSimulatorVenue } from '../../shared/venue/demo-venue.js';
import { VENUE_ACCOUNT_ID, VenueStore } from '../../shared/venue/venue-store.js';
import { VENUE_DEVICE_ID, VENUE_LISTENER_ID } from '../../simulator/player-state.js';
import { startTestHub, type TestHub } from '../helpers/hub.js';
import { freePort } from '../helpers/ports.js';
import { openRedis, startTestRedis, type TestRedis } from '../helpers/redis-server.js';
import { startTestSimulator, type TestSimulator } from '../helpers/simulator.js';

interface DoctorRun {
  code: number | null;
  lines: string[];
}

function doctor(env: Record<string, string>): Promise<DoctorRun> {
  // LOCAL_REDIS_URL points at a closed port unless a case sets it: never the Redis on 6379.
  const child = spawn(process.execPath, ['--import', 'tsx', 'bin/doctor.ts'], {
    env: { HOME: process.env.HOME ?? '', PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  return new Promise((resolve) =>
    child.once('close', (code) => resolve({ code, lines: out.split('\n').filter(Boolean) })),
  );
}

const line = (run: DoctorRun, prefix: RegExp) => run.lines.filter((l) => prefix.test(l));

const lanAddress = Object.values(networkInterfaces())
  .flat()
  .find((i) => i !== undefined && i.family === 'IPv4' && !i.internal)?.address;

const APP = { clientId: 'hubclient0001', clientSecret: 'hub-secret-0001' };
const SECRETS = {
  SESSION_SECRET: 'session-secret-for-tests',
  TOKEN_ENCRYPTION_KEY: Buffer.alloc(32, 9).toString('base64'),
  OPERATOR_TOKEN: 'operator-token-for-tests',
  BRIDGE_TOKEN: 'bridge-token-for-tests',
};

let redis: TestRedis;
let sim: TestSimulator;
let closedPort: number;

beforeAll(async () => {
  redis = await startTestRedis();
  closedPort = await freePort();
  sim = await startTestSimulator({ ...APP, redirectUris: [] });
});
afterAll(async () => {
  await sim?.close();
  await redis?.dispose();
});

describe('doctor with broken settings', () => {
  it('names each blocker with its fix, one line each, and exits 1', async () => {
    const run = await doctor({
      ...SECRETS,
      SPOTIFY_CLIENT_ID: APP.clientId,
      SPOTIFY_CLIENT_SECRET: APP.clientSecret,
      SPOTIFY_ACCOUNTS_URL: `${sim.url}/accounts`,
      SPOTIFY_REDIRECT_URI: 'http://localhost:4000/callback',
      REDIS_URL: `redis://127.0.0.1:${closedPort}`,
      LOCAL_REDIS_URL: `redis://127.0.0.1:${closedPort}`,
    });
    expect(run.code).toBe(1);
    expect(line(run, /^FAIL {2}redis: no Redis answers at redis:\/\/127\.0\.0\.1:\d+/)).toHaveLength(1);
    expect(line(run, /^FAIL {2}redis: .*docker compose up -d redis/)).toHaveLength(1);
    expect(
      line(run, /^FAIL {2}SPOTIFY_REDIRECT_URI: http:\/\/localhost:4000\/callback: Spotify refuses localhost/),
    ).toHaveLength(1);
    expect(line(run, /^FAIL {2}PUBLIC_URL: http:\/\/127\.0\.0\.1:4000 \(the default\) is loopback/)).toHaveLength(1);
    expect(run.lines.at(-1)).toMatch(/^doctor: \d+ problems block a show/);
  });

  it('reports a malformed variable as a blocker instead of crashing', async () => {
    const run = await doctor({ PORT: 'eighty', LOCAL_REDIS_URL: `redis://127.0.0.1:${closedPort}` });
    expect(run.code).toBe(1);
    expect(line(run, /^FAIL {2}settings: PORT must be a whole number/)).toHaveLength(1);
    expect(run.lines.join('\n')).not.toMatch(/\n\s+at /);
  });

  it('rejects wrong app credentials through the accounts service', async () => {
    const run = await doctor({
      ...SECRETS,
      SPOTIFY_CLIENT_ID: APP.clientId,
      SPOTIFY_CLIENT_SECRET: 'not-the-secret',
      SPOTIFY_ACCOUNTS_URL: `${sim.url}/accounts`,
      REDIS_URL: redis.url,
    });
    expect(run.code).toBe(1);
    expect(line(run, /^FAIL {2}spotify: .* rejects the client id or secret/)).toHaveLength(1);
  });

  it('warns about an evicting Redis without calling it a blocker', async () => {
    const evicting = await startTestRedis();
    const client = await openRedis(evicting.url);
    try {
      await client.configSet('maxmemory-policy', 'allkeys-lru');
      const run = await doctor({ REDIS_URL: evicting.url });
      expect(line(run, /^WARN {2}redis: Redis maxmemory-policy is allkeys-lru: BullMQ needs noeviction/)).toHaveLength(
        1,
      );
      expect(line(run, /^FAIL {2}redis/)).toEqual([]);
    } finally {
      await client.close();
      await evicting.dispose();
    }
  });
});

describe('doctor with show settings', () => {
  let hub: TestHub;
  let proxy: HttpsServer;
  let certDir: string;
  let publicUrl: string;
  let db: RedisClient;
  let venue: VenueStore;

  const showSettings = () => ({
    ...SECRETS,
    SPOTIFY_CLIENT_ID: APP.clientId,
    SPOTIFY_CLIENT_SECRET: APP.clientSecret,
    SPOTIFY_ACCOUNTS_URL: `${sim.url}/accounts`,
    SPOTIFY_API_URL: `${sim.url}/api`,
    PUBLIC_URL: publicUrl,
    TRUST_PROXY: 'true',
    REDIS_URL: redis.url,
    NODE_EXTRA_CA_CERTS: path.join(certDir, 'cert.pem'),
  });

  /** The simulator's control API (devices, product, tokens), as a test steers Spotify. */
  async function control(method: string, route: string, body?: unknown): Promise<void> {
    const res = await fetch(`${sim.url}/control${route}`, {
      method,
      headers: { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    expect(res.status).toBeLessThan(300);
  }

  beforeAll(async () => {
    db = await openRedis(redis.url);
    // The key the doctor is given, so what is sealed here is what the hub with these settings reads.
    venue = new VenueStore(
      db,
      new TokenStore(db, Buffer.from(SECRETS.TOKEN_ENCRYPTION_KEY, 'base64'), createLogger({ level: 'silent' })),
    );
    if (!lanAddress) throw new Error('this test needs a machine with a LAN address');
    hub = await startTestHub(redis.url);
    certDir = mkdtempSync(path.join(tmpdir(), 'nph-doctor-tls-'));
    const key = path.join(certDir, 'key.pem');
    const cert = path.join(certDir, 'cert.pem');
    const made = spawnSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-keyout',
        key,
        '-out',
        cert,
        '-days',
        '1',
        '-subj',
        `/CN=${lanAddress}`,
        '-addext',
        `subjectAltName=IP:${lanAddress}`,
      ],
      { stdio: 'ignore' },
    );
    if (made.status !== 0) throw new Error('openssl could not make a certificate');
    // The TLS proxy in front of the hub, as Caddy is in docs/deploy.md.
    const hubPort = new URL(hub.url).port;
    proxy = createHttpsServer({ key: readFileSync(key), cert: readFileSync(cert) }, (req, res) => {
      const upstream = httpRequest(
        { host: '127.0.0.1', port: hubPort, path: req.url, method: req.method, headers: req.headers },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        },
      );
      req.pipe(upstream);
    });
    await new Promise<void>((resolve) => proxy.listen(0, lanAddress, () => resolve()));
    publicUrl = `https://${lanAddress}:${(proxy.address() as AddressInfo).port}`;
  }, 90_000);
  afterAll(async () => {
    proxy?.closeAllConnections();
    await new Promise((resolve) => proxy?.close(resolve));
    await hub?.close();
    await db?.close();
    if (certDir) rmSync(certDir, { recursive: true, force: true });
  });

  it('finds nothing that blocks a show, warns that no venue account is connected, and exits 0', async () => {
    // The demo hub behind the proxy connected its own simulator's venue account at start-up.
    await venue.disconnect();
    const run = await doctor(showSettings());
    expect(run.lines.filter((l) => /^(FAIL|WARN)/.test(l))).toEqual([
      expect.stringMatching(
        /^WARN {2}venue account: no venue account is connected: .*phones offer only "Connect Spotify"\. On \/operator press "Connect venue account"/,
      ),
    ]);
    expect(run.code).toBe(0);
    expect(line(run, /^ok {4}PUBLIC_URL: https:\/\/.* answers as this hub/)).toHaveLength(1);
    expect(line(run, /^ok {4}spotify: .* accepts the client id and secret/)).toHaveLength(1);
    expect(line(run, /^ok {4}SPOTIFY_REDIRECT_URI: https:\/\/.*\/callback/)).toHaveLength(1);
    expect(line(run, /^ok {4}redis: .* maxmemory-policy noeviction/)).toHaveLength(1);
    expect(run.lines.at(-1)).toBe('doctor: ready for a show (1 warning)');
  });

  describe('with a venue account connected', () => {
    beforeEach(async () => {
      await connectSimulatorVenue(venue, sim.state);
    });

    it('names the account and the device it plays on, prints no token, and finds the show ready', async () => {
      const run = await doctor(showSettings());
      expect(run.lines.filter((l) => /^(FAIL|WARN)/.test(l))).toEqual([]);
      expect(line(run, /^ok {4}venue account: /)).toEqual([
        `ok    venue account: "Venue Speakers" (${VENUE_LISTENER_ID}) plays guests' picks on "Venue Speakers" (Computer, active)`,
      ]);
      for (const secret of sim.state.issuedSecrets()) expect(run.lines.join('\n')).not.toContain(secret);
      expect(run.code).toBe(0);
      expect(run.lines.at(-1)).toBe('doctor: ready for a show');
    });

    it('warns when Spotify shows the venue account no device', async () => {
      await control('DELETE', `/listeners/${VENUE_LISTENER_ID}/devices/${VENUE_DEVICE_ID}`);
      try {
        const run = await doctor(showSettings());
        expect(line(run, /venue account/)).toEqual([
          `WARN  venue account: "Venue Speakers" (${VENUE_LISTENER_ID}) is connected but Spotify shows it no device: open the Spotify app on the venue computer, signed in as Venue Speakers`,
        ]);
        expect(run.code).toBe(0);
        expect(run.lines.at(-1)).toBe('doctor: ready for a show (1 warning)');
      } finally {
        await control('POST', `/listeners/${VENUE_LISTENER_ID}/devices`, {
          id: VENUE_DEVICE_ID,
          name: 'Venue Speakers',
          type: 'Computer',
          is_active: true,
        });
      }
    });

    it('blocks a show when the account is Free: it needs Premium', async () => {
      await control('PUT', `/listeners/${VENUE_LISTENER_ID}/product`, { product: 'free' });
      try {
        const run = await doctor(showSettings());
        expect(line(run, /venue account/)).toEqual([
          expect.stringMatching(/^FAIL {2}venue account: .* has Spotify free: this account needs Premium/),
        ]);
        expect(run.code).toBe(1);
      } finally {
        await control('PUT', `/listeners/${VENUE_LISTENER_ID}/product`, { product: 'premium' });
      }
    });

    it('blocks a show when the tokens were sealed with another TOKEN_ENCRYPTION_KEY', async () => {
      const otherKey = new TokenStore(db, Buffer.alloc(32, 7), createLogger({ level: 'silent' }));
      await connectSimulatorVenue(new VenueStore(db, otherKey), sim.state);
      const run = await doctor(showSettings());
      expect(line(run, /venue account/)).toEqual([
        expect.stringMatching(/^FAIL {2}venue account: .*do not open with this TOKEN_ENCRYPTION_KEY/),
      ]);
      expect(run.code).toBe(1);
      // Not the doctor's to delete: the hub with the right key still reads them.
      expect(await db.exists(keys.tokens(VENUE_ACCOUNT_ID))).toBe(1);
    });

    it('blocks a show when Spotify revoked the venue account, and says to connect it again', async () => {
      await control('POST', '/tokens/revoke', { listener_id: VENUE_LISTENER_ID });
      const run = await doctor(showSettings());
      expect(line(run, /venue account/)).toEqual([
        expect.stringMatching(
          /^FAIL {2}venue account: .*its Spotify access is gone .*Connect the venue account again on \/operator$/,
        ),
      ]);
      expect(run.code).toBe(1);
      // The refresh was refused (invalid_grant), so the doctor's refresher deleted the tokens as the hub's does.
      expect(await db.exists(keys.tokens(VENUE_ACCOUNT_ID))).toBe(0);
    });
  });
});
