/** The operator dashboard: the live line, the active turn, steering and health. */
import type { Health, QueueFull } from '../../../shared/events.js';
import { $, HubClock, api, connect, connectionBanner, formatDuration, formatTime, show, type HubSocket } from './lib.js';
import { nowPlayingView } from './now-playing-view.js';

const clock = new HubClock();
let socket: HubSocket | null = null;
let queue: QueueFull | null = null;

function error(text: string | null): void {
  const el = $('action-error');
  el.textContent = text ?? '';
  show(el, text !== null);
}

async function command(path: string, body: unknown = {}, method = 'POST'): Promise<void> {
  const res = await api<{ error?: { message: string } }>(`/api/operator/${path}`, { method, body: JSON.stringify(body) });
  if (res.status === 401) return signedOut();
  error(res.ok ? null : res.body?.error?.message ?? 'That did not work.');
}

function cell(text: string): HTMLTableCellElement {
  const td = document.createElement('td');
  td.textContent = text;
  return td;
}

function actionButton(label: string, title: string, run: () => void, disabled = false): HTMLButtonElement {
  const b = document.createElement('button');
  b.type = 'button';
  b.className = 'button small';
  b.textContent = label;
  b.title = title;
  b.setAttribute('aria-label', title);
  b.disabled = disabled;
  b.addEventListener('click', run);
  return b;
}

function renderQueue(): void {
  if (!queue) return;
  const q = queue;
  $('line-length').textContent = String(q.length);
  $('active-name').textContent = q.active ? q.active.display_name : 'Nobody';
  show($('paused-badge'), q.paused);
  show($('pause'), !q.paused);
  show($('resume'), q.paused);
  const turn = $<HTMLInputElement>('turn-seconds');
  const idle = $<HTMLInputElement>('idle-seconds');
  if (document.activeElement !== turn) turn.value = String(q.turn_seconds);
  if (document.activeElement !== idle) idle.value = String(q.idle_seconds);

  const body = $('line-body');
  body.replaceChildren(
    ...q.waiting.map((w, i) => {
      const tr = document.createElement('tr');
      tr.dataset.userId = w.user_id;
      tr.append(cell(String(i + 1)), cell(w.display_name), cell(''), cell(w.eta_seconds === null ? '–' : formatDuration(w.eta_seconds)));
      const actions = document.createElement('td');
      actions.className = 'actions';
      actions.append(
        actionButton('↑', `Move ${w.display_name} up`, () => void command('move', { userId: w.user_id, position: i }), i === 0),
        actionButton('↓', `Move ${w.display_name} down`, () => void command('move', { userId: w.user_id, position: i + 2 }), i === q.waiting.length - 1),
        actionButton('Remove', `Remove ${w.display_name}`, () => void command('remove', { userId: w.user_id })),
      );
      tr.append(actions);
      return tr;
    }),
  );
  show($('line-empty'), q.waiting.length === 0);
  $('out-count').textContent = String(q.out.length);
  $('out-list').replaceChildren(
    ...q.out.slice(0, 20).map((o) => {
      const li = document.createElement('li');
      li.textContent = `${o.display_name} — ${o.reason ?? 'out'}`;
      return li;
    }),
  );
  tick();
}

/** Waiting times and the turn countdown move every second between events. */
function tick(): void {
  if (!queue) return;
  const now = clock.now();
  const rows = $('line-body').children;
  queue.waiting.forEach((w, i) => {
    const waited = rows[i]?.children[2];
    if (waited) waited.textContent = w.joined_at ? formatTime(now - w.joined_at) : '–';
  });
  const a = queue.active;
  $('active-left').textContent = !a ? '–' : a.turn_ends_at === null ? formatTime(a.remaining_ms) : formatTime(a.turn_ends_at - now);
}

function renderHealth(h: Health): void {
  $('h-redis').textContent = h.redis ? 'reachable' : 'UNREACHABLE';
  $('h-redis').className = h.redis ? 'ok' : 'bad';
  $('h-poll').textContent = h.last_poll_age_ms === null ? 'never' : `${(h.last_poll_age_ms / 1000).toFixed(1)} s ago`;
  $('h-poll').className = h.last_poll_age_ms !== null && h.last_poll_age_ms < 10_000 ? 'ok' : 'bad';
  const until = h.spotify_retry_after ? new Date(h.spotify_retry_after).toLocaleTimeString() : '';
  // The app's quota used up is an outage until Spotify lifts it; a short rate limit passes by itself.
  $('h-429').textContent = !h.spotify_retry_after ? 'none' : h.spotify_limit === 'quota_exceeded' ? `QUOTA EXHAUSTED until ${until}` : `rate limited until ${until}`;
  $('h-429').className = !h.spotify_retry_after ? 'ok' : h.spotify_limit === 'quota_exceeded' ? 'bad' : 'warn';
  $('h-refresh').textContent = String(h.refresh_failures);
  $('h-clients').textContent = `${h.clients['/']} / ${h.clients['/operator']} / ${h.clients['/bridge']}`;
  $('h-bridge').textContent = h.bridge_connected ? 'connected' : 'not connected';
  $('h-bridge').className = h.bridge_connected ? 'ok' : 'warn';
}

function signedOut(): void {
  socket?.close();
  socket = null;
  show($('dashboard'), false);
  show($('sign-out'), false);
  show($('signin'), true);
  $('token').focus();
}

function signedIn(): void {
  show($('signin'), false);
  show($('dashboard'), true);
  show($('sign-out'), true);
  socket = connect('/operator');
  clock.attach(socket);
  connectionBanner(socket, $('banner'));
  const np = nowPlayingView(clock, 300);
  socket.on('now_playing', (p) => np.update(p));
  socket.on('queue_full', (q) => {
    queue = q;
    renderQueue();
  });
  socket.on('health', renderHealth);
  socket.on('connect_error', (err) => {
    if (/token/.test(err.message)) signedOut();
  });
}

$('signin-form').addEventListener('submit', (ev) => {
  ev.preventDefault();
  void (async () => {
    const token = $<HTMLInputElement>('token').value;
    const res = await api<{ error?: { message: string } }>('/api/operator/login', { method: 'POST', body: JSON.stringify({ token }) });
    const err = $('signin-error');
    if (res.ok) {
      show(err, false);
      $<HTMLInputElement>('token').value = '';
      signedIn();
    } else {
      err.textContent = res.body?.error?.message ?? 'Sign-in failed.';
      show(err, true);
    }
  })();
});
$('sign-out').addEventListener('click', () => void api('/api/operator/logout', { method: 'POST', body: '{}' }).then(signedOut));
$('skip').addEventListener('click', () => void command('skip'));
$('pause').addEventListener('click', () => void command('pause'));
$('resume').addEventListener('click', () => void command('resume'));
$('settings').addEventListener('submit', (ev) => {
  ev.preventDefault();
  void command('settings', { turnSeconds: Number($<HTMLInputElement>('turn-seconds').value), idleSeconds: Number($<HTMLInputElement>('idle-seconds').value) }, 'PUT');
});
setInterval(tick, 1000);

void api<{ operator: boolean }>('/api/operator/session').then((res) => (res.ok && res.body.operator ? signedIn() : signedOut()));
