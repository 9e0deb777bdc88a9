/**
 * The benches compare where the hub's memory is with where plain Socket.IO's is: the hub's side is
 * read from its Prometheus text, the plain server's from its own process. Both must give the
 * same figures for the same process.
 */
import { collectDefaultMetrics, Registry } from 'prom-client';
import { memoryFromMetrics, ownMemory, perConnectionSplit } from '../../bench/fanout/memory.js';

describe('the bench’s memory split', () => {
  test('reads V8’s heap and external memory from prom-client’s text as the process reports them', async () => {
    const registry = new Registry();
    collectDefaultMetrics({ register: registry, prefix: 'nph_process_' });
    const fromMetrics = memoryFromMetrics(await registry.metrics());
    const own = ownMemory();
    expect(fromMetrics.heapTotal).toBeGreaterThan(0);
    // Read moments apart: the committed heap rarely moves, the used heap and external memory may.
    expect(Math.abs(fromMetrics.heapTotal - own.heapTotal) / own.heapTotal).toBeLessThan(0.2);
    expect(fromMetrics.external).toBeGreaterThan(0);
    expect(Object.keys(fromMetrics.spaces).sort()).toEqual(Object.keys(own.spaces).sort());
    expect(fromMetrics.spaces.old!.total).toBeGreaterThan(0);
  });

  test('splits growth per connection into heap, external and what lies outside both', () => {
    const reading = (rssMb: number, heapMb: number, externalMb: number, brkMb: number) => ({
      rssKb: rssMb * 1024,
      memory: {
        heapTotal: heapMb * 2 ** 20,
        heapUsed: heapMb * 2 ** 20,
        external: externalMb * 2 ** 20,
        spaces: { old: { total: heapMb * 2 ** 20, used: heapMb * 2 ** 20 } },
      },
      mappings: { brk: brkMb * 1024 },
    });
    // 1,024 connections: 1 MB of growth is 1 KB each.
    const split = perConnectionSplit(reading(80, 30, 2, 5), reading(100, 40, 3, 12), 1024);
    expect(split).toMatchObject({
      rss_kb: 20,
      heap_committed_kb: 10,
      external_kb: 1,
      outside_heap_kb: 9,
      heap_committed_by_space_kb: { old: 10 },
      rss_by_mapping_kb: { brk: 7 },
      totals_mb: { rss: [80, 100], mapped_brk: [5, 12] },
    });
  });
});
