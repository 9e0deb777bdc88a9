/**
 * The projector view. Live: art (or a placeholder), a fitted title, artists, a gliding progress
 * bar, who drives, time left in the turn, next up and a QR code to join. Attract (nobody drives):
 * the venue's name, a large QR code, one line on how to join, and recently played tracks.
 */
import type { NowPlaying, QueueSummary } from '../../../shared/events.js';
import { themeFor } from './palette-theme.js';
import { driverKind, driverName, shownName } from './driver.js';
import { fitText } from './fit-text.js';
import { agoTime, currentLang, onLanguage, startI18n, t, tn } from './i18n.js';
import { $, connect, connectionBanner, formatTime, itemsOrPlaceholder, keepInStep, pageClock, show } from './lib.js';
import { nowPlayingView } from './now-playing-view.js';
import { RecentTracks } from './recent-tracks.js';

/** Title sizes tried in turn (vh), largest first; the clamp's ellipsis handles what is left. */
const TITLE_SIZES = [8, 7, 6, 5.2, 4.5, 4];
const ARTIST_SIZES = [4, 3.4, 2.9];
const VENUE_SIZES = [11, 9.5, 8, 7, 6, 5];

interface NextEntry {
  display_name: string;
  /** Venue mode: a guest's first pick. */
  first_pick?: { name: string } | null;
}

startI18n('display.docTitle');
const stage = $('stage');
const clock = pageClock();
// Says what it is in the handshake, so the hub can count displays apart from phones.
const socket = connect('/', { client: 'display' });
keepInStep(clock, socket);
connectionBanner(socket, $('banner'));
const np = nowPlayingView(clock, 640, stage);
const recent = new RecentTracks();
const venueName = shownName(document.body.dataset.venueName);
let queue: QueueSummary | null = null;

// People type what they read: the address without "http://" and the trailing slash.
$('join-url').textContent = (document.body.dataset.joinUrl ?? location.origin)
  .replace(/^https?:\/\//, '')
  .replace(/\/$/, '');

function isAttract(p: NowPlaying | null): boolean {
  return !p || (p.user === null && p.item === null);
}

function turnEndsAt(p: NowPlaying): number | null {
  return p.turn_ends_at ?? queue?.active?.turn_ends_at ?? null;
}

function renderTurn(): void {
  const p = np.current();
  if (!p || isAttract(p)) return;
  const kind = driverKind(p);
  const ends = turnEndsAt(p);
  let label: string;
  let value: string;
  let clockState: 'running' | 'held' | 'house';
  if (kind === 'house' || kind === null) {
    [label, value, clockState] = [t('display.houseLabel'), t('display.houseValue'), 'house'];
  } else if (ends === null) {
    [label, value, clockState] = [t('display.turnHeldLabel'), t('display.turnHeld'), 'held'];
  } else {
    [label, value, clockState] = [t('display.turnLabel'), formatTime(ends - clock.hubNow()), 'running'];
  }
  $('turn-label').textContent = label;
  const left = $('turn-left');
  if (left.textContent !== value) left.textContent = value;
  stage.dataset.clock = clockState;
}

function renderNext(): void {
  const entries = ((queue?.next ?? []) as NextEntry[]).filter((e) => e && typeof e === 'object');
  const items = itemsOrPlaceholder(
    entries,
    (e) => {
      const li = document.createElement('li');
      li.dir = 'auto';
      const name = shownName(e.display_name) ?? t('np.anonymous');
      const pick = shownName(e.first_pick?.name);
      li.textContent = pick ? t('display.nextPick', { name, track: pick }) : name;
      return li;
    },
    () => {
      const li = document.createElement('li');
      li.className = 'empty';
      li.textContent = t('display.nextEmpty');
      return li;
    },
  );
  $('next-list').replaceChildren(...items);
  const more = (queue?.length ?? 0) - entries.length;
  const moreEl = $('next-more');
  moreEl.textContent = more > 0 ? tn('display.nextMore', more) : '';
  show(moreEl, more > 0);
}

function renderRecent(): void {
  const list = recent.list();
  const now = clock.hubNow();
  $('recent-list').replaceChildren(
    ...list.map((r) => {
      const li = document.createElement('li');
      const title = document.createElement('span');
      title.className = 'recent-title';
      title.dir = 'auto';
      title.textContent =
        r.artists.length > 0
          ? t('display.recentItem', {
              title: r.title,
              artists: new Intl.ListFormat(currentLang(), { type: 'conjunction' }).format(r.artists),
            })
          : r.title;
      const when = document.createElement('span');
      when.className = 'recent-when';
      when.textContent = agoTime((now - r.at) / 1000);
      li.append(title, when);
      return li;
    }),
  );
  show($('recent'), list.length > 0);
}

function render(): void {
  const p = np.current();
  const attract = isAttract(p);
  stage.dataset.mode = attract ? 'attract' : 'live';
  if (attract || !p) {
    $('venue').textContent = venueName ?? t('display.defaultVenue');
    renderRecent();
    fitText($('venue'), VENUE_SIZES);
    return;
  }
  const kind = driverKind(p);
  $('driver-label').textContent = kind === 'house' ? '' : t('display.drivingLabel');
  $('driver-name').textContent =
    kind === 'house'
      ? t('np.house')
      : kind === 'guest'
        ? t('display.guestName', { name: driverName(p) })
        : driverName(p);
  renderTurn();
  renderNext();
  fitText($('track'), TITLE_SIZES);
  fitText($('artists'), ARTIST_SIZES);
}

/** The cover's colours as the page's accent and background (CSSOM, allowed by the CSP). */
function applyTheme(p: NowPlaying | null): void {
  const theme = isAttract(p) ? null : themeFor(p?.item?.palette);
  const root = document.documentElement.style;
  for (const [name, value] of [
    ['--bg', theme?.bg],
    ['--panel', theme?.panel],
    ['--accent', theme?.accent],
    ['--text', theme?.text],
  ] as const) {
    if (value) root.setProperty(name, value);
    else root.removeProperty(name);
  }
}

socket.on('now_playing', (p) => {
  np.update(p);
  applyTheme(p);
  recent.note(p, clock.hubNow());
  render();
});
socket.on('queue', (q) => {
  queue = q;
  render();
});
onLanguage(render);
window.addEventListener('resize', render);
setInterval(renderTurn, 250);
setInterval(() => {
  if (isAttract(np.current())) renderRecent();
}, 30_000);
