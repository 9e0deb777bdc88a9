/** The audience's phone page: connect, wait in line with a live ETA, drive, rejoin. */
import type { OutReason, YouStatus } from '../../../shared/events.js';
import { $, HubClock, api, connect, connectionBanner, formatDuration, formatTime, show } from './lib.js';
import { nowPlayingView } from './now-playing-view.js';

interface Me {
  logged_in: boolean;
  user: { id: string; display_name: string } | null;
  queue: YouStatus | null;
}

const LOGIN_ERRORS: Record<string, string> = {
  access_denied: 'No problem — you didn’t connect Spotify. You can try again whenever you like.',
  not_registered:
    'Spotify didn’t let this account in: the hub’s Spotify app is in Development Mode, which allows only 5 listed users. Ask the crew to add your Spotify e-mail, or just enjoy the show.',
  login_failed: 'Spotify login didn’t complete. Please try again.',
};

const OUT_TEXT: Record<OutReason, string> = {
  turn_over: 'Your turn is over — thanks for the music. Want another go?',
  idle: 'Your turn ended because nothing was playing for a while. Start a song and join again.',
  left: 'You left the line. Join again whenever you like.',
  removed: 'The crew took you out of the line. You can join again.',
  revoked: 'Your Spotify access ended (it was revoked or expired). Connect Spotify again to rejoin.',
  not_registered:
    'Spotify refused this account: the hub’s app is in Development Mode, which allows only 5 listed users. Ask the crew to add you.',
};

const clock = new HubClock();
const socket = connect('/');
clock.attach(socket);
connectionBanner(socket, $('banner'));
const np = nowPlayingView(clock, 300);

let me: Me | null = null;
let you: YouStatus | null = null;
let youAt = Date.now();
let turnEndsAt: number | null = null;

function notice(text: string | null): void {
  const el = $('notice');
  el.textContent = text ?? '';
  show(el, text !== null);
}

function render(): void {
  const loggedIn = me?.logged_in === true;
  const state = loggedIn ? you?.state ?? 'out' : null;
  show($('view-welcome'), !loggedIn);
  show($('view-waiting'), state === 'waiting');
  show($('view-live'), state === 'active');
  show($('view-out'), state === 'out');
  show($('account'), loggedIn);
  show($('leave'), state === 'waiting' || state === 'active');
  if (me?.user) $('who').textContent = me.user.display_name;
  if (you && state === 'waiting') {
    $('position').textContent = String(you.position ?? '–');
    $('length').textContent = String(you.length);
  }
  if (state === 'out') {
    const reason = you?.reason ?? 'left';
    $('out-title').textContent = reason === 'turn_over' || reason === 'idle' ? 'Thanks for driving!' : reason === 'left' ? 'You’re not in line' : 'You’re out of the line';
    $('out-text').textContent = OUT_TEXT[reason];
    const mustReconnect = reason === 'revoked' || reason === 'not_registered';
    show($('rejoin'), !mustReconnect);
    show($('reconnect'), mustReconnect);
  }
  document.body.dataset.you = state ?? 'anonymous';
}

/** Countdowns tick locally between events. */
function tick(): void {
  if (you?.state === 'waiting' && you.eta_seconds !== null) {
    const left = you.eta_seconds - (Date.now() - youAt) / 1000;
    $('eta').textContent = left > 5 ? formatDuration(left) : 'any moment now';
  }
  if (you?.state === 'active' && turnEndsAt !== null) {
    $('turn-left').textContent = formatTime(turnEndsAt - clock.now());
  } else if (you?.state === 'active') {
    $('turn-left').textContent = 'paused by the crew';
  }
  const current = np.current();
  show($('live-hint'), you?.state === 'active' && current !== null && current.state === 'idle');
}

function setYou(status: YouStatus | null): void {
  you = status;
  youAt = Date.now();
  render();
  tick();
}

async function loadMe(): Promise<void> {
  const res = await api<Me>('/api/me');
  if (!res.ok) {
    notice('The hub is busy right now. Retrying…');
    setTimeout(() => void loadMe(), 3000);
    return;
  }
  me = res.body;
  setYou(me.queue);
}

async function queueAction(path: '/api/queue/join' | '/api/queue/leave'): Promise<void> {
  const res = await api<Me & { error?: { code: string; message: string } }>(path, { method: 'POST', body: '{}' });
  if (res.ok) {
    me = res.body;
    notice(null);
    setYou(me.queue);
  } else if (res.status === 401) {
    notice(res.body.error?.message ?? 'Please connect Spotify again.');
    await loadMe();
  } else {
    notice(res.body?.error?.message ?? 'That didn’t work. Please try again.');
  }
}

$('rejoin').addEventListener('click', () => void queueAction('/api/queue/join'));
$('leave').addEventListener('click', () => void queueAction('/api/queue/leave'));

socket.on('now_playing', (p) => {
  np.update(p);
  tick();
});
socket.on('queue', (q) => {
  turnEndsAt = q.active?.turn_ends_at ?? null;
  tick();
});
socket.on('you', (status) => {
  if (me) me.queue = status;
  setYou(status);
});
// After a reconnect the server may have a newer session view (e.g. logged out elsewhere).
socket.on('connect', () => {
  if (me) void loadMe();
});

const params = new URLSearchParams(location.search);
const loginError = params.get('login_error');
if (loginError) {
  notice(LOGIN_ERRORS[loginError] ?? LOGIN_ERRORS.login_failed!);
  history.replaceState(null, '', '/');
}
setInterval(tick, 1000);
void loadMe();
