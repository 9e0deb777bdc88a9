/**
 * Tracks guests have seen in search answers, kept a while by URI: a pick is almost always a track
 * the guest just found, so saving it costs no Spotify call. Spotify's several-tracks endpoint
 * (`GET /v1/tracks?ids=`) is deprecated and gone for Development Mode apps (2026); anything not
 * remembered here is looked up one by one with `GET /v1/tracks/{id}`.
 */
import { keys } from '../redis-keys.js';
import type { RedisClient } from '../redis.js';
import type { GuestPick } from './picks-store.js';

/** Longer than any search-then-pick, shorter than a show: metadata does not change under us. */
const TTL_SECONDS = 3600;

export class CatalogTracks {
  readonly #redis: RedisClient;

  constructor(redis: RedisClient) {
    this.#redis = redis;
  }

  async remember(tracks: readonly GuestPick[]): Promise<void> {
    if (tracks.length === 0) return;
    const tx = this.#redis.multi();
    for (const t of tracks) tx.set(keys.catalogTrack(t.uri), JSON.stringify(t), { EX: TTL_SECONDS });
    await tx.exec();
  }

  /** The remembered tracks among `uris` (the others are simply absent from the map). */
  async recall(uris: readonly string[]): Promise<Map<string, GuestPick>> {
    const found = new Map<string, GuestPick>();
    if (uris.length === 0) return found;
    const raw = await this.#redis.mGet(uris.map((u) => keys.catalogTrack(u)));
    raw.forEach((json, i) => {
      if (!json) return;
      try {
        found.set(uris[i]!, JSON.parse(json) as GuestPick);
      } catch {
        // A damaged entry is only a cache miss: the track is looked up again.
      }
    });
    return found;
  }
}
