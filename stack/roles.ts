/**
 * Runs product entry points (`server/main.ts`, `workers/poll.main.ts`, ...) as real child
 * processes: for tests with several servers and workers, SIGKILL and Redis restarts, and for the
 * bench, where each role needs its own process (and CPU and memory of its own to measure).
 */
import { spawn, type ChildProcess } from 'node:child_process';

export interface RoleProcess {
  readonly name: string;
  readonly child: ChildProcess;
  readonly lines: string[];
  waitForLog(
    match: (msg: Record<string, unknown>) => boolean,
    timeoutMs?: number,
    fromLine?: number,
  ): Promise<Record<string, unknown>>;
  kill(signal?: NodeJS.Signals): Promise<number | null>;
  alive(): boolean;
}

/** Children still running when this process exits (a crash) are killed with it. */
const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

/** Where `npm run build` put the compiled `source` (a `.ts` path in the project) inside `dir`. */
export const builtScript = (dir: string, source: string) => `${dir}/${source.replace(/\.ts$/, '.js')}`;

/**
 * `nodeArgs` go before the script (e.g. `--cpu-prof`, `--heapsnapshot-signal=SIGUSR2`). A `.ts`
 * script runs through tsx; a `.js` one (built by `npm run build`) on plain node.
 */
export function spawnRole(
  name: string,
  script: string,
  env: Record<string, string>,
  nodeArgs: readonly string[] = [],
): RoleProcess {
  const loader = script.endsWith('.ts') ? ['--import', 'tsx'] : [];
  const child = spawn(process.execPath, [...nodeArgs, ...loader, script], {
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  const listeners = new Set<() => void>();
  let buffer = '';
  const onData = (d: Buffer) => {
    buffer += d.toString();
    const parts = buffer.split('\n');
    buffer = parts.pop() ?? '';
    lines.push(...parts.filter(Boolean));
    for (const l of listeners) l();
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  running.add(child);
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => {
      running.delete(child);
      resolve(code);
    }),
  );

  return {
    name,
    child,
    lines,
    waitForLog(match, timeoutMs = 60_000, fromLine = 0) {
      return new Promise((resolve, reject) => {
        const check = () => {
          for (const line of lines.slice(fromLine)) {
            try {
              const msg = JSON.parse(line) as Record<string, unknown>;
              if (match(msg)) {
                listeners.delete(check);
                clearTimeout(timer);
                resolve(msg);
                return;
              }
            } catch {
              // not JSON (a stack trace or a config error line)
            }
          }
        };
        const timer = setTimeout(() => {
          listeners.delete(check);
          reject(
            new Error(
              `${name}: no matching log line within ${timeoutMs} ms; last lines:\n${lines.slice(-10).join('\n')}`,
            ),
          );
        }, timeoutMs);
        listeners.add(check);
        check();
      });
    },
    async kill(signal = 'SIGTERM') {
      if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
      child.kill(signal);
      return exited;
    },
    alive: () => child.exitCode === null && child.signalCode === null,
  };
}

/** Environment for a hub role that uses a standalone simulator as its Spotify. */
export function externalHubEnv(opts: {
  redisUrl: string;
  port: number;
  publicUrl: string;
  simUrl: string;
  pollIntervalMs: number;
  extra?: Record<string, string>;
}): Record<string, string> {
  return {
    REDIS_URL: opts.redisUrl,
    PORT: String(opts.port),
    HOST: '127.0.0.1',
    PUBLIC_URL: opts.publicUrl,
    SPOTIFY_CLIENT_ID: 'hubclient0001',
    SPOTIFY_CLIENT_SECRET: 'hub-secret-0001',
    SPOTIFY_ACCOUNTS_URL: `${opts.simUrl}/accounts`,
    SPOTIFY_API_URL: `${opts.simUrl}/api`,
    SESSION_SECRET: 'session-secret-for-tests',
    TOKEN_ENCRYPTION_KEY: Buffer.alloc(32, 9).toString('base64'),
    OPERATOR_TOKEN: 'operator-token-for-tests',
    BRIDGE_TOKEN: 'bridge-token-for-tests',
    POLL_INTERVAL_MS: String(opts.pollIntervalMs),
    ...opts.extra,
  };
}
