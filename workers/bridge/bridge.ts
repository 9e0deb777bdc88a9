/**
 * The TouchDesigner bridge: connects out to the hub's `/bridge` namespace and re-emits every
 * event locally as OSC (UDP) and over a plain WebSocket. It survives the network: it keeps sending
 * the last known state (progress keeps moving while playing), reconnects with backoff, and logs
 * each state change once. A wrong token is fatal, not a retry loop.
 */
import { io, type Socket } from 'socket.io-client';
import type { ClientToServerEvents, ServerToClientEvents } from '../../shared/events.js';
import { HubClock } from '../../shared/hub-state/index.js';
import { BridgeOutputs, type BridgeOutputsOptions } from './bridge-outputs.js';
import { ShowRecorder } from './show-recorder.js';
import type { Closable } from '../../shared/shutdown.js';

/** Where the bridge sends (the same settings its outputs take) and the hub it listens to. */
export interface BridgeOptions extends Pick<
  BridgeOutputsOptions,
  'oscHost' | 'oscPort' | 'oscRateHz' | 'wsPort' | 'wsHost' | 'log'
> {
  hubUrl: string;
  token: string;
  /** The bridge's clock; tests inject a skewed one. */
  now?: () => number;
  /** `--record FILE`: also write every event received there, for `npm run replay`. */
  recordFile?: string | null;
}

export class BridgeAuthError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BridgeAuthError';
  }
}

export type BridgeStatus = 'connecting' | 'connected' | 'disconnected';

export interface RunningBridge extends Closable {
  readonly wsPort: number;
  status(): BridgeStatus;
  /** The hub's clock as estimated from `ping_time`/`pong_time`. */
  clock: HubClock;
  /** Resolves when the hub refuses the token (fatal); never resolves otherwise. */
  readonly fatal: Promise<BridgeAuthError>;
  /** The recording, when `recordFile` was given. */
  readonly recorder: ShowRecorder | null;
}

const PING_EVERY_MS = 5000;

export async function startBridge(options: BridgeOptions): Promise<RunningBridge> {
  const log = options.log.child({ module: 'bridge' });
  const clock = new HubClock(options.now ?? Date.now);
  let status: BridgeStatus = 'connecting';
  // Set first thing in close(): the disconnect our own close causes is not "lost the hub".
  let closing = false;

  const outputs = await BridgeOutputs.start({
    oscHost: options.oscHost,
    oscPort: options.oscPort,
    oscRateHz: options.oscRateHz,
    wsPort: options.wsPort,
    ...(options.wsHost ? { wsHost: options.wsHost } : {}),
    log,
    hubNow: () => clock.hubNow(),
  });
  const recorder = options.recordFile ? await ShowRecorder.open(options.recordFile, log) : null;
  if (recorder) log.info({ file: options.recordFile }, 'recording every event for npm run replay');

  const socket: Socket<ServerToClientEvents, ClientToServerEvents> = io(
    `${options.hubUrl.replace(/\/+$/, '')}/bridge`,
    {
      auth: { token: options.token },
      transports: ['websocket'],
      reconnectionDelay: 1000,
      reconnectionDelayMax: 10_000,
      randomizationFactor: 0.5,
      timeout: 5000,
    },
  );

  let resolveFatal: (e: BridgeAuthError) => void = () => undefined;
  const fatal = new Promise<BridgeAuthError>((resolve) => (resolveFatal = resolve));

  const ping = () => {
    if (socket.connected) socket.emit('ping_time', { client_time: clock.localNow() });
  };
  const pinger = setInterval(ping, PING_EVERY_MS);

  let everConnected = false;
  const setStatus = (next: BridgeStatus, detail: Record<string, unknown> = {}) => {
    if (status === next) return;
    status = next;
    if (closing) return;
    if (next === 'connected') {
      everConnected = true;
      log.info({ hub: options.hubUrl, ...detail }, 'connected to the hub');
    } else if (next === 'disconnected') {
      // Never having reached the hub is a different problem (a wrong HUB_URL, the hub not started).
      if (everConnected)
        log.warn(
          { hub: options.hubUrl, ...detail },
          'lost the hub; still sending the last known state and reconnecting with backoff',
        );
      else
        log.warn(
          { hub: options.hubUrl, ...detail },
          'cannot reach the hub yet (is HUB_URL right and the hub running?); retrying with backoff',
        );
    }
  };

  socket.on('connect', () => {
    clock.reset();
    // A quick burst of samples so progress is right within a second of connecting.
    for (let i = 0; i < 4; i++) setTimeout(ping, i * 150);
    setStatus('connected');
  });
  socket.on('pong_time', ({ client_time, server_time }) => clock.record(client_time, server_time));
  socket.on('now_playing', (p) => {
    if (outputs.nowPlaying(p)) recorder?.record({ event: 'now_playing', data: p });
  });
  socket.on('queue', (q) => {
    outputs.queue(q);
    recorder?.record({ event: 'queue', data: q });
  });
  socket.on('disconnect', (reason) => {
    setStatus('disconnected', { reason });
    // The hub closed the connection itself (restart): socket.io-client will not retry on its own.
    if (reason === 'io server disconnect' && !closing) setTimeout(() => socket.connect(), 1000);
  });
  socket.on('connect_error', (err: Error & { data?: { code?: string } }) => {
    const code = err.data?.code;
    if (code === 'invalid_token' || code === 'token_required') {
      const e = new BridgeAuthError(
        code === 'token_required'
          ? 'the hub wants a BRIDGE_TOKEN and none was given'
          : 'the hub refused BRIDGE_TOKEN: check it matches the hub’s',
      );
      log.fatal({ hub: options.hubUrl }, e.message);
      socket.disconnect();
      resolveFatal(e);
      return;
    }
    setStatus('disconnected', { error: err.message });
  });

  return {
    get wsPort() {
      return outputs.wsPort;
    },
    clock,
    fatal,
    recorder,
    status: () => status,
    async close() {
      if (closing) return;
      closing = true;
      clearInterval(pinger);
      socket.close();
      await outputs.close();
      await recorder?.close();
    },
  };
}
