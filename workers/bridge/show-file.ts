/**
 * A recorded show: JSON lines `{"t","event","data"}` as `--record` writes them. A file is outside
 * input (hand-edited, shared between crews), so every line is checked before anything plays.
 */
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import type { NowPlaying, QueueSummary } from '../../shared/events.js';
import { paletteSchema } from '../palette/palette-schema.js';

const itemSchema = z.object({
  type: z.enum(['track', 'episode']),
  id: z.string().nullable(),
  uri: z.string().nullable(),
  name: z.string(),
  artists: z.array(z.object({ id: z.string().nullable(), name: z.string() })),
  album: z.object({
    id: z.string().nullable(),
    name: z.string(),
    images: z.array(z.object({ url: z.string(), width: z.number().nullable(), height: z.number().nullable() })),
  }),
  duration_ms: z.number().nonnegative(),
  palette: paletteSchema.nullable().optional(),
});

const nowPlayingSchema = z.object({
  seq: z.number().int(),
  state: z.enum(['playing', 'paused', 'idle', 'no_active_user']),
  user: z.object({ display_name: z.string() }).passthrough().nullable(),
  item: itemSchema.nullable(),
  is_playing: z.boolean(),
  progress_ms: z.number().nonnegative(),
  server_time: z.number(),
  turn_ends_at: z.number().nullable(),
});

const queueSchema = z.object({
  length: z.number().int().nonnegative(),
  active: z.object({ display_name: z.string(), turn_ends_at: z.number().nullable() }).nullable(),
});

const lineSchema = z.discriminatedUnion('event', [
  z.object({ t: z.number().nonnegative(), event: z.literal('now_playing'), data: nowPlayingSchema }),
  z.object({ t: z.number().nonnegative(), event: z.literal('queue'), data: queueSchema }),
]);

export type ShowEvent = { event: 'now_playing'; data: NowPlaying } | { event: 'queue'; data: QueueSummary };
export type ShowLine = ShowEvent & { t: number };

export class ShowFileError extends Error {
  readonly code = 'invalid_show_file';
  constructor(message: string) {
    super(message);
    this.name = 'ShowFileError';
  }
}

/** Parses a show; lines are returned in time order. Throws `ShowFileError` naming the first bad line. */
export function parseShow(text: string, name = 'show'): ShowLine[] {
  const lines: ShowLine[] = [];
  text.split('\n').forEach((raw, index) => {
    if (raw.trim() === '') return;
    let json: unknown;
    try {
      json = JSON.parse(raw);
    } catch {
      throw new ShowFileError(`${name}:${index + 1} is not JSON`);
    }
    const parsed = lineSchema.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new ShowFileError(
        `${name}:${index + 1} is not a recorded event (${issue?.path.join('.') || 'line'}: ${issue?.message ?? 'invalid'})`,
      );
    }
    lines.push(parsed.data);
  });
  if (lines.length === 0) throw new ShowFileError(`${name} holds no events`);
  return lines.sort((a, b) => a.t - b.t);
}

export async function readShow(file: string): Promise<ShowLine[]> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new ShowFileError(`cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  return parseShow(text, file);
}
