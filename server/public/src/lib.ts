/**
 * What the three pages share: the socket, the hub's clock, progress extrapolation and small DOM
 * helpers. Runs in the browser; bundled by esbuild at server start-up.
 */
import { io, type Socket } from 'socket.io-client';
import type { ClientToServerEvents, NowPlaying, ServerToClientEvents } from '../../../shared/events.js';
import { t } from './i18n.js';

export type HubSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

export const $ = <T extends HTMLElement = HTMLElement>(id: string): T => {
  const el = document.getElementById(id);
  if (!el) throw new Error(`#${id} missing`);
  return el as T;
};

export function show(el: HTMLElement, visible: boolean): void {
  el.hidden = !visible;
}

export const reducedMotion = () => window.matchMedia('(prefers-reduced-motion: reduce)').matches;

/**
 * The offset between this device's clock and the hub's, from ping/pong round trips (the
 * sample with the shortest round trip wins), so progress is right on a phone whose clock is off.
 */
export class HubClock {
  #offset = 0;
  #bestRtt = Infinity;

  now(): number {
    return Date.now() + this.#offset;
  }

  attach(socket: HubSocket): void {
    const ping = () => socket.emit('ping_time', { client_time: Date.now() });
    socket.on('pong_time', ({ client_time, server_time }) => {
      const now = Date.now();
      const rtt = now - client_time;
      if (rtt < 0 || rtt > 5000) return;
      if (rtt <= this.#bestRtt * 1.5) {
        this.#bestRtt = Math.min(this.#bestRtt, rtt);
        this.#offset = server_time - (client_time + rtt / 2);
      }
    });
    socket.on('connect', () => {
      this.#bestRtt = Infinity;
      for (let i = 0; i < 3; i++) setTimeout(ping, i * 300);
    });
    setInterval(ping, 30_000);
  }
}

/** Progress per PROTOCOL.md: `progress_ms + (now - server_time)` while playing, capped. */
export function progressAt(p: NowPlaying, hubNow: number): number {
  if (!p.item) return 0;
  const moving = p.is_playing ? Math.max(0, hubNow - p.server_time) : 0;
  return Math.min(p.item.duration_ms, p.progress_ms + moving);
}

export function formatTime(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = String(total % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`;
}

/** Artists as the language lists them ("A, B and C" / "A, B et C"). */
export function artistsOf(p: NowPlaying, lang: string): string {
  if (!p.item) return '';
  const names = p.item.artists.map((a) => a.name).filter((n) => typeof n === 'string' && n.trim() !== '');
  return new Intl.ListFormat(lang, { style: 'long', type: 'conjunction' }).format(names);
}

/** The image closest to `size` pixels wide. */
export function artUrl(p: NowPlaying, size: number): string | null {
  const images = p.item?.album.images ?? [];
  if (images.length === 0) return null;
  return [...images].sort((a, b) => Math.abs((a.width ?? size) - size) - Math.abs((b.width ?? size) - size))[0]!.url;
}

export function connect(namespace = '/', auth?: Record<string, string>): HubSocket {
  const socket: HubSocket = io(namespace, {
    transports: ['websocket', 'polling'],
    reconnectionDelay: 500,
    reconnectionDelayMax: 5000,
    ...(auth ? { auth } : {}),
  });
  // A hub that shuts down (restart, deploy) closes sockets itself, and socket.io-client does not
  // retry after that on its own: come back after a short, spread-out pause.
  socket.on('disconnect', (reason) => {
    if (reason === 'io server disconnect') setTimeout(() => socket.connect(), 1000 + Math.random() * 2000);
  });
  return socket;
}

/** Runs `draw` every animation frame, or once a second when the user prefers reduced motion. */
export function everyFrame(draw: () => void): void {
  if (reducedMotion()) {
    draw();
    setInterval(draw, 1000);
    return;
  }
  const loop = () => {
    draw();
    requestAnimationFrame(loop);
  };
  requestAnimationFrame(loop);
}

export async function api<T>(path: string, init: RequestInit = {}): Promise<{ ok: boolean; status: number; body: T }> {
  const res = await fetch(path, {
    credentials: 'same-origin',
    headers: { accept: 'application/json', ...(init.body ? { 'content-type': 'application/json' } : {}) },
    ...init,
  });
  let body: unknown = null;
  try {
    body = await res.json();
  } catch {
    body = null;
  }
  return { ok: res.ok, status: res.status, body: body as T };
}

/** A banner that says when the hub is unreachable and when it is back. */
export function connectionBanner(socket: HubSocket, el: HTMLElement): void {
  let lostAt: number | null = null;
  socket.on('disconnect', () => {
    lostAt = Date.now();
    el.textContent = t('banner.lost');
    el.className = 'banner banner-warn';
    show(el, true);
  });
  socket.on('connect_error', () => {
    if (lostAt === null) lostAt = Date.now();
    el.textContent = t('banner.unreachable');
    el.className = 'banner banner-warn';
    show(el, true);
  });
  socket.on('connect', () => {
    if (lostAt === null) return;
    lostAt = null;
    el.textContent = t('banner.back');
    el.className = 'banner banner-ok';
    setTimeout(() => show(el, false), 2500);
  });
}
