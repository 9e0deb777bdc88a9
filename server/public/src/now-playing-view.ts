/**
 * Renders a `now_playing` payload into the markup the three pages share (`#art`, `#track`,
 * `#artists`, `#progress`, `#elapsed`, `#duration`), with a bar that glides every frame from the
 * hub's clock. Album art shows only once it has loaded; until then, or without art, a designed
 * placeholder stands in (never the browser's broken-image alt text).
 */
import { extrapolate, isStale, type HubClock, type NowPlaying } from '../../../shared/hub-state/index.js';
import { currentLang, onLanguage, t } from './i18n.js';
import { $, artUrl, artistsOf, everyFrame, formatTime } from './lib.js';

export interface NowPlayingView {
  update(p: NowPlaying): void;
  current(): NowPlaying | null;
}

export function nowPlayingView(clock: HubClock, artSize: number, root: HTMLElement = document.body): NowPlayingView {
  const art = $<HTMLImageElement>('art');
  const fill = $('progress-fill');
  const bar = $('progress');
  const elapsed = $('elapsed');
  const duration = $('duration');
  let latest: NowPlaying | null = null;

  art.hidden = true;
  art.addEventListener('load', () => {
    art.hidden = false;
    root.dataset.art = 'loaded';
  });
  art.addEventListener('error', () => {
    art.hidden = true;
    art.removeAttribute('src');
    root.dataset.art = 'none';
  });

  everyFrame(() => {
    if (!latest?.item) {
      fill.style.transform = 'scaleX(0)';
      return;
    }
    const at = extrapolate(latest, clock.hubNow());
    const ratio = latest.item.duration_ms > 0 ? at / latest.item.duration_ms : 0;
    fill.style.transform = `scaleX(${ratio.toFixed(4)})`;
    const text = formatTime(at);
    if (elapsed.textContent !== text) {
      elapsed.textContent = text;
      bar.setAttribute('aria-valuenow', String(Math.round(ratio * 100)));
    }
  });

  function renderText(p: NowPlaying): void {
    const item = p.item;
    const hasName = item && typeof item.name === 'string' && item.name.trim() !== '';
    $('track').textContent = hasName ? item.name : p.state === 'no_active_user' ? t('np.nobody') : t('np.idle');
    $('artists').textContent = item ? artistsOf(p, currentLang()) : p.state === 'idle' ? t('np.idleHint') : '';
    duration.textContent = item ? formatTime(item.duration_ms) : '';
    if (!item) elapsed.textContent = '';
    art.alt = item?.album.name ? t('np.cover', { album: item.album.name }) : '';
  }

  onLanguage(() => {
    if (latest) renderText(latest);
  });

  return {
    current: () => latest,
    update(p) {
      // Events may cross on reconnect: never go back to an older one.
      if (isStale(latest, p)) return;
      latest = p;
      renderText(p);
      const url = artUrl(p, artSize);
      if (url === null) {
        art.hidden = true;
        art.removeAttribute('src');
        root.dataset.art = 'none';
      } else if (art.getAttribute('src') !== url) {
        // Hidden until it has loaded: a slow or broken image never shows its alt text.
        art.hidden = true;
        root.dataset.art = 'loading';
        art.src = url;
      }
      root.dataset.state = p.state;
      root.dataset.item = p.item ? 'yes' : 'no';
    },
  };
}
