/** The parts of the `osc` package (osc.js, Colin Clark) that the bridge and its tests use. */
declare module 'osc' {
  import type { EventEmitter } from 'node:events';

  export interface OscArgument {
    type: 'i' | 'f' | 's' | 'T' | 'F' | 'd' | 'h';
    value: number | string | boolean;
  }
  export interface OscMessage {
    address: string;
    args: OscArgument[] | (number | string)[];
  }
  export interface UDPPortOptions {
    localAddress?: string;
    localPort?: number;
    remoteAddress?: string;
    remotePort?: number;
    metadata?: boolean;
    broadcast?: boolean;
  }
  export class UDPPort extends EventEmitter {
    constructor(options: UDPPortOptions);
    options: UDPPortOptions;
    open(): void;
    close(): void;
    send(packet: OscMessage, address?: string, port?: number): void;
  }
  const osc: { UDPPort: typeof UDPPort };
  export default osc;
}
