/**
 * `npm run doctor`'s checks that need nothing but the settings: Node version, show mode, the
 * redirect URI Spotify will accept, the address phones use. Each returns findings, one line each.
 */
import type { Config } from '../config.js';
import { isLoopbackHost } from '../net/lan-addresses.js';
import { lanUrls } from '../net/join-address.js';

/** `fail` blocks a show (doctor exits non-zero); `warn` works with a caveat; `info` is context. */
export type FindingStatus = 'ok' | 'info' | 'warn' | 'fail';

export interface Finding {
  readonly status: FindingStatus;
  /** What was checked: `node`, `redis`, `PUBLIC_URL`… */
  readonly subject: string;
  /** What was found and, unless all is well, what to do about it. */
  readonly message: string;
}

export const MIN_NODE_MAJOR = 20;

export function checkNode(version: string): Finding {
  const major = Number(/^v?(\d+)/.exec(version)?.[1]);
  return major >= MIN_NODE_MAJOR
    ? { status: 'ok', subject: 'node', message: `Node ${version}` }
    : {
        status: 'fail',
        subject: 'node',
        message: `Node ${version} is too old: install Node ${MIN_NODE_MAJOR} or later (https://nodejs.org)`,
      };
}

export function checkSpotifyApp(config: Config): Finding[] {
  if (config.demoMode) {
    return [
      {
        status: 'fail',
        subject: 'spotify',
        message:
          'SPOTIFY_CLIENT_ID is unset: demo mode plays the simulator, not Spotify. Set SPOTIFY_CLIENT_ID (and the secrets) from the Spotify dashboard, see README "Using real Spotify"',
      },
    ];
  }
  const findings: Finding[] = [{ status: 'ok', subject: 'spotify', message: `client id ${config.spotify.clientId}` }];
  if (config.spotify.clientSecret === null) {
    findings.push({
      status: 'warn',
      subject: 'spotify',
      message:
        'SPOTIFY_CLIENT_SECRET is unset: logins work (PKCE), catalog look-ups (/api/spotify) do not. Set it from the Spotify dashboard',
    });
  }
  return findings;
}

/**
 * Spotify accepts https redirect URIs, or http only on a loopback IP literal, never `localhost`
 * (https://developer.spotify.com/documentation/web-api/concepts/redirect_uri). The URI must also
 * lead back to this hub's `/callback` at PUBLIC_URL's origin, where the login's session cookie is.
 */
export function checkRedirectUri(config: Config): Finding[] {
  if (config.demoMode) return [];
  const uri = config.spotify.redirectUri;
  const u = new URL(uri);
  const subject = 'SPOTIFY_REDIRECT_URI';
  const findings: Finding[] = [];
  if (u.hostname === 'localhost' || u.hostname.endsWith('.localhost')) {
    findings.push({
      status: 'fail',
      subject,
      message: `${uri}: Spotify refuses localhost redirect URIs. Use https://your-host/callback (or http://127.0.0.1:${config.port}/callback on this machine only), and register the same URI on the Spotify dashboard`,
    });
  } else if (u.protocol === 'http:' && !isLoopbackHost(u.hostname)) {
    findings.push({
      status: 'fail',
      subject,
      message: `${uri}: Spotify accepts http only on 127.0.0.1. Put the hub behind https (docs/deploy.md) and set PUBLIC_URL=https://…; the redirect URI follows`,
    });
  } else if (u.protocol === 'http:') {
    findings.push({
      status: 'warn',
      subject,
      message: `${uri} is loopback: own-account logins work on this machine only, not from phones. For a show: https (docs/deploy.md)`,
    });
  } else {
    findings.push({ status: 'ok', subject, message: `${uri} (register exactly this on the Spotify dashboard)` });
  }
  if (u.origin !== new URL(config.publicUrl).origin || u.pathname !== '/callback') {
    findings.push({
      status: 'fail',
      subject,
      message: `${uri} does not lead to ${config.publicUrl}/callback: the login would lose its session. Unset SPOTIFY_REDIRECT_URI (it follows PUBLIC_URL) or make them agree`,
    });
  }
  return findings;
}

/** PUBLIC_URL as phones see it: not loopback; https for own-account logins, with TRUST_PROXY behind TLS. */
export function checkPublicUrl(config: Config): Finding[] {
  const subject = 'PUBLIC_URL';
  const u = new URL(config.publicUrl);
  if (isLoopbackHost(u.hostname)) {
    const lan = lanUrls({ host: config.host === '127.0.0.1' ? '0.0.0.0' : config.host, port: config.port })[0];
    const example = lan
      ? ` e.g. PUBLIC_URL=${lan}, or https://… behind TLS (docs/deploy.md)`
      : ' (https://… behind TLS, docs/deploy.md)';
    return [
      {
        status: 'fail',
        subject,
        message: `${config.publicUrl}${config.publicUrlSet ? '' : ' (the default)'} is loopback: no phone can open it. Set the address phones use,${example}`,
      },
    ];
  }
  const findings: Finding[] = [];
  if (u.protocol === 'https:') {
    findings.push(
      config.trustProxy
        ? { status: 'ok', subject, message: `${config.publicUrl} (https, TRUST_PROXY=true)` }
        : {
            status: 'fail',
            subject,
            message: `${config.publicUrl} is https but TRUST_PROXY is false: behind the TLS proxy the hub sees http and drops its Secure session cookie. Set TRUST_PROXY=true`,
          },
    );
  } else {
    findings.push({
      status: config.demoMode ? 'ok' : 'warn',
      subject,
      message: `${config.publicUrl} is plain http: guests (venue mode) work on the LAN, own-account Spotify logins need https (docs/deploy.md)`,
    });
  }
  return findings;
}
