/**
 * Operator panel block "Address phones use": what the projector's QR code carries and why it may
 * not work from a phone (loopback PUBLIC_URL, own-account logins over http). Kept apart from the
 * rest of the dashboard; fed by the `address` field of the `health` event.
 */
import type { JoinAddressReport } from '../../../shared/events.js';
import { $, show } from './lib.js';

export function renderJoinAddress(report: JoinAddressReport | undefined): void {
  show($('join-address'), report !== undefined);
  if (!report) return;
  const link = $<HTMLAnchorElement>('join-qr-url');
  link.textContent = report.qr_url;
  link.href = report.qr_url;
  $('join-qr-source').textContent = report.qr_source === 'lan' ? '(the LAN address: PUBLIC_URL is unset)' : '(PUBLIC_URL)';
  const list = $('join-warnings');
  list.replaceChildren(
    ...report.warnings.map((w) => {
      const li = document.createElement('li');
      li.className = 'warn';
      li.dataset.code = w.code;
      li.textContent = w.message;
      return li;
    }),
  );
  $('join-guests').textContent = report.guests_note;
}
