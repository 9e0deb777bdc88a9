/**
 * One browser = one person: when a browser that is already logged in completes a login as another
 * Spotify account, the first account leaves the line and its tokens are deleted before the session
 * switches, so nobody is left orphaned in the line with nobody behind them.
 */
import type { RedisClient } from '../../shared/redis.js';
import { keys } from '../../shared/redis-keys.js';
import { CookieClient } from '../helpers/cookie-client.js';
import { loginThroughSimulator, useTestHub } from '../helpers/hub.js';
import { openRedis } from '../helpers/redis-server.js';

const { hub, redis } = useTestHub();

async function withRedis<T>(run: (c: RedisClient) => Promise<T>): Promise<T> {
  const c = await openRedis(redis.url);
  try {
    return await run(c);
  } finally {
    await c.close();
  }
}
/** Everyone in the line: the active user first, then the waiting ones. */
const inLine = () =>
  withRedis(async (c) => {
    const active = await c.hGet(keys.active(), 'user_id');
    const waiting = await c.lRange(keys.line(), 0, -1);
    return [...(active ? [active] : []), ...waiting];
  });
const hasTokens = (userId: string) => withRedis(async (c) => (await c.exists(keys.tokens(userId))) === 1);

describe('a second login in the same browser', () => {
  it('takes the first account out of the line and deletes its tokens before switching the session', async () => {
    // Someone else drives, so both accounts of the shared browser would be waiting.
    await loginThroughSimulator(new CookieClient(), hub.url, 'hedy');
    const browser = new CookieClient();
    await loginThroughSimulator(browser, hub.url, 'ada');
    expect(await inLine()).toContain('ada');
    expect(await hasTokens('ada')).toBe(true);

    const { callback } = await loginThroughSimulator(browser, hub.url, 'grace');
    expect(callback.status).toBe(302);

    const line = await inLine();
    expect(line).toContain('grace');
    expect(line).not.toContain('ada');
    expect(await hasTokens('ada')).toBe(false);
    expect(await hasTokens('grace')).toBe(true);
    const me = JSON.parse((await browser.request(`${hub.url}/api/me`)).body);
    expect(me.user).toEqual({ id: 'grace', display_name: 'Grace Hopper' });
  });

  it('keeps the account in the line when the same account logs in again', async () => {
    const browser = new CookieClient();
    await loginThroughSimulator(browser, hub.url, 'alan');
    await loginThroughSimulator(browser, hub.url, 'alan');
    const line = await inLine();
    expect(line.filter((id) => id === 'alan')).toHaveLength(1);
    expect(await hasTokens('alan')).toBe(true);
  });
});
