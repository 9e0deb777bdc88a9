/**
 * The problem a failed venue player call means for the crew (PROTOCOL.md "Venue mode": `problem`),
 * shared by the server (operator routes) and the poll worker (guest turns), which cannot import
 * server code.
 */
import { SpotifyError } from '../spotify/spotify-error.js';
import type { VenueProblem } from './venue-store.js';

/** The crew-facing problem for `err`, or null if it is not one of those. */
export function venueProblemOf(err: unknown): VenueProblem | null {
  if (!(err instanceof SpotifyError)) return null;
  switch (err.code) {
    case 'no_active_device':
    case 'device_not_found':
      return 'no_device';
    case 'premium_required':
      return 'premium_required';
    case 'invalid_grant':
      return 'revoked';
    case 'rate_limited':
      return 'rate_limited';
    default:
      return null;
  }
}
