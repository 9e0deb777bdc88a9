/**
 * The simulated Spotify as one object: its state and an express app (standalone) or router
 * (mounted inside the hub in demo mode).
 */
import express, { type Express } from 'express';
import { createSimulatorRouter } from './simulator-app.js';
import { SimulatorState, type SimulatorOptions } from './simulator-state.js';

export { SimulatorState } from './simulator-state.js';
export type { SimulatorOptions } from './simulator-state.js';
export { createSimulatorRouter } from './simulator-app.js';

/** A standalone simulator app serving accounts at `/accounts` and the Web API at `/api`. */
export function createSimulatorApp(options: SimulatorOptions): { app: Express; state: SimulatorState } {
  const state = new SimulatorState(options);
  const app = express();
  app.disable('x-powered-by');
  app.use(createSimulatorRouter(state));
  return { app, state };
}
