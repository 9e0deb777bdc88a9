/** Product entry points as child processes: the stack's (stack/roles.ts), under the names tests import. */
export { externalHubEnv, spawnRole, type RoleProcess } from '../../stack/roles.js';
