/**
 * Picks the WebSocket server that Socket.IO runs its `websocket` transport on.
 *
 * The default is `ws`, pure JavaScript, the engine Socket.IO ships with: it installs everywhere
 * with no compiler, and for broadcasts Socket.IO hands it one pre-encoded frame that every socket
 * reuses. `ws` loads `bufferutil` by itself when it can (prebuilt binaries, no install script, for
 * masking and unmasking frames) and falls back to its own JavaScript when it cannot, so the
 * report here only says which one it found.
 *
 * `WS_ENGINE=eiows` asks for the native `eiows` engine instead. It is not a dependency: it compiles
 * against Node's private sources at install time, so it only exists where someone built it. When it
 * cannot be loaded the server starts on `ws` and says why, rather than not starting at all.
 */
import { createRequire } from 'node:module';
import type { WsEngineName } from '../../shared/config/server.config.js';

export interface WsEngineChoice {
  /** The engine in use. */
  readonly name: WsEngineName;
  /** The constructor for Socket.IO's `wsEngine` option; undefined for Socket.IO's own `ws`. */
  readonly engine: unknown;
  /** What was asked for (`WS_ENGINE`, default `ws`). */
  readonly requested: WsEngineName;
  /** Why the requested engine is not the one in use, when it is not. */
  readonly fallbackReason: string | null;
  /** Whether `ws` found the native `bufferutil` (irrelevant when `name` is `eiows`). */
  readonly nativeMasking: boolean;
}

/** Loads a package by name; injectable so a test can make a native module fail to load. */
export type ModuleLoader = (name: string) => Promise<unknown>;

const require = createRequire(import.meta.url);
const defaultLoader: ModuleLoader = (name) => Promise.resolve(require(name) as unknown);

async function loads(load: ModuleLoader, name: string): Promise<boolean> {
  try {
    await load(name);
    return true;
  } catch {
    return false;
  }
}

/** `requested`: the server's `WS_ENGINE` setting (validated with the rest of its configuration). */
export async function chooseWsEngine(
  requested: WsEngineName,
  load: ModuleLoader = defaultLoader,
): Promise<WsEngineChoice> {
  // ws itself honours WS_NO_BUFFER_UTIL; the report follows it.
  const nativeMasking = !process.env.WS_NO_BUFFER_UTIL && (await loads(load, 'bufferutil'));
  if (requested === 'eiows') {
    try {
      const mod = (await load('eiows')) as { Server?: unknown };
      if (typeof mod.Server !== 'function') throw new Error('eiows has no Server export');
      return { name: 'eiows', engine: mod.Server, requested, fallbackReason: null, nativeMasking };
    } catch (err) {
      const reason = err instanceof Error ? err.message.split('\n')[0]! : String(err);
      return {
        name: 'ws',
        engine: undefined,
        requested,
        fallbackReason: `eiows did not load: ${reason}`,
        nativeMasking,
      };
    }
  }
  return { name: 'ws', engine: undefined, requested, fallbackReason: null, nativeMasking };
}
