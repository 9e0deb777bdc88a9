import { ConfigError, loadConfig } from '../../shared/config.js';

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig(env, { dataDir: null });
  } catch (err) {
    if (err instanceof ConfigError) return [...err.problems];
    throw err;
  }
  return [];
}

describe('venue mode settings', () => {
  it('defaults: guests on, 3 picks, 60 minutes of cooldown, no fallback playlist', () => {
    expect(loadConfig({}, { dataDir: null }).venue).toEqual({
      guests: true,
      picksPerTurn: 3,
      trackCooldownMinutes: 60,
      fallbackPlaylist: null,
    });
  });

  it('reads each setting', () => {
    const c = loadConfig(
      {
        GUESTS: 'off',
        PICKS_PER_TURN: '5',
        TRACK_COOLDOWN_MINUTES: '0',
        FALLBACK_PLAYLIST: 'spotify:playlist:37i9dQZF1DXcBWIGoYBM5M',
      },
      { dataDir: null },
    );
    expect(c.venue).toEqual({
      guests: false,
      picksPerTurn: 5,
      trackCooldownMinutes: 0,
      fallbackPlaylist: 'spotify:playlist:37i9dQZF1DXcBWIGoYBM5M',
    });
  });

  it('names bad values, one line each', () => {
    const problems = problemsOf({
      GUESTS: 'maybe',
      PICKS_PER_TURN: '0',
      FALLBACK_PLAYLIST: 'https://open.spotify.com/playlist/x',
    });
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^GUESTS must be on or off/),
        expect.stringMatching(/^PICKS_PER_TURN must be a whole number/),
        expect.stringMatching(/^FALLBACK_PLAYLIST must be a Spotify playlist URI/),
      ]),
    );
  });
});
