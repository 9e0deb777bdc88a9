/**
 * A private `redis-server` (for a test file, the bench or the demo crowd): a free port, data in a
 * temp dir, AOF on (so a restart keeps the line), stopped after. Nothing here touches a Redis it
 * did not start.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createClient } from 'redis';
import { freePort } from './ports.js';

export interface StackRedis {
  readonly url: string;
  readonly port: number;
  /** Kills the server at once (SIGKILL) — data since the last fsync may be lost, as in a crash. */
  kill(): Promise<void>;
  /** Stops it cleanly (SIGTERM). */
  stop(): Promise<void>;
  /** Starts it again on the same port and data dir. */
  start(): Promise<void>;
  /** Stops it and removes its data. */
  dispose(): Promise<void>;
}

async function waitForPing(url: string, deadlineMs = 10_000): Promise<void> {
  const deadline = Date.now() + deadlineMs;
  for (;;) {
    const client = createClient({ url, socket: { reconnectStrategy: false, connectTimeout: 500 } });
    client.on('error', () => undefined);
    try {
      await client.connect();
      await client.ping();
      await client.close();
      return;
    } catch {
      client.destroy();
      if (Date.now() > deadline) throw new Error(`redis-server at ${url} did not start`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}

/** Servers still running when this process exits (a crash) die with it. */
const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

export async function startRedis(): Promise<StackRedis> {
  const port = await freePort();
  const dir = mkdtempSync(path.join(tmpdir(), 'nph-redis-'));
  const url = `redis://127.0.0.1:${port}`;
  let child: ChildProcess | null = null;

  const start = async () => {
    child = spawn(
      'redis-server',
      [
        '--port',
        String(port),
        '--bind',
        '127.0.0.1',
        '--dir',
        dir,
        '--save',
        '',
        '--appendonly',
        'yes',
        '--appendfsync',
        'always',
        '--maxmemory-policy',
        'noeviction',
        '--loglevel',
        'warning',
      ],
      { stdio: 'ignore' },
    );
    const started = child;
    running.add(started);
    started.once('exit', () => running.delete(started));
    await waitForPing(url);
  };
  const halt = async (signal: NodeJS.Signals) => {
    const c = child;
    child = null;
    if (!c || c.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      c.once('exit', () => resolve());
      c.kill(signal);
    });
  };

  await start();
  return {
    url,
    port,
    kill: () => halt('SIGKILL'),
    stop: () => halt('SIGTERM'),
    start,
    async dispose() {
      await halt('SIGTERM');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A plain client of the shared type, to read or steer Redis directly. */
export async function openRedis(url: string): Promise<import('../shared/redis.js').RedisClient> {
  const client = createClient({ url }) as unknown as import('../shared/redis.js').RedisClient;
  client.on('error', () => undefined);
  await client.connect();
  return client;
}
