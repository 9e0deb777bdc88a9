/**
 * The "Address phones use" block of the operator's health panel: what the projector's QR code
 * carries and why it may not work from a phone (loopback PUBLIC_URL, own-account logins over
 * http). Fed by the `address` field of the `health` event; the words come from the catalogues, the
 * server's English `message` only names the case by its `code`.
 */
import type { JoinAddressReport, JoinAddressWarning } from '../../../shared/events.js';
import { t } from './i18n.js';
import { $, show } from './lib.js';

function warningText(w: JoinAddressWarning, report: JoinAddressReport): string {
  if (w.code === 'public_url_loopback') {
    return t('op.joinWarnLoopback', {
      url: report.public_url,
      lan: report.lan_urls.length > 0 ? report.lan_urls.join(', ') : t('op.joinNoLan'),
    });
  }
  return t('op.joinWarnHttps');
}

export function renderJoinAddress(report: JoinAddressReport | undefined): void {
  show($('join-address'), report !== undefined);
  if (!report) return;
  const link = $<HTMLAnchorElement>('join-qr-url');
  link.textContent = report.qr_url;
  link.href = report.qr_url;
  $('join-qr-source').textContent = t(report.qr_source === 'lan' ? 'op.joinSourceLan' : 'op.joinSourcePublic');
  $('join-warnings').replaceChildren(
    ...report.warnings.map((w) => {
      const li = document.createElement('li');
      li.className = 'warn';
      li.dataset.code = w.code;
      li.textContent = warningText(w, report);
      return li;
    }),
  );
}
