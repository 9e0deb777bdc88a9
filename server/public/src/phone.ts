/**
 * The audience's phone page. States: first visit, waiting with a live ETA, next (with a short
 * vibration where the browser allows it), live, on hold (the crew paused the turn clock), out
 * (turn over, idle, left, removed, Spotify access ended), login problems, logged out, and a
 * banner while the hub is unreachable.
 */
import type { GuestPickWire, NowPlaying, YouStatus } from '../../../shared/events.js';
import { drivingLine, shownName } from './driver.js';
import { inTime, languageSwitch, onLanguage, startI18n, t, tn, type TextKey } from './i18n.js';
import { $, api, connect, connectionBanner, formatTime, keepInStep, pageClock, show } from './lib.js';
import { nowPlayingView } from './now-playing-view.js';
import { guestJoinView } from './guest-join-view.js';
import { guestPicksView } from './guest-picks-view.js';

interface Me {
  logged_in: boolean;
  user: { id: string; display_name: string } | null;
  queue: YouStatus | null;
  /** Venue mode: a guest joined with a name and has picks instead of a Spotify login. */
  kind?: 'spotify' | 'guest';
  picks?: GuestPickWire[];
}

/** What the page shows; also written to `body[data-you]` for styling and tests. */
type View = 'loading' | 'welcome' | 'waiting' | 'next' | 'live' | 'held' | 'out';

const LOGIN_ERRORS = ['access_denied', 'not_registered', 'login_failed'] as const;

startI18n('phone.docTitle');
languageSwitch($('lang'));
const clock = pageClock();
const socket = connect('/');
keepInStep(clock, socket);
connectionBanner(socket, $('banner'));
const np = nowPlayingView(clock, 300, $('now'));
const venueName = shownName(document.body.dataset.venueName);
if (venueName) $('brand-name').textContent = venueName;

let me: Me | null = null;
let you: YouStatus | null = null;
let youAt = Date.now();
/** From the `queue` event: undefined until it arrives, null while the crew holds the clock. */
let turnEndsAt: number | null | undefined;
let noticeKey: TextKey | null = null;
let lastView: View | null = null;
const guestJoin = guestJoinView((body) => {
  me = body as Me;
  notice(null);
  void guestPicks.load();
  setYou(me.queue);
  // Joining regenerates the session id: the socket opened before speaks for the old session and
  // would never hear this guest's `you` events until it reconnects with the new cookie.
  socket.disconnect().connect();
});
const guestPicks = guestPicksView();
const isGuest = () => me?.logged_in === true && me.kind === 'guest';

function notice(key: TextKey | null): void {
  noticeKey = key;
  const el = $('notice');
  el.textContent = key ? t(key) : '';
  show(el, key !== null);
}

function currentView(): View {
  if (me === null) return 'loading';
  if (!me.logged_in) return 'welcome';
  const state = you?.state ?? 'out';
  if (state === 'waiting') return you?.position === 1 ? 'next' : 'waiting';
  if (state === 'active') return turnEndsAt === null ? 'held' : 'live';
  return 'out';
}

function outTitle(reason: NonNullable<YouStatus['reason']>): TextKey {
  if (reason === 'turn_over' || reason === 'idle') return 'phone.thanksTitle';
  if (reason === 'left') return 'phone.notInLineTitle';
  if (reason === 'removed') return 'phone.removedTitle';
  return 'phone.spotifyTitle';
}

function render(): void {
  const view = currentView();
  show($('view-welcome'), view === 'welcome');
  show($('view-waiting'), view === 'waiting' || view === 'next');
  show($('view-live'), view === 'live' || view === 'held');
  show($('view-out'), view === 'out');
  show($('account'), me?.logged_in === true);
  show($('leave'), view !== 'welcome' && view !== 'out' && view !== 'loading');
  show($('guest-picks'), isGuest());
  if (me?.user) $('who').textContent = t('phone.signedInAs', { name: shownName(me.user.display_name) ?? me.user.id });

  if ((view === 'waiting' || view === 'next') && you) {
    $('waiting-title').textContent = t(view === 'next' ? 'phone.nextTitle' : 'phone.waitingTitle');
    const guest = isGuest();
    $('waiting-fine').textContent = t(
      view === 'next'
        ? guest
          ? 'guest.nextLead'
          : 'phone.nextLead'
        : guest
          ? 'guest.waitingFine'
          : 'phone.waitingFine',
    );
    $('position').textContent = String(you.position ?? '');
    $('place-of').textContent = tn('phone.of', you.length);
  }
  if (view === 'live' || view === 'held') {
    $('live-title-text').textContent = t(view === 'held' ? 'phone.heldTitle' : 'phone.liveTitle');
    show($('turn-left-row'), view === 'live');
    show($('held-lead'), view === 'held');
  }
  if (view === 'out') {
    const reason = you?.reason ?? 'left';
    $('out-title').textContent = t(outTitle(reason));
    $('out-text').textContent = t(`phone.out.${reason}`);
    const mustReconnect = !isGuest() && (reason === 'revoked' || reason === 'not_registered');
    show($('rejoin'), !mustReconnect);
    show($('reconnect'), mustReconnect);
  }
  if (view === 'next' && lastView !== 'next' && lastView !== null) {
    // A nudge in the pocket: the browser ignores it where vibration is not allowed.
    navigator.vibrate?.([120, 80, 120]);
  }
  lastView = view;
  document.body.dataset.you = view;
  if (noticeKey) $('notice').textContent = t(noticeKey);
  tick();
}

/** Countdowns tick locally between events. */
function tick(): void {
  if (you?.state === 'waiting' && you.eta_seconds !== null) {
    const left = you.eta_seconds - (Date.now() - youAt) / 1000;
    $('eta').textContent = left > 5 ? inTime(left) : t('phone.etaSoon');
  } else if (you?.state === 'waiting') {
    $('eta').textContent = t('phone.etaSoon');
  }
  if (you?.state === 'active') {
    $('turn-left').textContent = typeof turnEndsAt === 'number' ? formatTime(turnEndsAt - clock.hubNow()) : '';
  }
  const current = np.current();
  // The hint asks to press play in Spotify: a guest has no Spotify to press, the venue plays.
  show($('live-hint'), !isGuest() && you?.state === 'active' && current !== null && current.state === 'idle');
  // A guest's turn: say which of their picks the venue is playing.
  const playing =
    isGuest() && you?.state === 'active' && current?.item
      ? guestPicks.picks().find((p) => p.uri === current.item?.uri)
      : undefined;
  const livePick = $('live-pick');
  livePick.textContent = playing ? t('guest.livePick', { title: playing.name }) : '';
  show(livePick, playing !== undefined);
}

function renderNowPlaying(p: NowPlaying): void {
  $('driver').textContent = drivingLine(p);
}

function setYou(status: YouStatus | null): void {
  you = status;
  youAt = Date.now();
  render();
}

async function loadMe(): Promise<void> {
  const res = await api<Me>('/api/me');
  if (!res.ok) {
    notice('phone.busy');
    setTimeout(() => void loadMe(), 3000);
    return;
  }
  if (noticeKey === 'phone.busy') notice(null);
  me = res.body;
  if (!me.logged_in) void offerGuestWay();
  if (isGuest()) guestPicks.set(me.picks ?? []);
  if (isGuest()) void guestPicks.load();
  setYou(me.queue);
}

async function queueAction(path: '/api/queue/join' | '/api/queue/leave'): Promise<void> {
  const res = await api<Me & { error?: { code?: string } }>(path, { method: 'POST', body: '{}' });
  if (res.ok) {
    me = res.body;
    notice(null);
    setYou(me.queue);
  } else {
    notice(res.body?.error?.code === 'banned' ? 'guest.error.banned' : 'phone.failed');
    if (res.status === 401) await loadMe();
  }
}

/**
 * Log out with a same-origin POST (the browser sends this page's Origin), then show the logged-out
 * page and reconnect the socket so it no longer speaks for the old session.
 */
async function logOut(): Promise<void> {
  let ok: boolean;
  try {
    const res = await fetch('/logout', { method: 'POST', credentials: 'same-origin' });
    ok = res.ok;
  } catch {
    ok = false;
  }
  if (!ok) return notice('phone.logoutFailed');
  me = { logged_in: false, user: null, queue: null };
  you = null;
  notice('phone.loggedOut');
  render();
  void offerGuestWay();
  socket.disconnect().connect();
}

$('rejoin').addEventListener('click', () => void queueAction('/api/queue/join'));
$('leave').addEventListener('click', () => void queueAction('/api/queue/leave'));
$('logout').addEventListener('click', () => void logOut());

socket.on('now_playing', (p) => {
  np.update(p);
  renderNowPlaying(p);
  tick();
});
socket.on('queue', (q) => {
  const before = turnEndsAt;
  turnEndsAt = q.active ? q.active.turn_ends_at : undefined;
  if ((before === null) !== (turnEndsAt === null)) render();
  else tick();
});
socket.on('you', (status) => {
  if (!me?.logged_in) return;
  me.queue = status;
  // A guest's `you` carries their picks and how many started (locked); without them, ask.
  if (isGuest()) {
    if (status.picks) guestPicks.set(status.picks, status.picks_started);
    else void guestPicks.load();
  }
  setYou(status);
});
// After a reconnect the server may have a newer session view (e.g. logged out elsewhere).
socket.on('connect', () => {
  if (me?.logged_in) void loadMe();
});

const params = new URLSearchParams(location.search);
const loginError = params.get('login_error');
if (loginError) {
  const known = LOGIN_ERRORS.find((e) => e === loginError) ?? 'login_failed';
  notice(`phone.loginError.${known}`);
  history.replaceState(null, '', '/');
}
let offeredAfterLoginError = false;
/**
 * Asked only once the page knows nobody is signed in: a request still running while a signed-in
 * person logs out could save their session again after the logout ended it.
 */
async function offerGuestWay(): Promise<void> {
  const open = await guestJoin.refresh();
  // Spotify refused the account (Development Mode's 5-user list): offer the guest way at once.
  if (open !== null && loginError === 'not_registered' && !offeredAfterLoginError) {
    offeredAfterLoginError = true;
    guestJoin.offerNow();
  }
}
onLanguage(() => {
  render();
  guestJoin.render();
  guestPicks.render();
  const p = np.current();
  if (p) renderNowPlaying(p);
});
setInterval(tick, 1000);
void loadMe();
