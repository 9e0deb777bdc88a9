/** The stack's free-port helper (stack/ports.ts), under the name tests import. */
export { freePort } from '../../stack/ports.js';
