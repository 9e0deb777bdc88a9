/**
 * The operator dashboard for a dark booth: now playing, the active turn, the line and health on
 * one laptop screen; skip and remove wait a few seconds with Undo; long names are cut with an
 * ellipsis and shown whole on hover.
 */
import type { Health, QueueFull } from '../../../shared/events.js';
import { drivingLine, shownName } from './driver.js';
import { inTime, languageSwitch, onLanguage, startI18n, t, tn, type TextKey } from './i18n.js';
import { $, api, connect, connectionBanner, formatTime, keepInStep, pageClock, show, type HubSocket } from './lib.js';
import { nowPlayingView, type NowPlayingView } from './now-playing-view.js';
import { PendingActions } from './pending-actions.js';
import { renderPendingList } from './pending-view.js';
import { renderJoinAddress } from './join-address-view.js';
import { labelledButton } from './buttons.js';
import { cell, nameCell } from './table-cells.js';
import { renderHealth } from './operator-health-view.js';
import { venuePanel } from './venue-panel.js';
import { LinePicks, isGuestId } from './line-picks.js';

startI18n('op.docTitle');
languageSwitch($('lang'));
const clock = pageClock();
let socket: HubSocket | null = null;
let np: NowPlayingView | null = null;
let queue: QueueFull | null = null;
let health: Health | null = null;
let errorKey: TextKey | null = null;
let errorText: string | null = null;

const pending = new PendingActions(() => {
  renderPending();
  renderQueue();
});

function error(key: TextKey | null, serverText: string | null = null): void {
  errorKey = key;
  errorText = serverText;
  const el = $('action-error');
  el.textContent = serverText ?? (key ? t(key) : '');
  show(el, key !== null || serverText !== null);
}

async function command(path: string, body: unknown = {}, method = 'POST'): Promise<void> {
  const res = await api<{ error?: { message: string } }>(`/api/operator/${path}`, {
    method,
    body: JSON.stringify(body),
  });
  if (res.status === 401) return signedOut();
  if (res.ok) error(null);
  else error('op.failed', res.body?.error?.message ?? null);
}

const nameOf = (name: string) => shownName(name) ?? t('np.anonymous');

const actionButton = (label: string, title: string, run: () => void, disabled = false) =>
  labelledButton('button small', label, title, run, disabled);

function askRemove(userId: string, name: string): void {
  pending.schedule({
    key: `remove:${userId}`,
    describe: () => t('op.pendingRemove', { name }),
    run: () => command('remove', { userId }),
  });
}

/** A ban also closes the line to the guest's name for the rest of the show: it waits with Undo too. */
function askBan(userId: string, name: string): void {
  pending.schedule({
    key: `ban:${userId}`,
    describe: () => t('op.pendingBan', { name }),
    run: () => command('ban', { userId }),
  });
}

function askSkip(): void {
  const active = queue?.active;
  if (!active) return;
  const name = nameOf(active.display_name);
  pending.schedule({ key: 'skip', describe: () => t('op.pendingSkip', { name }), run: () => command('skip') });
}

function renderPending(): void {
  renderPendingList($('pending'), pending);
  $<HTMLButtonElement>('skip').disabled = !queue?.active || pending.has('skip');
}

function renderQueue(): void {
  if (!queue) return;
  const q = queue;
  $('line-length').textContent = String(q.length);
  const activeName = q.active ? nameOf(q.active.display_name) : t('op.nobody');
  $('active-name').textContent = activeName;
  $('active-name').title = activeName;
  show($('paused-badge'), q.paused);
  show($('pause'), !q.paused);
  show($('resume'), q.paused);
  const turn = $<HTMLInputElement>('turn-seconds');
  const idle = $<HTMLInputElement>('idle-seconds');
  if (document.activeElement !== turn) turn.value = String(q.turn_seconds);
  if (document.activeElement !== idle) idle.value = String(q.idle_seconds);

  $('line-body').replaceChildren(
    ...q.waiting
      .map((w, i) => {
        const name = nameOf(w.display_name);
        const tr = document.createElement('tr');
        tr.dataset.userId = w.user_id;
        if (pending.has(`remove:${w.user_id}`) || pending.has(`ban:${w.user_id}`)) tr.className = 'pending-row';
        tr.append(
          cell(String(i + 1), 'num'),
          nameCell(name),
          cell('', 'num waited'),
          cell(w.eta_seconds === null ? '' : inTime(w.eta_seconds), 'eta'),
        );
        const actions = document.createElement('td');
        actions.className = 'actions';
        const buttons = document.createElement('div');
        actions.append(buttons);
        buttons.append(
          actionButton(
            '↑',
            t('op.moveUp', { name }),
            () => void command('move', { userId: w.user_id, position: i }),
            i === 0,
          ),
          actionButton(
            '↓',
            t('op.moveDown', { name }),
            () => void command('move', { userId: w.user_id, position: i + 2 }),
            i === q.waiting.length - 1,
          ),
          actionButton(
            t('op.remove'),
            t('op.removeName', { name }),
            () => askRemove(w.user_id, name),
            pending.has(`remove:${w.user_id}`),
          ),
          actionButton(
            t('op.ban'),
            t('op.banName', { name }),
            () => askBan(w.user_id, name),
            pending.has(`ban:${w.user_id}`),
          ),
        );
        if (isGuestId(w.user_id)) {
          const toggle = actionButton(t('op.picks'), t('op.picksName', { name }), () => linePicks.toggle(w.user_id));
          toggle.setAttribute('aria-expanded', String(linePicks.isOpen(w.user_id)));
          buttons.prepend(toggle);
        }
        tr.append(actions);
        return linePicks.isOpen(w.user_id) ? [tr, linePicks.row(w.user_id, 5)] : [tr];
      })
      .flat(),
  );
  linePicks.keepOnly(q.waiting.map((w) => w.user_id));
  show($('line-empty'), q.waiting.length === 0);
  $('out-summary').textContent = tn('op.recentlyOut', q.out.length);
  $('out-list').replaceChildren(
    ...q.out.slice(0, 20).map((o) => {
      const li = document.createElement('li');
      li.className = 'one-line';
      li.dir = 'auto';
      li.textContent = t('op.outItem', {
        name: nameOf(o.display_name),
        reason: t(`op.reason.${o.reason ?? 'left'}`),
      });
      li.title = li.textContent;
      return li;
    }),
  );
  renderPending();
  tick();
}

/** Waiting times and the turn countdown move every second between events. */
function tick(): void {
  renderPending();
  if (!queue) return;
  const now = clock.hubNow();
  // Rows are found by user id: an open guest's picks add rows of their own in between.
  const rows = new Map(
    [...$('line-body').querySelectorAll<HTMLTableRowElement>('tr[data-user-id]')].map((tr) => [tr.dataset.userId, tr]),
  );
  queue.waiting.forEach((w) => {
    const waited = rows.get(w.user_id)?.children[2];
    if (waited) waited.textContent = w.joined_at ? formatTime(now - w.joined_at) : '';
  });
  const a = queue.active;
  $('active-left').textContent = !a
    ? ''
    : a.turn_ends_at === null
      ? formatTime(a.remaining_ms)
      : formatTime(a.turn_ends_at - now);
}

const linePicks = new LinePicks({
  changed: () => renderQueue(),
  signedOut: () => signedOut(),
  failed: (text) => error('op.failed', text),
  button: actionButton,
});

const venue = venuePanel({
  signedOut: () => signedOut(),
  confirmDisconnect: (run) =>
    pending.schedule({ key: 'venue:disconnect', describe: () => t('venue.pendingDisconnect'), run }),
});

function signedOut(): void {
  venue.stop();
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
  venue.start();
  socket = connect('/operator');
  keepInStep(clock, socket);
  connectionBanner(socket, $('banner'));
  const view = (np ??= nowPlayingView(clock, 300, $('now')));
  socket.on('now_playing', (p) => {
    view.update(p);
    $('driver').textContent = drivingLine(p);
  });
  socket.on('queue_full', (q) => {
    queue = q;
    renderQueue();
  });
  socket.on('health', (h) => {
    health = h;
    renderHealth(health);
    renderJoinAddress(h.address);
  });
  socket.on('connect_error', (err) => {
    if (/token/.test(err.message)) signedOut();
  });
}

$('signin-form').addEventListener('submit', (ev) => {
  ev.preventDefault();
  void (async () => {
    const token = $<HTMLInputElement>('token').value;
    const res = await api<{ error?: { message: string } }>('/api/operator/login', {
      method: 'POST',
      body: JSON.stringify({ token }),
    });
    const err = $('signin-error');
    if (res.ok) {
      show(err, false);
      $<HTMLInputElement>('token').value = '';
      signedIn();
    } else {
      err.textContent = res.body?.error?.message ?? t('op.signinFailed');
      show(err, true);
    }
  })();
});
$('sign-out').addEventListener(
  'click',
  () => void api('/api/operator/logout', { method: 'POST', body: '{}' }).then(signedOut),
);
$('skip').addEventListener('click', askSkip);
$('pause').addEventListener('click', () => void command('pause'));
$('resume').addEventListener('click', () => void command('resume'));
$('settings').addEventListener('submit', (ev) => {
  ev.preventDefault();
  void command(
    'settings',
    {
      turnSeconds: Number($<HTMLInputElement>('turn-seconds').value),
      idleSeconds: Number($<HTMLInputElement>('idle-seconds').value),
    },
    'PUT',
  );
});
onLanguage(() => {
  renderQueue();
  venue.render();
  renderHealth(health);
  const p = np?.current();
  if (p) $('driver').textContent = drivingLine(p);
  if (errorKey && !errorText) $('action-error').textContent = t(errorKey);
});
setInterval(tick, 1000);

void api<{ operator: boolean }>('/api/operator/session').then((res) =>
  res.ok && res.body.operator ? signedIn() : signedOut(),
);
