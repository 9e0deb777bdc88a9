/**
 * The operator's "Venue account" card (venue mode): which Spotify account plays for guests, its
 * devices with the active one marked, a device picker, connect and disconnect, and what is wrong
 * in plain words with what to do. Spotify Connect devices come and go without any event the hub
 * could push, so the card asks again every few seconds while the page is open.
 */
import { t, type TextKey } from './i18n.js';
import { $, api, itemsOrPlaceholder, show } from './lib.js';

export type VenueProblem = 'no_device' | 'premium_required' | 'revoked' | 'rate_limited';

interface Device {
  id: string;
  name: string;
  type: string;
  is_active: boolean;
}

export interface VenueState {
  connected: boolean;
  account: { id: string; display_name: string } | null;
  device: { id: string; name: string; type: string } | null;
  devices: Device[];
  problem: VenueProblem | null;
}

const PROBLEMS: readonly VenueProblem[] = ['no_device', 'premium_required', 'revoked', 'rate_limited'];
const VENUE_ERRORS = ['access_denied', 'not_registered', 'login_failed'] as const;
const REFRESH_MS = 5000;

export interface VenuePanelOptions {
  /** A 401: the operator session ended. */
  signedOut: () => void;
  /** Disconnecting goes through the dashboard's Undo (PendingActions). */
  confirmDisconnect: (run: () => Promise<void>) => void;
}

export interface VenuePanel {
  start(): void;
  stop(): void;
  render(): void;
}

export function venuePanel(options: VenuePanelOptions): VenuePanel {
  const select = $<HTMLSelectElement>('venue-device');
  let state: VenueState | null = null;
  let timer: ReturnType<typeof setInterval> | null = null;
  let errorKey: TextKey | null = null;
  let serverText: string | null = null;

  // After /operator/venue/connect the hub comes back with ?venue_error=… when it did not work.
  const params = new URLSearchParams(location.search);
  const returned = params.get('venue_error');
  if (returned !== null) {
    errorKey = `venue.error.${VENUE_ERRORS.find((e) => e === returned) ?? 'login_failed'}`;
    params.delete('venue_error');
    history.replaceState(null, '', `${location.pathname}${params.toString() ? `?${params}` : ''}`);
  }

  async function load(): Promise<void> {
    const res = await api<VenueState>('/api/operator/venue');
    if (res.status === 401) return options.signedOut();
    if (res.ok) state = res.body;
    render();
  }

  function error(key: TextKey | null, text: string | null = null): void {
    errorKey = key;
    serverText = text;
    render();
  }

  function render(): void {
    const errEl = $('venue-error');
    errEl.textContent = serverText ?? (errorKey ? t(errorKey) : '');
    show(errEl, errorKey !== null || serverText !== null);
    if (!state) return;
    const s = state;
    const account = $('venue-account');
    account.textContent =
      s.connected && s.account
        ? t('venue.account', { name: s.account.display_name || s.account.id })
        : t('venue.notConnected');
    account.title = account.textContent;
    account.className = `one-line ${s.connected ? '' : 'warn'}`;

    const problem = $('venue-problem');
    const known = PROBLEMS.find((p) => p === s.problem);
    problem.textContent = known ? t(`venue.problem.${known}`) : '';
    show(problem, known !== undefined);

    // Rebuilding the options while the crew has the list open would close it under their finger.
    if (document.activeElement !== select) {
      const option = (value: string, text: string) =>
        Object.assign(document.createElement('option'), { value, textContent: text });
      const options = itemsOrPlaceholder(
        s.devices,
        (d) => option(d.id, d.is_active ? t('venue.active', { name: d.name }) : d.name),
        () => option('', t('venue.noDevices')),
      );
      select.replaceChildren(...options);
      select.value = s.device?.id ?? s.devices.find((d) => d.is_active)?.id ?? options[0]!.value;
    }
    select.disabled = !s.connected || s.devices.length === 0;
    show($('venue-device-row'), s.connected);
    show($('venue-disconnect'), s.connected);
    $('venue-connect').textContent = t(s.connected ? 'venue.reconnect' : 'venue.connect');
  }

  select.addEventListener('change', () => {
    const deviceId = select.value;
    if (!deviceId) return;
    void (async () => {
      const res = await api<{ error?: { message?: string } }>('/api/operator/venue/device', {
        method: 'PUT',
        body: JSON.stringify({ deviceId }),
      });
      if (res.status === 401) return options.signedOut();
      if (res.ok) error(null);
      else error('op.failed', res.body?.error?.message ?? null);
      select.blur();
      await load();
    })();
  });

  $('venue-disconnect').addEventListener('click', () =>
    options.confirmDisconnect(async () => {
      const res = await api<{ error?: { message?: string } }>('/api/operator/venue', { method: 'DELETE' });
      if (res.status === 401) return options.signedOut();
      if (res.ok) error(null);
      else error('op.failed', res.body?.error?.message ?? null);
      await load();
    }),
  );

  return {
    start() {
      if (timer) return;
      void load();
      timer = setInterval(() => void load(), REFRESH_MS);
    },
    stop() {
      if (timer) clearInterval(timer);
      timer = null;
    },
    render,
  };
}
