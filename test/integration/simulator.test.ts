import { codeChallengeS256, createCodeVerifier, createState } from '../../shared/spotify/pkce.js';
import { parseCurrentlyPlaying } from '../../shared/spotify/schemas.js';
import { consentForm } from '../helpers/hub.js';
import { startTestSimulator, type TestSimulator } from '../helpers/simulator.js';

const REDIRECT = 'http://127.0.0.1:4999/callback';
let sim: TestSimulator;

beforeAll(async () => {
  sim = await startTestSimulator({
    clientId: 'test-client',
    clientSecret: 'test-secret-value',
    redirectUris: [REDIRECT],
    accessTokenSeconds: 60,
  });
});
afterAll(() => sim.close());

const form = (body: Record<string, string>, headers: Record<string, string> = {}) =>
  fetch(`${sim.url}/accounts/api/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams(body),
  });
const basic = { authorization: `Basic ${Buffer.from('test-client:test-secret-value').toString('base64')}` };

function authorizeUrl(params: Record<string, string>): string {
  const url = new URL(`${sim.url}/accounts/authorize`);
  url.search = new URLSearchParams({
    client_id: 'test-client',
    response_type: 'code',
    redirect_uri: REDIRECT,
    code_challenge_method: 'S256',
    scope: 'user-read-currently-playing',
    ...params,
  }).toString();
  return url.toString();
}

/** Authorizes as a listener and answers the code. */
async function codeFor(listener: string, verifier: string): Promise<string> {
  const url = authorizeUrl({ state: createState(), code_challenge: codeChallengeS256(verifier) });
  const page = await fetch(url);
  expect(page.status).toBe(200);
  const f = consentForm(await page.text(), url);
  const res = await fetch(f.action, {
    method: 'POST',
    redirect: 'manual',
    body: new URLSearchParams({ ...f.fields, listener, decision: 'agree' }),
  });
  expect(res.status).toBe(302);
  return new URL(res.headers.get('location')!).searchParams.get('code')!;
}

async function tokensFor(listener: string) {
  const verifier = createCodeVerifier();
  const code = await codeFor(listener, verifier);
  const res = await form({
    grant_type: 'authorization_code',
    code,
    redirect_uri: REDIRECT,
    code_verifier: verifier,
    client_id: 'test-client',
  });
  expect(res.status).toBe(200);
  return (await res.json()) as { access_token: string; refresh_token: string; expires_in: number; token_type: string };
}

describe('simulator: authorize', () => {
  it('shows an error page for an unknown client and a wrong redirect URI', async () => {
    expect(
      (await fetch(authorizeUrl({ client_id: 'nope', code_challenge: codeChallengeS256(createCodeVerifier()) })))
        .status,
    ).toBe(400);
    expect(
      (
        await fetch(
          authorizeUrl({
            redirect_uri: 'http://127.0.0.1:4999/other',
            code_challenge: codeChallengeS256(createCodeVerifier()),
          }),
        )
      ).status,
    ).toBe(400);
  });

  it('redirects back with invalid_request for a plain challenge or a short one', async () => {
    const res = await fetch(
      authorizeUrl({ state: 's1', code_challenge_method: 'plain', code_challenge: 'x'.repeat(43) }),
      { redirect: 'manual' },
    );
    const back = new URL(res.headers.get('location')!);
    expect(back.searchParams.get('error')).toBe('invalid_request');
    expect(back.searchParams.get('state')).toBe('s1');
    const short = await fetch(authorizeUrl({ state: 's2', code_challenge: 'abc' }), { redirect: 'manual' });
    expect(new URL(short.headers.get('location')!).searchParams.get('error')).toBe('invalid_request');
  });

  it('redirects with error=access_denied and the state on Cancel', async () => {
    const url = authorizeUrl({ state: 'the-state', code_challenge: codeChallengeS256(createCodeVerifier()) });
    const f = consentForm(await (await fetch(url)).text(), url);
    const res = await fetch(f.action, {
      method: 'POST',
      redirect: 'manual',
      body: new URLSearchParams({ ...f.fields, listener: 'ada', decision: 'cancel' }),
    });
    const back = new URL(res.headers.get('location')!);
    expect(back.searchParams.get('error')).toBe('access_denied');
    expect(back.searchParams.get('state')).toBe('the-state');
    expect(back.searchParams.get('code')).toBeNull();
  });
});

describe('simulator: token endpoint', () => {
  it('refuses a wrong code_verifier with invalid_grant', async () => {
    const code = await codeFor('ada', createCodeVerifier());
    const res = await form({
      grant_type: 'authorization_code',
      code,
      redirect_uri: REDIRECT,
      code_verifier: createCodeVerifier(),
      client_id: 'test-client',
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ error: 'invalid_grant', error_description: 'code_verifier was incorrect' });
  });

  it('accepts a code once only', async () => {
    const verifier = createCodeVerifier();
    const code = await codeFor('ada', verifier);
    const body = {
      grant_type: 'authorization_code',
      code,
      redirect_uri: REDIRECT,
      code_verifier: verifier,
      client_id: 'test-client',
    };
    expect((await form(body)).status).toBe(200);
    const again = await form(body);
    expect(again.status).toBe(400);
    expect(await again.json()).toEqual({ error: 'invalid_grant', error_description: 'Invalid authorization code' });
  });

  it('issues Bearer tokens that expire as configured', async () => {
    const t = await tokensFor('grace');
    expect(t.token_type).toBe('Bearer');
    expect(t.expires_in).toBe(60);
    expect(t.refresh_token).toBeTruthy();
  });

  it('refreshes, omitting refresh_token by default so the old one stays valid', async () => {
    const t = await tokensFor('hedy');
    const first = await form({ grant_type: 'refresh_token', refresh_token: t.refresh_token, client_id: 'test-client' });
    expect(first.status).toBe(200);
    expect((await first.json()).refresh_token).toBeUndefined();
    expect(
      (await form({ grant_type: 'refresh_token', refresh_token: t.refresh_token, client_id: 'test-client' })).status,
    ).toBe(200);
  });

  it('rotates refresh tokens when set to, and the old one dies', async () => {
    sim.state.rotateRefreshTokens = true;
    try {
      const t = await tokensFor('alan');
      const res = await form({ grant_type: 'refresh_token', refresh_token: t.refresh_token, client_id: 'test-client' });
      const body = await res.json();
      expect(body.refresh_token).toBeTruthy();
      expect(body.refresh_token).not.toBe(t.refresh_token);
      const old = await form({ grant_type: 'refresh_token', refresh_token: t.refresh_token, client_id: 'test-client' });
      expect((await old.json()).error).toBe('invalid_grant');
    } finally {
      sim.state.rotateRefreshTokens = false;
    }
  });

  it('answers client_credentials only with Basic auth', async () => {
    expect((await form({ grant_type: 'client_credentials' })).status).toBe(400);
    const res = await form({ grant_type: 'client_credentials' }, basic);
    expect(res.status).toBe(200);
    const bad = await form(
      { grant_type: 'client_credentials' },
      { authorization: `Basic ${Buffer.from('test-client:wrong').toString('base64')}` },
    );
    expect((await bad.json()).error).toBe('invalid_client');
  });
});

describe('simulator: Web API', () => {
  it('answers /v1/me and a real-shaped currently-playing that advances in time', async () => {
    const t = await tokensFor('katherine');
    const auth = { authorization: `Bearer ${t.access_token}` };
    const me = await (await fetch(`${sim.url}/api/v1/me`, { headers: auth })).json();
    expect(me).toMatchObject({ id: 'katherine', display_name: 'Katherine Johnson', type: 'user' });
    const a = await (
      await fetch(`${sim.url}/api/v1/me/player/currently-playing?additional_types=track,episode`, { headers: auth })
    ).json();
    expect(a).toMatchObject({ currently_playing_type: expect.any(String), is_playing: true });
    expect(a.item.album.images[0].url).toMatch(/\/images\/.+\.png$/);
    const parsed = parseCurrentlyPlaying(a);
    expect(parsed.kind).toBe('item');
    const img = await fetch(a.item.album.images[0].url);
    expect(img.headers.get('content-type')).toBe('image/png');
  });

  it('answers 204 when nothing plays, and item null for an ad', async () => {
    const t = await tokensFor('margaret');
    const auth = { authorization: `Bearer ${t.access_token}` };
    const control = (action: string) =>
      fetch(`${sim.url}/control/listeners/margaret/playback`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ action }),
      });
    await control('nothing');
    expect((await fetch(`${sim.url}/api/v1/me/player/currently-playing`, { headers: auth })).status).toBe(204);
    await control('ad');
    const ad = await (await fetch(`${sim.url}/api/v1/me/player/currently-playing`, { headers: auth })).json();
    expect(ad).toMatchObject({ item: null, currently_playing_type: 'ad' });
    await control('play');
  });

  it('answers 401 for an expired token and 429 with Retry-After when forced', async () => {
    const t = await tokensFor('ada');
    const auth = { authorization: `Bearer ${t.access_token}` };
    await fetch(`${sim.url}/control/tokens/expire`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ listener_id: 'ada' }),
    });
    const expired = await fetch(`${sim.url}/api/v1/me`, { headers: auth });
    expect(expired.status).toBe(401);
    expect(await expired.json()).toEqual({ error: { status: 401, message: 'The access token expired' } });
    const fresh = await tokensFor('ada');
    await fetch(`${sim.url}/control/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ target: 'currently-playing', status: 429, retry_after: 3, times: 1 }),
    });
    const limited = await fetch(`${sim.url}/api/v1/me/player/currently-playing`, {
      headers: { authorization: `Bearer ${fresh.access_token}` },
    });
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('3');
  });

  it('counts calls for tests', async () => {
    await fetch(`${sim.url}/control/calls`, { method: 'DELETE' });
    const t = await tokensFor('grace');
    await fetch(`${sim.url}/api/v1/me`, { headers: { authorization: `Bearer ${t.access_token}` } });
    const calls = (await (await fetch(`${sim.url}/control/calls`)).json()) as {
      counts: Record<string, number>;
      log: { target: string }[];
    };
    expect(calls.counts).toMatchObject({ 'token:authorization_code': 1, me: 1 });
    expect(calls.log.map((c) => c.target)).toEqual(['authorize', 'token:authorization_code', 'me']);
  });
});
