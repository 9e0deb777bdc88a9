/** The `lb` profile of docker-compose.yml agrees with docs/haproxy.cfg and with the server service. */
import { existsSync, readFileSync } from 'node:fs';
import { parse } from 'yaml';

interface Service {
  image?: string;
  profiles?: string[];
  command?: string[];
  ports?: string[];
  environment?: Record<string, string>;
  volumes?: string[];
  depends_on?: unknown;
}
const compose = parse(readFileSync('docker-compose.yml', 'utf8')) as { services: Record<string, Service> };
const cfg = readFileSync('docs/haproxy.cfg', 'utf8');
const { server, haproxy } = compose.services;
const server2 = compose.services['server-2'];

describe('the lb profile of docker-compose.yml', () => {
  it('runs a second server process with exactly the first one’s command and settings', () => {
    expect(server2?.profiles).toEqual(['lb']);
    expect(server2?.command).toEqual(server!.command);
    expect(server2?.environment).toEqual(server!.environment);
  });

  it('runs HAProxy only with --profile lb, with docs/haproxy.cfg as its config', () => {
    expect(haproxy?.image).toMatch(/^haproxy:2/);
    expect(haproxy?.profiles).toEqual(['lb']);
    expect(haproxy?.volumes).toContain('./docs/haproxy.cfg:/usr/local/etc/haproxy/haproxy.cfg:ro');
    expect(existsSync('docs/haproxy.cfg')).toBe(true);
  });

  it('points HAProxy at both servers on the port they listen on, and publishes the port it binds', () => {
    const port = server!.environment!.PORT;
    expect(haproxy!.environment!.HUB_SERVER_1).toBe(`server:${port}`);
    expect(haproxy!.environment!.HUB_SERVER_2).toBe(`server-2:${port}`);
    const bindPort = haproxy!.environment!.HUB_LB_BIND!.split(':').at(-1);
    expect(haproxy!.ports).toEqual([`\${LB_PORT:-8080}:${bindPort}`]);
  });
});

describe('docs/haproxy.cfg', () => {
  it('takes its addresses from the environment the profile sets', () => {
    for (const name of ['HUB_LB_BIND', 'HUB_SERVER_1', 'HUB_SERVER_2']) {
      expect(cfg).toContain(`"\${${name}}"`);
      if (name !== 'HUB_LB_BIND') expect(Object.keys(haproxy!.environment!)).toContain(name);
    }
  });

  it('keeps long-polling sessions on one server with a cookie per server', () => {
    expect(cfg).toMatch(/^\s*cookie HUBSRV insert indirect nocache/m);
    const servers = [...cfg.matchAll(/^\s*server (\S+) \S+ .*cookie (\S+)/gm)];
    expect(servers.map((m) => m[2])).toEqual(['s1', 's2']);
  });

  it('keeps idle WebSockets open longer than Socket.IO’s ping interval', () => {
    expect(cfg).toMatch(/^\s*timeout tunnel 1h/m);
  });
});
