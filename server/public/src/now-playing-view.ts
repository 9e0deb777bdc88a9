/** Renders a `now_playing` payload into the common card markup, with a smoothly moving bar. */
import type { NowPlaying } from '../../../shared/events.js';
import { $, artUrl, artistsOf, everyFrame, formatTime, progressAt, show, type HubClock } from './lib.js';

export interface NowPlayingView {
  update(p: NowPlaying): void;
  current(): NowPlaying | null;
}

const STATE_TEXT: Record<NowPlaying['state'], string> = {
  playing: '',
  paused: 'Paused',
  idle: 'Nothing playing right now',
  no_active_user: 'Nobody is driving yet',
};

export function nowPlayingView(clock: HubClock, artSize: number): NowPlayingView {
  const art = $<HTMLImageElement>('art');
  const fill = $('progress-fill');
  const bar = $('progress');
  const elapsed = $('elapsed');
  const duration = $('duration');
  let latest: NowPlaying | null = null;

  everyFrame(() => {
    if (!latest?.item) {
      fill.style.transform = 'scaleX(0)';
      return;
    }
    const at = progressAt(latest, clock.now());
    const ratio = latest.item.duration_ms > 0 ? at / latest.item.duration_ms : 0;
    fill.style.transform = `scaleX(${ratio.toFixed(4)})`;
    const text = formatTime(at);
    if (elapsed.textContent !== text) {
      elapsed.textContent = text;
      bar.setAttribute('aria-valuenow', String(Math.round(ratio * 100)));
    }
  });

  return {
    current: () => latest,
    update(p) {
      // Events may cross on reconnect: never go back to an older one.
      if (latest && p.seq < latest.seq) return;
      latest = p;
      const item = p.item;
      $('track').textContent = item ? item.name : STATE_TEXT[p.state];
      $('artists').textContent = item ? `${artistsOf(p)}${p.state === 'paused' ? ' · paused' : ''}` : '';
      $('driver').textContent = p.user ? `Driving: ${p.user.display_name}` : '';
      duration.textContent = item ? formatTime(item.duration_ms) : '0:00';
      const url = artUrl(p, artSize);
      if (url && art.src !== url) {
        art.src = url;
        art.alt = item ? `Cover of ${item.album.name}` : '';
      }
      show(art, url !== null);
      document.body.dataset.state = p.state;
    },
  };
}
