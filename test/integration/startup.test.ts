import { spawn } from 'node:child_process';

function run(
  script: string,
  env: Record<string, string>,
): Promise<{ code: number | null; stderr: string; stdout: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', script], {
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    let stdout = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.on('exit', (code) => resolve({ code, stderr, stdout }));
  });
}

describe('start-up with a bad configuration', () => {
  it('stops with one line per bad variable, naming it and what it must look like', async () => {
    const { code, stderr, stdout } = await run('server/main.ts', {
      PORT: 'eighty',
      REDIS_URL: 'localhost',
      SPOTIFY_CLIENT_ID: 'abcdefgh12345678',
    });
    expect(code).toBe(78);
    expect(stdout).toBe('');
    const lines = stderr.trim().split('\n');
    expect(lines).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^config error: PORT must be a whole number/),
        expect.stringMatching(/^config error: REDIS_URL must be a redis:\/\//),
      ]),
    );
    expect(stderr).not.toMatch(/at .*\.ts:\d+/); // no stack trace
  });

  it('names the secrets production needs', async () => {
    const { code, stderr } = await run('workers/poll.main.ts', {
      SPOTIFY_CLIENT_ID: 'abcdefgh12345678',
      REDIS_URL: 'redis://127.0.0.1:1',
    });
    expect(code).toBe(78);
    expect(stderr).toMatch(/^config error: SESSION_SECRET is required/m);
    expect(stderr).toMatch(/^config error: TOKEN_ENCRYPTION_KEY is required/m);
  });
});
