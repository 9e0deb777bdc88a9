/**
 * `npm run bench`: the fan-out benchmark and the poll latency/budget benchmark, each in its own
 * process; prints their figures as ONE JSON object on the last line (fan-out figures at the top
 * level as before, the poll figures under `poll`). `BENCH_ONLY=fanout` or `BENCH_ONLY=poll` runs one.
 * `--quick` runs a small fan-out bench only (under two minutes), to check the bench itself works.
 */
import { spawn } from 'node:child_process';

const QUICK = process.argv.includes('--quick');

function run(script: string): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', script, ...(QUICK ? ['--quick'] : [])], {
      stdio: ['ignore', 'pipe', 'inherit'],
      env: process.env,
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
    });
    child.once('exit', (code) => {
      const last = out.trim().split('\n').at(-1) ?? '';
      try {
        if (code !== 0) throw new Error(`${script} exited with ${code}`);
        resolve(JSON.parse(last) as Record<string, unknown>);
      } catch (err) {
        reject(err instanceof Error ? err : new Error(String(err)));
      }
    });
  });
}

const only = (process.env as Record<string, string | undefined>).BENCH_ONLY;
// Venue mode's pick → play figures run on their own (an in-process hub on the simulator).
if (only === 'venue') {
  process.stdout.write(`${JSON.stringify({ venue: await run('bench/venue.bench.ts') })}\n`);
  process.exit(0);
}
const fanout = only === 'poll' ? {} : await run('bench/fanout.bench.ts');
const poll = only === 'fanout' || QUICK ? null : await run('bench/poll-latency.bench.ts');
process.stdout.write(`${JSON.stringify({ ...fanout, ...(poll ? { poll } : {}) })}\n`);
