import { readFileSync } from 'node:fs';
import { ConfigError, loadStartSettings, START_ENVIRONMENT_VARIABLES } from '../../shared/config.js';

describe('npm start settings', () => {
  it('probe 127.0.0.1:6379 and keep the private redis-server on 6390 by default', () => {
    expect(loadStartSettings({})).toEqual({ localRedisUrl: 'redis://127.0.0.1:6379', privateRedisPort: 6390 });
  });

  it('take another address to probe and another private port', () => {
    expect(loadStartSettings({ LOCAL_REDIS_URL: 'redis://10.0.0.5:6400', PRIVATE_REDIS_PORT: '6401' })).toEqual({
      localRedisUrl: 'redis://10.0.0.5:6400',
      privateRedisPort: 6401,
    });
  });

  it('refuse a malformed value with one line naming the variable', () => {
    expect(() => loadStartSettings({ LOCAL_REDIS_URL: 'http://127.0.0.1:6379' })).toThrow(ConfigError);
    let problems: readonly string[] = [];
    try {
      loadStartSettings({ LOCAL_REDIS_URL: 'http://127.0.0.1:6379', PRIVATE_REDIS_PORT: '99999' });
    } catch (err) {
      problems = (err as ConfigError).problems;
    }
    expect(problems).toEqual([
      'LOCAL_REDIS_URL must be a redis:// URL, like redis://127.0.0.1:6379',
      'PRIVATE_REDIS_PORT must be a whole number from 0 to 65535',
    ]);
  });

  it('are each documented in the README environment table', () => {
    const readme = readFileSync('README.md', 'utf8');
    for (const name of START_ENVIRONMENT_VARIABLES) expect(readme).toMatch(new RegExp(`^\\| \`${name}\` \\|`, 'm'));
  });
});
