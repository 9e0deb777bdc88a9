/**
 * Where a server's resident memory is, beside its RSS: V8's heap (committed per space, and used)
 * and the memory V8 knows about outside it (`external`: Buffers and other native backing stores).
 * What is left of the RSS is neither: the node binary's pages, malloc'd native state (sockets,
 * libuv handles, OpenSSL) and allocator slack.
 *
 * The hub reports these through its Prometheus metrics (prom-client's default process metrics);
 * the bench's plain Socket.IO server answers GET /memory with the same figures.
 */
import { getHeapSpaceStatistics } from 'node:v8';
import { rssByMapping, rssKb } from './proc.js';

export interface MemorySplit {
  /** V8 heap committed (`heapTotal`), by space. */
  heapTotal: number;
  heapUsed: number;
  external: number;
  spaces: Record<string, { total: number; used: number }>;
}

/** This process's split (the plain server's /memory answer). */
export function ownMemory(): MemorySplit {
  const usage = process.memoryUsage();
  const spaces: MemorySplit['spaces'] = {};
  for (const s of getHeapSpaceStatistics()) {
    spaces[s.space_name.replace(/_space$/, '')] = { total: s.space_size, used: s.space_used_size };
  }
  return { heapTotal: usage.heapTotal, heapUsed: usage.heapUsed, external: usage.external, spaces };
}

/** Reads the split from Prometheus text (prom-client's `nodejs_*` default metrics, any prefix). */
export function memoryFromMetrics(text: string): MemorySplit {
  const value = (name: string) => {
    const m = new RegExp(`^\\w*${name} (\\S+)$`, 'm').exec(text);
    return m ? Number(m[1]) : 0;
  };
  const spaces: MemorySplit['spaces'] = {};
  for (const m of text.matchAll(/^\w*nodejs_heap_space_size_(total|used)_bytes\{space="(\w+)"\} (\S+)$/gm)) {
    const space = (spaces[m[2]!] ??= { total: 0, used: 0 });
    space[m[1] as 'total' | 'used'] = Number(m[3]);
  }
  return {
    heapTotal: value('nodejs_heap_size_total_bytes'),
    heapUsed: value('nodejs_heap_size_used_bytes'),
    external: value('nodejs_external_memory_bytes'),
    spaces,
  };
}

/** The hub's split, from its /metrics (open to loopback). */
export async function hubMemory(url: string): Promise<MemorySplit> {
  const res = await fetch(`${url}/metrics`);
  return memoryFromMetrics(await res.text());
}

/** The plain server's split, from its /memory. */
export async function plainMemory(url: string): Promise<MemorySplit> {
  const res = await fetch(`${url}/memory`);
  return (await res.json()) as MemorySplit;
}

/** One reading of one or more server processes: /proc's figures and V8's account. */
export interface MemoryReading {
  rssKb: number;
  memory: MemorySplit;
  /** Resident KB by mapping kind (proc.ts `rssByMapping`). */
  mappings: Record<string, number>;
}

/** One server process: its /proc figures and its own account of its heap. */
export interface MemorySource {
  pid: number;
  url: string;
  read: (url: string) => Promise<MemorySplit>;
}

function addSplits(a: MemorySplit, b: MemorySplit): MemorySplit {
  const spaces: MemorySplit['spaces'] = { ...a.spaces };
  for (const [name, s] of Object.entries(b.spaces)) {
    const t = spaces[name] ?? { total: 0, used: 0 };
    spaces[name] = { total: t.total + s.total, used: t.used + s.used };
  }
  return {
    heapTotal: a.heapTotal + b.heapTotal,
    heapUsed: a.heapUsed + b.heapUsed,
    external: a.external + b.external,
    spaces,
  };
}

function addReadings(a: MemoryReading, b: MemoryReading): MemoryReading {
  const mappings = { ...a.mappings };
  for (const [k, v] of Object.entries(b.mappings)) mappings[k] = (mappings[k] ?? 0) + v;
  return { rssKb: a.rssKb + b.rssKb, memory: addSplits(a.memory, b.memory), mappings };
}

/** A reading of one or more server processes together (summed, as one server's clients would be). */
export async function readMemory(sources: readonly MemorySource[]): Promise<MemoryReading> {
  const parts = await Promise.all(
    sources.map(async (s): Promise<MemoryReading> => ({
      rssKb: rssKb(s.pid),
      mappings: rssByMapping(s.pid),
      memory: await s.read(s.url),
    })),
  );
  return parts.reduce(addReadings);
}

/** The mean of several readings (a size's rounds). */
export function meanReading(readings: readonly MemoryReading[]): MemoryReading {
  const sum = readings.reduce(addReadings);
  const mean = (v: number) => v / readings.length;
  const scale = <K extends string>(r: Record<K, number>) =>
    Object.fromEntries(Object.entries<number>(r).map(([k, v]) => [k, mean(v)])) as Record<K, number>;
  return {
    rssKb: mean(sum.rssKb),
    memory: {
      heapTotal: mean(sum.memory.heapTotal),
      heapUsed: mean(sum.memory.heapUsed),
      external: mean(sum.memory.external),
      spaces: Object.fromEntries(
        Object.entries(sum.memory.spaces).map(([k, v]) => [k, { total: mean(v.total), used: mean(v.used) }]),
      ),
    },
    mappings: scale(sum.mappings),
  };
}

/**
 * Per connection, in KB, between an idle and a loaded reading: RSS, V8's committed heap, the used
 * heap, external memory, and what remains of the RSS outside the heap and external memory.
 */
export function perConnectionSplit(idle: MemoryReading, loaded: MemoryReading, connections: number) {
  const mb = (bytes: number) => Math.round(bytes / 1024 / 102.4) / 10;
  const kb = (bytes: number) => Math.round((bytes / 1024 / Math.max(1, connections)) * 100) / 100;
  const rss = (loaded.rssKb - idle.rssKb) * 1024;
  const heapTotal = loaded.memory.heapTotal - idle.memory.heapTotal;
  const external = loaded.memory.external - idle.memory.external;
  const spaces: Record<string, number> = {};
  for (const [name, s] of Object.entries(loaded.memory.spaces)) {
    spaces[name] = kb(s.total - (idle.memory.spaces[name]?.total ?? 0));
  }
  return {
    rss_kb: kb(rss),
    heap_committed_kb: kb(heapTotal),
    heap_used_kb: kb(loaded.memory.heapUsed - idle.memory.heapUsed),
    external_kb: kb(external),
    outside_heap_kb: kb(rss - heapTotal - external),
    heap_committed_by_space_kb: spaces,
    rss_by_mapping_kb: Object.fromEntries(
      Object.entries(loaded.mappings).map(([k, v]) => [k, kb((v - (idle.mappings[k] ?? 0)) * 1024)]),
    ),
    // The absolute figures, in MB, idle then loaded.
    totals_mb: Object.fromEntries(
      (
        [
          ['rss', (r: MemoryReading) => r.rssKb * 1024],
          ['heap_committed', (r: MemoryReading) => r.memory.heapTotal],
          ['heap_used', (r: MemoryReading) => r.memory.heapUsed],
          ['external', (r: MemoryReading) => r.memory.external],
          ...Object.keys(loaded.mappings).map(
            (k) => [`mapped_${k}`, (r: MemoryReading) => (r.mappings[k] ?? 0) * 1024] as const,
          ),
        ] as const
      ).map(([k, f]) => [k, [mb(f(idle)), mb(f(loaded))]]),
    ),
  };
}
