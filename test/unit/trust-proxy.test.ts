/** TRUST_PROXY under Express's semantics: a hop count or proxy addresses, never "trust everything". */
import type { IncomingMessage } from 'node:http';
import { parseTrustProxy } from '../../shared/config.js';
import { clientIpResolver, isDirectLoopback } from '../../server/http/client-ip.js';

const request = (remote: string, xff?: string) =>
  ({
    socket: { remoteAddress: remote },
    connection: { remoteAddress: remote },
    headers: xff ? { 'x-forwarded-for': xff } : {},
  }) as unknown as IncomingMessage;

describe('parseTrustProxy', () => {
  it.each([
    ['false', false],
    ['0', false],
    ['true', 1],
    ['2', 2],
    ['loopback', ['loopback']],
    ['10.0.0.0/8, 192.168.1.5', ['10.0.0.0/8', '192.168.1.5']],
  ])('reads %s', (raw, expected) => {
    expect(parseTrustProxy(raw)).toEqual(expected);
  });

  it.each(['yes', 'everything', '10.0.0.0/8;rm', '99'])('refuses %s', (raw) => {
    expect(parseTrustProxy(raw)).toBeNull();
  });
});

describe('client address', () => {
  it('ignores X-Forwarded-For when no proxy is trusted', () => {
    expect(clientIpResolver(false)(request('203.0.113.1', '1.1.1.1'))).toBe('203.0.113.1');
  });

  it('takes the address one hop back with TRUST_PROXY=1, whatever the client wrote further left', () => {
    const ip = clientIpResolver(1);
    expect(ip(request('10.0.0.2', 'forged-1, 198.51.100.7'))).toBe('198.51.100.7');
    expect(ip(request('10.0.0.2', 'forged-2, 198.51.100.7'))).toBe('198.51.100.7');
  });

  it('walks back only through listed proxies', () => {
    const ip = clientIpResolver(['10.0.0.0/8']);
    expect(ip(request('10.0.0.2', '198.51.100.7, 10.0.0.9'))).toBe('198.51.100.7');
    expect(ip(request('192.0.2.50', '198.51.100.7'))).toBe('192.0.2.50');
  });

  it('calls a request direct loopback only without forwarding headers', () => {
    expect(isDirectLoopback(request('127.0.0.1'))).toBe(true);
    expect(isDirectLoopback(request('::1'))).toBe(true);
    expect(isDirectLoopback(request('127.0.0.1', '198.51.100.7'))).toBe(false);
    expect(isDirectLoopback(request('192.0.2.1'))).toBe(false);
  });
});
