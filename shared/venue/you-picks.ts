/**
 * Venue mode's part of the `you` event: a guest's status carries their picks and how many have
 * started, so their phone shows what is locked without asking `/api/picks` again.
 */
import type { YouStatus } from '../events.js';
import { isGuestId } from './guest-id.js';
import type { PicksRecord, PicksStore } from './picks-store.js';

/** Adds `kind`, and for guests `picks` and `picks_started`, to each user's status (one Redis read). */
export async function withGuestPicks(
  statuses: ReadonlyMap<string, YouStatus>,
  picks: Pick<PicksStore, 'getMany'> | null,
): Promise<Map<string, YouStatus>> {
  const guests = [...statuses.keys()].filter(isGuestId);
  const records: ReadonlyMap<string, PicksRecord> = picks ? await picks.getMany(guests) : new Map();
  const out = new Map<string, YouStatus>();
  for (const [id, status] of statuses) {
    const record = records.get(id);
    out.set(
      id,
      isGuestId(id)
        ? { ...status, kind: 'guest', ...(record ? { picks: record.picks, picks_started: record.started } : {}) }
        : { ...status, kind: status.kind ?? 'spotify' },
    );
  }
  return out;
}
