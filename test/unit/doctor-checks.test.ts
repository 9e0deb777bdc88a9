import { loadConfig, type Environment } from '../../shared/config.js';
import { checkNode, checkPublicUrl, checkRedirectUri, checkSpotifyApp } from '../../shared/ops/doctor-checks.js';
import { judgeVenue, judgeVenueError, tokensMissing, venueModeFinding } from '../../shared/ops/doctor-venue.js';
import type { PlayerDevice } from '../../shared/spotify/player-client.js';
import { SpotifyError } from '../../shared/spotify/spotify-error.js';
import type { VenueAccount } from '../../shared/venue/venue-store.js';

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

describe('doctor venue account judgement', () => {
  const account: VenueAccount = {
    id: 'club42',
    display_name: 'Club 42',
    product: null,
    device_id: null,
    connected_at: 1,
    problem: null,
  };
  const device = (id: string, is_active = false): PlayerDevice => ({
    id,
    name: id.toUpperCase(),
    type: 'Computer',
    is_active,
    is_restricted: false,
    volume_percent: null,
  });

  it('says nothing needs checking in demo mode or with GUESTS off, and checks otherwise', () => {
    expect(venueModeFinding(loadConfig({}, { dataDir: null }))?.message).toMatch(/^demo mode: the simulator's venue/);
    expect(venueModeFinding(config({ GUESTS: 'off' }))).toEqual({
      status: 'info',
      subject: 'venue account',
      message: 'GUESTS is off: venue mode is off, nothing to check',
    });
    expect(venueModeFinding(config({}))).toBeNull();
  });

  it('names the device that plays, chosen or active, and the others', () => {
    const chosen = judgeVenue({
      account: { ...account, device_id: 'bar' },
      devices: [device('desk', true), device('bar')],
      product: 'premium',
    });
    expect(chosen).toMatchObject({
      status: 'ok',
      message: `"Club 42" (club42) plays guests' picks on "BAR" (Computer, chosen on /operator); also open: "DESK" (Computer, active)`,
    });
    expect(judgeVenue({ account, devices: [device('desk', true)], product: null }).status).toBe('ok');
  });

  it('warns when no device is open, none is active, or the chosen one is closed', () => {
    expect(judgeVenue({ account, devices: [], product: null }).message).toMatch(
      /no device: open the Spotify app on the venue computer, signed in as Club 42$/,
    );
    expect(judgeVenue({ account, devices: [device('desk')], product: null })).toMatchObject({
      status: 'warn',
      message: expect.stringMatching(/none is active/),
    });
    const closed = judgeVenue({
      account: { ...account, device_id: 'bar' },
      devices: [device('desk', true)],
      product: null,
    });
    expect(closed).toMatchObject({
      status: 'warn',
      message: expect.stringMatching(/the device chosen on \/operator is not open/),
    });
  });

  it('fails a known Free product or a refused play, unless Spotify now says Premium', () => {
    expect(judgeVenue({ account, devices: [device('desk', true)], product: 'free' })).toMatchObject({
      status: 'fail',
      message: expect.stringMatching(/has Spotify free: this account needs Premium/),
    });
    const refused = { ...account, problem: 'premium_required' as const };
    expect(judgeVenue({ account: refused, devices: [device('desk', true)], product: null }).status).toBe('fail');
    expect(judgeVenue({ account: refused, devices: [device('desk', true)], product: 'premium' }).status).toBe('ok');
    expect(
      judgeVenueError(account, new SpotifyError('premium_required', 'Premium required', { status: 403 })),
    ).toMatchObject({
      status: 'fail',
      message: expect.stringMatching(/this account needs Premium/),
    });
  });

  it('fails revoked access and tokens sealed with another key, each with what to do', () => {
    expect(judgeVenueError(account, new SpotifyError('invalid_grant', 'invalid_grant: revoked'))).toMatchObject({
      status: 'fail',
      message: expect.stringMatching(/Connect the venue account again on \/operator$/),
    });
    expect(tokensMissing(account, true)).toMatchObject({
      status: 'fail',
      message: expect.stringMatching(/do not open with this TOKEN_ENCRYPTION_KEY/),
    });
  });

  it('warns on a 429, a 5xx and an unreachable Spotify, with the reason', () => {
    const limited = judgeVenueError(
      account,
      new SpotifyError('rate_limited', 'rate limited', { status: 429, retryAfterMs: 30_000 }),
    );
    expect(limited).toMatchObject({ status: 'warn', message: expect.stringMatching(/429 .*wait 30 s/) });
    const waiting = new SpotifyError('rate_limited', 'waiting', { status: 429, retryAfterMs: 5_500, local: true });
    expect(judgeVenueError(account, waiting).message).toMatch(/^not checked: the hub is waiting out .* another 6 s/);
    expect(judgeVenueError(account, new SpotifyError('server_error', 'status 503', { status: 503 }))).toMatchObject({
      status: 'warn',
      message: expect.stringMatching(/Spotify answered 503/),
    });
    const down = new SpotifyError('unreachable', 'network error', {
      cause: new Error('TypeError: fetch failed: ECONNREFUSED'),
    });
    expect(judgeVenueError(account, down)).toMatchObject({
      status: 'warn',
      message: expect.stringMatching(
        /could not reach Spotify .*: network error \(TypeError: fetch failed: ECONNREFUSED\)$/,
      ),
    });
  });
});
