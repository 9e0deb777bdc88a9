/**
 * A private three-node Redis Cluster (masters only, no replicas) on free ports, data in a temp
 * dir, stopped and removed after. Tests never touch a Redis they did not start.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { createClient } from 'redis';
import { freePort } from './ports.js';
import { until } from './wait.js';

const run = promisify(execFile);

export interface TestCluster {
  /** host:port of every node. */
  readonly nodes: readonly { host: string; port: number }[];
  dispose(): Promise<void>;
}

const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

async function ping(port: number): Promise<boolean> {
  const client = createClient({ url: `redis://127.0.0.1:${port}`, socket: { reconnectStrategy: false } });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.ping();
    await client.close();
    return true;
  } catch {
    client.destroy();
    return false;
  }
}

export async function startTestCluster(size = 3): Promise<TestCluster> {
  const dir = mkdtempSync(path.join(tmpdir(), 'nph-cluster-'));
  const ports: number[] = [];
  const children: ChildProcess[] = [];
  for (let i = 0; i < size; i++) {
    const port = await freePort();
    ports.push(port);
    const child = spawn(
      'redis-server',
      [
        '--port',
        String(port),
        '--bind',
        '127.0.0.1',
        '--dir',
        dir,
        '--cluster-enabled',
        'yes',
        '--cluster-config-file',
        `nodes-${port}.conf`,
        '--save',
        '',
        '--appendonly',
        'no',
        '--loglevel',
        'warning',
      ],
      { stdio: 'ignore' },
    );
    running.add(child);
    child.once('exit', () => running.delete(child));
    children.push(child);
  }
  const dispose = async () => {
    await Promise.all(
      children.map(
        (c) =>
          new Promise<void>((resolve) => {
            if (c.exitCode !== null || c.signalCode !== null) return resolve();
            c.once('exit', () => resolve());
            c.kill('SIGTERM');
          }),
      ),
    );
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    for (const port of ports)
      await until(
        () => ping(port),
        (ok) => ok,
        10_000,
        `cluster node ${port} up`,
      );
    await run('redis-cli', ['--cluster', 'create', ...ports.map((p) => `127.0.0.1:${p}`), '--cluster-yes'], {
      timeout: 30_000,
    });
    // Every node must agree the slots are covered before a client may rely on the map.
    await until(
      async () => (await run('redis-cli', ['-p', String(ports[0]), 'cluster', 'info'])).stdout,
      (info) => info.includes('cluster_state:ok'),
      20_000,
      'cluster_state:ok',
    );
  } catch (err) {
    await dispose();
    throw err;
  }
  return { nodes: ports.map((port) => ({ host: '127.0.0.1', port })), dispose };
}
