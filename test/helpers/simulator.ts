/** A standalone simulated Spotify: the stack's (stack/simulator.ts), under the names tests import. */
export { startSimulator as startTestSimulator, type StackSimulator as TestSimulator } from '../../stack/simulator.js';
