/**
 * The server's accept queue: a room of phones connecting at once, while a broadcast holds the
 * event loop, must wait in the kernel's queue rather than overflow it (Node's default is 511).
 * `ss` reports a listening socket's queue limit as its Send-Q.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { startTestHub, type TestHub } from '../helpers/hub.js';
import { startTestRedis, type TestRedis } from '../helpers/redis-server.js';

let redis: TestRedis;
let hub: TestHub;

beforeAll(async () => {
  redis = await startTestRedis();
  hub = await startTestHub(redis.url);
}, 60_000);
afterAll(async () => {
  await hub?.close();
  await redis?.dispose();
});

test('the server asks the kernel for an accept queue of 4096 connections (capped by somaxconn)', () => {
  const port = new URL(hub.url).port;
  const line = execFileSync('ss', ['-ltnH', `sport = :${port}`], { encoding: 'utf8' }).trim();
  const sendQ = Number(line.split(/\s+/)[2]);
  const somaxconn = Number(readFileSync('/proc/sys/net/core/somaxconn', 'utf8'));
  expect(sendQ).toBe(Math.min(4096, somaxconn));
});
