import {
  EVENT_NAMESPACES,
  NAMESPACES,
  connectSnapshot,
  emptyNowPlaying,
  snapshotEvents,
  type HubStatePayloads,
} from '../../shared/hub-state/index.js';

const state: HubStatePayloads = {
  now_playing: emptyNowPlaying(1000, 3),
  queue: { length: 0, active: null, next: [] },
  you: { state: 'waiting', position: 1, length: 1, eta_seconds: 60, reason: null },
  queue_full: { paused: false, turn_seconds: 180, idle_seconds: 45, active: null, waiting: [], out: [], length: 0 },
  health: {
    redis: true,
    last_poll_at: null,
    last_poll_age_ms: null,
    spotify_retry_after: null,
    spotify_limit: null,
    refresh_failures: 0,
    clients: { '/': 1, '/operator': 1, '/bridge': 0, displays: 0 },
    bridge_connected: false,
    server_time: 1000,
  },
};
const events = (ns: (typeof NAMESPACES)[number], s: Partial<HubStatePayloads> = state) =>
  connectSnapshot(ns, s).map((m) => m.event);

describe('the snapshot sent on connect', () => {
  it('gives each namespace what docs/protocol.md lists for it, now_playing first', () => {
    expect(events('/')).toEqual(['now_playing', 'queue', 'you']);
    expect(events('/operator')).toEqual(['now_playing', 'queue', 'queue_full', 'health']);
    expect(events('/bridge')).toEqual(['now_playing', 'queue']);
  });

  it('sends each payload as given', () => {
    const sent = connectSnapshot('/operator', state);
    for (const m of sent) expect(m.data).toBe(state[m.event]);
  });

  it('leaves out what is absent: no `you` for a phone nobody logged in on', () => {
    const { you: _you, ...anonymous } = state;
    expect(events('/', anonymous)).toEqual(['now_playing', 'queue']);
  });

  it('follows the table of who gets what: now_playing and queue everywhere, `you` on `/`, the rest to operators', () => {
    expect(EVENT_NAMESPACES).toEqual({
      now_playing: NAMESPACES,
      queue: NAMESPACES,
      you: ['/'],
      queue_full: ['/operator'],
      health: ['/operator'],
    });
    expect(NAMESPACES.map((ns) => snapshotEvents(ns).slice(0, 2))).toEqual(
      NAMESPACES.map(() => ['now_playing', 'queue']),
    );
  });
});
