/**
 * Album art → the six classic "Vibrant" swatches. sharp (libvips) decodes and shrinks the image;
 * @vibrant's MMCQ quantizer and default generator pick the swatches, exactly as node-vibrant does,
 * without its pure-JS decoder (3–4× slower here, see README). Runs inside the palette worker thread.
 */
import { DefaultGenerator } from '@vibrant/generator-default';
import { MMCQ } from '@vibrant/quantizer-mmcq';
import sharp from 'sharp';
import type { Palette } from '../../shared/events.js';

/** Decompression bombs stop here: no album art is larger than 4096 × 4096. */
export const MAX_INPUT_PIXELS = 4096 * 4096;
/** Swatches need colour statistics, not detail: 64 px on the long side is node-vibrant's default quality. */
const SAMPLE_SIZE = 64;

const SWATCH_OF = {
  vibrant: 'Vibrant',
  dark_vibrant: 'DarkVibrant',
  light_vibrant: 'LightVibrant',
  muted: 'Muted',
  dark_muted: 'DarkMuted',
  light_muted: 'LightMuted',
} as const;

export async function computePalette(image: Uint8Array): Promise<Palette> {
  const { data } = await sharp(image, { limitInputPixels: MAX_INPUT_PIXELS, failOn: 'error' })
    .resize(SAMPLE_SIZE, SAMPLE_SIZE, { fit: 'inside' })
    .ensureAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  const swatches = MMCQ(new Uint8ClampedArray(data.buffer, data.byteOffset, data.length), { colorCount: 64 });
  const found = await DefaultGenerator(swatches);
  const palette = {} as Palette;
  for (const [name, vibrantName] of Object.entries(SWATCH_OF) as [keyof Palette, (typeof SWATCH_OF)[keyof Palette]][]) {
    palette[name] = found[vibrantName]?.hex ?? null;
  }
  return palette;
}
