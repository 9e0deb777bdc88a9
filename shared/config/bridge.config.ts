/**
 * The TouchDesigner bridge's own configuration: only what the bridge uses, so a bridge on a
 * machine with nothing else set starts cleanly, writes nothing, and never mentions demo mode.
 * `npm run replay` shares the output half (OSC and WebSocket) and needs no hub at all.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import {
  ConfigError,
  deepFreeze,
  hostPortField,
  httpUrlField,
  logLevelField,
  portField,
  problemsOf,
  wholeNumberField,
  withoutEmpty,
  type Environment,
} from './env.js';

/** Where the bridge's output goes: OSC and its WebSocket (the bridge and `npm run replay` read them). */
export const bridgeOutputFields = {
  OSC_TARGET: hostPortField('127.0.0.1:7000'),
  BRIDGE_WS_PORT: portField(9980),
  OSC_RATE_HZ: wholeNumberField(30, 1, 240, 'hertz'),
};

const outputsSchema = z.object({ LOG_LEVEL: logLevelField, ...bridgeOutputFields });

const bridgeSchema = outputsSchema.extend({
  HUB_URL: httpUrlField('http://192.168.1.20:4000').default('http://127.0.0.1:4000'),
  BRIDGE_TOKEN: z.string().min(16, 'must be at least 16 characters: the hub’s BRIDGE_TOKEN').optional(),
});

/** Where the bridge sends OSC and serves its WebSocket. */
export interface BridgeOutputsConfig {
  readonly logLevel: string;
  readonly oscHost: string;
  readonly oscPort: number;
  readonly wsPort: number;
  readonly oscRateHz: number;
}

export interface BridgeConfig extends BridgeOutputsConfig {
  readonly hubUrl: string;
  readonly bridgeToken: string;
  /** Where the token came from: the environment, or a demo hub's secrets file beside it (read only). */
  readonly tokenSource: 'environment' | 'demo-secrets';
  /** `--record FILE`: every event received is also written there as JSON lines. */
  readonly recordFile: string | null;
}

export interface ReplayConfig extends BridgeOutputsConfig {
  readonly file: string;
  readonly loop: boolean;
  /** 2 plays twice as fast. */
  readonly speed: number;
}

/** Every variable the bridge reads. */
export const BRIDGE_ENVIRONMENT_VARIABLES: readonly string[] = Object.keys(bridgeSchema.shape);

function outputsOf(e: z.infer<typeof outputsSchema>): BridgeOutputsConfig {
  return {
    logLevel: e.LOG_LEVEL,
    oscHost: e.OSC_TARGET.host,
    oscPort: e.OSC_TARGET.port,
    wsPort: e.BRIDGE_WS_PORT,
    oscRateHz: e.OSC_RATE_HZ,
  };
}

function parseArgv<T>(parse: () => T): T {
  try {
    return parse();
  } catch (err) {
    // node:util's messages already name the option ("Unknown option '--x'").
    throw new ConfigError([`arguments: ${(err as Error).message}`]);
  }
}

/**
 * A demo hub (`npm start` without Spotify settings) keeps its generated secrets in
 * `.data/demo-secrets.json`; a bridge started in the same folder may read its token from there.
 * Read only: the bridge never creates that file or folder.
 */
function demoBridgeToken(file: string | null): string | null {
  if (!file || !existsSync(file)) return null;
  try {
    const parsed = z.object({ bridgeToken: z.string().min(16) }).safeParse(JSON.parse(readFileSync(file, 'utf8')));
    return parsed.success ? parsed.data.bridgeToken : null;
  } catch {
    return null;
  }
}

/**
 * A file named on the command line, relative to where the user typed it: `npm run` moves into the
 * package folder first and leaves the caller's folder in INIT_CWD.
 */
function fromCaller(env: Environment, file: string): string {
  return path.resolve(env.INIT_CWD ?? '.', file);
}

export interface LoadBridgeConfigOptions {
  /** A demo hub's secrets file to take BRIDGE_TOKEN from when it is unset; null: never. */
  readonly demoSecretsFile?: string | null;
}

/**
 * Validates the bridge's environment and arguments (`--record FILE`). Throws a `ConfigError`
 * with one line per problem; a missing BRIDGE_TOKEN is one of them.
 */
export function loadBridgeConfig(
  rawEnv: Environment,
  argv: readonly string[] = [],
  options: LoadBridgeConfigOptions = {},
): BridgeConfig {
  const parsed = bridgeSchema.safeParse(withoutEmpty(rawEnv));
  const args = parseArgv(() =>
    parseArgs({ args: [...argv], options: { record: { type: 'string' } }, strict: true, allowPositionals: false }),
  );
  if (!parsed.success) throw new ConfigError(problemsOf(parsed.error));
  const e = parsed.data;
  const demoFile =
    options.demoSecretsFile === undefined ? path.resolve('.data', 'demo-secrets.json') : options.demoSecretsFile;
  const demoToken = e.BRIDGE_TOKEN === undefined ? demoBridgeToken(demoFile) : null;
  const token = e.BRIDGE_TOKEN ?? demoToken;
  if (token === null) {
    throw new ConfigError(['BRIDGE_TOKEN is required: set it to the hub’s BRIDGE_TOKEN (at least 16 characters)']);
  }
  const record = args.values.record;
  if (record !== undefined && record.trim() === '')
    throw new ConfigError(['--record needs a file name, like --record show.jsonl']);
  return deepFreeze({
    ...outputsOf(e),
    hubUrl: e.HUB_URL,
    bridgeToken: token,
    tokenSource: e.BRIDGE_TOKEN === undefined ? 'demo-secrets' : 'environment',
    recordFile: record === undefined ? null : fromCaller(rawEnv, record),
  });
}

/** `npm run replay -- FILE [--loop] [--speed X]`: the outputs' environment plus the arguments. */
export function loadReplayConfig(rawEnv: Environment, argv: readonly string[]): ReplayConfig {
  const parsed = outputsSchema.safeParse(withoutEmpty(rawEnv));
  const args = parseArgv(() =>
    parseArgs({
      args: [...argv],
      options: { loop: { type: 'boolean', default: false }, speed: { type: 'string' } },
      strict: true,
      allowPositionals: true,
    }),
  );
  const problems = parsed.success ? [] : problemsOf(parsed.error);
  if (args.positionals.length !== 1)
    problems.push(
      'arguments: give exactly one recorded show, like npm run replay -- docs/shows/demo-show.jsonl --loop',
    );
  const speedText = args.values.speed ?? '1';
  const speed = Number(speedText);
  if (!/^\d+(\.\d+)?$/.test(speedText) || !(speed >= 0.1 && speed <= 20))
    problems.push('--speed must be a number from 0.1 to 20, like --speed 2');
  if (!parsed.success || problems.length > 0) throw new ConfigError(problems);
  return deepFreeze({
    ...outputsOf(parsed.data),
    file: fromCaller(rawEnv, args.positionals[0]!),
    loop: args.values.loop,
    speed,
  });
}
