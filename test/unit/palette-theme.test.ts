/** The projector's colours from a palette always meet WCAG AA contrast (property-based). */
import fc from 'fast-check';
import { AA_TEXT, contrast, luminance, themeFor } from '../../server/public/src/palette-theme.js';
import type { Palette } from '../../shared/events.js';

const colour = fc
  .tuple(fc.integer({ min: 0, max: 255 }), fc.integer({ min: 0, max: 255 }), fc.integer({ min: 0, max: 255 }))
  .map((rgb) => `#${rgb.map((c) => c.toString(16).padStart(2, '0')).join('')}`);
const swatch = fc.option(colour, { nil: null });
const palette: fc.Arbitrary<Palette> = fc.record({
  vibrant: swatch,
  dark_vibrant: swatch,
  light_vibrant: swatch,
  muted: swatch,
  dark_muted: swatch,
  light_muted: swatch,
});

describe('palette theme', () => {
  it('computes WCAG contrast: black on white is 21:1, a colour on itself 1:1', () => {
    expect(contrast('#000000', '#ffffff')).toBeCloseTo(21, 5);
    expect(contrast('#1ed760', '#1ed760')).toBeCloseTo(1, 5);
    expect(luminance('#ffffff')).toBeCloseTo(1, 5);
  });

  it('keeps the house colours without a palette', () => {
    expect(themeFor(null)).toBeNull();
    expect(themeFor(undefined)).toBeNull();
  });

  it('gives text and accent at least AA contrast on the background for any palette', () => {
    fc.assert(
      fc.property(palette, (p) => {
        const theme = themeFor(p);
        if (!theme) return true;
        return contrast(theme.text, theme.bg) >= AA_TEXT && contrast(theme.accent, theme.bg) >= AA_TEXT;
      }),
      { numRuns: 500 },
    );
  });

  it('darkens a light cover’s background until white text reads on it', () => {
    const theme = themeFor({
      vibrant: '#ffd400',
      dark_vibrant: null,
      light_vibrant: null,
      muted: null,
      dark_muted: '#f0e0c0',
      light_muted: null,
    })!;
    expect(contrast(theme.text, theme.bg)).toBeGreaterThanOrEqual(AA_TEXT);
    expect(luminance(theme.bg)).toBeLessThan(luminance('#f0e0c0'));
  });
});
