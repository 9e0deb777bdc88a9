/**
 * Which album-art URLs the hub may fetch. Art URLs arrive inside Spotify's (or the simulator's)
 * JSON, so they are remote input: fetching whatever they name would make the worker an open proxy
 * into the hub's network. Only Spotify's art hosts over https, plus the simulator's own image
 * folder (derived from config) are allowed.
 */
import { DEMO_SIMULATOR_PATH, type CommonConfig as Config } from '../../shared/config/common.js';

/** Spotify's image CDNs (i.scdn.co for covers, mosaic.scdn.co for playlist mosaics, *.spotifycdn.com). */
export const SPOTIFY_ART_HOSTS: readonly string[] = ['i.scdn.co', 'mosaic.scdn.co'];
export const SPOTIFY_ART_HOST_SUFFIX = '.spotifycdn.com';

export interface ArtUrlPolicy {
  /** Extra allowed URL prefixes (origin + path ending in "/"), like `http://127.0.0.1:4000/sim/images/`. */
  readonly extraPrefixes: readonly string[];
}

/** True when `raw` may be fetched: https on a Spotify art host, or under an allowed prefix. */
export function isAllowedArtUrl(raw: string, policy: ArtUrlPolicy): boolean {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return false;
  }
  // Credentials in a URL are never art, and would defeat the prefix comparison below.
  if (url.username || url.password) return false;
  if (url.protocol === 'https:' && (url.port === '' || url.port === '443')) {
    const host = url.hostname.toLowerCase();
    if (
      SPOTIFY_ART_HOSTS.includes(host) ||
      (host.endsWith(SPOTIFY_ART_HOST_SUFFIX) && host.length > SPOTIFY_ART_HOST_SUFFIX.length)
    )
      return true;
  }
  // Compare the normalised form, so `/sim/images/../../admin` cannot pass as a prefix match.
  return policy.extraPrefixes.some((prefix) => url.href.startsWith(prefix));
}

/**
 * The policy for a hub: Spotify's hosts, plus the simulator's art when the hub talks to one — the
 * embedded one in demo mode (`$PUBLIC_URL/sim/images/`), or a standalone one at the base of
 * `SPOTIFY_API_URL` (`…/api` → `…/images/`).
 */
export function artUrlPolicyFor(config: Config): ArtUrlPolicy {
  const prefixes: string[] = [];
  if (config.demoMode) prefixes.push(`${config.publicUrl}${DEMO_SIMULATOR_PATH}/images/`);
  const api = new URL(config.spotify.apiUrl);
  if (api.hostname !== 'api.spotify.com' && api.pathname.replace(/\/+$/, '').endsWith('/api')) {
    prefixes.push(new URL(`${api.pathname.replace(/\/+$/, '').slice(0, -'/api'.length)}/images/`, api.origin).href);
  }
  return { extraPrefixes: [...new Set(prefixes.map((p) => new URL(p).href))] };
}
