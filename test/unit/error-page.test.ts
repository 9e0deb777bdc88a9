import { renderErrorPage } from '../../server/pages/error-page.js';

describe('error page', () => {
  it('uses the stylesheet and no inline style or script, so the strict CSP lets it look right', () => {
    const html = renderErrorPage({ status: 400, message: 'The login link has expired.', lang: 'en' });
    expect(html).toContain('<link rel="stylesheet" href="/assets/hub.css">');
    expect(html).not.toMatch(/style=|<style|<script/i);
  });

  it('escapes the message instead of interpreting it', () => {
    const html = renderErrorPage({ status: 400, message: '<img src=x onerror=alert(1)>', lang: 'en' });
    expect(html).not.toContain('<img src=x');
    expect(html).toContain('&#60;img src=x onerror=alert(1)&#62;');
  });

  it.each([
    [404, 'Page not found'],
    [503, 'The hub is briefly unavailable'],
    [500, 'Something went wrong'],
  ])('titles a %i as "%s" with a way back', (status, title) => {
    const html = renderErrorPage({ status, message: 'detail', lang: 'en' });
    expect(html).toContain(`<h1>${title.replace(/’/g, '’')}</h1>`);
    expect(html).toContain('<a class="button primary" href="/">Back to the hub</a>');
  });

  it('speaks French when asked, without the English detail', () => {
    const html = renderErrorPage({ status: 404, message: 'Not found.', lang: 'fr' });
    expect(html).toContain('<html lang="fr">');
    expect(html).toContain('<h1>Page introuvable</h1>');
    expect(html).toContain('Retour au hub');
    expect(html).not.toContain('Not found.');
  });
});
