/**
 * The page a `GET /logout` started elsewhere gets: one button that POSTs, so logging out always
 * takes the person's own click on the hub. The same shell and stylesheet as the error pages (the
 * CSP forbids inline styles), in the browser's language.
 */
import { en, type Catalogue } from '../public/src/i18n/en.js';
import { fr } from '../public/src/i18n/fr.js';
import { pageShell } from '../pages/page-shell.js';

export function logoutConfirmationPage(lang: 'en' | 'fr'): string {
  const c: Catalogue = lang === 'fr' ? fr : en;
  return pageShell(
    lang,
    c['logout.title'],
    `<h1>${c['logout.title']}</h1>
<p class="lead">${c['logout.lead']}</p>
<form method="post" action="/logout"><button class="button primary" type="submit">${c['logout.confirm']}</button></form>
<p><a href="/">${c['error.back']}</a></p>`,
  );
}
