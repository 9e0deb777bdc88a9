/**
 * Venue mode on the phone's first page: "Join with a name" next to "Connect Spotify", offered only
 * when the hub takes guests and has a venue account to play for them (always in demo mode).
 */
import { t, type TextKey } from './i18n.js';
import { $, api, show } from './lib.js';

interface GuestStatus {
  enabled: boolean;
  venue_connected: boolean;
  picks_per_turn: number;
}

const JOIN_ERRORS = ['invalid_name', 'guests_disabled', 'banned', 'rate_limited'] as const;
type JoinError = (typeof JOIN_ERRORS)[number];

export interface GuestJoinView {
  /** Asks the hub whether guests may join; resolves to `picks_per_turn` or null when they may not. */
  refresh(): Promise<number | null>;
  /** After Spotify said `not_registered`: open the name form at once. */
  offerNow(): void;
  /** Re-fill the texts that depend on state after a language switch. */
  render(): void;
}

/** Same rule as the server (1–32 code points after trimming), so most mistakes never leave the phone. */
const nameLength = (name: string) => [...name.normalize('NFKC').trim()].length;

export function guestJoinView(onJoined: (me: unknown) => void): GuestJoinView {
  const way = $('guest-way');
  const form = $<HTMLFormElement>('guest-form');
  const input = $<HTMLInputElement>('guest-name');
  const errorEl = $('guest-error');
  let errorKey: TextKey | null = null;
  let afterNotRegistered = false;

  function error(key: TextKey | null): void {
    errorKey = key;
    errorEl.textContent = key ? t(key) : '';
    show(errorEl, key !== null);
    input.setAttribute('aria-invalid', String(key === 'guest.error.invalid_name'));
  }

  function openForm(): void {
    show(form, true);
    show($('guest-start'), false);
    input.focus();
  }

  $('guest-start').addEventListener('click', openForm);
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const name = input.value;
    const length = nameLength(name);
    if (length < 1 || length > 32) return error('guest.error.invalid_name');
    void (async () => {
      const res = await api<{ error?: { code?: string } }>('/api/guest/join', {
        method: 'POST',
        body: JSON.stringify({ name }),
      });
      if (res.ok) {
        error(null);
        onJoined(res.body);
        return;
      }
      const code = res.body?.error?.code;
      const known = JOIN_ERRORS.find((c): c is JoinError => c === code);
      error(known ? `guest.error.${known}` : 'phone.failed');
    })();
  });

  return {
    async refresh() {
      const res = await api<GuestStatus>('/api/guest/status');
      const open = res.ok && res.body.enabled && res.body.venue_connected;
      show(way, open);
      return open ? res.body.picks_per_turn : null;
    },
    offerNow() {
      afterNotRegistered = true;
      this.render();
      openForm();
    },
    render() {
      $('guest-offer').textContent = t(afterNotRegistered ? 'guest.notRegisteredOffer' : 'guest.or');
      if (errorKey) errorEl.textContent = t(errorKey);
    },
  };
}
