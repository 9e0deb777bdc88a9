/**
 * `npm start` without REDIS_URL: use a Redis on 127.0.0.1:6379 if one answers, else start a
 * private `redis-server` with its data (AOF) under ./.data/redis.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { connect } from 'node:net';
import path from 'node:path';
import { DATA_DIR } from '../shared/config.js';
import type { Logger } from '../shared/logger.js';

const PRIVATE_PORT = 6390;

function answers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(500, () => done(false));
    socket.once('error', () => done(false));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.once('data', (d) => done(d.toString().startsWith('+PONG')));
  });
}

export interface LocalRedis {
  url: string;
  child: ChildProcess | null;
}

export async function findOrStartRedis(log: Logger): Promise<LocalRedis> {
  if (await answers(6379)) return { url: 'redis://127.0.0.1:6379', child: null };
  if (await answers(PRIVATE_PORT)) return { url: `redis://127.0.0.1:${PRIVATE_PORT}`, child: null };
  if (spawnSync('redis-server', ['--version']).status !== 0) {
    throw new Error('no Redis answers on 127.0.0.1:6379 and redis-server is not installed: install Redis or set REDIS_URL');
  }
  const dir = path.join(DATA_DIR, 'redis');
  mkdirSync(dir, { recursive: true });
  const child = spawn('redis-server', ['--port', String(PRIVATE_PORT), '--bind', '127.0.0.1', '--dir', dir, '--appendonly', 'yes', '--save', '', '--maxmemory-policy', 'noeviction'], { stdio: 'ignore' });
  for (let i = 0; i < 100 && !(await answers(PRIVATE_PORT)); i++) await new Promise((r) => setTimeout(r, 100));
  log.warn({ dir, port: PRIVATE_PORT }, `no Redis on 127.0.0.1:6379, so started a private redis-server on port ${PRIVATE_PORT} with its data in ${dir}`);
  return { url: `redis://127.0.0.1:${PRIVATE_PORT}`, child };
}
