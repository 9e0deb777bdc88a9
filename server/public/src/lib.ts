/**
 * What the three pages share: the socket, the hub's clock kept in step (the estimator and progress
 * extrapolation are shared/hub-state's) and small DOM helpers. Runs in the browser; bundled by
 * esbuild at server start-up.
 */
import { io, type Socket } from 'socket.io-client';
import type { ClientToServerEvents, ServerToClientEvents } from '../../../shared/events.js';
import { HubClock, type NowPlaying } from '../../../shared/hub-state/index.js';
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

/**
 * The children of a list the page rebuilds (the display's "next up", the venue's devices): one
 * element per item, or the one placeholder saying there is none, so the list never shows blank.
 */
export function itemsOrPlaceholder<T, E extends HTMLElement>(
  items: readonly T[],
  item: (x: T) => E,
  none: () => E,
): E[] {
  return items.length > 0 ? items.map(item) : [none()];
}

export const reducedMotion = () => window.matchMedia('(prefers-reduced-motion: reduce)').matches;

/** This device's view of the hub's clock (its own clock plus the offset pings measure). */
export function pageClock(): HubClock {
  return new HubClock(() => Date.now());
}

/**
 * Keeps `clock` in step with the hub over `socket`: a few pings on each connect, then one every
 * 30 s, so progress is right on a phone whose clock is off.
 */
export function keepInStep(clock: HubClock, socket: HubSocket): void {
  const ping = () => socket.emit('ping_time', { client_time: clock.localNow() });
  socket.on('pong_time', ({ client_time, server_time }) => void clock.record(client_time, server_time));
  socket.on('connect', () => {
    clock.reset();
    for (let i = 0; i < 3; i++) setTimeout(ping, i * 300);
  });
  setInterval(ping, 30_000);
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
  let body: unknown;
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
