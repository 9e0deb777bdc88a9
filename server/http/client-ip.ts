/**
 * Who is calling, for rate limits and loopback-only routes. One rule for HTTP and Socket.IO
 * handshakes: the socket's address, walked back through X-Forwarded-For only as far as TRUST_PROXY
 * allows (proxy-addr, the module Express itself uses for `req.ip`).
 */
import type { IncomingMessage } from 'node:http';
import proxyAddr from 'proxy-addr';
import type { TrustProxy } from '../../shared/config.js';

export type ClientIp = (req: IncomingMessage) => string;

export function clientIpResolver(trust: TrustProxy): ClientIp {
  const trusted =
    trust === false
      ? proxyAddr.compile([])
      : typeof trust === 'number'
        ? (_addr: string, i: number) => i < trust
        : proxyAddr.compile([...trust]);
  return (req) => {
    try {
      return proxyAddr(req, trusted);
    } catch {
      // A socket already closed has no address; it gets one shared bucket, never a free pass.
      return 'unknown';
    }
  };
}

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|::ffff:127\.\d+\.\d+\.\d+)$/;

/**
 * A caller on this machine that did not come through a proxy. A proxy on the same host also
 * connects from loopback, so any forwarding header disqualifies the request.
 */
export function isDirectLoopback(req: IncomingMessage): boolean {
  if (req.headers['x-forwarded-for'] !== undefined || req.headers.forwarded !== undefined) return false;
  return LOOPBACK.test(req.socket.remoteAddress ?? '');
}
