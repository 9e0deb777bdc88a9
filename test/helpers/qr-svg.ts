/**
 * Decodes the QR code SVG the hub serves (`/display/qr.svg`, drawn by the `qrcode` package as one
 * path of horizontal 1-module strokes) without a browser: the path is rasterised to pixels and
 * read back with jsQR, so the test checks what a phone's camera would see.
 */
import jsQRModule from 'jsqr';

// jsqr is CommonJS with a default export: under ESM the function may sit on `.default`.
const jsQR = ((jsQRModule as unknown as { default?: unknown }).default ?? jsQRModule) as unknown as (
  data: Uint8ClampedArray,
  w: number,
  h: number,
) => { data: string } | null;

export function decodeQrSvg(svg: string, scale = 8): string | null {
  const size = Number(/viewBox="0 0 (\d+) \d+"/.exec(svg)?.[1]);
  const d = /<path stroke="[^"]+" d="([^"]+)"/.exec(svg)?.[1];
  if (!size || !d) throw new Error('not a qrcode SVG');
  const dark: boolean[][] = Array.from({ length: size }, () => new Array<boolean>(size).fill(false));
  let x = 0;
  let y = 0;
  for (const [, cmd, args] of d.matchAll(/([Mmh])([-\d. ]+)/g)) {
    const n = args!.trim().split(/\s+/).map(Number);
    if (cmd === 'M') [x, y] = [n[0]!, n[1]!];
    else if (cmd === 'm') [x, y] = [x + n[0]!, y + n[1]!];
    else {
      for (let i = 0; i < n[0]!; i++) dark[Math.floor(y)]![x + i] = true;
      x += n[0]!;
    }
  }
  const px = size * scale;
  const data = new Uint8ClampedArray(px * px * 4).fill(255);
  for (let row = 0; row < px; row++) {
    for (let col = 0; col < px; col++) {
      if (!dark[Math.floor(row / scale)]![Math.floor(col / scale)]) continue;
      const i = (row * px + col) * 4;
      data[i] = data[i + 1] = data[i + 2] = 0;
    }
  }
  return jsQR(data, px, px)?.data ?? null;
}
