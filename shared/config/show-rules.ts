/**
 * The rules of the show, which server and poll worker of one hub must agree on: how often the
 * driver is polled, how long a turn and an idle driver last, and venue mode's guests, picks,
 * cooldown and fallback playlist (PROTOCOL.md "Venue mode").
 */
import { z } from 'zod';
import { wholeNumberField } from './env.js';

export const showRuleFields = {
  POLL_INTERVAL_MS: wholeNumberField(1000, 200, 60000, 'milliseconds'),
  TURN_SECONDS: wholeNumberField(180, 10, 86400, 'seconds'),
  IDLE_SECONDS: wholeNumberField(45, 5, 3600, 'seconds'),
  GUESTS: z.enum(['on', 'off', 'true', 'false', '1', '0'], { message: 'must be on or off' }).default('on'),
  PICKS_PER_TURN: wholeNumberField(3, 1, 20, 'tracks'),
  TRACK_COOLDOWN_MINUTES: wholeNumberField(60, 0, 10080, 'minutes'),
  FALLBACK_PLAYLIST: z
    .string()
    .regex(
      /^spotify:playlist:[0-9A-Za-z]{22}$/,
      'must be a Spotify playlist URI like spotify:playlist:37i9dQZF1DXcBWIGoYBM5M, or unset',
    )
    .optional(),
};
type ShowRuleFields = z.infer<z.ZodObject<typeof showRuleFields>>;

export interface ShowRules {
  readonly pollIntervalMs: number;
  readonly turnSeconds: number;
  readonly idleSeconds: number;
  /** Venue mode (PROTOCOL.md "Venue mode"). */
  readonly venue: {
    /** GUESTS: whether audience members may join with a name only. */
    readonly guests: boolean;
    readonly picksPerTurn: number;
    readonly trackCooldownMinutes: number;
    /** A `spotify:playlist:…` URI played while nobody drives, or null. */
    readonly fallbackPlaylist: string | null;
  };
}

/** `true`, `1` (and for GUESTS `on`) switch a setting on. */
export const isOn = (v: string) => v === 'on' || v === 'true' || v === '1';

export function showRulesOf(e: ShowRuleFields): ShowRules {
  return {
    pollIntervalMs: e.POLL_INTERVAL_MS,
    turnSeconds: e.TURN_SECONDS,
    idleSeconds: e.IDLE_SECONDS,
    venue: {
      guests: isOn(e.GUESTS),
      picksPerTurn: e.PICKS_PER_TURN,
      trackCooldownMinutes: e.TRACK_COOLDOWN_MINUTES,
      fallbackPlaylist: e.FALLBACK_PLAYLIST ?? null,
    },
  };
}
