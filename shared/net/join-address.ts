/**
 * The address phones use: what the projector's QR code carries, and what the crew should be told
 * when that address cannot work from a phone. Computed once from the config and the machine's
 * interfaces; the pages, the operator health panel and `npm start` all read it from here.
 */
import type { ServerConfig as Config } from '../config/server.config.js';
import type { JoinAddressReport, JoinAddressWarning } from '../events.js';
import { isLoopbackHost, isWildcardHost, lanIPv4Addresses, type Interfaces } from './lan-addresses.js';

export type JoinAddressConfig = Pick<Config, 'publicUrl' | 'publicUrlSet' | 'host' | 'port' | 'demoMode'> & {
  readonly spotify: Pick<Config['spotify'], 'redirectUri'>;
};

/** `http://host:port` URLs of this hub on the LAN; empty when it listens on loopback only. */
export function lanUrls(config: Pick<Config, 'host' | 'port'>, interfaces?: Interfaces): string[] {
  if (isLoopbackHost(config.host)) return [];
  if (!isWildcardHost(config.host))
    return [`http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${config.port}`];
  return lanIPv4Addresses(interfaces).map((a) => `http://${a}:${config.port}`);
}

/**
 * What the QR code carries: `PUBLIC_URL` when it is set; when it is not (its default is loopback,
 * which no phone can open) and the hub listens beyond loopback, the first LAN address.
 */
export function joinUrl(
  config: JoinAddressConfig,
  interfaces?: Interfaces,
): { url: string; source: 'public_url' | 'lan' } {
  const lan = config.publicUrlSet ? [] : lanUrls(config, interfaces);
  return lan[0] ? { url: `${lan[0]}/`, source: 'lan' } : { url: `${config.publicUrl}/`, source: 'public_url' };
}

/**
 * The join address and its warnings, for the operator health panel and the start-up log.
 * Spotify accepts only https redirect URIs or http on a loopback IP literal (never `localhost`),
 * see https://developer.spotify.com/documentation/web-api/concepts/redirect_uri — so own-account
 * logins from phones need the hub on https, while guests (venue mode) only need plain http.
 */
export function joinAddressReport(config: JoinAddressConfig, interfaces?: Interfaces): JoinAddressReport {
  const qr = joinUrl(config, interfaces);
  const lan = lanUrls(config, interfaces);
  const publicHost = new URL(config.publicUrl).hostname;
  const redirect = new URL(config.spotify.redirectUri);
  const warnings: JoinAddressWarning[] = [];
  if (isLoopbackHost(publicHost)) {
    // Listening on loopback only, the hub has no LAN URL yet: suggest the machine's address with HOST.
    const machine = lanIPv4Addresses(interfaces)[0];
    const suggestion = lan[0]
      ? ` Set PUBLIC_URL=${lan[0]} (or https://… behind TLS, see docs/deploy.md).`
      : machine && isLoopbackHost(config.host)
        ? ` The hub listens on ${config.host} only: set HOST=0.0.0.0 and PUBLIC_URL=http://${machine}:${config.port} (or https://… behind TLS, see docs/deploy.md).`
        : ' Set PUBLIC_URL to the address phones use.';
    warnings.push({
      code: 'public_url_loopback',
      message: `PUBLIC_URL is ${config.publicUrl}, a loopback address no phone can open; logins from phones are sent back there.${suggestion}`,
    });
  }
  if (!config.demoMode && redirect.protocol === 'http:' && !isLoopbackHost(redirect.hostname)) {
    warnings.push({
      code: 'own_login_needs_https',
      message: `Own-account Spotify logins cannot work: Spotify accepts http redirect URIs only on 127.0.0.1, and ${config.spotify.redirectUri} is not. Put the hub behind https (docs/deploy.md).`,
    });
  } else if (!config.demoMode && redirect.hostname === 'localhost') {
    warnings.push({
      code: 'own_login_needs_https',
      message:
        'Spotify refuses redirect URIs on localhost: use http://127.0.0.1:… on this machine or https for phones.',
    });
  }
  return {
    qr_url: qr.url,
    qr_source: qr.source,
    public_url: config.publicUrl,
    lan_urls: lan,
    warnings,
    guests_note: 'Guests (venue mode) join over plain http on the LAN; only own-account Spotify logins need https.',
  };
}
