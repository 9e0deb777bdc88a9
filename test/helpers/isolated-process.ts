/**
 * Runs a product entry point as a child process in a folder of the test's choosing with exactly the
 * environment given (no PATH, no HOME unless the test passes them), to prove what a role needs.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

export interface IsolatedProcess {
  readonly child: ChildProcess;
  readonly stdout: string[];
  readonly stderr: string[];
  /** Resolves with the exit code (null when killed by a signal). */
  readonly exited: Promise<number | null>;
  /** Waits for a JSON log line on stdout that `match` accepts. */
  waitForLog(match: (line: Record<string, unknown>) => boolean, timeoutMs?: number): Promise<Record<string, unknown>>;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

const TSX_LOADER = pathToFileURL(path.resolve('node_modules/tsx/dist/loader.mjs')).href;

export function spawnIsolated(
  script: string,
  options: { cwd: string; env: Record<string, string>; args?: string[] },
): IsolatedProcess {
  const child = spawn(process.execPath, ['--import', TSX_LOADER, path.resolve(script), ...(options.args ?? [])], {
    cwd: options.cwd,
    env: options.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const stdout: string[] = [];
  const stderr: string[] = [];
  const listeners = new Set<() => void>();
  const splitter = (into: string[]) => {
    let buffer = '';
    return (d: Buffer) => {
      buffer += d.toString();
      const parts = buffer.split('\n');
      buffer = parts.pop() ?? '';
      into.push(...parts.filter(Boolean));
      for (const l of listeners) l();
    };
  };
  child.stdout.on('data', splitter(stdout));
  child.stderr.on('data', splitter(stderr));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  void exited.then(() => process.removeListener('exit', killOnExit));

  return {
    child,
    stdout,
    stderr,
    exited,
    waitForLog(match, timeoutMs = 20_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          for (const line of stdout) {
            try {
              const parsed = JSON.parse(line) as Record<string, unknown>;
              if (match(parsed)) {
                listeners.delete(check);
                clearTimeout(timer);
                resolve(parsed);
                return;
              }
            } catch {
              // not a log line
            }
          }
        };
        const timer = setTimeout(() => {
          listeners.delete(check);
          reject(
            new Error(
              `no matching log line within ${timeoutMs} ms; stdout:\n${stdout.slice(-10).join('\n')}\nstderr:\n${stderr.slice(-10).join('\n')}`,
            ),
          );
        }, timeoutMs);
        listeners.add(check);
        check();
      });
    },
    async stop(signal = 'SIGTERM') {
      if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
      child.kill(signal);
      return exited;
    },
  };
}
