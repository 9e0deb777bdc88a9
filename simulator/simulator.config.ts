/**
 * The simulator's own configuration. `npm run simulator` reads only what the standalone simulator
 * uses: its port and bind address, the app it registers (the hub's SPOTIFY_CLIENT_ID, secret and
 * redirect URI, or demo mode's), and its token settings, which the hub's server also reads for the
 * simulator it embeds in demo mode.
 */
import { z } from 'zod';
import {
  DEMO_CLIENT_ID,
  DATA_DIR,
  demoSecrets,
  parseEnvironment,
  spotifyAppFields,
  type LoadConfigOptions,
} from '../shared/config/common.js';
import {
  deepFreeze,
  hostField,
  httpUrlField,
  logLevelField,
  portField,
  wholeNumberField,
  type Environment,
} from '../shared/config/env.js';

/** How the simulator issues tokens; read by the standalone simulator and the embedded one. */
export const simulatorTokenFields = {
  SIMULATOR_ACCESS_TOKEN_SECONDS: wholeNumberField(3600, 2, 86400, 'seconds'),
  SIMULATOR_ROTATE_REFRESH_TOKENS: z.enum(['true', 'false', '1', '0']).default('false'),
};

export interface SimulatorTokenSettings {
  readonly accessTokenSeconds: number;
  readonly rotateRefreshTokens: boolean;
}

export function simulatorTokenSettingsOf(e: z.infer<z.ZodObject<typeof simulatorTokenFields>>): SimulatorTokenSettings {
  return {
    accessTokenSeconds: e.SIMULATOR_ACCESS_TOKEN_SECONDS,
    rotateRefreshTokens: e.SIMULATOR_ROTATE_REFRESH_TOKENS === 'true' || e.SIMULATOR_ROTATE_REFRESH_TOKENS === '1',
  };
}

const simulatorSchema = z.object({
  LOG_LEVEL: logLevelField,
  HOST: hostField,
  SIMULATOR_PORT: portField(4001),
  // The redirect URI defaults to the hub's, as the hub derives it: $PUBLIC_URL/callback.
  PORT: portField(4000),
  PUBLIC_URL: httpUrlField('http://192.168.1.20:4000').optional(),
  ...spotifyAppFields,
  ...simulatorTokenFields,
});

export interface SimulatorConfig extends SimulatorTokenSettings {
  readonly logLevel: string;
  readonly host: string;
  readonly port: number;
  /** The one registered app: the hub's client id, or demo mode's. */
  readonly clientId: string;
  /** Null: only PKCE public-client exchanges and no client credentials. */
  readonly clientSecret: string | null;
  readonly redirectUri: string;
}

/** Every variable the standalone simulator reads. */
export const SIMULATOR_ENVIRONMENT_VARIABLES: readonly string[] = Object.keys(simulatorSchema.shape);

/**
 * Validates the standalone simulator's settings. Without SPOTIFY_CLIENT_ID it registers demo
 * mode's app, with the client secret a demo hub keeps in `.data/` (so the two match).
 */
export function loadSimulatorConfig(env: Environment, options: LoadConfigOptions = {}): SimulatorConfig {
  const e = parseEnvironment(simulatorSchema, env);
  const demoMode = e.SPOTIFY_CLIENT_ID === undefined;
  const publicUrl = e.PUBLIC_URL ?? `http://127.0.0.1:${e.PORT}`;
  const dataDir = options.dataDir === undefined ? DATA_DIR : options.dataDir;
  return deepFreeze({
    logLevel: e.LOG_LEVEL,
    host: e.HOST,
    port: e.SIMULATOR_PORT,
    clientId: e.SPOTIFY_CLIENT_ID ?? DEMO_CLIENT_ID,
    clientSecret: e.SPOTIFY_CLIENT_SECRET ?? (demoMode ? demoSecrets(dataDir).simulatorClientSecret : null),
    redirectUri: e.SPOTIFY_REDIRECT_URI ?? `${publicUrl}/callback`,
    ...simulatorTokenSettingsOf(e),
  });
}
