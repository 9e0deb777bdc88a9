/**
 * The pages' languages: both catalogues have the same keys and plural forms, every key the HTML
 * names exists, and the HTML carries no visible text of its own (it all comes from a catalogue).
 */
import { readFileSync } from 'node:fs';
import { en } from '../../server/public/src/i18n/en.js';
import { fr } from '../../server/public/src/i18n/fr.js';

const PAGES = ['phone', 'display', 'operator', 'partials/now-playing'].map(
  (name) => [name, readFileSync(`server/public/${name}.html`, 'utf8')] as const,
);

describe('i18n catalogues', () => {
  it('have the same keys in English and French', () => {
    expect(Object.keys(fr).sort()).toEqual(Object.keys(en).sort());
  });

  it('give French the plural forms its rules select', () => {
    const needed = new Set(['one', 'other']);
    for (const [key, value] of Object.entries(fr)) {
      if (typeof value === 'string') continue;
      expect([
        key,
        Object.keys(value)
          .filter((k) => needed.has(k))
          .sort(),
      ]).toEqual([key, ['one', 'other']]);
    }
  });

  it.each(PAGES)('know every key %s.html names', (_name, html) => {
    const used = [...html.matchAll(/data-i18n(?:-label|-title|-alt)?="([^"]+)"/g)].map((m) => m[1]!);
    expect(used.length).toBeGreaterThan(0);
    expect(used.filter((k) => !Object.hasOwn(en, k))).toEqual([]);
  });

  it.each(PAGES)('leave no visible text hard-coded in %s.html', (_name, html) => {
    const body = html.slice(Math.max(0, html.indexOf('<body')));
    const texts = [...body.matchAll(/>([^<]+)</g)].map((m) => m[1]!.trim()).filter((t) => t !== '');
    // The brand and decorative glyphs are not language; the place/line badge starts at 0.
    expect(texts.filter((t) => !['nowplaying-hub', '♪', '0'].includes(t))).toEqual([]);
  });
});
