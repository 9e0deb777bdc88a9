/**
 * The three pages (phone `/`, `/operator`, `/display`), their bundled assets, and the display's
 * QR code to the join URL, generated locally.
 */
import { readFileSync } from 'node:fs';
import { Router, type Request, type Response } from 'express';
import QRCode from 'qrcode';
import type { ServerConfig as Config } from '../../shared/config/server.config.js';
import { joinUrl as joinUrlFor } from '../../shared/net/join-address.js';
import { AppError } from '../../shared/errors.js';
import { PUBLIC_DIR, type Asset } from './client-bundle.js';
import { pageLanguage } from './page-language.js';
import { withPartials } from './html-partials.js';

function escapeAttr(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function sendAsset(req: Request, res: Response, a: Asset): void {
  res.set({ 'Content-Type': a.type, ETag: a.etag, 'Cache-Control': 'no-cache', Vary: 'Accept-Encoding' });
  if (req.get('if-none-match') === a.etag) {
    res.status(304).end();
    return;
  }
  const accepts = req.get('accept-encoding') ?? '';
  if (/\bbr\b/.test(accepts)) res.set('Content-Encoding', 'br').send(a.brotli);
  else if (/\bgzip\b/.test(accepts)) res.set('Content-Encoding', 'gzip').send(a.gzip);
  else res.send(a.body);
}

export function pagesRoutes(config: Config, assets: ReadonlyMap<string, Asset>): Router {
  const router = Router();
  const joinUrl = joinUrlFor(config).url;
  const html = (name: string) =>
    withPartials(readFileSync(`${PUBLIC_DIR}${name}.html`, 'utf8'), (partial) =>
      readFileSync(`${PUBLIC_DIR}partials/${partial}.html`, 'utf8'),
    );
  const venue = config.venueName ? ` data-venue-name="${escapeAttr(config.venueName)}"` : '';
  const pages = {
    phone: html('phone').replace('<body class="phone">', `<body class="phone"${venue}>`),
    operator: html('operator'),
    display: html('display').replace(
      '<body class="display">',
      `<body class="display" data-join-url="${escapeAttr(joinUrl)}"${venue}>`,
    ),
  };
  const qr = QRCode.toString(joinUrl, {
    type: 'svg',
    margin: 1,
    errorCorrectionLevel: 'M',
    color: { dark: '#000000', light: '#ffffff' },
  });

  // The language comes from Accept-Language (the page's switch can override it in the browser).
  const page = (body: string) => (req: Request, res: Response) => {
    const lang = pageLanguage(req);
    res
      .set({ 'Cache-Control': 'no-cache', Vary: 'Accept-Language' })
      .type('html')
      .send(body.replace('<html lang="en">', `<html lang="${lang}">`));
  };
  router.get('/', page(pages.phone));
  router.get('/operator', page(pages.operator));
  router.get('/display', page(pages.display));

  router.get('/display/qr.svg', async (_req, res) => {
    res
      .set('Cache-Control', 'no-cache')
      .type('image/svg+xml')
      .send(await qr);
  });

  router.get('/assets/:file', (req, res) => {
    const a = assets.get(req.params.file);
    if (!a) throw new AppError('not_found');
    sendAsset(req, res, a);
  });

  return router;
}
