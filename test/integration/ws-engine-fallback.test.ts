/**
 * The WebSocket engine choice: `ws` by default, the native `eiows` only on request, and a server
 * that starts and serves socket.io-client over both transports when the native engine cannot load.
 */
import { io as ioClient } from 'socket.io-client';
import { chooseWsEngine, type ModuleLoader } from '../../server/realtime/ws-engine.js';
import { startStack, type Stack } from '../../stack/index.js';

const failing =
  (...names: string[]): ModuleLoader =>
  (name) =>
    names.includes(name) ? Promise.reject(new Error(`Cannot find module '${name}'`)) : Promise.resolve({});

describe('chooseWsEngine', () => {
  test('uses Socket.IO’s own ws when nothing is asked for', async () => {
    const choice = await chooseWsEngine('ws', failing());
    expect(choice).toMatchObject({ name: 'ws', requested: 'ws', fallbackReason: null, engine: undefined });
  });

  test('falls back to ws, saying why, when eiows cannot load', async () => {
    const choice = await chooseWsEngine('eiows', failing('eiows'));
    expect(choice.name).toBe('ws');
    expect(choice.requested).toBe('eiows');
    expect(choice.engine).toBeUndefined();
    expect(choice.fallbackReason).toContain("Cannot find module 'eiows'");
  });

  test('takes eiows when it loads', async () => {
    class FakeEiows {}
    const choice = await chooseWsEngine('eiows', (name) =>
      Promise.resolve(name === 'eiows' ? { Server: FakeEiows } : {}),
    );
    expect(choice).toMatchObject({ name: 'eiows', engine: FakeEiows, fallbackReason: null });
  });

  test('reports whether bufferutil’s native masking loads', async () => {
    expect((await chooseWsEngine('ws', failing('bufferutil'))).nativeMasking).toBe(false);
    expect((await chooseWsEngine('ws', failing())).nativeMasking).toBe(true);
  });
});

describe('a server asked for eiows where it is not installed', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ workers: 0, env: { WS_ENGINE: 'eiows' } });
  });
  afterAll(async () => {
    await stack?.close();
  });

  test('starts on ws and logs the fallback', async () => {
    const warn = await stack.servers[0]!.waitForLog((m) => m.msg === 'websocket engine fallback');
    expect(warn).toMatchObject({ wsEngine: 'ws' });
    expect(String(warn.reason)).toContain('eiows');
  });

  test.each([['websocket'], ['polling']])('serves socket.io-client over %s', async (transport) => {
    const socket = ioClient(stack.urls[0], { transports: [transport], forceNew: true, reconnection: false });
    try {
      // Every connection gets the current state at once.
      const first = await new Promise<unknown>((resolve, reject) => {
        socket.once('now_playing', resolve);
        socket.once('connect_error', reject);
      });
      expect(first).toHaveProperty('server_time');
      expect(socket.io.engine.transport.name).toBe(transport);
    } finally {
      socket.close();
    }
  });
});
