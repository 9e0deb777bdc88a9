import type { NowPlayingItem } from '../../shared/events.js';
import type { Playback } from '../../shared/spotify/schemas.js';
import { guestNameKey, normaliseGuestName } from '../../shared/venue/guest-name.js';
import {
  fallbackDecision,
  guestTurnOver,
  retryAfterProblem,
  RETRY_MAX_ATTEMPTS,
  RETRY_MAX_MS,
  startGuestTurn,
} from '../../shared/venue/guest-turn.js';
import { normaliseQuery } from '../../shared/venue/catalog-search.js';

const uri = (n: number) => `spotify:track:${String(n).padStart(22, 'A')}`;
const item = (n: number, duration = 200_000): NowPlayingItem => ({
  type: 'track',
  id: null,
  uri: uri(n),
  name: `T${n}`,
  artists: [],
  album: { id: null, name: '', images: [] },
  duration_ms: duration,
});
const playing = (n: number, progressMs = 1000, isPlaying = true): Playback => ({
  kind: 'item',
  item: item(n),
  isPlaying,
  progressMs,
  changedAt: null,
});
const NOW = 1_000_000;
const base = { started: 0, now: NOW, turnEndsAt: NOW + 60_000, noPicksSince: null, idleSeconds: 45 };

describe('guest names', () => {
  it('applies NFKC, trims and folds runs of white space', () => {
    expect(normaliseGuestName('  Ｊｏ　　Ｂｏ ')).toBe('Jo Bo');
    expect(normaliseGuestName('ﬁona')).toBe('fiona');
  });
  it('allows 1–32 characters counted as code points', () => {
    expect(normaliseGuestName('A')).toBe('A');
    expect(normaliseGuestName('😀'.repeat(32))).toBe('😀'.repeat(32));
    expect(normaliseGuestName('😀'.repeat(33))).toBeNull();
    expect(normaliseGuestName('')).toBeNull();
  });
  it.each(['\u0000x', 'a\u200Db', '\u2066x', 'x\uFEFF', '\u3164', '\u2800', 'a\u0085b', '\uE000x', 'a\u2028b'])(
    'refuses invisible or control characters (%j)',
    (name) => {
      expect(normaliseGuestName(name)).toBeNull();
    },
  );
  it('refuses non-strings', () => {
    expect(normaliseGuestName(null)).toBeNull();
    expect(normaliseGuestName(['a'])).toBeNull();
  });
  it('bans names case-insensitively', () => {
    expect(guestNameKey('DJ Bob')).toBe(guestNameKey('dj bob'));
  });
  it('normalises search queries', () => {
    expect(normaliseQuery('  ABBA   Ｇｏｌｄ ')).toBe('abba gold');
  });
});

describe('startGuestTurn', () => {
  it('plays exactly the picks not started yet, in order, on the chosen device', () => {
    expect(
      startGuestTurn({ connected: true, deviceId: 'd1' }, [{ uri: uri(1) }, { uri: uri(2) }, { uri: uri(3) }]),
    ).toEqual({ action: 'play', uris: [uri(1), uri(2), uri(3)], deviceId: 'd1' });
    expect(startGuestTurn({ connected: true, deviceId: null }, [{ uri: uri(1) }, { uri: uri(2) }], 1)).toEqual({
      action: 'play',
      uris: [uri(2)],
      deviceId: null,
    });
  });
  it('waits for picks, and cannot play without a venue', () => {
    expect(startGuestTurn({ connected: true, deviceId: null }, [])).toEqual({ action: 'wait_for_picks' });
    expect(startGuestTurn({ connected: false, deviceId: null }, [{ uri: uri(1) }])).toEqual({ action: 'no_venue' });
  });
});

describe('guestTurnOver', () => {
  const picks = [uri(1), uri(2)];
  it('counts picks as started when they play', () => {
    expect(guestTurnOver({ ...base, picks, playback: playing(1) })).toEqual({
      over: false,
      started: 1,
      playingIndex: 0,
    });
    expect(guestTurnOver({ ...base, picks, started: 1, playback: playing(2) })).toEqual({
      over: false,
      started: 2,
      playingIndex: 1,
    });
  });
  it('is over after the last pick has played to its end', () => {
    const ended: Playback = { kind: 'item', item: item(2), isPlaying: false, progressMs: 200_000, changedAt: null };
    expect(guestTurnOver({ ...base, picks, started: 2, playback: ended })).toEqual({
      over: true,
      reason: 'picks_done',
      started: 2,
    });
  });
  it('is over when the player moved past the last pick or stopped', () => {
    expect(guestTurnOver({ ...base, picks, started: 2, playback: playing(9) })).toMatchObject({
      over: true,
      reason: 'picks_done',
    });
    expect(guestTurnOver({ ...base, picks, started: 2, playback: { kind: 'nothing' } })).toMatchObject({
      over: true,
      reason: 'picks_done',
    });
  });
  it('is not over while the last pick is only paused mid-way, nor before the picks started', () => {
    expect(guestTurnOver({ ...base, picks, started: 2, playback: playing(2, 50_000, false) })).toMatchObject({
      over: false,
    });
    expect(guestTurnOver({ ...base, picks, started: 0, playback: { kind: 'nothing' } })).toMatchObject({
      over: false,
      started: 0,
    });
  });
  it('is over when TURN_SECONDS ran out, never while the clock is held', () => {
    expect(guestTurnOver({ ...base, picks, playback: playing(1), turnEndsAt: NOW })).toMatchObject({
      over: true,
      reason: 'turn_over',
    });
    expect(guestTurnOver({ ...base, picks, playback: playing(1), turnEndsAt: null })).toMatchObject({ over: false });
  });
  it('is over after IDLE_SECONDS without picks', () => {
    expect(
      guestTurnOver({ ...base, picks: [], playback: { kind: 'nothing' }, noPicksSince: NOW - 44_000 }),
    ).toMatchObject({ over: false });
    expect(guestTurnOver({ ...base, picks: [], playback: { kind: 'nothing' }, noPicksSince: NOW - 45_000 })).toEqual({
      over: true,
      reason: 'idle',
      started: 0,
    });
  });
  it('never lowers the started count', () => {
    for (let s = 0; s <= 2; s++) {
      for (const pb of [playing(1), playing(2), playing(9), { kind: 'nothing' } as Playback]) {
        expect(guestTurnOver({ ...base, picks, started: s, playback: pb }).started).toBeGreaterThanOrEqual(s);
      }
    }
  });
});

describe('retryAfterProblem', () => {
  it('backs off exponentially up to a cap with the clock held, then gives up', () => {
    const delays = Array.from({ length: RETRY_MAX_ATTEMPTS }, (_, a) => retryAfterProblem('no_device', a));
    expect(delays[0]).toEqual({ retryInMs: 2000, holdClock: true, giveUp: false });
    expect(delays[1]!.retryInMs).toBe(4000);
    for (let i = 1; i < delays.length; i++)
      expect(delays[i]!.retryInMs!).toBeGreaterThanOrEqual(delays[i - 1]!.retryInMs!);
    expect(Math.max(...delays.map((d) => d.retryInMs!))).toBe(RETRY_MAX_MS);
    expect(retryAfterProblem('premium_required', RETRY_MAX_ATTEMPTS)).toEqual({
      retryInMs: null,
      holdClock: false,
      giveUp: true,
    });
  });
  it('honours Retry-After and gives up at once when access was revoked', () => {
    expect(retryAfterProblem('rate_limited', 0, 7000)).toEqual({ retryInMs: 7000, holdClock: true, giveUp: false });
    expect(retryAfterProblem('revoked', 0).giveUp).toBe(true);
  });
});

describe('fallbackDecision', () => {
  const playlist = 'spotify:playlist:37i9dQZF1DXcBWIGoYBM5M';
  it('starts the house playlist when nobody drives, keeps it, and yields to a turn', () => {
    expect(fallbackDecision({ playlist, venueConnected: true, someoneDriving: false, housePlaying: false })).toEqual({
      action: 'start',
      contextUri: playlist,
    });
    expect(fallbackDecision({ playlist, venueConnected: true, someoneDriving: false, housePlaying: true })).toEqual({
      action: 'keep',
    });
    expect(fallbackDecision({ playlist, venueConnected: true, someoneDriving: true, housePlaying: true })).toEqual({
      action: 'yield',
    });
    expect(fallbackDecision({ playlist, venueConnected: true, someoneDriving: true, housePlaying: false })).toEqual({
      action: 'none',
    });
  });
  it('does nothing without a playlist or a venue', () => {
    expect(
      fallbackDecision({ playlist: null, venueConnected: true, someoneDriving: false, housePlaying: false }),
    ).toEqual({ action: 'none' });
    expect(fallbackDecision({ playlist, venueConnected: false, someoneDriving: false, housePlaying: false })).toEqual({
      action: 'none',
    });
  });
});
