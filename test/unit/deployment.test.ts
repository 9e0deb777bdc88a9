import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { ENVIRONMENT_VARIABLES } from '../../shared/config.js';

interface Service {
  command?: string[];
  environment?: Record<string, string>;
  build?: string;
  image?: string;
  profiles?: string[];
}
const compose = parse(readFileSync('docker-compose.yml', 'utf8')) as { services: Record<string, Service> };
const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { scripts: Record<string, string> };

// Variables only a developer's machine uses (the simulator, demo crowd, bind address).
const LOCAL_ONLY = new Set([
  'NODE_ENV',
  'HOST',
  'SIMULATOR_PORT',
  'SIMULATOR_ACCESS_TOKEN_SECONDS',
  'SIMULATOR_ROTATE_REFRESH_TOKENS',
  'DEMO_CROWD',
]);
const BRIDGE_ONLY = new Set(['HUB_URL', 'OSC_TARGET', 'BRIDGE_WS_PORT', 'OSC_RATE_HZ']);
const SERVER_ONLY = new Set(['PORT', 'CORS_ORIGINS', 'TRUST_PROXY', 'METRICS_TOKEN', 'WS_ENGINE']);

describe('docker-compose.yml', () => {
  it('has redis, server, worker and bridge (more only under a profile)', () => {
    const always = Object.entries(compose.services).filter(([, s]) => !s.profiles);
    expect(always.map(([name]) => name).sort()).toEqual(['bridge', 'redis', 'server', 'worker']);
  });

  it('runs Redis with AOF on and noeviction', () => {
    const cmd = compose.services.redis!.command!.join(' ');
    expect(cmd).toMatch(/--appendonly yes/);
    expect(cmd).toMatch(/--maxmemory-policy noeviction/);
  });

  it('starts each role with its npm script', () => {
    expect(compose.services.server!.command).toEqual(['npm', 'run', 'start:server']);
    expect(compose.services.worker!.command).toEqual(['npm', 'run', 'start:worker']);
    expect(compose.services.bridge!.command).toEqual(['npm', 'run', 'start:bridge']);
    for (const script of ['start:server', 'start:worker', 'start:bridge']) expect(pkg.scripts[script]).toBeDefined();
  });

  it('passes every variable each role reads', () => {
    const server = Object.keys(compose.services.server!.environment ?? {});
    const worker = Object.keys(compose.services.worker!.environment ?? {});
    const bridge = Object.keys(compose.services.bridge!.environment ?? {});
    for (const name of ENVIRONMENT_VARIABLES) {
      if (LOCAL_ONLY.has(name)) continue;
      if (BRIDGE_ONLY.has(name)) {
        expect(bridge).toContain(name);
        continue;
      }
      expect(server).toContain(name);
      if (!SERVER_ONLY.has(name)) expect(worker).toContain(name);
    }
    expect(bridge).toContain('BRIDGE_TOKEN');
  });

  it('builds from the Dockerfile, which copies every source folder the roles run', () => {
    const dockerfile = readFileSync('Dockerfile', 'utf8');
    for (const dir of ['shared', 'simulator', 'server', 'workers', 'bin', 'scripts'])
      expect(dockerfile).toContain(`COPY ${dir} ./${dir}`);
    // Compiled in the image, and writable by the user the roles run as (their scripts compile again).
    expect(dockerfile).toMatch(/RUN npm run build && chown -R node:node dist\n(?:.*\n)*USER node/);
    for (const role of ['server', 'worker', 'bridge']) expect(compose.services[role]!.build).toBe('.');
  });
});
