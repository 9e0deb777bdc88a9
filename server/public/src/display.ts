/** The projector view: large art, title, progress, who drives, the line, and a QR code to join. */
import { $, HubClock, connect, connectionBanner, formatTime } from './lib.js';
import { nowPlayingView } from './now-playing-view.js';

const clock = new HubClock();
const socket = connect('/');
clock.attach(socket);
connectionBanner(socket, $('banner'));
const np = nowPlayingView(clock, 640);
let turnEndsAt: number | null = null;

$('join-url').textContent = document.body.dataset.joinUrl ?? location.origin;
socket.on('now_playing', (p) => {
  np.update(p);
  if (!p.user) $('driver').textContent = 'Nobody is driving yet — scan to join';
});
socket.on('queue', (q) => {
  $('line-length').textContent = String(q.length);
  turnEndsAt = q.active?.turn_ends_at ?? null;
});
setInterval(() => {
  $('turn-left').textContent = turnEndsAt === null ? '–' : formatTime(turnEndsAt - clock.now());
}, 500);
