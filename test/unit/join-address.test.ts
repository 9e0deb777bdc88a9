import type { NetworkInterfaceInfo } from 'node:os';
import { loadConfig, type Environment } from '../../shared/config.js';
import { isLoopbackHost, lanIPv4Addresses, type Interfaces } from '../../shared/net/lan-addresses.js';
import { joinAddressReport, joinUrl } from '../../shared/net/join-address.js';

const v4 = (address: string, internal = false): NetworkInterfaceInfo => ({
  address,
  family: 'IPv4',
  internal,
  netmask: '255.255.255.0',
  mac: '00:00:00:00:00:00',
  cidr: `${address}/24`,
});
const v6 = (address: string): NetworkInterfaceInfo => ({
  address,
  family: 'IPv6',
  internal: false,
  netmask: 'ffff::',
  mac: '00:00:00:00:00:00',
  cidr: `${address}/64`,
  scopeid: 0,
});

const venueLaptop: Interfaces = {
  lo: [v4('127.0.0.1', true)],
  docker0: [v4('172.17.0.1')],
  eth0: [v4('203.0.113.7'), v6('fe80::1')],
  wlan0: [v4('192.168.1.20')],
  tailscale0: [v4('100.64.0.3')],
  en5: [v4('169.254.10.2')],
};

const config = (env: Environment) =>
  loadConfig({ OPERATOR_TOKEN: 'operator-token-for-tests', ...env }, { dataDir: null });
const realSpotify = {
  SPOTIFY_CLIENT_ID: 'abcdef0123456789',
  SESSION_SECRET: 'x'.repeat(32),
  TOKEN_ENCRYPTION_KEY: Buffer.alloc(32, 1).toString('base64'),
  BRIDGE_TOKEN: 'bridge-token-for-tests',
};

describe('LAN addresses', () => {
  it('lists private addresses first and leaves out loopback, link-local, container and VPN interfaces', () => {
    expect(lanIPv4Addresses(venueLaptop)).toEqual(['192.168.1.20', '203.0.113.7']);
  });

  it('knows loopback hosts', () => {
    for (const h of ['localhost', '127.0.0.1', '127.1.2.3', '::1', '[::1]']) expect(isLoopbackHost(h)).toBe(true);
    for (const h of ['192.168.1.20', 'show.example.org', '0.0.0.0']) expect(isLoopbackHost(h)).toBe(false);
  });
});

describe('the join URL (what the QR code carries)', () => {
  it('is the LAN address when PUBLIC_URL is unset and the hub listens on every interface', () => {
    expect(joinUrl(config({ PORT: '4000' }), venueLaptop)).toEqual({ url: 'http://192.168.1.20:4000/', source: 'lan' });
  });

  it('is the bind address when the hub listens on one LAN address', () => {
    expect(joinUrl(config({ HOST: '192.168.1.20', PORT: '4100' }), venueLaptop)).toEqual({
      url: 'http://192.168.1.20:4100/',
      source: 'lan',
    });
  });

  it('stays PUBLIC_URL when it is set, even to loopback', () => {
    expect(joinUrl(config({ PUBLIC_URL: 'https://show.example.org' }), venueLaptop)).toEqual({
      url: 'https://show.example.org/',
      source: 'public_url',
    });
    expect(joinUrl(config({ PUBLIC_URL: 'http://127.0.0.1:4000' }), venueLaptop).source).toBe('public_url');
  });

  it('stays the loopback default when the hub listens on loopback only, or the machine has no LAN', () => {
    expect(joinUrl(config({ HOST: '127.0.0.1' }), venueLaptop).url).toBe('http://127.0.0.1:4000/');
    expect(joinUrl(config({}), { lo: [v4('127.0.0.1', true)] }).url).toBe('http://127.0.0.1:4000/');
  });
});

describe('the join address report (operator panel, start-up log)', () => {
  it('warns that a loopback PUBLIC_URL cannot be opened by phones and suggests the LAN address', () => {
    const r = joinAddressReport(config({}), venueLaptop);
    expect(r.warnings.map((w) => w.code)).toEqual(['public_url_loopback']);
    expect(r.warnings[0]!.message).toContain('PUBLIC_URL=http://192.168.1.20:4000');
    expect(r.lan_urls).toEqual(['http://192.168.1.20:4000', 'http://203.0.113.7:4000']);
  });

  it('tells a hub listening on loopback only to set HOST as well', () => {
    const r = joinAddressReport(config({ HOST: '127.0.0.1' }), venueLaptop);
    expect(r.lan_urls).toEqual([]);
    expect(r.warnings[0]!.message).toContain('set HOST=0.0.0.0 and PUBLIC_URL=http://192.168.1.20:4000');
  });

  it('warns that own-account logins cannot work over http on a LAN address with real Spotify', () => {
    const r = joinAddressReport(config({ ...realSpotify, PUBLIC_URL: 'http://192.168.1.20:4000' }), venueLaptop);
    expect(r.warnings.map((w) => w.code)).toEqual(['own_login_needs_https']);
    expect(r.guests_note).toMatch(/Guests .* plain http/);
  });

  it('has no warning for https', () => {
    expect(
      joinAddressReport(
        config({ ...realSpotify, PUBLIC_URL: 'https://show.example.org', TRUST_PROXY: 'true' }),
        venueLaptop,
      ).warnings,
    ).toEqual([]);
  });
});
