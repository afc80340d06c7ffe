/**
 * Fragments: sorted Vortex files holding the key columns and one column group's fields (or
 * only keys, for the key space and for tombstones). Written whole into the object store under
 * a fresh name; read through range GETs with the files' zone maps.
 */
import { type Data, type DataType, type Field, makeData, RecordBatch, Schema, Struct } from 'apache-arrow';

import { LocalStore } from '../object-store/local-store.js';
import { type ObjectStore, ObjectSource } from '../object-store/object-store.js';
import type { WriteTarget } from '../vortex/write.js';
import { VortexFile } from '../vortex/vortex-file.js';
import { type KeyBlock, keyAt, toHex } from './key-codec.js';
import { type FragmentFile, newId } from './manifest.js';

/** A written fragment before commit (commit adds level, seq, ord and times). */
export type PendingFragment = FragmentFile;

/** Collects a written file's bytes in memory. */
class MemorySink {
  readonly parts: Uint8Array[] = [];
  size = 0;
  write(b: Uint8Array): void {
    this.parts.push(b);
    this.size += b.byteLength;
  }
  close(): void {}
  abort(): void {}
  bytes(): Uint8Array {
    const out = new Uint8Array(this.size);
    let at = 0;
    for (const p of this.parts) {
      out.set(p, at);
      at += p.byteLength;
    }
    return out;
  }
}

export interface FragmentWrite {
  readonly store: ObjectStore;
  /** Table directory in the store. */
  readonly dir: string;
  readonly keyFields: readonly Field[];
  readonly keyData: readonly Data[];
  /** Normalized keys of the rows (sorted, unique). */
  readonly keys: KeyBlock;
  readonly fields: readonly Field[];
  readonly data: readonly Data[];
  readonly tombstone?: boolean;
  /** Fragments of one sorted slice share this id (they hold the same keys). */
  readonly keysId: string;
}

/** Writes one fragment file (rows already sorted by key and unique) and uploads it. */
export async function writeFragment(w: FragmentWrite): Promise<PendingFragment> {
  const fields = [...w.keyFields, ...w.fields];
  const n = w.keys.length;
  const schema = new Schema(fields);
  const batch = new RecordBatch(schema, makeData({ type: new Struct(fields), length: n, nullCount: 0, children: [...w.keyData, ...w.data] }));
  const sink = new MemorySink();
  await VortexFile.write(sink as WriteTarget, [batch]);
  const bytes = sink.bytes();
  const file = await VortexFile.open(bytes);
  let dataBytes = 0;
  for (const s of file.segments) dataBytes += s.length;
  await file.close();
  const id = newId();
  const path = `fragments/${id}.vortex`;
  await w.store.put(`${w.dir}/${path}`, bytes);
  return {
    id,
    path,
    rows: n,
    size: bytes.byteLength,
    metadataSize: Math.max(0, bytes.byteLength - dataBytes),
    minKey: toHex(keyAt(w.keys, 0)),
    maxKey: toHex(keyAt(w.keys, n - 1)),
    tombstone: w.tombstone ?? false,
    columns: w.fields.map((f) => f.name),
    keys: w.keysId,
  };
}

/**
 * Open fragment files of one table, opened once and shared by concurrent reads (decoded
 * segments are cached natively, process-wide).
 */
export class FragmentFiles {
  private readonly open = new Map<string, Promise<VortexFile>>();

  constructor(
    private readonly store: ObjectStore,
    private readonly dir: string,
  ) {}

  get(path: string): Promise<VortexFile> {
    let p = this.open.get(path);
    if (!p) {
      const key = `${this.dir}/${path}`;
      // Local files stay open (one descriptor, positional reads); other stores read by range GETs.
      p = this.store instanceof LocalStore ? VortexFile.open(this.store.filePath(key)) : ObjectSource.open(this.store, key).then((src) => VortexFile.open(src));
      p.catch(() => this.open.delete(path));
      this.open.set(path, p);
    }
    return p;
  }

  /** Bytes and requests read so far from the open files among `paths` (EXPLAIN DATA ANALYZE). */
  async readStats(paths: Iterable<string>): Promise<{ bytes: number; requests: number }> {
    let bytes = 0, requests = 0;
    for (const path of new Set(paths)) {
      const f = await this.open.get(path)?.catch(() => null);
      if (!f?.source.stats) continue;
      bytes += f.source.stats.bytes;
      requests += f.source.stats.requests;
    }
    return { bytes, requests };
  }

  /** Forgets files no longer referenced (after compaction or vacuum). */
  forget(keep: ReadonlySet<string>): void {
    for (const [k, p] of [...this.open]) {
      if (keep.has(k)) continue;
      this.open.delete(k);
      void p.then((f) => f.close()).catch(() => undefined);
    }
  }

  async close(): Promise<void> {
    const files = [...this.open.values()];
    this.open.clear();
    await Promise.all(files.map(async (p) => (await p.catch(() => null))?.close()));
  }
}

/** A batch of `fields` (all present in the batch) picked by name, in order. */
export function pick(batch: RecordBatch, fields: readonly Field[]): RecordBatch {
  const names = batch.schema.fields.map((f) => f.name);
  const schema = new Schema([...fields]);
  const children = fields.map((f) => batch.data.children[names.indexOf(f.name)]!);
  return new RecordBatch(schema, makeData({ type: new Struct(schema.fields), length: batch.numRows, nullCount: 0, children }));
}

/** Renames a batch's columns (same data). */
export function renameColumns(batch: RecordBatch, rename: (name: string) => string): RecordBatch {
  const schema = new Schema(batch.schema.fields.map((f) => f.clone({ name: rename(f.name) })));
  return new RecordBatch(schema, makeData({ type: new Struct(schema.fields), length: batch.numRows, nullCount: 0, children: batch.data.children as Data<DataType>[] }));
}
