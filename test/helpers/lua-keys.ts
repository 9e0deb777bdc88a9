/**
 * Checks that Lua scripts touch only keys passed in KEYS — the rule Redis Cluster (and managed
 * Redis that enforce it) set for scripts. Two ways: a static reading of the source, and a guard
 * wrapped around a script so Redis itself refuses any undeclared key while it runs.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

/**
 * Where each command the hub's Lua uses takes its keys: 'first' = its first argument only,
 * 'all' = every argument, 'none' = no key (a channel, say). A command missing here fails the check,
 * so whoever adds one decides where its keys are.
 */
export const KEY_POSITIONS: Record<string, 'first' | 'all' | 'none'> = {
  GET: 'first',
  SET: 'first',
  INCR: 'first',
  PEXPIRE: 'first',
  HGET: 'first',
  HMGET: 'first',
  HSET: 'first',
  HDEL: 'first',
  HGETALL: 'first',
  LPOP: 'first',
  RPUSH: 'first',
  LREM: 'first',
  LLEN: 'first',
  LINDEX: 'first',
  LINSERT: 'first',
  LRANGE: 'first',
  SADD: 'first',
  DEL: 'all',
  EXISTS: 'all',
  PUBLISH: 'none',
};

/** Splits a call's argument text at top-level commas. */
function splitArgs(text: string): string[] {
  const args: string[] = [];
  let depth = 0;
  let quote: string | null = null;
  let current = '';
  for (const ch of text) {
    if (quote) {
      if (ch === quote) quote = null;
    } else if (ch === "'" || ch === '"') quote = ch;
    else if ('([{'.includes(ch)) depth++;
    else if (')]}'.includes(ch)) depth--;
    else if (ch === ',' && depth === 0) {
      args.push(current.trim());
      current = '';
      continue;
    }
    current += ch;
  }
  if (current.trim()) args.push(current.trim());
  return args;
}

/** The text between the parenthesis at `open` and its match. */
function callArgs(source: string, open: number): string {
  let depth = 0;
  let quote: string | null = null;
  for (let i = open; i < source.length; i++) {
    const ch = source[i]!;
    if (quote) {
      if (ch === quote) quote = null;
    } else if (ch === "'" || ch === '"') quote = ch;
    else if (ch === '(') depth++;
    else if (ch === ')' && --depth === 0) return source.slice(open + 1, i);
  }
  throw new Error(`unbalanced call at ${open}`);
}

/**
 * Problems found in one Lua source: every key argument of every `redis.call`/`redis.pcall` must be
 * `KEYS[n]` or a local bound once to `KEYS[n]`. An empty list means the script passes.
 */
export function undeclaredKeyUses(source: string): string[] {
  const problems: string[] = [];
  const aliases = new Set<string>();
  for (const m of source.matchAll(/\blocal\s+([A-Za-z_]\w*)\s*=\s*KEYS\[\d+\]\s*$/gm)) aliases.add(m[1]!);
  for (const alias of aliases) {
    const assignments = source.match(new RegExp(`(^|[^.\\w])${alias}\\s*=(?!=)`, 'gm')) ?? [];
    if (assignments.length !== 1) problems.push(`${alias} is bound to KEYS and assigned again`);
  }
  const isKey = (arg: string) => /^KEYS\[\d+\]$/.test(arg) || aliases.has(arg);
  for (const m of source.matchAll(/redis\.p?call\s*\(/g)) {
    const args = splitArgs(callArgs(source, m.index + m[0].length - 1));
    const command = /^['"]([A-Za-z]+)['"]$/.exec(args[0] ?? '')?.[1]?.toUpperCase();
    const line = source.slice(0, m.index).split('\n').length;
    if (!command) {
      problems.push(`line ${line}: the command is not a literal (${args[0] ?? ''})`);
      continue;
    }
    const position = KEY_POSITIONS[command];
    if (!position) {
      problems.push(`line ${line}: ${command} has no known key positions`);
      continue;
    }
    const keyArgs = position === 'none' ? [] : position === 'first' ? args.slice(1, 2) : args.slice(1);
    if (position !== 'none' && keyArgs.length === 0) problems.push(`line ${line}: ${command} without a key`);
    for (const arg of keyArgs) if (!isKey(arg)) problems.push(`line ${line}: ${command} on ${arg}, not from KEYS`);
  }
  return problems;
}

/** The template literals of a TypeScript source (skipping comments and quoted strings), with the index they start at. */
function templateLiterals(text: string): { body: string; at: number }[] {
  const found: { body: string; at: number }[] = [];
  let i = 0;
  while (i < text.length) {
    const ch = text[i]!;
    const next = text[i + 1];
    if (ch === '/' && next === '/') i = text.indexOf('\n', i) < 0 ? text.length : text.indexOf('\n', i);
    else if (ch === '/' && next === '*') i = text.indexOf('*/', i + 2) + 2;
    else if (ch === "'" || ch === '"') {
      let j = i + 1;
      while (j < text.length && text[j] !== ch) j += text[j] === '\\' ? 2 : 1;
      i = j + 1;
    } else if (ch === '`') {
      let j = i + 1;
      while (j < text.length && text[j] !== '`') j += text[j] === '\\' ? 2 : 1;
      found.push({ body: text.slice(i + 1, j), at: i });
      i = j + 1;
    } else i++;
  }
  return found;
}

/**
 * Every Lua script written in a TypeScript file: template literals that call Redis, with
 * `${NAME}` of another template-literal constant of the same file (a shared prelude) spelt out.
 */
export function luaScriptsIn(file: string): { name: string; source: string }[] {
  const text = readFileSync(file, 'utf8');
  const literals = templateLiterals(text).map(({ body, at }) => ({
    body,
    name: /const\s+([A-Za-z_]\w*)\s*=\s*$/.exec(text.slice(Math.max(0, at - 80), at))?.[1],
    line: text.slice(0, at).split('\n').length,
  }));
  const constants = new Map<string, string>();
  for (const l of literals) if (l.name) constants.set(l.name, l.body);
  const expand = (body: string, depth = 0): string =>
    depth > 5
      ? body
      : body.replace(/\$\{(\w+)\}/g, (whole, name: string) => {
          const inner = constants.get(name);
          return inner === undefined ? whole : expand(inner, depth + 1);
        });
  const scripts: { name: string; source: string }[] = [];
  for (const l of literals) {
    const source = expand(l.body);
    if (!/redis\.p?call\s*\(/.test(source)) continue;
    // A prelude on its own is checked as part of the scripts that include it.
    if (l.name && text.includes(`\${${l.name}}`)) continue;
    scripts.push({ name: `${path.basename(file)}: ${l.name ?? `literal at line ${l.line}`}`, source });
  }
  return scripts;
}

/** TypeScript files under `dir`, skipping node_modules and built output. */
export function typeScriptFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir)) {
    if (entry === 'node_modules' || entry === 'dist' || entry.startsWith('.')) continue;
    const full = path.join(dir, entry);
    if (statSync(full).isDirectory()) out.push(...typeScriptFiles(full));
    else if (entry.endsWith('.ts') && !entry.endsWith('.d.ts')) out.push(full);
  }
  return out;
}

/**
 * The script with every `redis.call`/`redis.pcall` routed through a check that its key arguments
 * are among KEYS; an undeclared key makes the script fail with "undeclared key <name>" before the
 * command runs.
 */
export function guardKeys(source: string): string {
  const positions = Object.entries(KEY_POSITIONS)
    .map(([command, where]) => `['${command}'] = '${where}'`)
    .join(', ');
  const guard = `
local __declared = {}
for _, k in ipairs(KEYS) do __declared[k] = true end
local __positions = { ${positions} }
local function __check(cmd, ...)
  local args = { ... }
  local where = __positions[string.upper(cmd)]
  if not where then error('no known key positions for ' .. cmd) end
  local last = where == 'all' and #args or (where == 'first' and 1 or 0)
  for i = 1, last do
    if not __declared[args[i]] then error('undeclared key ' .. tostring(args[i])) end
  end
end
local function __call(cmd, ...) __check(cmd, ...) return redis.call(cmd, ...) end
local function __pcall(cmd, ...) __check(cmd, ...) return redis.pcall(cmd, ...) end
`;
  return guard + source.replace(/redis\.pcall\s*\(/g, '__pcall(').replace(/redis\.call\s*\(/g, '__call(');
}
