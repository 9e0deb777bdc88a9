import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { BRIDGE_ENVIRONMENT_VARIABLES, loadBridgeConfig, loadReplayConfig } from '../../shared/config/bridge.config.js';
import { ConfigError } from '../../shared/config/env.js';
import { ConfigError as HubConfigError } from '../../shared/config.js';

const TOKEN = 'bridge-token-0123456789';

function problemsOf(load: () => unknown): string[] {
  try {
    load();
  } catch (err) {
    if (err instanceof ConfigError) return [...err.problems];
    throw err;
  }
  return [];
}

describe('bridge config', () => {
  it('needs only BRIDGE_TOKEN and defaults the rest as PROTOCOL.md says', () => {
    const c = loadBridgeConfig({ BRIDGE_TOKEN: TOKEN }, [], { demoSecretsFile: null });
    expect(c).toEqual({
      logLevel: 'info',
      oscHost: '127.0.0.1',
      oscPort: 7000,
      wsPort: 9980,
      oscRateHz: 30,
      hubUrl: 'http://127.0.0.1:4000',
      bridgeToken: TOKEN,
      tokenSource: 'environment',
      recordFile: null,
    });
    expect(Object.isFrozen(c)).toBe(true);
  });

  it('reads only the bridge’s own variables', () => {
    expect([...BRIDGE_ENVIRONMENT_VARIABLES].sort()).toEqual([
      'BRIDGE_TOKEN',
      'BRIDGE_WS_PORT',
      'HUB_URL',
      'LOG_LEVEL',
      'OSC_RATE_HZ',
      'OSC_TARGET',
    ]);
    // Hub settings that would be wrong for a hub are simply not the bridge's business.
    expect(() =>
      loadBridgeConfig({ BRIDGE_TOKEN: TOKEN, PORT: 'nope', SPOTIFY_CLIENT_ID: '!', REDIS_URL: 'x' }, [], {
        demoSecretsFile: null,
      }),
    ).not.toThrow();
  });

  it('names a missing BRIDGE_TOKEN in one line, with the same ConfigError the hub uses', () => {
    expect(problemsOf(() => loadBridgeConfig({}, [], { demoSecretsFile: null }))).toEqual([
      'BRIDGE_TOKEN is required: set it to the hub’s BRIDGE_TOKEN (at least 16 characters)',
    ]);
    expect(ConfigError).toBe(HubConfigError);
  });

  it('names each bad variable once', () => {
    const problems = problemsOf(() =>
      loadBridgeConfig(
        { BRIDGE_TOKEN: 'short', HUB_URL: 'ftp://x', OSC_TARGET: 'nohost', BRIDGE_WS_PORT: '70000', OSC_RATE_HZ: '0' },
        [],
        { demoSecretsFile: null },
      ),
    );
    expect(problems.map((p) => p.split(' ')[0]).sort()).toEqual([
      'BRIDGE_TOKEN',
      'BRIDGE_WS_PORT',
      'HUB_URL',
      'OSC_RATE_HZ',
      'OSC_TARGET',
    ]);
  });

  it('takes the token of a demo hub in the same folder, reading its secrets file only', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'nph-demo-'));
    const file = path.join(dir, 'demo-secrets.json');
    writeFileSync(file, JSON.stringify({ bridgeToken: TOKEN }));
    const c = loadBridgeConfig({}, [], { demoSecretsFile: file });
    expect(c.bridgeToken).toBe(TOKEN);
    expect(c.tokenSource).toBe('demo-secrets');
  });

  it('takes --record FILE and refuses unknown arguments', () => {
    expect(
      loadBridgeConfig({ BRIDGE_TOKEN: TOKEN }, ['--record', 'show.jsonl'], { demoSecretsFile: null }).recordFile,
    ).toBe(path.resolve('show.jsonl'));
    expect(
      problemsOf(() => loadBridgeConfig({ BRIDGE_TOKEN: TOKEN }, ['--recrod', 'x'], { demoSecretsFile: null }))[0],
    ).toMatch(/^arguments: .*--recrod/);
    // `npm run` starts in the package folder; the file is where the user typed the command.
    expect(
      loadBridgeConfig({ BRIDGE_TOKEN: TOKEN, INIT_CWD: '/home/crew/show' }, ['--record', 'a.jsonl'], {
        demoSecretsFile: null,
      }).recordFile,
    ).toBe('/home/crew/show/a.jsonl');
  });
});

describe('replay config', () => {
  it('takes the file, --loop and --speed, and needs no hub or token', () => {
    expect(loadReplayConfig({}, ['show.jsonl', '--loop', '--speed', '2'])).toMatchObject({
      file: path.resolve('show.jsonl'),
      loop: true,
      speed: 2,
      oscPort: 7000,
      wsPort: 9980,
    });
    expect(loadReplayConfig({}, ['show.jsonl'])).toMatchObject({ loop: false, speed: 1 });
    expect(loadReplayConfig({ INIT_CWD: '/home/crew' }, ['show.jsonl']).file).toBe('/home/crew/show.jsonl');
  });

  it('refuses a missing file name and a silly speed', () => {
    expect(problemsOf(() => loadReplayConfig({}, []))[0]).toMatch(/exactly one recorded show/);
    expect(problemsOf(() => loadReplayConfig({}, ['a.jsonl', '--speed', '0']))).toEqual([
      '--speed must be a number from 0.1 to 20, like --speed 2',
    ]);
    expect(problemsOf(() => loadReplayConfig({}, ['a.jsonl', '--speed', 'fast']))).toEqual([
      '--speed must be a number from 0.1 to 20, like --speed 2',
    ]);
  });
});
