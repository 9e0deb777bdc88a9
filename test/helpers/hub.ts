/** Starts a real hub server in this process against a test Redis, in demo mode unless told otherwise. */
import { loadConfig, type Config, type Environment } from '../../shared/config.js';
import type { Logger } from '../../shared/logger.js';
import { createLogger } from '../../shared/logger.js';
import { startServer, type RunningServer } from '../../server/index.js';
import type { RateLimits } from '../../server/http/rate-limits.js';
import type { SimulatorState } from '../../simulator/index.js';
import { freePort } from './ports.js';
import { startTestRedis, type TestRedis } from './redis-server.js';

export interface TestHub {
  readonly config: Config;
  readonly server: RunningServer;
  readonly url: string;
  readonly sim: SimulatorState;
  close(): Promise<void>;
}

/** Budgets high enough that no functional test meets them; limit tests pass their own. */
export const TEST_RATE_LIMITS = {
  loginPerMinute: 10_000,
  proxyPerMinute: 10_000,
  secretFailuresPer15Minutes: 10_000,
  lineActionsPerSessionPerMinute: 10_000,
  lineActionsPerIpPerMinute: 10_000,
} as const;

export async function testConfig(redisUrl: string, env: Environment = {}): Promise<Config> {
  const port = env.PORT ? Number(env.PORT) : await freePort();
  return loadConfig(
    {
      REDIS_URL: redisUrl,
      PORT: String(port),
      HOST: '127.0.0.1',
      PUBLIC_URL: `http://127.0.0.1:${port}`,
      LOG_LEVEL: 'silent',
      POLL_INTERVAL_MS: '250',
      OPERATOR_TOKEN: 'operator-token-for-tests',
      BRIDGE_TOKEN: 'bridge-token-for-tests',
      ...env,
    },
    { dataDir: null },
  );
}

export interface TestHubOptions {
  env?: Environment;
  log?: Logger;
  simulatorState?: SimulatorState;
  rateLimits?: Partial<RateLimits>;
}

export async function startTestHub(redisUrl: string, options: TestHubOptions = {}): Promise<TestHub> {
  const config = await testConfig(redisUrl, options.env);
  const log = options.log ?? createLogger({ level: 'silent' });
  const server = await startServer(config, log, {
    rateLimits: { ...TEST_RATE_LIMITS, ...options.rateLimits },
    ...(options.simulatorState ? { simulatorState: options.simulatorState } : {}),
  });
  if (!server.simulator) throw new Error('startTestHub expects demo mode');
  return { config, server, url: server.url, sim: server.simulator, close: () => server.close() };
}

/** Stands for what `beforeAll` starts: reading it earlier says so instead of failing obscurely. */
function startedLater<T extends object>(what: string, current: () => T | undefined): T {
  return new Proxy({} as T, {
    get(_target, key) {
      const value = current();
      if (value === undefined) throw new Error(`${what} starts in beforeAll`);
      const member = Reflect.get(value, key) as unknown;
      return typeof member === 'function' ? (member as (...args: unknown[]) => unknown).bind(value) : member;
    },
  });
}

/**
 * A private Redis and a demo-mode hub on it, started before the file's tests and stopped after
 * them: the setup most integration and browser test files share.
 */
export function useTestHub(options: TestHubOptions = {}): { hub: TestHub; redis: TestRedis } {
  let redis: TestRedis | undefined;
  let hub: TestHub | undefined;
  beforeAll(async () => {
    redis = await startTestRedis();
    hub = await startTestHub(redis.url, options);
  });
  afterAll(async () => {
    await hub?.close();
    await redis?.dispose();
  });
  return { hub: startedLater('the test hub', () => hub), redis: startedLater('the test Redis', () => redis) };
}

/** Logging in through the simulator lives with the stack (stack/login.ts); tests import it from here too. */
export { consentForm, loginThroughSimulator } from '../../stack/login.js';
