/**
 * A table: a composite primary key, column groups, and a log of versions (see manifest.ts for
 * the layout in the object store, transaction.ts for commits, snapshot.ts for reads).
 */
import { type Field, type RecordBatch, Schema, type Table as ArrowTable } from 'apache-arrow';

import { ConflictError, EngineError } from '../../errors.js';
import type { ObjectStore } from '../object-store/object-store.js';
import { schemaToJSON } from './arrow-json.js';
import { writeFragment } from './fragments.js';
import { KeyCodec } from './key-codec.js';
import { concatBatches } from '../arrow/concat.js';
import {
  type CollectionDoc,
  encodeDoc,
  type FragmentEntry,
  MANIFEST_FORMAT,
  newId,
  nowMicros,
  VERSION_FORMAT,
  type TxnSummary,
  type VersionDoc,
} from './manifest.js';
import { Key, type ScanOptions, Snapshot } from './snapshot.js';
import type { DuckDBConnection } from '@duckdb/node-api';
import type { DuckDBExport, TableViewScan, ToDuckDBOptions } from '../duckdb/index.js';
import { type AsOf, clusterBySpan, type CollectionCore, type GroupState, priorityOf, TableCore } from './table-core.js';
import { type CollectionWriter, type CommitInfo, keysToBlock, type KeysInput, SLICE_ROWS, Transaction, type TxnWriteOptions, type WriteInput } from './transaction.js';

export interface TableScanOptions extends ScanOptions {
  /** Read the version committed at or before this time (Date / ISO string) or this version number. */
  readonly asof?: AsOf;
}

export interface CompactOptions {
  /** Rows per output fragment (default 1,048,576). */
  readonly targetRows?: number;
  /** Called with rows rewritten so far. */
  readonly onProgress?: (rows: number) => void;
}

export interface CompactResult {
  readonly version: number | null;
  readonly fragmentsRemoved: number;
  readonly fragmentsAdded: number;
  readonly rowsRewritten: number;
}

export interface VacuumOptions {
  /** Snapshots committed before this time are no longer needed (the one current at that time is kept). */
  readonly olderThan: Date;
  /**
   * Unreferenced files younger than this are kept, since a transaction may be about to commit
   * them (default one hour).
   */
  readonly orphanGraceMs?: number;
}

export interface VacuumResult {
  readonly versionsDeleted: number;
  readonly filesDeleted: number;
  readonly bytesDeleted: number;
}

export interface TxnInfo {
  readonly version: number;
  readonly committedAt: number;
  readonly txn: TxnSummary;
}

const COMPACT_ATTEMPTS = 5;

/**
 * A table, or one collection of a dataset (which stores its whole tree as the collections of
 * one table so writes across collections commit atomically).
 */
export class Table {
  private constructor(
    private readonly core: TableCore,
    private readonly cc: CollectionCore,
  ) {}

  /**
   * Creates the first version in `dir`: one collection per entry of `collections` (a plain
   * table has the single collection '').
   */
  static async createCore(
    store: ObjectStore,
    dir: string,
    id: string,
    identifier: string,
    collections: readonly { path: string; keyFields: readonly Field[]; structGroups: readonly string[] | null }[],
    meta?: unknown,
  ): Promise<TableCore> {
    const docs: CollectionDoc[] = [];
    for (const c of collections) {
      new KeyCodec(c.keyFields);
      const keySpace = `manifests/${newId()}.json`;
      await store.put(`${dir}/${keySpace}`, encodeDoc({ format: MANIFEST_FORMAT, group: '', fragments: [] }));
      docs.push({ path: c.path, keySchema: schemaToJSON(c.keyFields), structGroups: c.structGroups, keySpace, groups: [], rangeTombstones: [] });
    }
    const doc: VersionDoc = {
      format: VERSION_FORMAT,
      table: id,
      version: 1,
      committedAt: nowMicros(),
      txn: { id: newId(), kind: 'create', rowsWritten: 0, keysDeleted: 0, prefixesDeleted: 0, columnsDropped: [], fragmentsAdded: 0, fragmentsRemoved: 0, attempts: 1 },
      collections: docs,
      ...(meta === undefined ? {} : { meta }),
    };
    const core = new TableCore(store, dir, id, identifier);
    if (!(await core.log.tryPublish(1, encodeDoc(doc)))) throw new EngineError('table-exists', `table storage ${dir} already exists`);
    return core;
  }

  static async create(store: ObjectStore, dir: string, id: string, identifier: string, keyFields: readonly Field[], structGroups: readonly string[] | null): Promise<Table> {
    const core = await Table.createCore(store, dir, id, identifier, [{ path: '', keyFields, structGroups }]);
    return Table.open(store, dir, id, identifier, core);
  }

  /** Opens a table (or the collection `path` of a dataset's table). */
  static async open(store: ObjectStore, dir: string, id: string, identifier: string, core?: TableCore, path = ''): Promise<Table> {
    const c = core ?? new TableCore(store, dir, id, identifier);
    if ((await c.log.latest()) === 0) throw new EngineError('table-not-found', `table ${identifier} has no storage at ${dir}`);
    // The newest version names every collection (version 1 may have been vacuumed).
    const coll = (await c.readVersion(await c.latestVersion())).collections.find((x) => x.path === path);
    if (!coll) throw new EngineError('table-not-found', `table ${identifier} has no collection "${path}"`);
    return new Table(c, c.collection(coll));
  }

  /** The collection `coll` (from a version document already read) of a table's storage. */
  static ofCollection(core: TableCore, coll: CollectionDoc): Table {
    return new Table(core, core.collection(coll));
  }

  /** This table's storage (shared by the collections of a dataset). @internal */
  get storage(): TableCore {
    return this.core;
  }

  /** The collection path of a dataset's table ('' for a plain table). @internal */
  get collectionPath(): string {
    return this.cc.path;
  }

  get identifier(): string {
    return this.core.identifier;
  }

  get id(): string {
    return this.core.id;
  }

  get keySchema(): Schema {
    return new Schema([...this.cc.keyFields]);
  }

  /** A key or key prefix from values of the first key columns. */
  key(...parts: unknown[]): Key {
    return new Key(parts, this.cc.codec.encodeValues(parts));
  }

  /** The table as of a time or version (default: the newest version). */
  async snapshot(asof?: AsOf): Promise<Snapshot> {
    return new Snapshot(this.cc, await this.core.loadState(await this.core.resolveAsOf(asof)));
  }

  async schema(asof?: AsOf): Promise<Schema> {
    return (await this.snapshot(asof)).schema();
  }

  /** Streams rows sorted by key (see TableScanOptions). */
  async *scan(opts: TableScanOptions = {}): AsyncGenerator<RecordBatch> {
    yield* (await this.snapshot(opts.asof)).scan(opts);
  }

  async read(opts: TableScanOptions = {}): Promise<ArrowTable> {
    return (await this.snapshot(opts.asof)).read(opts);
  }

  /** Rows of these keys (those that exist), sorted by key. */
  async take(keys: KeysInput, opts: { columns?: readonly string[]; asof?: AsOf } = {}): Promise<ArrowTable> {
    const snap = await this.snapshot(opts.asof);
    return snap.take(keysToBlock(this.cc, keys), opts);
  }

  /** Begins a transaction on the newest version. */
  async txn(): Promise<Transaction> {
    const state = await this.core.loadState(await this.core.latestVersion());
    return new Transaction(this.core, state);
  }

  private async inTxn(f: (t: CollectionWriter) => Promise<void> | void): Promise<CommitInfo> {
    const t = await this.txn();
    try {
      await f(t.collection(this.cc.path));
      return await t.commit();
    } catch (e) {
      await t.abort();
      throw e;
    }
  }

  /** Upserts rows in one transaction. */
  write(data: WriteInput, opts: TxnWriteOptions = {}): Promise<CommitInfo> {
    return this.inTxn((t) => t.write(data, opts));
  }

  delete(keys: KeysInput): Promise<CommitInfo> {
    return this.inTxn((t) => t.delete(keys));
  }

  deletePrefix(prefix: Key): Promise<CommitInfo> {
    return this.inTxn((t) => t.deletePrefix(prefix));
  }

  dropColumns(paths: readonly string[]): Promise<CommitInfo> {
    return this.inTxn((t) => t.dropColumns(paths));
  }

  /** Every committed transaction, oldest first. */
  async transactions(): Promise<TxnInfo[]> {
    const versions = await this.core.log.versions();
    const out: TxnInfo[] = [];
    for (let i = 0; i < versions.length; i += 32) {
      const docs = await Promise.all(versions.slice(i, i + 32).map((v) => this.core.readVersion(v)));
      for (const d of docs) out.push({ version: d.version, committedAt: d.committedAt, txn: d.txn });
    }
    return out;
  }

  /**
   * Rewrites overlapping fragments (and runs of small ones) of every column group and the key
   * space into sorted, non-overlapping L1 fragments. Readers keep their snapshots; concurrent
   * writers commit on top (the compaction is retried when they replaced the same fragments).
   */
  async compact(opts: CompactOptions = {}): Promise<CompactResult> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.compactOnce(opts);
      } catch (e) {
        if (!(e instanceof ConflictError) || e.code !== 'commit-conflict' || attempt >= COMPACT_ATTEMPTS) throw e;
      }
    }
  }

  private async compactOnce(opts: CompactOptions): Promise<CompactResult> {
    const target = opts.targetRows ?? SLICE_ROWS;
    const t = await this.txn();
    const snap = new Snapshot(this.cc, t.baseState);
    const cc = this.cc;
    let removed = 0, addedCount = 0, rewritten = 0;
    const targets: { group: string | null; g: GroupState | undefined; fragments: readonly FragmentEntry[] }[] = [
      { group: null, g: undefined, fragments: snap.state.keySpace },
      ...[...snap.state.groups.values()].map((g) => ({ group: g.doc.path, g, fragments: g.fragments })),
    ];
    try {
      for (const { group, g, fragments } of targets) {
        for (const job of compactionJobs(fragments, target)) {
          const fields = g ? g.fields : [];
          const out: FragmentEntry[] = [];
          const newest = job.reduce((a, b) => (priorityOf(b) > priorityOf(a) ? b : a));
          const committedAt = Math.max(...job.map((f) => f.committedAt));
          const compactedAt = nowMicros();
          let pending: RecordBatch[] = [];
          let pendingRows = 0;
          const flush = async (): Promise<void> => {
            if (pendingRows === 0) return;
            const b = concatBatches(pending);
            pending = [];
            pendingRows = 0;
            const keyData = cc.keyFields.map((_, i) => b.data.children[i]!);
            const frag = await writeFragment({
              store: this.core.store,
              dir: this.core.dir,
              keyFields: cc.keyFields,
              keyData,
              keys: cc.codec.encode(keyData),
              fields,
              data: fields.map((_, i) => b.data.children[cc.keyFields.length + i]!),
              keysId: newId(),
            });
            out.push({ ...frag, level: 1, seq: newest.seq, ord: newest.ord, committedAt, compactedAt });
            rewritten += b.numRows;
            opts.onProgress?.(rewritten);
          };
          for await (const b of snap.compactionRows(g, job, fields)) {
            for (let at = 0; at < b.numRows; ) {
              const n = Math.min(b.numRows - at, target - pendingRows);
              pending.push(b.slice(at, at + n));
              pendingRows += n;
              at += n;
              if (pendingRows >= target) await flush();
            }
          }
          await flush();
          t.replace(cc.path, group, job.map((f) => f.id), out);
          removed += job.length;
          addedCount += out.length;
        }
      }
      if (t.isEmpty()) {
        await t.abort();
        return { version: null, fragmentsRemoved: 0, fragmentsAdded: 0, rowsRewritten: 0 };
      }
      const info = await t.commit();
      return { version: info.version, fragmentsRemoved: removed, fragmentsAdded: addedCount, rowsRewritten: rewritten };
    } catch (e) {
      await t.abort();
      throw e;
    }
  }

  /**
   * Deletes what no retained snapshot needs: version documents older than the snapshot current
   * at `olderThan`, then fragments and manifests none of the remaining versions names (unless
   * younger than the grace period).
   */
  async vacuum(opts: VacuumOptions): Promise<VacuumResult> {
    const cutoff = opts.olderThan.getTime() * 1000;
    const grace = Date.now() - (opts.orphanGraceMs ?? 3_600_000);
    const versions = await this.core.log.versions();
    const docs = await Promise.all(versions.map((v) => this.core.readVersion(v)));
    let keepFrom = 0;
    docs.forEach((d, i) => {
      if (d.committedAt <= cutoff) keepFrom = i;
    });
    const retained = docs.slice(keepFrom);
    const referenced = new Set<string>();
    for (const d of retained) {
      for (const m of d.collections.flatMap((c) => [c.keySpace, ...c.groups.map((g) => g.manifest)])) {
        referenced.add(m);
        for (const f of (await this.core.manifest(m)).fragments) referenced.add(f.path);
      }
    }
    let versionsDeleted = 0, filesDeleted = 0, bytesDeleted = 0;
    // Old versions first, so no remaining version names a file deleted below.
    for (const d of docs.slice(0, keepFrom)) {
      await this.core.store.delete(this.core.log.key(d.version));
      versionsDeleted++;
    }
    for (const sub of ['fragments/', 'manifests/']) {
      for (const o of await this.core.store.list(`${this.core.dir}/${sub}`)) {
        const rel = o.key.slice(this.core.dir.length + 1);
        if (referenced.has(rel)) continue;
        if (o.lastModified && o.lastModified.getTime() > grace) continue;
        await this.core.store.delete(o.key);
        filesDeleted++;
        bytesDeleted += o.size;
      }
    }
    this.core.files.forget(referenced);
    return { versionsDeleted, filesDeleted, bytesDeleted };
  }

  async close(): Promise<void> {
    await this.core.close();
  }

  /**
   * Exposes the table to DuckDB: a lazy view reading only the columns a query uses (default), or
   * a DuckDB table loaded with `materialize: true`. `scan` narrows the rows (where, prefix,
   * limit, asof). See README "DuckDB interop".
   */
  async toDuckDB(connection: DuckDBConnection, opts: ToDuckDBOptions & { readonly scan?: TableViewScan } = {}): Promise<DuckDBExport> {
    const duck = await import('../duckdb/index.js');
    return duck.toDuckDB(connection, duck.tableSource(this, opts.scan), opts);
  }
}

/**
 * Groups of fragments to rewrite together: every cluster of overlapping spans with more than
 * one fragment, and runs of adjacent small fragments. A job always holds every fragment that
 * overlaps its key span, so newest-wins and deletions resolve completely inside it.
 */
export function compactionJobs(fragments: readonly FragmentEntry[], targetRows: number): FragmentEntry[][] {
  const clusters = clusterBySpan(fragments);
  const jobs: FragmentEntry[][] = [];
  let run: FragmentEntry[] = [];
  let runRows = 0;
  const endRun = (): void => {
    if (run.length > 1) jobs.push(run);
    run = [];
    runRows = 0;
  };
  for (const c of clusters) {
    const rows = c.reduce((s, f) => s + f.rows, 0);
    const overlapping = c.length > 1;
    const small = c.length === 1 && (c[0]!.rows < targetRows / 2 || c[0]!.tombstone);
    if (overlapping) {
      endRun();
      jobs.push(c);
    } else if (small && runRows + rows <= targetRows) {
      run.push(c[0]!);
      runRows += rows;
    } else {
      endRun();
      if (small) {
        run.push(c[0]!);
        runRows = rows;
      }
    }
  }
  endRun();
  return jobs;
}

export { Key, Snapshot, Transaction };
