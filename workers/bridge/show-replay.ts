/**
 * Plays a recorded show into the bridge's outputs with its original timing (divided by `speed`),
 * so a crew can rehearse with no hub, Redis or Spotify. Each event is re-stamped as it goes out:
 * `server_time` becomes now, and `turn_ends_at` keeps its distance from it, so progress and turn
 * clocks move as they did live.
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

/** The hub's clock at each line, as recorded: `server_time` of now_playing, carried across queue lines. */
function recordedHubTimes(lines: readonly ShowLine[]): (number | null)[] {
  const anchors = lines.flatMap((l) => (l.event === 'now_playing' ? [{ t: l.t, hub: l.data.server_time }] : []));
  let anchor = anchors[0] ?? null;
  return lines.map((l) => {
    if (l.event === 'now_playing') {
      anchor = { t: l.t, hub: l.data.server_time };
      return l.data.server_time;
    }
    return anchor ? anchor.hub + (l.t - anchor.t) : null;
  });
}

/** The event as it goes out at local time `at`. */
export function restamp(line: ShowLine, recordedHub: number | null, at: number, speed: number): ShowEvent {
  const shift = (time: number | null) => (time === null || recordedHub === null ? time : at + (time - recordedHub) / speed);
  if (line.event === 'now_playing') {
    return { event: 'now_playing', data: { ...line.data, server_time: at, turn_ends_at: shift(line.data.turn_ends_at) } };
  }
  const active = line.data.active;
  return { event: 'queue', data: { ...line.data, active: active && { ...active, turn_ends_at: shift(active.turn_ends_at) } } };
}

export function startReplay(options: ReplayOptions): RunningReplay {
  const now = options.now ?? Date.now;
  const { lines, speed, target } = options;
  const hubTimes = recordedHubTimes(lines);
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
    const e = restamp(lines[i]!, hubTimes[i]!, at, speed);
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
