/**
 * Guest names (PROTOCOL.md "Venue mode"): Unicode NFKC (UAX #15), trimmed, 1–32 characters, no
 * control, format (zero-width, bidi overrides), private-use, unassigned or otherwise invisible
 * characters. Names are data only: nothing here or anywhere renders them as HTML.
 */

export const GUEST_NAME_MAX = 32;

// Cc control, Cf format (ZWSP/ZWJ/bidi controls/BOM), Co private use, Cs surrogates, Cn unassigned,
// Zl/Zp separators, plus blank characters that are letters or symbols by category but show nothing.
const FORBIDDEN =
  // eslint-disable-next-line no-misleading-character-class -- the invisible combining marks are listed on purpose
  /[\p{Cc}\p{Cf}\p{Co}\p{Cs}\p{Cn}\p{Zl}\p{Zp}\u115F\u1160\u3164\uFFA0\u2800\u034F\u17B4\u17B5\u180B-\u180F\uFE00-\uFE0F\u{E0100}-\u{E01EF}]/u;
const VISIBLE = /[\p{L}\p{N}\p{S}\p{P}]/u;

/** The name as it will be shown, or null when it breaks the rules (→ 400 `invalid_name`). */
export function normaliseGuestName(raw: unknown): string | null {
  if (typeof raw !== 'string' || raw.length > 1000) return null;
  const nfkc = raw.normalize('NFKC');
  // Checked before spaces are folded: \s would hide U+FEFF, U+2028 and tabs as mere spaces.
  if (FORBIDDEN.test(nfkc)) return null;
  const name = nfkc.replace(/\p{Zs}+/gu, ' ').trim();
  if (name.length === 0 || [...name].length > GUEST_NAME_MAX) return null;
  if (!VISIBLE.test(name)) return null;
  return name;
}

/** The form a name is banned under: case-folded, so "DJ Bob" and "dj bob" are one name. */
export function guestNameKey(name: string): string {
  return name.normalize('NFKC').toLowerCase().normalize('NFKC');
}
