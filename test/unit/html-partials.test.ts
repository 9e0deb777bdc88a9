/** Shared page markup: an include comment becomes the partial, with its slots filled. */
import { withPartials } from '../../server/pages/html-partials.js';

const partials: Record<string, string> = { card: '<div class="card{{extra}}">{{title}}</div>\n' };
const read = (name: string) => {
  const p = partials[name];
  if (p === undefined) throw new Error(`no partial ${name}`);
  return p;
};

it('puts the partial where the include stands, filling the slots it sets and leaving the others empty', () => {
  const page = '<main>\n  <!-- include card extra=" wide" -->\n</main>\n';
  expect(withPartials(page, read)).toBe('<main>\n<div class="card wide"></div>\n</main>\n');
});

it('fills every include of a page, and leaves a page without includes as it is', () => {
  const page = '<!-- include card title="A" -->\n<!-- include card title="B" -->\n';
  expect(withPartials(page, read)).toBe('<div class="card">A</div>\n<div class="card">B</div>\n');
  expect(withPartials('<p>plain</p>', read)).toBe('<p>plain</p>');
});

it('fails loudly on a partial that does not exist (a broken page stops start-up, not a phone)', () => {
  expect(() => withPartials('<!-- include missing -->', read)).toThrow('no partial missing');
});
