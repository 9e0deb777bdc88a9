/**
 * The realtime state every screen shows, in one pure module (no Node, no Redis: the browser
 * bundle imports it too): the state types, progress extrapolation, "is this change visible", the
 * staleness rules (a client's held state, the worker's observations), the snapshot sent on connect
 * and the clock-offset estimator. The poll worker, the servers, the pages and the bridge import
 * these; none of them re-derives them.
 */
export * from './now-playing.js';
export * from './extrapolate.js';
export * from './visible-change.js';
export * from './staleness.js';
export * from './observation-order.js';
export * from './clock-offset.js';
export * from './audience.js';
