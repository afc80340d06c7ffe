/**
 * What every part of a table shares: where it lives, its key codec, and loading of versions
 * (a version document plus the manifests it names, cached: they are immutable).
 */
import type { Data, Field } from 'apache-arrow';

import { EngineError, isErrorCode } from '../../errors.js';
import type { ObjectStore } from '../object-store/object-store.js';
import { concatData } from '../arrow/concat.js';
import { fieldFromJSON, schemaFromJSON } from './arrow-json.js';
import { FragmentFiles } from './fragments.js';
import { compareBytes, fromHex, type KeyBlock, KeyCodec } from './key-codec.js';
import {
  type CollectionDoc,
  type FragmentEntry,
  type GroupDoc,
  MANIFEST_FORMAT,
  type ManifestDoc,
  parseDoc,
  VERSION_FORMAT,
  type VersionDoc,
} from './manifest.js';
import { VersionLog } from './version-log.js';

export interface GroupState {
  readonly doc: GroupDoc;
  readonly fields: readonly Field[];
  /** Field name → version from which stored values count (values in older fragments are dropped). */
  readonly since: ReadonlyMap<string, number>;
  readonly fragments: readonly FragmentEntry[];
}

/** One collection of a loaded version. */
export interface CollectionState {
  readonly coll: CollectionDoc;
  readonly keySpace: readonly FragmentEntry[];
  readonly groups: ReadonlyMap<string, GroupState>;
}

/** One table version, loaded. */
export interface TableState {
  readonly doc: VersionDoc;
  readonly collections: ReadonlyMap<string, CollectionState>;
}

/** Key schema and codec of one collection, plus the table's shared file access. */
export interface CollectionCore {
  readonly path: string;
  readonly keyFields: readonly Field[];
  readonly codec: KeyCodec;
  readonly files: FragmentFiles;
  keyIndex(f: FragmentEntry): Promise<KeyBlock>;
  /** A decoded column chunk of a fragment, kept in a bounded cache for point lookups. */
  chunk(path: string, column: string, start: number, end: number, read: () => Promise<Data>): Promise<Data>;
}

/** Priority of a fragment's rows: newer commits, then later writes in one commit, win. */
export const priorityOf = (f: { seq: number; ord: number }): number => f.seq * 1_000_000 + f.ord;

export type AsOf = Date | number | string;

/**
 * Fragments sorted by min key (then priority) and split into clusters of overlapping key spans:
 * no fragment of one cluster overlaps a fragment of another.
 */
export function clusterBySpan(fragments: readonly FragmentEntry[]): FragmentEntry[][] {
  const sorted = [...fragments].sort((a, b) => compareBytes(fromHex(a.minKey), fromHex(b.minKey)) || priorityOf(a) - priorityOf(b));
  const out: FragmentEntry[][] = [];
  let max: Uint8Array | null = null;
  for (const f of sorted) {
    const min = fromHex(f.minKey);
    if (max !== null && compareBytes(min, max) <= 0) out[out.length - 1]!.push(f);
    else out.push([f]);
    const fmax = fromHex(f.maxKey);
    if (max === null || compareBytes(fmax, max) > 0) max = fmax;
  }
  return out;
}

const KEY_INDEX_BUDGET = 512 * 1024 * 1024;
const CHUNK_CACHE_BUDGET = 512 * 1024 * 1024;

export class TableCore {
  readonly log: VersionLog;
  readonly files: FragmentFiles;
  private readonly collectionCores = new Map<string, CollectionCore>();
  private readonly manifests = new Map<string, Promise<ManifestDoc>>();
  private readonly keyIndexes = new Map<string, Promise<KeyBlock>>();
  private keyIndexBytes = 0;
  private readonly chunks = new Map<string, { data: Promise<Data>; bytes: number }>();
  private chunkBytes = 0;

  constructor(
    readonly store: ObjectStore,
    /** Directory of the table in the store: `tables/<id>`. */
    readonly dir: string,
    readonly id: string,
    readonly identifier: string,
  ) {
    this.log = new VersionLog(store, dir);
    this.files = new FragmentFiles(store, dir);
  }

  /** Key fields and codec of a collection (its key schema never changes once created). */
  collection(coll: CollectionDoc): CollectionCore {
    let c = this.collectionCores.get(coll.path);
    if (!c) {
      const keyFields = schemaFromJSON(coll.keySchema).map((f) => f.clone({ nullable: false }));
      const codec = new KeyCodec(keyFields);
      c = {
        path: coll.path,
        keyFields,
        codec,
        files: this.files,
        keyIndex: (f) => this.keyIndex(f, keyFields, codec),
        chunk: (path, column, start, end, read) => this.chunk(`${path}\u0000${column}\u0000${start}`, read),
      };
      this.collectionCores.set(coll.path, c);
    }
    return c;
  }

  async readVersion(v: number): Promise<VersionDoc> {
    let bytes: Uint8Array;
    try {
      bytes = await this.log.read(v);
    } catch (e) {
      if (isErrorCode(e, 'object-not-found')) throw new EngineError('snapshot-not-found', `table ${this.identifier} has no version ${v}`, { details: { version: v } });
      throw e;
    }
    const doc = parseDoc<VersionDoc>(bytes, VERSION_FORMAT, this.log.key(v));
    if (doc.version !== v || doc.table !== this.id) throw new EngineError('table-corrupt', `${this.log.key(v)} describes another version or table`);
    return doc;
  }

  manifest(key: string): Promise<ManifestDoc> {
    let p = this.manifests.get(key);
    if (!p) {
      p = this.store.get(`${this.dir}/${key}`).then((b) => parseDoc<ManifestDoc>(b, MANIFEST_FORMAT, key));
      p.catch(() => this.manifests.delete(key));
      this.manifests.set(key, p);
    }
    return p;
  }

  async loadState(v: number): Promise<TableState> {
    const doc = await this.readVersion(v);
    const collections = new Map<string, CollectionState>();
    await Promise.all(
      doc.collections.map(async (coll) => {
        const [ks, ...gs] = await Promise.all([this.manifest(coll.keySpace), ...coll.groups.map((g) => this.manifest(g.manifest))]);
        const groups = new Map<string, GroupState>();
        coll.groups.forEach((g, i) => {
          groups.set(g.path, {
            doc: g,
            fields: g.fields.map(fieldFromJSON),
            since: new Map(g.fields.map((f) => [f.name, f.since])),
            fragments: gs[i]!.fragments,
          });
        });
        collections.set(coll.path, { coll, keySpace: ks!.fragments, groups });
      }),
    );
    return { doc, collections };
  }

  async latestVersion(): Promise<number> {
    const v = await this.log.latest();
    if (v === 0) throw new EngineError('table-not-found', `table ${this.identifier} has no versions (dropped?)`);
    return v;
  }

  /** The version visible at `asof`: a version number, or the last commit at or before a time. */
  async resolveAsOf(asof: AsOf | undefined): Promise<number> {
    if (asof === undefined) return this.latestVersion();
    if (typeof asof === 'number') {
      if (!Number.isSafeInteger(asof) || asof < 1) throw new EngineError('invalid-argument', `asof version must be a positive integer, got ${asof}`);
      return asof;
    }
    const t = typeof asof === 'string' ? new Date(asof) : asof;
    if (Number.isNaN(t.getTime())) throw new EngineError('invalid-argument', `asof ${String(asof)} is not a valid time`);
    const us = t.getTime() * 1000 + 999;
    const versions = await this.log.versions();
    // Versions are committed in increasing time: binary search the last one at or before `us`.
    let lo = 0, hi = versions.length - 1, found = 0;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const doc = await this.readVersion(versions[mid]!).catch((e: unknown) => {
        if (isErrorCode(e, 'snapshot-not-found')) return null;
        throw e;
      });
      if (doc && doc.committedAt <= us) {
        found = versions[mid]!;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    if (found === 0) throw new EngineError('snapshot-not-found', `table ${this.identifier} has no version committed at or before ${t.toISOString()}`);
    return found;
  }

  /**
   * Decoded column chunks for point lookups, LRU by bytes: a warm lookup then runs without a
   * native call (the buffers are shared with the native segment cache, not copied).
   */
  private chunk(key: string, read: () => Promise<Data>): Promise<Data> {
    const hit = this.chunks.get(key);
    if (hit) {
      this.chunks.delete(key);
      this.chunks.set(key, hit);
      return hit.data;
    }
    const entry = { data: read(), bytes: 0 };
    entry.data.then(
      (d) => {
        entry.bytes = d.byteLength;
        this.chunkBytes += entry.bytes;
        for (const [k, e] of this.chunks) {
          if (this.chunkBytes <= CHUNK_CACHE_BUDGET) break;
          this.chunks.delete(k);
          this.chunkBytes -= e.bytes;
        }
      },
      () => this.chunks.delete(key),
    );
    this.chunks.set(key, entry);
    return entry.data;
  }

  /** All normalized keys of a fragment (cached, bounded): the index of point lookups. */
  private keyIndex(f: FragmentEntry, keyFields: readonly Field[], codec: KeyCodec): Promise<KeyBlock> {
    let p = this.keyIndexes.get(f.path);
    if (!p) {
      p = (async () => {
        const file = await this.files.get(f.path);
        const cols = await Promise.all(keyFields.map(async (kf) => {
          const bounds = file.chunkBounds(kf.name);
          const parts = await Promise.all(bounds.slice(0, -1).map((a, i) => file.readColumn(kf.name, a, bounds[i + 1]!)));
          return concatData(kf.type, parts);
        }));
        const block = codec.encode(cols);
        this.keyIndexBytes += block.bytes.byteLength + (block.offsets?.byteLength ?? 0);
        while (this.keyIndexBytes > KEY_INDEX_BUDGET && this.keyIndexes.size > 1) {
          const [oldest, op] = this.keyIndexes.entries().next().value as [string, Promise<KeyBlock>];
          this.keyIndexes.delete(oldest);
          const b = await op.catch(() => null);
          if (b) this.keyIndexBytes -= b.bytes.byteLength + (b.offsets?.byteLength ?? 0);
        }
        return block;
      })();
      p.catch(() => this.keyIndexes.delete(f.path));
      this.keyIndexes.set(f.path, p);
    }
    return p;
  }

  async close(): Promise<void> {
    await this.files.close();
    this.chunks.clear();
    this.chunkBytes = 0;
    this.keyIndexes.clear();
    this.keyIndexBytes = 0;
  }
}
