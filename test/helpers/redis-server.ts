/** A private redis-server per test file: the stack's (stack/redis-server.ts), under the names tests import. */
export { openRedis, startRedis as startTestRedis, type StackRedis as TestRedis } from '../../stack/redis-server.js';
