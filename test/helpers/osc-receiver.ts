/** A real OSC receiver (osc.js over UDP) that keeps every message with its type tags. */
import osc from 'osc';
import { createSocket } from 'node:dgram';

export interface ReceivedOsc {
  address: string;
  type: string;
  value: number | string;
  /** Every argument, for messages with several (`/np/color/*` carries r, g, b). */
  values: (number | string)[];
  at: number;
}

export class OscReceiver {
  readonly messages: ReceivedOsc[] = [];
  readonly port: number;
  readonly #udp: InstanceType<typeof osc.UDPPort>;

  private constructor(port: number) {
    this.port = port;
    this.#udp = new osc.UDPPort({ localAddress: '127.0.0.1', localPort: port, metadata: true });
    this.#udp.on('message', (msg: { address: string; args: { type: string; value: number | string }[] }) => {
      const arg = msg.args[0];
      if (arg)
        this.messages.push({
          address: msg.address,
          type: arg.type,
          value: arg.value,
          values: msg.args.map((a) => a.value),
          at: Date.now(),
        });
    });
  }

  static async start(): Promise<OscReceiver> {
    const port = await freeUdpPort();
    const r = new OscReceiver(port);
    await new Promise<void>((resolve) => {
      r.#udp.once('ready', () => resolve());
      r.#udp.open();
    });
    return r;
  }

  of(address: string, since = 0): ReceivedOsc[] {
    return this.messages.filter((m) => m.address === address && m.at >= since);
  }

  last(address: string): ReceivedOsc | undefined {
    for (let i = this.messages.length - 1; i >= 0; i--)
      if (this.messages[i]!.address === address) return this.messages[i];
    return undefined;
  }

  close(): void {
    this.#udp.close();
  }
}

function freeUdpPort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createSocket('udp4');
    s.bind(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}
