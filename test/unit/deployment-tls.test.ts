import { existsSync, readFileSync } from 'node:fs';
import { parse } from 'yaml';

interface Service {
  image?: string;
  profiles?: string[];
  ports?: string[];
  environment?: Record<string, string>;
  volumes?: string[];
}
const compose = parse(readFileSync('docker-compose.yml', 'utf8')) as {
  include?: string[];
  services: Record<string, Service>;
};
const tls = parse(readFileSync('deploy/compose.tls.yml', 'utf8')) as { services: Record<string, Service> };
const caddyfile = readFileSync('deploy/Caddyfile', 'utf8');

describe('the TLS profile of docker-compose.yml', () => {
  it('is included from docker-compose.yml', () => {
    expect(compose.include).toContain('deploy/compose.tls.yml');
  });

  it('runs Caddy only with --profile tls, on ports 80 and 443, with the Caddyfile next to it', () => {
    const caddy = tls.services.caddy!;
    expect(caddy.image).toMatch(/^caddy:2/);
    expect(caddy.profiles).toEqual(['tls']);
    expect(caddy.ports).toEqual(expect.arrayContaining(['80:80', '443:443']));
    expect(caddy.volumes).toContain('./Caddyfile:/etc/caddy/Caddyfile:ro');
    expect(existsSync('deploy/Caddyfile')).toBe(true);
  });

  it('proxies to the server service on the port it listens on in its container', () => {
    const serverPort = compose.services.server!.environment!.PORT;
    expect(tls.services.caddy!.environment!.HUB_UPSTREAM).toBe(`server:${serverPort}`);
    expect(caddyfile).toMatch(/reverse_proxy \{\$HUB_UPSTREAM[^}]*\}/);
    expect(caddyfile).toMatch(/^\{\$HUB_DOMAIN[^}]*\} \{$/m);
  });

  it('lets the server trust the proxy when told to (X-Forwarded-Proto makes cookies Secure)', () => {
    expect(compose.services.server!.environment!.TRUST_PROXY).toMatch(/^\$\{TRUST_PROXY/);
    expect(compose.services.server!.environment!.PUBLIC_URL).toMatch(/^\$\{PUBLIC_URL/);
  });

  it('publishes Redis for npm start on loopback only', () => {
    const ports = compose.services.redis!.ports ?? [];
    expect(ports).toHaveLength(1);
    expect(ports[0]).toMatch(/^127\.0\.0\.1:\$\{REDIS_PORT:-6379\}:6379$/);
  });
});
