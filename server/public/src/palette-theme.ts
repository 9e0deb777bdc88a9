/**
 * The projector's colours from the album art: a dark background from the cover's dark swatches
 * and an accent from its vibrant ones, each checked against WCAG 2.x contrast — body text on the
 * background at least 4.5:1 (AA), the accent (driver name, progress) at least 4.5:1 too, since it
 * also carries text. When a swatch fails, it is darkened (background) or lightened (accent) until
 * it passes; with no palette, the house colours stay.
 * https://www.w3.org/TR/WCAG21/#contrast-minimum
 */
import type { Palette } from '../../../shared/events.js';

export interface Theme {
  readonly bg: string;
  readonly panel: string;
  readonly accent: string;
  readonly text: string;
}

export const AA_TEXT = 4.5;
const TEXT = '#f3f4f7';

type Rgb = readonly [number, number, number];

function parse(hex: string): Rgb | null {
  const m = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(hex);
  return m ? [parseInt(m[1]!, 16), parseInt(m[2]!, 16), parseInt(m[3]!, 16)] : null;
}

function hex(rgb: Rgb): string {
  return `#${rgb
    .map((c) =>
      Math.round(Math.min(255, Math.max(0, c)))
        .toString(16)
        .padStart(2, '0'),
    )
    .join('')}`;
}

/** WCAG relative luminance of an sRGB colour. */
export function luminance(colour: string): number {
  const rgb = parse(colour);
  if (!rgb) return 0;
  const [r, g, b] = rgb.map((c) => {
    const s = c / 255;
    return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  }) as [number, number, number];
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

/** WCAG contrast ratio, 1 to 21. */
export function contrast(a: string, b: string): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
  return (hi + 0.05) / (lo + 0.05);
}

/** Mixes `colour` towards `target` by `t` (0..1). */
function mix(colour: string, target: Rgb, t: number): string {
  const rgb = parse(colour) ?? target;
  return hex([0, 1, 2].map((i) => rgb[i]! + (target[i]! - rgb[i]!) * t) as unknown as Rgb);
}

/** Moves `colour` towards `target` in small steps until `ok`, or all the way. */
function adjust(colour: string, target: Rgb, ok: (c: string) => boolean): string {
  for (let t = 0; t <= 1.0001; t += 0.05) {
    const c = mix(colour, target, t);
    if (ok(c)) return c;
  }
  return hex(target);
}

const BLACK: Rgb = [0, 0, 0];
const WHITE: Rgb = [255, 255, 255];

/** The display's theme for a palette, or null to keep the house colours. */
export function themeFor(palette: Palette | null | undefined): Theme | null {
  if (!palette) return null;
  const bgSeed = palette.dark_muted ?? palette.dark_vibrant ?? palette.muted;
  const accentSeed = palette.vibrant ?? palette.light_vibrant ?? palette.light_muted;
  if (!bgSeed || !accentSeed) return null;
  const bg = adjust(bgSeed, BLACK, (c) => contrast(c, TEXT) >= AA_TEXT);
  const accent = adjust(accentSeed, WHITE, (c) => contrast(c, bg) >= AA_TEXT);
  return { bg, panel: mix(bg, WHITE, 0.06), accent, text: TEXT };
}
