import { loadConfig, type Environment } from '../../shared/config.js';
import { checkNode, checkPublicUrl, checkRedirectUri, checkSpotifyApp } from '../../shared/ops/doctor-checks.js';

const REAL = {
  SPOTIFY_CLIENT_ID: 'abcdef0123456789',
  SESSION_SECRET: 'x'.repeat(32),
  TOKEN_ENCRYPTION_KEY: Buffer.alloc(32, 1).toString('base64'),
  OPERATOR_TOKEN: 'operator-token-for-tests',
  BRIDGE_TOKEN: 'bridge-token-for-tests',
};
const config = (env: Environment) => loadConfig({ ...REAL, ...env }, { dataDir: null });
const statuses = (findings: { status: string }[]) => findings.map((f) => f.status);

describe('doctor checks', () => {
  it('wants Node 20 or later', () => {
    expect(checkNode('v20.11.0').status).toBe('ok');
    expect(checkNode('v22.1.0').status).toBe('ok');
    expect(checkNode('v18.19.0').status).toBe('fail');
  });

  it('calls demo mode a blocker and a missing client secret a warning', () => {
    expect(statuses(checkSpotifyApp(loadConfig({}, { dataDir: null })))).toEqual(['fail']);
    expect(statuses(checkSpotifyApp(config({})))).toEqual(['ok', 'warn']);
    expect(statuses(checkSpotifyApp(config({ SPOTIFY_CLIENT_SECRET: 'secret0123456789' })))).toEqual(['ok']);
  });

  it('accepts an https redirect URI under PUBLIC_URL', () => {
    expect(statuses(checkRedirectUri(config({ PUBLIC_URL: 'https://show.example.org', TRUST_PROXY: 'true' })))).toEqual(
      ['ok'],
    );
  });

  it('blocks localhost, http off loopback, and a redirect URI that leaves PUBLIC_URL', () => {
    expect(checkRedirectUri(config({ PUBLIC_URL: 'http://localhost:4000' }))[0]!.message).toMatch(/refuses localhost/);
    expect(checkRedirectUri(config({ PUBLIC_URL: 'http://192.168.1.20:4000' }))[0]).toMatchObject({
      status: 'fail',
      message: expect.stringMatching(/accepts http only on 127\.0\.0\.1/),
    });
    const elsewhere = checkRedirectUri(
      config({ PUBLIC_URL: 'https://show.example.org', SPOTIFY_REDIRECT_URI: 'https://other.example.org/callback' }),
    );
    expect(elsewhere.map((f) => f.status)).toEqual(['ok', 'fail']);
    expect(elsewhere[1]!.message).toMatch(/does not lead to https:\/\/show\.example\.org\/callback/);
  });

  it('allows a loopback redirect URI with a warning: it works on this machine only', () => {
    expect(statuses(checkRedirectUri(config({})))).toEqual(['warn']);
  });

  it('blocks a loopback PUBLIC_URL and https without TRUST_PROXY', () => {
    expect(statuses(checkPublicUrl(config({})))).toEqual(['fail']);
    expect(checkPublicUrl(config({ PUBLIC_URL: 'https://show.example.org' }))[0]!.message).toMatch(/TRUST_PROXY/);
    expect(statuses(checkPublicUrl(config({ PUBLIC_URL: 'https://show.example.org' })))).toEqual(['fail']);
    expect(statuses(checkPublicUrl(config({ PUBLIC_URL: 'https://show.example.org', TRUST_PROXY: 'true' })))).toEqual([
      'ok',
    ]);
    expect(statuses(checkPublicUrl(config({ PUBLIC_URL: 'http://192.168.1.20:4000' })))).toEqual(['warn']);
  });
});
