import { ConfigError, DEMO_CLIENT_ID, loadConfig } from '../../shared/config.js';

const production = {
  SPOTIFY_CLIENT_ID: 'abcdef0123456789abcdef0123456789',
  SESSION_SECRET: 'a-long-session-secret-value',
  TOKEN_ENCRYPTION_KEY: Buffer.alloc(32, 7).toString('base64'),
  OPERATOR_TOKEN: 'operator-token-0123456789',
  BRIDGE_TOKEN: 'bridge-token-0123456789',
};

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig(env, { dataDir: null });
  } catch (err) {
    if (err instanceof ConfigError) return [...err.problems];
    throw err;
  }
  return [];
}

describe('config', () => {
  it('runs in demo mode with generated secrets when SPOTIFY_CLIENT_ID is unset', () => {
    const c = loadConfig({}, { dataDir: null });
    expect(c.demoMode).toBe(true);
    expect(c.spotify.clientId).toBe(DEMO_CLIENT_ID);
    expect(c.spotify.accountsUrl).toBe('http://127.0.0.1:4000/sim/accounts');
    expect(c.tokenEncryptionKey.length).toBe(32);
    expect(c.operatorToken.length).toBeGreaterThan(10);
    expect(Object.isFrozen(c)).toBe(true);
  });

  it('applies PROTOCOL defaults', () => {
    const c = loadConfig(production, { dataDir: null });
    expect(c).toMatchObject({
      port: 4000,
      publicUrl: 'http://127.0.0.1:4000',
      pollIntervalMs: 1000,
      turnSeconds: 180,
      idleSeconds: 45,
      demoCrowd: 0,
    });
    expect(c.spotify).toMatchObject({
      redirectUri: 'http://127.0.0.1:4000/callback',
      accountsUrl: 'https://accounts.spotify.com',
      apiUrl: 'https://api.spotify.com',
      clientSecret: null,
    });
    expect(c.bridge).toMatchObject({
      hubUrl: 'http://127.0.0.1:4000',
      oscHost: '127.0.0.1',
      oscPort: 7000,
      wsPort: 9980,
      oscRateHz: 30,
    });
    expect(c.secureCookies).toBe(false);
  });

  it('accepts the seed project names as aliases', () => {
    const c = loadConfig(
      {
        ...production,
        SPOTIFY_CLIENT_ID: undefined,
        CLIENT_ID: 'seedclientid123',
        CLIENT_SECRET: 'seedsecret123',
        RE_URI: 'https://hub.example/callback',
        FRONT_URI: 'https://hub.example',
        REXP: 'https://a.example,https://b.example',
      },
      { dataDir: null },
    );
    expect(c.spotify.clientId).toBe('seedclientid123');
    expect(c.spotify.clientSecret).toBe('seedsecret123');
    expect(c.spotify.redirectUri).toBe('https://hub.example/callback');
    expect(c.publicUrl).toBe('https://hub.example');
    expect(c.corsOrigins).toEqual(['https://a.example', 'https://b.example']);
    expect(c.secureCookies).toBe(true);
  });

  it('names each bad variable and what it must look like, one line each', () => {
    const problems = problemsOf({
      ...production,
      PORT: 'eighty',
      TOKEN_ENCRYPTION_KEY: 'short',
      REDIS_URL: 'localhost:6379',
    });
    expect(problems).toHaveLength(3);
    expect(problems.find((p) => p.startsWith('PORT '))).toMatch(/whole number/);
    expect(problems.find((p) => p.startsWith('TOKEN_ENCRYPTION_KEY '))).toMatch(/32 random bytes in base64/);
    expect(problems.find((p) => p.startsWith('REDIS_URL '))).toMatch(/redis:\/\//);
    for (const p of problems) expect(p).not.toContain('\n');
  });

  it('requires the secrets outside demo mode', () => {
    const problems = problemsOf({ SPOTIFY_CLIENT_ID: production.SPOTIFY_CLIENT_ID });
    expect(problems.map((p) => p.split(' ')[0]).sort()).toEqual([
      'BRIDGE_TOKEN',
      'OPERATOR_TOKEN',
      'SESSION_SECRET',
      'TOKEN_ENCRYPTION_KEY',
    ]);
  });

  it('refuses out-of-range numbers', () => {
    expect(problemsOf({ POLL_INTERVAL_MS: '5' })[0]).toMatch(
      /^POLL_INTERVAL_MS must be a whole number of milliseconds from 200/,
    );
    expect(problemsOf({ OSC_TARGET: 'nowhere' })[0]).toMatch(/^OSC_TARGET must be host:port/);
  });

  it('takes the WebSocket engine by name, ws by default, and refuses an unknown one', () => {
    expect(loadConfig(production, { dataDir: null }).wsEngine).toBe('ws');
    expect(loadConfig({ ...production, WS_ENGINE: ' EIOWS ' }, { dataDir: null }).wsEngine).toBe('eiows');
    expect(problemsOf({ WS_ENGINE: 'uws' })).toEqual(['WS_ENGINE must be "ws" or "eiows"']);
  });
});
