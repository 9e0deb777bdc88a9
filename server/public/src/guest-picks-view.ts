/**
 * Venue mode, a guest's phone: search the catalog and keep an ordered list of up to
 * `picks_per_turn` picks (add, remove, move). Every change sends the whole list (PUT /api/picks),
 * so the server's order is the only truth and a refused change leaves the list as it was.
 */
import type { GuestPickWire, WireImage } from '../../../shared/events.js';
import { labelledButton } from './buttons.js';
import { currentLang, inTime, t, tn, type TextKey } from './i18n.js';
import { $, api, formatTime, show } from './lib.js';

interface PicksBody {
  picks: GuestPickWire[];
  max: number;
  started: number;
}
interface ApiError {
  error?: { code?: string; frees_at?: number };
}

/** Wait this long after the last keystroke: one search per word typed, not per letter. */
const DEBOUNCE_MS = 350;

export interface GuestPicksView {
  /** Load the picks (and the limit) from the hub. */
  load(): Promise<void>;
  /** Picks as the hub sent them elsewhere (`/api/me`, the `you` event), with how many started if known. */
  set(picks: GuestPickWire[], started?: number): void;
  picks(): readonly GuestPickWire[];
  render(): void;
}

function artOf(images: readonly WireImage[], size: number): string | null {
  if (images.length === 0) return null;
  return [...images].sort((a, b) => Math.abs((a.width ?? size) - size) - Math.abs((b.width ?? size) - size))[0]!.url;
}

/** A small cover; the image appears only once loaded, so a broken link never shows alt text. */
function thumb(images: readonly WireImage[]): HTMLElement {
  const box = document.createElement('span');
  box.className = 'thumb';
  box.setAttribute('aria-hidden', 'true');
  const url = artOf(images, 64);
  if (url) {
    const img = document.createElement('img');
    img.alt = '';
    img.width = 48;
    img.height = 48;
    img.hidden = true;
    img.addEventListener('load', () => (img.hidden = false));
    img.src = url;
    box.append(img);
  }
  return box;
}

function trackText(p: GuestPickWire): HTMLElement {
  const text = document.createElement('span');
  text.className = 'track-text';
  const title = document.createElement('span');
  title.className = 'track-title';
  title.dir = 'auto';
  title.textContent = p.name;
  const artists = new Intl.ListFormat(currentLang(), { style: 'long', type: 'conjunction' }).format(
    p.artists.map((a) => a.name),
  );
  const line = document.createElement('span');
  line.className = 'track-artists';
  line.dir = 'auto';
  line.textContent = t('guest.trackLine', { artists, length: formatTime(p.duration_ms) });
  text.append(title, line);
  return text;
}

const iconButton = (symbol: string, label: string, run: () => void, disabled = false) =>
  labelledButton('button icon', symbol, label, run, disabled);

export function guestPicksView(): GuestPicksView {
  let picks: GuestPickWire[] = [];
  let max = 3;
  let started = 0;
  let results: GuestPickWire[] = [];
  let searchState: 'idle' | 'searching' | 'done' | 'failed' | 'slow' = 'idle';
  let error: { key: TextKey; params?: Record<string, string | number> } | null = null;
  let freesAt: number | null = null;
  let timer: ReturnType<typeof setTimeout> | null = null;
  let inFlight: AbortController | null = null;
  const input = $<HTMLInputElement>('search');

  function showError(key: TextKey | null, params?: Record<string, string | number>): void {
    error = key ? { key, ...(params ? { params } : {}) } : null;
    renderError();
  }
  function renderError(): void {
    const el = $('picks-error');
    // The cooldown's "in 12 minutes" is recomputed at each render so it stays true.
    if (error?.key === 'guest.error.track_cooldown' && freesAt !== null)
      error.params = { when: inTime(Math.max(0, (freesAt - Date.now()) / 1000)) };
    el.textContent = error ? t(error.key, error.params) : '';
    show(el, error !== null);
  }

  async function save(next: GuestPickWire[]): Promise<void> {
    const res = await api<PicksBody & ApiError>('/api/picks', {
      method: 'PUT',
      body: JSON.stringify({ uris: next.map((p) => p.uri) }),
    });
    if (res.ok) {
      picks = res.body.picks;
      max = res.body.max;
      started = res.body.started;
      showError(null);
      render();
      return;
    }
    const code = res.body?.error?.code;
    if (code === 'track_cooldown' && typeof res.body.error?.frees_at === 'number') {
      freesAt = res.body.error.frees_at;
      showError('guest.error.track_cooldown');
    } else if (code === 'invalid_pick') showError('guest.error.invalid_pick', { max });
    else if (code === 'picks_locked') showError('guest.error.picks_locked');
    else if (code === 'rate_limited') showError('guest.error.slow_down');
    else showError('phone.failed');
  }

  const add = (p: GuestPickWire) => void save([...picks, p]);
  const remove = (i: number) => void save(picks.filter((_, j) => j !== i));
  function move(i: number, by: -1 | 1): void {
    const next = [...picks];
    const [p] = next.splice(i, 1);
    next.splice(i + by, 0, p!);
    void save(next);
  }

  async function search(q: string): Promise<void> {
    inFlight?.abort();
    if (q === '') {
      results = [];
      searchState = 'idle';
      return render();
    }
    const controller = new AbortController();
    inFlight = controller;
    searchState = 'searching';
    render();
    try {
      const res = await api<{ items: GuestPickWire[] } & ApiError>(`/api/catalog/search?q=${encodeURIComponent(q)}`, {
        signal: controller.signal,
      });
      // An older search that answers late must not replace a newer one.
      if (controller !== inFlight) return;
      results = res.ok ? res.body.items : [];
      searchState = res.ok ? 'done' : res.status === 429 ? 'slow' : 'failed';
    } catch {
      if (controller !== inFlight) return;
      searchState = 'failed';
    }
    render();
  }

  input.addEventListener('input', () => {
    if (timer) clearTimeout(timer);
    const q = input.value.trim().slice(0, 100);
    timer = setTimeout(() => void search(q), DEBOUNCE_MS);
  });
  input.closest('section')?.addEventListener('submit', (ev) => ev.preventDefault());

  function renderPicks(): void {
    $('picks-count').textContent = t('guest.picksCount', { count: picks.length, max });
    show($('picks-empty'), picks.length === 0);
    $('picks-list').replaceChildren(
      ...picks.map((p, i) => {
        const li = document.createElement('li');
        li.className = 'track-item';
        li.dataset.uri = p.uri;
        const locked = i < started;
        const actions = document.createElement('span');
        actions.className = 'track-actions';
        if (locked) {
          const badge = document.createElement('span');
          badge.className = 'badge';
          badge.textContent = t('guest.playing');
          actions.append(badge);
        } else {
          actions.append(
            iconButton('↑', t('guest.upName', { title: p.name }), () => move(i, -1), i <= started),
            iconButton('↓', t('guest.downName', { title: p.name }), () => move(i, 1), i === picks.length - 1),
            iconButton('✕', t('guest.removeName', { title: p.name }), () => remove(i)),
          );
        }
        li.append(thumb(p.album.images), trackText(p), actions);
        return li;
      }),
    );
  }

  function renderResults(): void {
    const full = picks.length >= max;
    const status = $('search-status');
    status.textContent =
      searchState === 'searching'
        ? t('guest.searching')
        : searchState === 'failed'
          ? t('guest.error.search_failed')
          : searchState === 'slow'
            ? t('guest.error.slow_down')
            : searchState === 'done' && results.length === 0
              ? t('guest.noResults')
              : full
                ? t('guest.picksFull')
                : searchState === 'done'
                  ? tn('guest.results', results.length)
                  : '';
    $('search-results').replaceChildren(
      ...results.map((r) => {
        const li = document.createElement('li');
        li.className = 'track-item';
        li.dataset.uri = r.uri;
        const chosen = picks.some((p) => p.uri === r.uri);
        const b = document.createElement('button');
        b.type = 'button';
        b.className = 'button add';
        b.textContent = t(chosen ? 'guest.added' : 'guest.add');
        b.setAttribute('aria-label', t('guest.addName', { title: r.name }));
        b.disabled = chosen || full;
        b.addEventListener('click', () => add(r));
        li.append(thumb(r.album.images), trackText(r), b);
        return li;
      }),
    );
  }

  function render(): void {
    renderPicks();
    renderResults();
    renderError();
  }

  return {
    async load() {
      const res = await api<PicksBody>('/api/picks');
      if (!res.ok) return;
      picks = res.body.picks;
      max = res.body.max;
      started = res.body.started;
      render();
    },
    set(next, startedNow) {
      picks = next;
      if (startedNow !== undefined) started = startedNow;
      render();
    },
    picks: () => picks,
    render,
  };
}
