/**
 * One call starts a whole hub stack in separate processes — a private Redis, the simulated Spotify
 * (in this process, so its state and playback controls are at hand), N server processes and M poll
 * workers — for multi-process tests, the bench and the demo crowd. `close()` stops all of it.
 */
import { CookieClient } from './cookie-client.js';
import { loginThroughSimulator } from './login.js';
import { freePort } from './ports.js';
import { startRedis, type StackRedis } from './redis-server.js';
import { builtScript, externalHubEnv, spawnRole, type RoleProcess } from './roles.js';
import { startSimulator, type StackSimulator } from './simulator.js';

export { CookieClient, type Hop } from './cookie-client.js';
export { consentForm, loginThroughSimulator } from './login.js';
export { freePort } from './ports.js';
export { openRedis, startRedis, type StackRedis } from './redis-server.js';
export { builtScript, externalHubEnv, spawnRole, type RoleProcess } from './roles.js';
export { startSimulator, type StackSimulator } from './simulator.js';

/** The simulator's OAuth client the stack's hub roles use. */
export const STACK_CLIENT = { clientId: 'hubclient0001', clientSecret: 'hub-secret-0001' } as const;

export interface StackOptions {
  /** Server processes (each on its own port). Default 1. */
  readonly servers?: number;
  /** Poll worker processes. Default 1. */
  readonly workers?: number;
  readonly pollIntervalMs?: number;
  /** Extra environment for every role (e.g. `LOG_LEVEL`, `IDLE_SECONDS`). */
  readonly env?: Record<string, string>;
  /** The address phones use when it is not a server's own (a load balancer in front). */
  readonly publicUrl?: string;
  /** Extra node arguments for the server processes (profiling). */
  readonly serverNodeArgs?: readonly string[];
  /**
   * The roles as `npm run build` compiled them into this folder, run on plain node (the bench
   * measures what production runs). Default: the TypeScript sources through tsx.
   */
  readonly builtDir?: string;
}

export interface Stack {
  readonly redis: StackRedis;
  readonly sim: StackSimulator;
  readonly servers: readonly RoleProcess[];
  readonly workers: readonly RoleProcess[];
  /** Each server's base URL, in the order of `servers`. */
  readonly urls: readonly string[];
  /** Logs `listener` in through the simulator on the first server (a driver or a line member). */
  login(listener: string): Promise<void>;
  /** Steers a listener's playback in the simulator (`next`, `pause`, `play`, `seek`, `item`). */
  control(listener: string, body: Record<string, unknown>): Promise<void>;
  close(): Promise<void>;
}

export async function startStack(options: StackOptions = {}): Promise<Stack> {
  const serverCount = options.servers ?? 1;
  const workerCount = options.workers ?? 1;
  const redis = await startRedis();
  const ports = await Promise.all(Array.from({ length: serverCount }, () => freePort()));
  const urls = ports.map((p) => `http://127.0.0.1:${p}`);
  const publicUrls = options.publicUrl ? [options.publicUrl] : urls;
  const sim = await startSimulator({ ...STACK_CLIENT, redirectUris: publicUrls.map((u) => `${u}/callback`) });
  const envFor = (i: number) =>
    externalHubEnv({
      redisUrl: redis.url,
      port: ports[i] ?? ports[0]!,
      publicUrl: options.publicUrl ?? urls[i] ?? urls[0]!,
      simUrl: sim.url,
      pollIntervalMs: options.pollIntervalMs ?? 1000,
      extra: { LOG_LEVEL: 'info', ...options.env },
    });
  const role = (source: string) => (options.builtDir ? builtScript(options.builtDir, source) : source);
  const servers = ports.map((_, i) =>
    spawnRole(`server-${i + 1}`, role('server/main.ts'), envFor(i), options.serverNodeArgs ?? []),
  );
  const workers = Array.from({ length: workerCount }, (_, i) =>
    spawnRole(`worker-${i + 1}`, role('workers/poll.main.ts'), envFor(0)),
  );
  const closeAll = async () => {
    await Promise.all([...servers, ...workers].map((r) => r.kill()));
    await sim.close();
    await redis.dispose();
  };
  try {
    await Promise.all([
      ...servers.map((s) => s.waitForLog((m) => m.msg === 'server listening')),
      ...workers.map((w) => w.waitForLog((m) => m.msg === 'poll worker started')),
    ]);
  } catch (err) {
    await closeAll();
    throw err;
  }
  return {
    redis,
    sim,
    servers,
    workers,
    urls,
    async login(listener) {
      await loginThroughSimulator(new CookieClient(), urls[0]!, listener);
    },
    async control(listener, body) {
      const res = await fetch(`${sim.url}/control/listeners/${listener}/playback`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      if (!res.ok) throw new Error(`simulator control answered ${res.status}`);
    },
    close: closeAll,
  };
}
