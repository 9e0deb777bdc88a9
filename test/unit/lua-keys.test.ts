/**
 * Redis Cluster runs a script only on the keys passed in KEYS: every Lua script of the hub must
 * name its keys through KEYS (or locals bound to KEYS), never build one from a prefix or a value.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import * as lineScripts from '../../shared/queue/line-scripts.js';
import { luaScriptsIn, typeScriptFiles, undeclaredKeyUses } from '../helpers/lua-keys.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const scripts = ['shared', 'workers', 'server', 'bin', 'simulator']
  .map((dir) => path.join(ROOT, dir))
  .filter((dir) => existsSync(dir))
  .flatMap((dir) => typeScriptFiles(dir).flatMap(luaScriptsIn));

describe('the static key check', () => {
  it('flags a key built inside Lua, a key from ARGV, a rebound KEYS alias and an unknown command', () => {
    const built = `local P = ARGV[1]\nlocal function ukey(id) return P .. 'user:' .. id end\nredis.call('HGET', ukey('a'), 'state')`;
    expect(undeclaredKeyUses(built)).toEqual(["line 3: HGET on ukey('a'), not from KEYS"]);
    expect(undeclaredKeyUses(`redis.call('DEL', KEYS[1], ARGV[1])`)).toEqual(['line 1: DEL on ARGV[1], not from KEYS']);
    expect(undeclaredKeyUses(`local K = KEYS[1]\nK = ARGV[1]\nredis.call('GET', K)`)).toEqual([
      'K is bound to KEYS and assigned again',
    ]);
    expect(undeclaredKeyUses(`redis.pcall('SUNIONSTORE', KEYS[1], KEYS[2])`)).toEqual([
      'line 1: SUNIONSTORE has no known key positions',
    ]);
    expect(undeclaredKeyUses(`local cmd = 'GET'\nredis.call(cmd, KEYS[1])`)).toEqual([
      'line 2: the command is not a literal (cmd)',
    ]);
  });

  it('passes keys from KEYS, locals bound to KEYS and key-less commands', () => {
    const fine = `local K_A = KEYS[1]\nredis.call('HSET', K_A, 'x', ARGV[1])\nredis.call("GET", KEYS[2])\nredis.call('PUBLISH', ARGV[2], 'hi')`;
    expect(undeclaredKeyUses(fine)).toEqual([]);
  });

  it('finds the Lua of every module that runs some, each line script with its prelude spelt out', () => {
    const names = scripts.map((s) => s.name);
    const exported = Object.entries(lineScripts as Record<string, unknown>).filter(
      (e): e is [string, string] => typeof e[1] === 'string',
    );
    for (const [name, source] of exported) {
      const found = scripts.find((s) => s.name === `line-scripts.ts: ${name}`);
      expect(found?.source.trim()).toBe(source.trim());
    }
    expect(names).toEqual(
      expect.arrayContaining([
        'redis-lock.ts: RELEASE',
        'redis-lock.ts: EXTEND',
        expect.stringMatching(/^rate-gate\.ts: /),
        expect.stringMatching(/^now-playing-store\.ts: /),
      ]),
    );
  });
});

describe('every Lua script of the hub', () => {
  it.each(scripts.map((s) => [s.name, s.source]))('%s touches only keys passed in KEYS', (_name, source) => {
    expect(undeclaredKeyUses(source)).toEqual([]);
  });
});
