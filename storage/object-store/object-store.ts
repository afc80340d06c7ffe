/**
 * Object stores: flat key → immutable bytes, as on S3. Tables (issue 4) live in a store; the
 * only coordination primitive is {@link ObjectStore.putIfAbsent} (atomic create-if-not-exists).
 *
 * Keys are `/`-separated relative paths: non-empty segments, no `.`/`..`, no leading `/`, no
 * backslashes or control characters ({@link validateKey}). Both implementations enforce this,
 * so a key that works on S3 also works on local disk and cannot escape the store's root.
 */
import { ConflictError, StorageError } from '../../errors.js';
import type { ByteRange, ByteSource, ReadStats } from '../vortex/byte-source.js';

export interface ObjectInfo {
  readonly key: string;
  readonly size: number;
  /** Opaque version tag when the store has one (S3 ETag). */
  readonly etag?: string;
  readonly lastModified?: Date;
}

export interface ObjectStore {
  /** The whole object, or one byte range of it. Throws 'object-not-found' when missing. */
  get(key: string, range?: ByteRange): Promise<Uint8Array>;
  /** Size and metadata, or undefined when there is no object under the key. */
  head(key: string): Promise<ObjectInfo | undefined>;
  /** All objects whose key starts with `prefix` (a plain string prefix), sorted by key. */
  list(prefix: string): Promise<ObjectInfo[]>;
  /** Creates or replaces the object; readers see the old or the new bytes, never a mix. */
  put(key: string, bytes: Uint8Array): Promise<void>;
  /**
   * Atomically creates the object if no object exists under the key. Returns true when this
   * call created it, false when one already existed (the stored bytes are left untouched).
   * Of several concurrent calls for one key, exactly one returns true.
   */
  putIfAbsent(key: string, bytes: Uint8Array): Promise<boolean>;
  /** Removes the object; deleting a missing key is not an error. */
  delete(key: string): Promise<void>;
}

const MAX_KEY_BYTES = 1024;

/** Throws a coded 'invalid-object-key' error unless `key` is a safe relative object key. */
export function validateKey(key: string): void {
  const bad = (why: string): never => {
    throw new StorageError('invalid-object-key', `invalid object key ${JSON.stringify(key)}: ${why}`, { details: { key } });
  };
  if (typeof key !== 'string' || key.length === 0) bad('empty');
  if (Buffer.byteLength(key, 'utf8') > MAX_KEY_BYTES) bad(`longer than ${MAX_KEY_BYTES} bytes`);
  if (/[\u0000-\u001f\u007f]/.test(key)) bad('control character');
  if (key.includes('\\')) bad('backslash');
  if (key.startsWith('/')) bad('absolute');
  if (/^[A-Za-z]:/.test(key)) bad('drive letter');
  if (/[\uD800-\uDFFF]/u.test(key)) bad('lone surrogate');
  for (const seg of key.split('/')) {
    if (seg === '') bad('empty path segment');
    if (seg === '.' || seg === '..') bad(`'${seg}' segment`);
  }
}

/** Creates the object or throws a {@link ConflictError} ('object-exists') when it exists. */
export async function putNew(store: ObjectStore, key: string, bytes: Uint8Array): Promise<void> {
  if (!(await store.putIfAbsent(key, bytes))) {
    throw new ConflictError('object-exists', `an object already exists under ${JSON.stringify(key)}`, { details: { key } });
  }
}

export function notFound(key: string, cause?: unknown): StorageError {
  return new StorageError('object-not-found', `no object under ${JSON.stringify(key)}`, { cause, details: { key } });
}

/**
 * Serves byte ranges of one stored object with range GETs, so `VortexFile.open` can read it.
 * The size comes from one HEAD at open; objects are immutable, so it stays valid.
 */
export class ObjectSource implements ByteSource {
  readonly stats: ReadStats = { requests: 0, bytes: 0 };
  private constructor(
    private readonly store: ObjectStore,
    readonly key: string,
    readonly size: number,
  ) {}

  static async open(store: ObjectStore, key: string): Promise<ObjectSource> {
    const info = await store.head(key);
    if (!info) throw notFound(key);
    return new ObjectSource(store, key, info.size);
  }

  read(ranges: readonly ByteRange[]): Promise<Uint8Array[]> {
    return Promise.all(
      ranges.map(async (r) => {
        if (r.offset < 0 || r.length < 0 || r.offset + r.length > this.size) {
          throw new StorageError('io-error', `byte range [${r.offset}, ${r.offset + r.length}) outside ${this.key} (${this.size} bytes)`);
        }
        if (r.length === 0) return new Uint8Array(0);
        const b = await this.store.get(this.key, r);
        if (b.byteLength !== r.length) {
          throw new StorageError('io-error', `${this.key}: asked for ${r.length} bytes at ${r.offset}, got ${b.byteLength}`);
        }
        this.stats.requests++;
        this.stats.bytes += r.length;
        return b;
      }),
    );
  }
}
