/**
 * Plays a recorded show into the bridge's outputs with its original timing (divided by `speed`),
 * so a crew can rehearse with no hub, Redis or Spotify. Each event is re-stamped as it goes out
 * (`restamp`), so progress and turn clocks move as they did live.
 */
import type { NowPlaying, QueueSummary } from '../../shared/events.js';
import type { Logger } from '../../shared/logger.js';
import type { ShowEvent, ShowLine } from './show-file.js';

/** With `--loop`, the last state holds this long (recorded time) before the show starts again. */
export const LOOP_GAP_MS = 1000;

export interface ReplayTarget {
  nowPlaying(p: NowPlaying): unknown;
  queue(q: QueueSummary): unknown;
}

export interface ReplayOptions {
  lines: readonly ShowLine[];
  target: ReplayTarget;
  speed: number;
  loop: boolean;
  log: Logger;
  now?: () => number;
}

export interface RunningReplay {
  /** Local time the first pass began (the show's t = 0). */
  readonly startedAt: number;
  /** Passes started so far (1 on the first). */
  passes(): number;
  /** Resolves when the last event has gone out (never, with `loop`, until `stop()`). */
  readonly done: Promise<void>;
  stop(): void;
}

/**
 * The hub's clock when the recording began, estimated from the file alone: a `now_playing`
 * reaches the bridge `server_time` plus its delivery delay, so `server_time − t` is largest for
 * the quickest delivery, which stands in for none. Null without any `now_playing`.
 */
export function hubClockAtStart(lines: readonly ShowLine[]): number | null {
  let best: number | null = null;
  for (const l of lines)
    if (l.event === 'now_playing' && (best === null || l.data.server_time - l.t > best))
      best = l.data.server_time - l.t;
  return best;
}

/**
 * The event as it goes out at local time `at`. `hubAtReceipt` is the hub's clock when the bridge
 * received it live; `server_time` keeps its distance behind that (the delivery delay and the age of
 * a state sent on connect), so progress extrapolated from it is what it was live, and
 * `turn_ends_at` keeps its distance ahead. Both distances shrink by `speed`.
 */
export function restamp(line: ShowLine, hubAtReceipt: number | null, at: number, speed: number): ShowEvent {
  const shift = (time: number | null) =>
    time === null || hubAtReceipt === null ? time : at + (time - hubAtReceipt) / speed;
  if (line.event === 'now_playing') {
    return {
      event: 'now_playing',
      data: {
        ...line.data,
        server_time: shift(line.data.server_time) ?? at,
        turn_ends_at: shift(line.data.turn_ends_at),
      },
    };
  }
  const active = line.data.active;
  return {
    event: 'queue',
    data: { ...line.data, active: active && { ...active, turn_ends_at: shift(active.turn_ends_at) } },
  };
}

export function startReplay(options: ReplayOptions): RunningReplay {
  const now = options.now ?? Date.now;
  const { lines, speed, target } = options;
  const hubStart = hubClockAtStart(lines);
  const passLength = (lines.at(-1)?.t ?? 0) + LOOP_GAP_MS;
  const startedAt = now();
  let passStart = startedAt;
  let passes = 1;
  let index = 0;
  let timer: NodeJS.Timeout | null = null;
  let stopped = false;
  let finish: () => void = () => undefined;
  const done = new Promise<void>((resolve) => (finish = resolve));

  const emit = (i: number) => {
    const at = now();
    const line = lines[i]!;
    const e = restamp(line, hubStart === null ? null : hubStart + line.t, at, speed);
    if (e.event === 'now_playing') target.nowPlaying(e.data);
    else target.queue(e.data);
  };

  // Each wake-up aims at an absolute time from the pass start, so timer lateness never accumulates.
  const tick = () => {
    timer = null;
    if (stopped) return;
    while (index < lines.length && passStart + lines[index]!.t / speed <= now()) emit(index++);
    if (index >= lines.length) {
      if (!options.loop) {
        finish();
        return;
      }
      index = 0;
      passStart += passLength / speed;
      passes++;
      options.log.info({ pass: passes }, 'the show starts again');
    }
    timer = setTimeout(tick, Math.max(0, passStart + lines[index]!.t / speed - now()));
  };
  tick();

  return {
    startedAt,
    passes: () => passes,
    done,
    stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      finish();
    },
  };
}
