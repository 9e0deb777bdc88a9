/**
 * The HTML answer for errors a person reaches by navigating (a reused login link, a page that is
 * not there, the hub's Redis briefly down): styled by the pages' stylesheet, since the CSP blocks
 * inline styles, in the browser's language, with a way back. Data is escaped, never interpreted.
 */
import { en, type Catalogue } from '../public/src/i18n/en.js';
import { fr } from '../public/src/i18n/fr.js';
import { pageShell } from './page-shell.js';

export interface ErrorPageOptions {
  readonly status: number;
  /** The error's public message (English), shown under the title on English pages. */
  readonly message: string;
  readonly lang: 'en' | 'fr';
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

type Known = '400' | '404' | '503' | 'other';
const known = (status: number): Known =>
  status === 400 || status === 404 || status === 503 ? (String(status) as Known) : 'other';

export function renderErrorPage({ status, message, lang }: ErrorPageOptions): string {
  const c: Catalogue = lang === 'fr' ? fr : en;
  const kind = known(status);
  const title = c[`error.title.${kind}`];
  const hint = c[`error.hint.${kind}`];
  const detail = lang === 'en' && message ? `<p class="error-detail">${escapeHtml(message)}</p>` : '';
  return pageShell(
    lang,
    escapeHtml(title),
    `<p class="error-code">${status}</p>
<h1>${escapeHtml(title)}</h1>
${detail}
<p class="lead">${escapeHtml(hint)}</p>
<p><a class="button primary" href="/">${escapeHtml(c['error.back'])}</a></p>`,
  );
}
