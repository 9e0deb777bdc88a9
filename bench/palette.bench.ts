/**
 * Palette benchmark (`npm run bench:palette`, or `npx tsx bench/palette.bench.ts`): how long one
 * album cover takes to become six swatches through the palette worker thread, how much memory the
 * thread and libvips add, and how still the main event loop stays meanwhile. The covers are made
 * here (640 × 640 JPEGs like Spotify's, plus the simulator's PNG art). Prints one JSON line last.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import sharp from 'sharp';
import { albumArtPng } from '../simulator/png.js';
import { PaletteDecoder } from '../workers/palette/palette-decoder.js';

const COVERS = Number(process.env.BENCH_COVERS ?? 40);
const PASSES = Number(process.env.BENCH_PASSES ?? 5);
const say = (msg: string) => process.stderr.write(`${msg}\n`);

/** A deterministic pseudo-random cover: two gradients and grain, so MMCQ has real work to do. */
async function cover(seed: number): Promise<Buffer> {
  let s = seed * 9301 + 49297;
  const rand = () => (s = (s * 9301 + 49297) % 233280) / 233280;
  const size = 640;
  const a = [rand() * 255, rand() * 255, rand() * 255];
  const b = [rand() * 255, rand() * 255, rand() * 255];
  const raw = Buffer.alloc(size * size * 3);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const t = (x + y) / (2 * size);
      const grain = (rand() - 0.5) * 40;
      for (let c = 0; c < 3; c++)
        raw[(y * size + x) * 3 + c] = Math.max(0, Math.min(255, a[c]! * (1 - t) + b[c]! * t + grain));
    }
  }
  return sharp(raw, { raw: { width: size, height: size, channels: 3 } })
    .jpeg({ quality: 85 })
    .toBuffer();
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}
const round = (n: number, digits = 1) => Math.round(n * 10 ** digits) / 10 ** digits;
const mb = (bytes: number) => round(bytes / 1024 / 1024);

say(`making ${COVERS} covers…`);
const images: Buffer[] = [];
for (let i = 0; i < COVERS; i++)
  images.push(i % 4 === 3 ? albumArtPng(640, [200, 40, 90], [20, 60, 160]) : await cover(i + 1));
global.gc?.();
const rssBefore = process.memoryUsage().rss;

const decoder = new PaletteDecoder();
const startedAt = performance.now();
await decoder.warm();
const warmMs = performance.now() - startedAt;
const rssAfterStart = process.memoryUsage().rss;

// The same monitor over an idle second first: on a shared 2-core machine the idle loop is not at 0.
const idle = monitorEventLoopDelay({ resolution: 5 });
idle.enable();
await new Promise((r) => setTimeout(r, 1000));
idle.disable();

const loop = monitorEventLoopDelay({ resolution: 5 });
loop.enable();
const times: number[] = [];
let peakRss = rssAfterStart;
for (let pass = 0; pass < PASSES; pass++) {
  for (const image of images) {
    const t = performance.now();
    await decoder.decode(image);
    times.push(performance.now() - t);
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
  }
}
loop.disable();
await decoder.close();
times.sort((a, b) => a - b);

const result = {
  palette_ms: {
    p50: round(times[Math.floor(times.length / 2)]!),
    p99: round(percentile(times, 99)),
    max: round(times.at(-1)!),
  },
  thread_warm_up_ms: Math.round(warmMs),
  images: times.length,
  image: '640x640 JPEG q85 (3 in 4) and the simulator’s 640x640 PNG (1 in 4)',
  extra_rss_mb: { after_thread_start: mb(rssAfterStart - rssBefore), peak: mb(peakRss - rssBefore) },
  main_event_loop_delay_ms: {
    while_decoding: { p99: round(loop.percentile(99) / 1e6), max: round(loop.max / 1e6) },
    idle: { p99: round(idle.percentile(99) / 1e6), max: round(idle.max / 1e6) },
  },
  library: { sharp: sharp.versions.sharp, vips: sharp.versions.vips },
  machine: { cpus: (await import('node:os')).cpus().length, node: process.version },
};
process.stdout.write(`${JSON.stringify(result)}\n`);
