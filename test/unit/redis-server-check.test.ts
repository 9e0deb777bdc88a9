import { judgeRedis } from '../../shared/ops/redis-server-check.js';
import { databaseOf, redisUrlForDisplay, withDatabase } from '../../shared/ops/redis-database.js';
import { keys } from '../../shared/redis-keys.js';

describe('judging a Redis for BullMQ', () => {
  it('is happy with Redis 7 and noeviction', () => {
    expect(judgeRedis({ version: '7.2.4', maxmemoryPolicy: 'noeviction' })).toEqual([]);
  });

  it('warns, without blocking, about an evicting policy', () => {
    const findings = judgeRedis({ version: '7.2.4', maxmemoryPolicy: 'allkeys-lru' });
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ severity: 'warn' });
    expect(findings[0]!.message).toMatch(/allkeys-lru.*noeviction/);
  });

  it('warns about Redis 6.0 and blocks on Redis 4', () => {
    expect(judgeRedis({ version: '6.0.16', maxmemoryPolicy: 'noeviction' })).toEqual([
      expect.objectContaining({ severity: 'warn' }),
    ]);
    expect(judgeRedis({ version: '4.0.9', maxmemoryPolicy: 'noeviction' })).toEqual([
      expect.objectContaining({ severity: 'blocker' }),
    ]);
  });
});

describe('Redis databases and channels', () => {
  it('reads and sets the database of a Redis URL', () => {
    expect(databaseOf('redis://127.0.0.1:6379')).toBe(0);
    expect(databaseOf('redis://127.0.0.1:6379/14')).toBe(14);
    expect(withDatabase('redis://127.0.0.1:6379', 14)).toBe('redis://127.0.0.1:6379/14');
    expect(databaseOf(withDatabase('redis://:pw@host:6380/3', 9))).toBe(9);
  });

  it('masks a password before a Redis URL is logged or printed', () => {
    expect(redisUrlForDisplay('redis://:s3cret-pass@10.0.0.5:6379/2')).toBe('redis://:***@10.0.0.5:6379/2');
    expect(redisUrlForDisplay('redis://127.0.0.1:6379')).toBe('redis://127.0.0.1:6379');
  });

  it('keeps the Socket.IO channel of database 0 as it was and gives other databases their own', () => {
    expect(keys.socketIoChannel()).toBe('nph:socket.io');
    expect(keys.socketIoChannel(0)).toBe('nph:socket.io');
    expect(keys.socketIoChannel(14)).not.toBe(keys.socketIoChannel(0));
    expect(keys.socketIoChannel(14).startsWith(keys.socketIoChannel(0))).toBe(false);
  });
});
