/** Waits for a condition the test cannot subscribe to (a count in the simulator's call log). */
export async function until<T>(
  probe: () => T | Promise<T>,
  ok: (v: T) => boolean,
  timeoutMs = 15_000,
  what = 'condition',
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (ok(v)) return v;
    if (Date.now() > deadline) throw new Error(`${what} not reached within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** A measurement window: lets `ms` of wall time pass (for rates and gaps, never instead of an event). */
export function measureFor(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
