/**
 * Runs Lua by SHA, loading it on first use or after Redis forgot it (a restart, SCRIPT FLUSH).
 */
import { createHash } from 'node:crypto';
import type { RedisClient } from '../redis.js';

const shaCache = new Map<string, string>();

function sha1(script: string): string {
  let sha = shaCache.get(script);
  if (!sha) {
    sha = createHash('sha1').update(script).digest('hex');
    shaCache.set(script, sha);
  }
  return sha;
}

/** What running a script needs of a connection; a single client and a Cluster client both fit. */
export type ScriptRedis = Pick<RedisClient, 'evalSha' | 'eval'>;

export async function runScript(
  redis: ScriptRedis,
  script: string,
  keys: string[],
  args: (string | number)[],
): Promise<unknown> {
  const options = { keys, arguments: args.map(String) };
  try {
    return await redis.evalSha(sha1(script), options);
  } catch (err) {
    if (err instanceof Error && err.message.startsWith('NOSCRIPT')) return redis.eval(script, options);
    throw err;
  }
}
