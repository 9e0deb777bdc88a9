/** The wire shape of `item.palette`, for everything that reads one back (a thread, Redis, a show file). */
import { z } from 'zod';
import type { Palette } from '../../shared/events.js';

const swatch = z
  .string()
  .regex(/^#[0-9a-fA-F]{6}$/)
  .nullable();

export const paletteSchema: z.ZodType<Palette> = z.object({
  vibrant: swatch,
  dark_vibrant: swatch,
  light_vibrant: swatch,
  muted: swatch,
  dark_muted: swatch,
  light_muted: swatch,
});
