/**
 * Shutdown closes the Redis clients right after `flush()`: a line broadcast still reading Redis at
 * that moment would publish through a closed client, which fails outside anyone's promise chain.
 */
import { createLogger } from '../../shared/logger.js';
import { CoalescedLineNotifier } from '../../server/realtime/coalesced-notifier.js';
import type { LineNotifier } from '../../server/deps.js';

/** An inner notifier whose broadcasts finish only when the test says so. */
function heldNotifier() {
  const calls: (readonly string[])[] = [];
  const release: (() => void)[] = [];
  const inner: LineNotifier = {
    lineChanged(affected: readonly string[] = []) {
      calls.push(affected);
      return new Promise<void>((resolve) => release.push(resolve));
    },
  };
  return { inner, calls, release };
}

const silent = createLogger({ level: 'silent' });

describe('line broadcasts at shutdown', () => {
  it('flush waits for a broadcast that is already under way', async () => {
    const { inner, calls, release } = heldNotifier();
    const notifier = new CoalescedLineNotifier(inner, 1000, silent);
    const first = notifier.lineChanged(['ada']);
    expect(calls).toHaveLength(1);

    let flushed = false;
    const flushing = notifier.flush().then(() => (flushed = true));
    // Let every ready continuation run: flush must still be waiting on the held broadcast.
    await new Promise((resolve) => setImmediate(resolve));
    expect(flushed).toBe(false);

    release[0]!();
    await flushing;
    await first;
    expect(flushed).toBe(true);
  });

  it('flush sends the pending trailing broadcast and waits for it too', async () => {
    const { inner, calls, release } = heldNotifier();
    const notifier = new CoalescedLineNotifier(inner, 60_000, silent);
    const first = notifier.lineChanged(['ada']);
    release[0]!();
    await first;
    await notifier.lineChanged(['grace']);
    expect(calls).toHaveLength(1);

    let flushed = false;
    const flushing = notifier.flush().then(() => (flushed = true));
    await new Promise((resolve) => setImmediate(resolve));
    expect(calls).toEqual([['ada'], ['grace']]);
    expect(flushed).toBe(false);
    release[1]!();
    await flushing;
    expect(flushed).toBe(true);
  });

  it('broadcasts nothing once flushed', async () => {
    const { inner, calls } = heldNotifier();
    const notifier = new CoalescedLineNotifier(inner, 1000, silent);
    await notifier.flush();
    await notifier.lineChanged(['ada']);
    expect(calls).toHaveLength(0);
  });
});
