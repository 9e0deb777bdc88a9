/**
 * Markup that two pages share (the now-playing card of the phone and of the operator's board) is
 * written once in server/public/partials/ and put in place when the server reads a page:
 * `<!-- include now-playing text-class=" one-line" -->` becomes partials/now-playing.html with each
 * `{{text-class}}` filled in (a name the include does not set is left empty). The values are
 * written in our own pages, never user data.
 */
const INCLUDE = /[ \t]*<!-- include ([a-z-]+)((?: [a-z-]+="[^"]*")*) -->\n?/g;
const SETTING = / ([a-z-]+)="([^"]*)"/g;

export function withPartials(page: string, readPartial: (name: string) => string): string {
  return page.replace(INCLUDE, (_all, name: string, settings: string) => {
    const values = new Map([...settings.matchAll(SETTING)].map((m) => [m[1]!, m[2]!]));
    return readPartial(name).replace(/\{\{([a-z-]+)\}\}/g, (_slot, key: string) => values.get(key) ?? '');
  });
}
