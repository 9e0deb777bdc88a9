/**
 * Which addresses of this machine a phone on the same network could open. Pure functions over
 * `os.networkInterfaces()`, so tests can hand in any machine's interfaces.
 */
import { networkInterfaces, type NetworkInterfaceInfo } from 'node:os';

export type Interfaces = NodeJS.Dict<NetworkInterfaceInfo[]>;

// Container bridges, hypervisors and VPN tunnels: phones in the room cannot reach these.
const VIRTUAL_INTERFACE = /^(docker|br-|veth|virbr|vmnet|vboxnet|cni|flannel|tun|tap|utun|wg|tailscale|zt)/;

function isPrivateIPv4(address: string): boolean {
  const [a, b] = address.split('.').map(Number) as [number, number];
  return a === 10 || (a === 192 && b === 168) || (a === 172 && b >= 16 && b <= 31);
}

/**
 * The machine's IPv4 addresses reachable from the LAN: not loopback, not link-local, not a
 * container or VPN interface; private (RFC 1918) addresses first, since venue Wi-Fi uses them.
 */
export function lanIPv4Addresses(interfaces: Interfaces = networkInterfaces()): string[] {
  const found: string[] = [];
  for (const [name, infos] of Object.entries(interfaces)) {
    if (VIRTUAL_INTERFACE.test(name)) continue;
    for (const info of infos ?? []) {
      if (info.family !== 'IPv4' || info.internal || info.address.startsWith('169.254.')) continue;
      if (!found.includes(info.address)) found.push(info.address);
    }
  }
  return [...found.filter(isPrivateIPv4), ...found.filter((a) => !isPrivateIPv4(a))];
}

/** `localhost`, 127.0.0.0/8 or ::1 — a host only this machine can open. */
export function isLoopbackHost(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  return h === 'localhost' || h.endsWith('.localhost') || h === '::1' || /^127\.\d+\.\d+\.\d+$/.test(h);
}

/** A bind address that accepts connections from every interface. */
export function isWildcardHost(host: string): boolean {
  return host === '0.0.0.0' || host === '::' || host === '[::]';
}
