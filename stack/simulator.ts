/** A standalone simulated Spotify on a free port, in this process (its state is readable here). */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createSimulatorApp, type SimulatorOptions, type SimulatorState } from '../simulator/index.js';

export interface StackSimulator {
  readonly url: string;
  readonly state: SimulatorState;
  close(): Promise<void>;
}

export async function startSimulator(options: SimulatorOptions): Promise<StackSimulator> {
  const { app, state } = createSimulatorApp(options);
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    state,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
