import { CookieClient } from '../helpers/cookie-client.js';
import { loginThroughSimulator, useTestHub } from '../helpers/hub.js';

const { hub, redis } = useTestHub();

async function until<T>(probe: () => Promise<T>, ok: (v: T) => boolean, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (ok(v)) return v;
    if (Date.now() > deadline) throw new Error('condition not reached in time');
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('Redis outage', () => {
  it('answers 503, never an unauthenticated pass, and recovers when Redis returns', async () => {
    const client = new CookieClient();
    await loginThroughSimulator(client, hub.url, 'ada');
    expect(JSON.parse((await client.request(`${hub.url}/api/me`)).body).logged_in).toBe(true);

    await redis.kill();
    const me = await client.request(`${hub.url}/api/me`, { headers: { accept: 'application/json' } });
    expect(me.status).toBe(503);
    expect(JSON.parse(me.body)).toEqual({ error: { code: 'service_unavailable', message: expect.any(String) } });
    const join = await client.request(`${hub.url}/api/queue/join`, {
      method: 'POST',
      headers: { accept: 'application/json' },
    });
    expect(join.status).toBe(503);
    const login = await new CookieClient().request(`${hub.url}/login`, { headers: { accept: 'application/json' } });
    expect(login.status).toBe(503);

    await redis.start();
    const back = await until(
      () => client.request(`${hub.url}/api/me`),
      (h) => h.status === 200,
    );
    const body = JSON.parse(back.body);
    expect(body.logged_in).toBe(true);
    expect(body.user.id).toBe('ada');
  });
});
