/** Images made in the test (sharp encodes them), so palette expectations come from known pixels. */
import sharp from 'sharp';

export type Rgb = readonly [number, number, number];

export function solidPng(rgb: Rgb, size = 100): Promise<Buffer> {
  return sharp({ create: { width: size, height: size, channels: 3, background: { r: rgb[0], g: rgb[1], b: rgb[2] } } })
    .png()
    .toBuffer();
}

/** Left half one colour, right half the other. */
export function halvesPng(left: Rgb, right: Rgb, size = 100): Promise<Buffer> {
  const raw = Buffer.alloc(size * size * 3);
  for (let y = 0; y < size; y++)
    for (let x = 0; x < size; x++) raw.set(x < size / 2 ? left : right, (y * size + x) * 3);
  return sharp(raw, { raw: { width: size, height: size, channels: 3 } })
    .png()
    .toBuffer();
}

export function rgbOf(hex: string | null): Rgb {
  if (!hex) throw new Error('no colour');
  return [parseInt(hex.slice(1, 3), 16), parseInt(hex.slice(3, 5), 16), parseInt(hex.slice(5, 7), 16)];
}

/** The largest per-channel difference. */
export function distance(a: Rgb, b: Rgb): number {
  return Math.max(Math.abs(a[0] - b[0]), Math.abs(a[1] - b[1]), Math.abs(a[2] - b[2]));
}
