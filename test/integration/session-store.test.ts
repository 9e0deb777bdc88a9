/** A logged-out session stays gone: a late save from a request that loaded it before cannot revive it. */
import { SessionStore } from '../../server/http/session.js';
import { usePrivateRedis } from '../helpers/redis-server.js';
import type { SessionData } from 'express-session';

const redis = usePrivateRedis();

const session = (userId: string) =>
  ({ cookie: { originalMaxAge: 60_000, expires: new Date(Date.now() + 60_000) }, userId }) as unknown as SessionData;
const read = (store: SessionStore, sid: string) =>
  new Promise<SessionData | null | undefined>(
    (resolve, reject) =>
      void store.get(sid, (err, s) =>
        err ? reject(err instanceof Error ? err : new Error('session store failed')) : resolve(s),
      ),
  );

describe('session store', () => {
  it('refuses to write back a session destroyed by logout', async () => {
    const store = new SessionStore(redis.client);
    await store.set('sid-1', session('ada'));
    expect((await read(store, 'sid-1'))?.userId).toBe('ada');
    await store.destroy('sid-1');
    // A request that loaded the session before the logout saves it after.
    await store.set('sid-1', session('ada'));
    expect(await read(store, 'sid-1')).toBeFalsy();
  });

  it('still saves other sessions as usual', async () => {
    const store = new SessionStore(redis.client);
    await store.destroy('sid-2');
    await store.set('sid-3', session('grace'));
    expect((await read(store, 'sid-3'))?.userId).toBe('grace');
  });
});
