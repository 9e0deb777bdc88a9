/**
 * Broadcasts written straight to each WebSocket's TCP socket.
 *
 * For a broadcast, Socket.IO's adapter encodes the packet once and frames it once as a WebSocket
 * frame (`wsPreEncodedFrame`). Every socket then still walks Engine.IO's per-packet path: a packet
 * object, `packetCreate`/`flush`/`drain` events, a corked two-buffer write through `ws`'s sender
 * and a write callback that toggles the transport's `writable` flag. For the hub's broadcasts to
 * thousands of sockets that per-socket bookkeeping is most of the user-space CPU of a broadcast.
 *
 * This writes the same bytes (the frame, joined into one buffer once per broadcast) to the socket
 * directly, when doing so cannot reorder anything: the connection is open on the `websocket`
 * transport, Engine.IO has nothing queued for it, and `ws`'s sender is idle with an empty queue
 * (it queues only while compressing or reading a Blob, which the hub never asks it to do). In
 * every other case — long-polling, an upgrade in progress, a packet with a callback, no pre-encoded
 * frame — the packet takes Engine.IO's own path, unchanged. What reaches the client is byte for
 * byte what Socket.IO would have sent, so socket.io-client, the pages and TouchDesigner's
 * SocketIO DAT see no difference.
 *
 * Volatile packets (dropped rather than queued) are dropped for a socket whose kernel buffer is
 * full and has bytes waiting in user space: a client that cannot keep up skips a progress tick
 * instead of queueing it.
 */
import type { Server } from 'socket.io';

/** What a broadcast hands to `conn.write`: Socket.IO adapter's packet options. */
interface PacketOptions {
  wsPreEncodedFrame?: readonly Buffer[];
  volatile?: boolean;
  compress?: boolean;
  /** The frame as one buffer, joined by the first socket of the broadcast and reused by the rest. */
  [WHOLE_FRAME]?: Buffer;
}

/** The parts of `ws`'s WebSocket and Sender this relies on (not in their public types). */
interface WsInternals {
  readyState: number;
  _socket?: { writable: boolean; writableLength: number; write(chunk: Buffer): boolean };
  _sender?: { _queue?: unknown[]; _state?: number; _deflating?: boolean };
}

interface EngineConnInternals {
  readyState: string;
  upgrading: boolean;
  writeBuffer: unknown[];
  transport: { name: string; perMessageDeflate?: unknown; socket?: WsInternals };
}

const WHOLE_FRAME = Symbol('nph.wholeFrame');
const WS_OPEN = 1;
/** `ws` Sender's idle state (`DEFAULT` in ws/lib/sender.js). */
const SENDER_IDLE = 0;

/** How many packets took which path on one server (for tests and the bench). */
export interface DirectWriteCounts {
  /** Written straight to the TCP socket (or, volatile, dropped for a backed-up client). */
  direct: number;
  /** Handed to Engine.IO's own write. */
  engine: number;
}

/** The TCP socket to write a broadcast frame to, or null when Engine.IO's path must be taken. */
function directSocket(conn: EngineConnInternals): NonNullable<WsInternals['_socket']> | null {
  if (conn.readyState !== 'open' || conn.upgrading || conn.writeBuffer.length !== 0) return null;
  const transport = conn.transport;
  if (transport.name !== 'websocket' || transport.perMessageDeflate) return null;
  const ws = transport.socket;
  if (!ws || ws.readyState !== WS_OPEN) return null;
  const sender = ws._sender;
  const tcp = ws._socket;
  if (!sender || !tcp || !tcp.writable) return null;
  if (!Array.isArray(sender._queue) || sender._queue.length !== 0) return null;
  if (sender._state !== undefined ? sender._state !== SENDER_IDLE : sender._deflating !== false) return null;
  return tcp;
}

function wholeFrame(options: PacketOptions, frame: readonly Buffer[]): Buffer {
  return (options[WHOLE_FRAME] ??= frame.length === 1 ? frame[0]! : Buffer.concat(frame));
}

type EngineWrite = (this: object, data: unknown, options?: unknown, callback?: unknown) => unknown;

function makeWrite(engineWrite: EngineWrite, counts: DirectWriteCounts): EngineWrite {
  return function write(this: object, data, options, callback) {
    const opts = options as PacketOptions | undefined;
    const frame = opts?.wsPreEncodedFrame;
    if (frame && callback === undefined) {
      const tcp = directSocket(this as unknown as EngineConnInternals);
      if (tcp) {
        counts.direct++;
        // A volatile packet is not worth queueing behind bytes the client has not taken yet.
        if (opts.volatile && tcp.writableLength > 0) return this;
        tcp.write(wholeFrame(opts, frame));
        return this;
      }
    }
    counts.engine++;
    return engineWrite.call(this, data, options, callback);
  };
}

/**
 * Makes every connection of this server write broadcast frames directly where it safely can.
 * Installed per connection (one shared function, no closure per socket) so other Socket.IO
 * servers in the same process keep Engine.IO's path.
 */
export function useDirectFrameWrites(io: Server): DirectWriteCounts {
  const counts: DirectWriteCounts = { direct: 0, engine: 0 };
  let write: EngineWrite | null = null;
  io.engine.on('connection', (conn: object) => {
    write ??= makeWrite((Object.getPrototypeOf(conn) as { write: EngineWrite }).write, counts);
    (conn as unknown as { write: EngineWrite }).write = write;
  });
  return counts;
}
