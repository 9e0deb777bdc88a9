import { loadConfig } from '../../shared/config.js';
import { createLogger } from '../../shared/logger.js';
import { startServer, type RunningServer } from '../../server/index.js';
import { CookieClient } from '../helpers/cookie-client.js';
import { TEST_RATE_LIMITS, loginThroughSimulator } from '../helpers/hub.js';
import { freePort } from '../helpers/ports.js';
import { startTestRedis, type TestRedis } from '../helpers/redis-server.js';
import { startTestSimulator, type TestSimulator } from '../helpers/simulator.js';
import { externalHubEnv } from '../helpers/roles.js';

// A hub configured like production (client id, no secret) against the standalone simulator.
let redis: TestRedis;
let sim: TestSimulator;
let server: RunningServer;
let hubUrl: string;

beforeAll(async () => {
  redis = await startTestRedis();
  const port = await freePort();
  hubUrl = `http://127.0.0.1:${port}`;
  sim = await startTestSimulator({
    clientId: 'publicclient01',
    clientSecret: null,
    redirectUris: [`${hubUrl}/callback`],
  });
  // The production-like environment of the multi-process tests, minus the client secret
  // (an empty value counts as unset).
  const env = externalHubEnv({
    redisUrl: redis.url,
    port,
    publicUrl: hubUrl,
    simUrl: sim.url,
    pollIntervalMs: 1000,
    extra: { SPOTIFY_CLIENT_ID: 'publicclient01', SPOTIFY_CLIENT_SECRET: '', LOG_LEVEL: 'silent' },
  });
  const config = loadConfig(env, { dataDir: null });
  expect(config.spotify.clientSecret).toBeNull();
  server = await startServer(config, createLogger({ level: 'silent' }), { rateLimits: TEST_RATE_LIMITS });
});
afterAll(async () => {
  await server?.close();
  await sim?.close();
  await redis?.dispose();
});

describe('login without a client secret (PKCE public client)', () => {
  it('logs in with the verifier alone and queues the user', async () => {
    const client = new CookieClient();
    const { callback } = await loginThroughSimulator(client, hubUrl, 'grace');
    expect(callback.location).toBe(`${hubUrl}/`);
    const me = JSON.parse((await client.request(`${hubUrl}/api/me`)).body);
    expect(me).toMatchObject({ logged_in: true, user: { id: 'grace' } });
    expect(sim.state.calls.filter((c) => c.target === 'token:authorization_code').map((c) => c.status)).toEqual([200]);
  });

  it('answers catalog look-ups with a clear 503: they need the client secret', async () => {
    const res = await fetch(`${hubUrl}/api/spotify`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ endpoint: '/v1/search?q=a&type=track' }),
    });
    expect(res.status).toBe(503);
    expect((await res.json()).error.message).toMatch(/SPOTIFY_CLIENT_SECRET/);
  });
});
