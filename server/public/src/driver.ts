/**
 * Who is driving, as the pages say it. Ready for venue mode (PROTOCOL.md): `user.kind` may be
 * `spotify`, `guest` or `house`; older payloads have no `kind`. A name that is missing, blank or
 * the text of a null never reaches the screen.
 */
import type { NowPlaying } from '../../../shared/events.js';
import { t } from './i18n.js';

export type UserKind = 'spotify' | 'guest' | 'house';

/** A name fit to show, or null when the data has none. */
export function shownName(name: unknown): string | null {
  if (typeof name !== 'string') return null;
  const trimmed = name.trim();
  if (trimmed === '' || trimmed === 'null' || trimmed === 'undefined') return null;
  return trimmed;
}

export function driverKind(p: NowPlaying): UserKind | null {
  if (!p.user) return null;
  const kind: unknown = (p.user as { kind?: unknown }).kind;
  return kind === 'guest' || kind === 'house' ? kind : 'spotify';
}

/** The driver's name, or "someone in the room" when Spotify gave none. */
export function driverName(p: NowPlaying): string {
  return shownName(p.user?.display_name) ?? t('np.anonymous');
}

/** One line: "Driving: Ada", "Driving: Sam (guest)", "House music", or empty when nobody drives. */
export function drivingLine(p: NowPlaying): string {
  switch (driverKind(p)) {
    case null:
      return '';
    case 'house':
      return t('np.house');
    case 'guest':
      return t('np.drivingGuest', { name: driverName(p) });
    default:
      return t('np.driving', { name: driverName(p) });
  }
}
