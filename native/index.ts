/**
 * Loads the native addon. This module is the only importer of the `.node` file; everything
 * else goes through the typed wrappers here.
 */
import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { EngineError, NativeError } from '../errors.js';
import type { ErrorCode } from '../errors.js';
import type { NativeBindings } from './bindings.js';

export type * from './bindings.js';

const require = createRequire(import.meta.url);

function addonPath(): string {
  if (process.env.GYRE_NATIVE_PATH) return process.env.GYRE_NATIVE_PATH;
  const variant = process.env.GYRE_NATIVE ?? 'release';
  // Works from the source tree (native/index.ts) and from the build output (dist/native/index.js).
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 4; i++) {
    const candidate = join(dir, 'native', 'build', variant, 'gyre.node');
    const local = join(dir, 'build', variant, 'gyre.node');
    if (existsSync(local)) return local;
    if (existsSync(candidate)) return candidate;
    dir = dirname(dir);
  }
  throw new EngineError('native-unavailable', `native addon (${variant}) not found: run \`npm run build:native\``);
}

let loaded: NativeBindings | undefined;

/**
 * Capacity of the shared decoded-segment cache: `GYRE_SEGMENT_CACHE_MB` (default 128 MiB).
 * Streaming scans gain little from a large one (they rarely revisit segments); point lookups
 * keep their own chunk cache per table. Adjust at run time with `segmentCache(bytes)`.
 */
function segmentCacheBytes(): number {
  const mb = Number(process.env.GYRE_SEGMENT_CACHE_MB ?? 128);
  return (Number.isFinite(mb) && mb >= 0 ? mb : 128) * 1024 * 1024;
}

/** The native bindings, loaded on first use. */
export function native(): NativeBindings {
  if (!loaded) {
    const path = addonPath();
    try {
      loaded = require(path) as NativeBindings;
    } catch (cause) {
      throw new EngineError('native-unavailable', `cannot load native addon ${path}`, { cause });
    }
    loaded.segmentCache(segmentCacheBytes());
  }
  return loaded;
}

const NATIVE_CODES = new Set(['vortex-corrupt', 'vortex-unsupported', 'vortex-limit', 'vortex-invalid-argument']);

/** Turns an error thrown by the addon into a {@link NativeError} with the same code. */
export function toNativeError(e: unknown, context?: string): unknown {
  if (e instanceof Error && typeof (e as { code?: unknown }).code === 'string') {
    const code = (e as unknown as { code: string }).code;
    if (NATIVE_CODES.has(code)) {
      const message = context ? `${context}: ${e.message}` : e.message;
      return new NativeError(code as ErrorCode, message, { cause: e });
    }
  }
  return e;
}

/** Runs a native call, mapping its errors. */
export function call<T>(fn: (n: NativeBindings) => T, context?: string): T {
  try {
    return fn(native());
  } catch (e) {
    throw toNativeError(e, context);
  }
}

/** Awaits a native promise, mapping its errors. */
export async function callAsync<T>(fn: (n: NativeBindings) => Promise<T>, context?: string): Promise<T> {
  try {
    return await fn(native());
  } catch (e) {
    throw toNativeError(e, context);
  }
}
