/**
 * Transactions: writes (upserts), deletes and column drops, published atomically as the next
 * table version.
 *
 * Data is written to fresh fragment files as the transaction goes; `commit` writes the changed
 * manifests under fresh names and then conditionally creates version N+1. When another commit
 * took N+1 first, the transaction is rebuilt on top of the newest version and tried again:
 * upserts and deletes are blind (they read nothing), so rebasing them is the same as running
 * them after the other commit. A rebase is refused with a ConflictError ('commit-conflict')
 * when it would not be equivalent: a column written here got another type meanwhile, or
 * fragments a compaction replaces were replaced by someone else.
 */
import { type Data, DataType, type Field, makeData, RecordBatch, Schema, type Struct, Table, vectorFromArray } from 'apache-arrow';

import { ConflictError, EngineError, isErrorCode } from '../../errors.js';
import { concatBatches, concatData, plainData } from '../arrow/concat.js';
import { takeData } from '../arrow/take.js';
import { type FieldJSON, fieldToJSON, sameType, schemaToJSON, typeFromJSON } from './arrow-json.js';
import { parentGroup, splitBatch } from './columns.js';
import { type PendingFragment, writeFragment } from './fragments.js';
import { type KeyBlock, keyAt, keyBlockOf, permuteKeys, prefixEnd, sortUniqueLast, toHex } from './key-codec.js';
import {
  encodeDoc,
  type FragmentEntry,
  type CollectionDoc,
  type GroupDoc,
  type GroupField,
  MANIFEST_FORMAT,
  type ManifestDoc,
  newId,
  nowMicros,
  type RangeTombstone,
  type TxnKind,
  VERSION_FORMAT,
  type VersionDoc,
} from './manifest.js';
import type { Key } from './snapshot.js';
import type { CollectionCore, CollectionState, TableCore, TableState } from './table-core.js';

export type WriteInput = Table | RecordBatch | Iterable<RecordBatch> | AsyncIterable<RecordBatch>;
/** Keys to delete: a table / batch with the key columns, key tuples, or Keys. */
export type KeysInput = Table | RecordBatch | readonly (readonly unknown[])[] | readonly Key[];

export interface TxnWriteOptions {
  /** Called with the number of rows written so far. */
  readonly onProgress?: (rows: number) => void;
}

export interface CommitInfo {
  readonly version: number;
  /** Commit time, microseconds since the epoch. */
  readonly committedAt: number;
  /** Commit attempts (1 = no concurrent commit got in the way). */
  readonly attempts: number;
}

type OpBody =
  | { readonly kind: 'fragment'; readonly group: string | null; readonly frag: PendingFragment; readonly fields: readonly FieldJSON[]; readonly ord: number }
  | { readonly kind: 'tombstone'; readonly frag: PendingFragment; readonly ord: number }
  | { readonly kind: 'range'; readonly lo: string; readonly hi: string | null; readonly ord: number }
  | { readonly kind: 'drop'; readonly paths: readonly string[]; readonly ord: number }
  | { readonly kind: 'replace'; readonly group: string | null; readonly remove: readonly string[]; readonly add: readonly FragmentEntry[] }
  | { readonly kind: 'create'; readonly keySchema: readonly FieldJSON[]; readonly structGroups: readonly string[] | null };

/** An operation on one collection (`coll`: '' for a plain table). */
type Op = OpBody & { readonly coll: string };

/** Rows per sorted slice (one fragment per group per slice). */
export const SLICE_ROWS = 1 << 20;
/** Commit races a transaction may lose before giving up (blind writes rebase safely; this bounds contention). */
const MAX_ATTEMPTS = 200;

function isIterable(x: unknown): x is Iterable<RecordBatch> {
  return typeof (x as Iterable<unknown>)?.[Symbol.iterator] === 'function';
}

async function* batchesOf(data: WriteInput): AsyncGenerator<RecordBatch> {
  if (data instanceof RecordBatch) yield data;
  else if (data instanceof Table) yield* data.batches;
  else if (isIterable(data)) yield* data;
  else yield* data;
}

/** Writes to one collection inside a transaction (a plain table's is `txn` itself). */
export class CollectionWriter {
  /** Group path → field name → type written by this transaction. */
  private readonly written = new Map<string, Map<string, Field>>();

  constructor(
    private readonly txn: Transaction,
    private readonly core: TableCore,
    private readonly cc: CollectionCore,
    private readonly base: CollectionState | undefined,
    private readonly structGroups: readonly string[] | null,
  ) {}

  private get path(): string {
    return this.cc.path;
  }

  private isGroup = (path: string): boolean => this.structGroups === null || this.structGroups.some((g) => g === path || g.startsWith(`${path}.`));

  /** Stored type of a field (this transaction's writes first, then the base version). */
  private knownType(group: string, name: string): Field | undefined {
    return this.written.get(group)?.get(name) ?? this.base?.groups.get(group)?.fields.find((f) => f.name === name);
  }

  /** Upserts rows: the newest write of a key wins, column by column. */
  async write(data: WriteInput, opts: TxnWriteOptions = {}): Promise<void> {
    this.txn.ensureOpen();
    let pending: RecordBatch[] = [];
    let pendingRows = 0;
    let schema: Schema | undefined;
    const flush = async (): Promise<void> => {
      if (pendingRows === 0) return;
      const batch = pending.length === 1 ? pending[0]! : concatBatches(pending);
      pending = [];
      pendingRows = 0;
      await this.writeSlice(batch);
      opts.onProgress?.(this.txn.counts.rows);
    };
    for await (const b of batchesOf(data)) {
      if (schema && !sameSchema(schema, b.schema)) await flush();
      schema = b.schema;
      for (let at = 0; at < b.numRows; ) {
        const take = Math.min(b.numRows - at, SLICE_ROWS - pendingRows);
        pending.push(at === 0 && take === b.numRows ? b : b.slice(at, at + take));
        pendingRows += take;
        at += take;
        if (pendingRows >= SLICE_ROWS) await flush();
      }
    }
    await flush();
  }

  /** Sorts one slice by key (last duplicate wins), splits it by group and writes its fragments. */
  private async writeSlice(input: RecordBatch): Promise<void> {
    const plain = plainData(input.data);
    const batch = plain === input.data ? input : new RecordBatch(new Schema(plain.type.children), plain as Data<Struct>);
    const split = splitBatch(batch, this.cc.keyFields, this.isGroup);
    split.keys.forEach((d, i) => {
      const kf = this.cc.keyFields[i]!;
      if (!sameType(d.type, kf.type)) {
        throw new EngineError('schema-mismatch', `key column "${kf.name}" has type ${String(d.type)}, the table's key is ${String(kf.type)}`, { details: { column: kf.name } });
      }
    });
    for (const [g, { fields, data }] of split.groups) {
      fields.forEach((f, i) => {
        const known = this.knownType(g, f.name);
        if (known && !sameType(known.type, data[i]!.type)) {
          const path = g === '' ? f.name : `${g}.${f.name}`;
          throw new EngineError('schema-mismatch', `column "${path}" has type ${String(data[i]!.type)}, the table stores ${String(known.type)}`, { details: { column: path } });
        }
      });
    }
    const raw = this.cc.codec.encode(split.keys);
    const order = sortUniqueLast(raw);
    const identity = order.length === raw.length && order.every((v, i) => v === i);
    const reorder = (d: Data): Data => (identity ? d : takeData(d, order));
    const keys: KeyBlock = identity ? raw : permuteKeys(raw, order);
    const keyData = split.keys.map(reorder);
    const keysId = newId();
    const ordBase = this.txn.nextOrd();
    const common = { store: this.core.store, dir: this.core.dir, keyFields: this.cc.keyFields, keyData, keys, keysId };
    const coll = this.path;
    const jobs: Promise<Op>[] = [
      writeFragment({ ...common, fields: [], data: [] }).then((frag) => ({ coll, kind: 'fragment', group: null, frag, fields: [], ord: ordBase }) as const),
    ];
    for (const [g, { fields, data }] of split.groups) {
      const typed = fields.map((f, i) => f.clone({ type: data[i]!.type, nullable: true }));
      let w = this.written.get(g);
      if (!w) this.written.set(g, (w = new Map()));
      for (const f of typed) w.set(f.name, f);
      jobs.push(
        writeFragment({ ...common, fields: typed, data: data.map(reorder) }).then(
          (frag) => ({ coll, kind: 'fragment', group: g, frag, fields: typed.map(fieldToJSON), ord: ordBase }) as const,
        ),
      );
    }
    this.txn.push(...(await Promise.all(jobs)));
    this.txn.counts.rows += keys.length;
  }

  /** Deletes rows by key (keys that do not exist are ignored). */
  async delete(keys: KeysInput): Promise<void> {
    this.txn.ensureOpen();
    const block = keysToBlock(this.cc, keys);
    if (block.length === 0) return;
    const order = sortUniqueLast(block);
    const sorted = permuteKeys(block, order);
    const keyData = this.keyColumnsOf(sorted);
    const frag = await writeFragment({
      store: this.core.store,
      dir: this.core.dir,
      keyFields: this.cc.keyFields,
      keyData,
      keys: sorted,
      fields: [],
      data: [],
      tombstone: true,
      keysId: newId(),
    });
    this.txn.push({ coll: this.path, kind: 'tombstone', frag, ord: this.txn.nextOrd() });
    this.txn.counts.keysDeleted += sorted.length;
  }

  /** Deletes every row whose key starts with `prefix` (a Key from `table.key(...)`). */
  deletePrefix(prefix: Key): void {
    this.txn.ensureOpen();
    const end = prefixEnd(prefix.bytes);
    this.txn.push({ coll: this.path, kind: 'range', lo: toHex(prefix.bytes), hi: end ? toHex(end) : null, ord: this.txn.nextOrd() });
    this.txn.counts.prefixesDeleted++;
  }

  /** Drops columns (`name`, `group.field`) or whole column groups (`context`). */
  dropColumns(paths: readonly string[]): void {
    this.txn.ensureOpen();
    const keyNames = this.cc.keyFields.map((f) => f.name);
    for (const p of paths) {
      if (keyNames.includes(p)) throw new EngineError('invalid-argument', `cannot drop key column "${p}"`);
      const isGroupPath = [...(this.base?.groups.keys() ?? [])].some((g) => g === p || g.startsWith(`${p}.`)) || this.written.has(p);
      const g = parentGroup(p), name = p.slice(g === '' ? 0 : g.length + 1);
      if (!isGroupPath && !this.knownType(g, name)) throw new EngineError('unknown-column', `no column "${p}" to drop`, { details: { column: p } });
    }
    this.txn.push({ coll: this.path, kind: 'drop', paths: [...paths], ord: this.txn.nextOrd() });
    this.txn.counts.dropped.push(...paths);
  }

  /** Key columns (Arrow Data) of sorted normalized keys. */
  private keyColumnsOf(keys: KeyBlock): Data[] {
    const rows = Array.from({ length: keys.length }, (_, i) => this.cc.codec.decode(keyAt(keys, i)));
    return this.cc.keyFields.map((kf, k) => dataOf(kf, rows.map((r) => r[k])));
  }
}

export class Transaction {
  private ops: Op[] = [];
  private ord = 0;
  private statusValue: 'open' | 'committed' | 'aborted' = 'open';
  private readonly writers = new Map<string, CollectionWriter>();
  /** Set when a commit's outcome is unknown: abort then leaves the files for vacuum. */
  private keepFiles = false;
  /** @internal */
  readonly counts = { rows: 0, keysDeleted: 0, prefixesDeleted: 0, dropped: [] as string[] };
  private meta: unknown = undefined;
  readonly id = newId();

  constructor(
    private readonly core: TableCore,
    private base: TableState,
  ) {}

  /** The version this transaction started from. @internal */
  get baseState(): TableState {
    return this.base;
  }

  get status(): 'open' | 'committed' | 'aborted' {
    return this.statusValue;
  }

  isEmpty(): boolean {
    return this.ops.length === 0;
  }

  /** @internal */
  ensureOpen(): void {
    if (this.statusValue !== 'open') throw new EngineError('transaction-closed', `transaction ${this.id} is ${this.statusValue}`);
  }

  /** @internal */
  nextOrd(): number {
    return this.ord++;
  }

  /** @internal */
  push(...ops: Op[]): void {
    this.ops.push(...ops);
  }

  /**
   * The writer of one collection; `create` declares the collection when this version does not
   * have it yet (its key schema must match if a concurrent commit created it too).
   */
  collection(path: string, create?: { keySchema: readonly Field[]; structGroups?: readonly string[] | null }): CollectionWriter {
    let w = this.writers.get(path);
    if (w) return w;
    const state = this.base.collections.get(path);
    let coll = state?.coll;
    if (!coll) {
      if (!create) throw new EngineError('unknown-column', `no collection "${path}" in table ${this.core.identifier}`);
      const keySchema = schemaToJSON([...create.keySchema]);
      coll = { path, keySchema, structGroups: create.structGroups ?? null, keySpace: '', groups: [], rangeTombstones: [] };
      this.ops.push({ coll: path, kind: 'create', keySchema, structGroups: coll.structGroups });
    }
    w = new CollectionWriter(this, this.core, this.core.collection(coll), state, coll.structGroups);
    this.writers.set(path, w);
    return w;
  }

  /** Replaces the opaque metadata of the layer above (a dataset's schema) in the new version. */
  setMeta(meta: unknown): void {
    this.ensureOpen();
    this.meta = meta;
  }

  /** Upserts rows of a plain table. */
  write(data: WriteInput, opts: TxnWriteOptions = {}): Promise<void> {
    return this.collection('').write(data, opts);
  }

  delete(keys: KeysInput): Promise<void> {
    return this.collection('').delete(keys);
  }

  deletePrefix(prefix: Key): void {
    this.collection('').deletePrefix(prefix);
  }

  dropColumns(paths: readonly string[]): void {
    this.collection('').dropColumns(paths);
  }

  /** Compaction: replaces fragments of a group (null = key space) of a collection. @internal */
  replace(coll: string, group: string | null, remove: readonly string[], add: readonly FragmentEntry[]): void {
    this.ensureOpen();
    this.ops.push({ coll, kind: 'replace', group, remove, add });
  }

  /** Deletes the fragments this transaction wrote and closes it. */
  async abort(): Promise<void> {
    if (this.statusValue !== 'open') return;
    this.statusValue = 'aborted';
    if (this.keepFiles) return;
    await Promise.all(this.uploaded().map((p) => this.core.store.delete(`${this.core.dir}/${p}`).catch(() => undefined)));
  }

  private uploaded(): string[] {
    return this.ops.flatMap((o) => (o.kind === 'fragment' || o.kind === 'tombstone' ? [o.frag.path] : o.kind === 'replace' ? o.add.map((f) => f.path) : []));
  }

  private kind(): TxnKind {
    const kinds = new Set(this.ops.map((o) => (o.kind === 'fragment' ? 'write' : o.kind === 'tombstone' || o.kind === 'range' ? 'delete' : o.kind === 'drop' ? 'drop-columns' : 'compact')));
    return kinds.size === 1 ? ([...kinds][0] as TxnKind) : kinds.size === 0 ? 'write' : 'mixed';
  }

  /** Publishes the transaction as the next version, rebasing over concurrent commits. */
  async commit(): Promise<CommitInfo> {
    this.ensureOpen();
    let state = this.base;
    let latest = state.doc.version;
    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      if (attempt > 1) {
        latest = await this.core.latestVersion();
        state = await this.core.loadState(latest);
        await new Promise((r) => setTimeout(r, Math.random() * Math.min(200, 5 * 2 ** attempt)));
      }
      const { doc, manifests } = this.build(state, latest + 1, attempt);
      await Promise.all(manifests.map(([key, m]) => this.core.store.put(`${this.core.dir}/${key}`, encodeDoc(m))));
      if (await this.publish(latest + 1, encodeDoc(doc))) {
        this.statusValue = 'committed';
        this.base = state;
        return { version: latest + 1, committedAt: doc.committedAt, attempts: attempt };
      }
      // Lost the race for this version: our manifests are unreferenced; drop them and rebase.
      await Promise.all(manifests.map(([key]) => this.core.store.delete(`${this.core.dir}/${key}`).catch(() => undefined)));
    }
    throw new ConflictError('commit-conflict', `transaction ${this.id} lost ${MAX_ATTEMPTS} commit races on table ${this.core.identifier}`);
  }

  /**
   * Conditionally creates version v. When the store cannot tell whether the create happened
   * (an I/O error after retries), the version is read back: our bytes there mean committed
   * (the document holds this transaction's unique id), other bytes mean another commit won.
   */
  private async publish(v: number, bytes: Uint8Array): Promise<boolean> {
    let uncertain = false;
    let last: unknown;
    for (let round = 0; round < 5; round++) {
      if (round > 0) await new Promise((r) => setTimeout(r, 20 * 2 ** round));
      try {
        const created = await this.core.log.tryPublish(v, bytes);
        // "Exists" after an attempt whose reply was lost may be our own create: read it back.
        if (created || !uncertain) return created;
      } catch (e) {
        if (!isErrorCode(e, 'io-error')) throw e;
        last = e;
        uncertain = true;
      }
      try {
        return Buffer.from(await this.core.log.read(v)).equals(Buffer.from(bytes));
      } catch (e) {
        // Not there: creating it again is safe (a late first attempt then loses, or wins alone).
        if (!isErrorCode(e, 'object-not-found')) last = e;
      }
    }
    // The version may exist: keep every file it could name (vacuum removes them if it does not).
    this.keepFiles = true;
    throw new ConflictError('commit-conflict', `commit of transaction ${this.id} has an unknown outcome: ${(last as Error | undefined)?.message ?? 'no answer'}`, { cause: last });
  }

  /** The version document (and new manifests) of this transaction on top of `state`. */
  private build(state: TableState, v: number, attempt: number): { doc: VersionDoc; manifests: [string, ManifestDoc][] } {
    const committedAt = Math.max(nowMicros(), state.doc.committedAt + 1);
    const manifests: [string, ManifestDoc][] = [];
    const manifestOf = (group: string, fragments: FragmentEntry[]): string => {
      const key = `manifests/${newId()}.json`;
      manifests.push([key, { format: MANIFEST_FORMAT, group, fragments }]);
      return key;
    };
    const counts = { added: 0, removed: 0 };
    const byColl = new Map<string, Op[]>();
    for (const op of this.ops) {
      let list = byColl.get(op.coll);
      if (!list) byColl.set(op.coll, (list = []));
      list.push(op);
    }
    const collections: CollectionDoc[] = [];
    const paths = new Set([...state.collections.keys(), ...byColl.keys()]);
    for (const path of [...paths].sort()) {
      const ops = byColl.get(path);
      const cur = state.collections.get(path);
      if (!ops) {
        collections.push(cur!.coll);
        continue;
      }
      collections.push(this.buildCollection(cur, ops, v, committedAt, attempt, manifestOf, counts));
    }
    const doc: VersionDoc = {
      format: VERSION_FORMAT,
      table: this.core.id,
      version: v,
      committedAt,
      txn: {
        id: this.id,
        kind: this.kind(),
        rowsWritten: this.counts.rows,
        keysDeleted: this.counts.keysDeleted,
        prefixesDeleted: this.counts.prefixesDeleted,
        columnsDropped: this.counts.dropped,
        fragmentsAdded: counts.added,
        fragmentsRemoved: counts.removed,
        attempts: attempt,
      },
      collections,
      ...(this.meta !== undefined ? { meta: this.meta } : state.doc.meta !== undefined ? { meta: state.doc.meta } : {}),
    };
    return { doc, manifests };
  }

  /** One collection's document after this transaction's operations on it. */
  private buildCollection(
    cur: CollectionState | undefined,
    ops: readonly Op[],
    v: number,
    committedAt: number,
    attempt: number,
    manifestOf: (group: string, fragments: FragmentEntry[]) => string,
    counts: { added: number; removed: number },
  ): CollectionDoc {
    const entry = (f: PendingFragment, ord: number): FragmentEntry => ({ ...f, level: 0, seq: v, ord, committedAt, compactedAt: null });
    const groups = new Map<string, { fields: GroupField[]; fragments: FragmentEntry[]; manifest: string | null }>();
    for (const [path, g] of cur?.groups ?? []) groups.set(path, { fields: [...g.doc.fields], fragments: [...g.fragments], manifest: g.doc.manifest });
    let keySpace = [...(cur?.keySpace ?? [])];
    let keySpaceChanged = cur === undefined;
    const rangeTombstones: RangeTombstone[] = [...(cur?.coll.rangeTombstones ?? [])];
    let keySchema = cur?.coll.keySchema;
    let structGroups = cur?.coll.structGroups ?? null;
    const touch = (path: string): { fields: GroupField[]; fragments: FragmentEntry[]; manifest: string | null } => {
      let g = groups.get(path);
      if (!g) groups.set(path, (g = { fields: [], fragments: [], manifest: null }));
      g.manifest = null;
      return g;
    };
    for (const op of ops) {
      switch (op.kind) {
        case 'create':
          if (keySchema && JSON.stringify(keySchema) !== JSON.stringify(op.keySchema)) {
            throw new ConflictError('commit-conflict', `collection "${op.coll}" was created meanwhile with another key schema`, { details: { collection: op.coll, attempt } });
          }
          keySchema ??= op.keySchema;
          if (!cur) structGroups = op.structGroups;
          break;
        case 'fragment': {
          counts.added++;
          if (op.group === null) {
            keySpace.push(entry(op.frag, op.ord));
            keySpaceChanged = true;
            break;
          }
          const g = touch(op.group);
          for (const f of op.fields) {
            const i = g.fields.findIndex((x) => x.name === f.name);
            if (i >= 0) {
              if (!sameType(typeFromJSON(g.fields[i]!.type), typeFromJSON(f.type))) {
                throw new ConflictError('commit-conflict', `column "${op.group ? `${op.group}.` : ''}${f.name}" was committed meanwhile with type ${JSON.stringify(g.fields[i]!.type)}`, {
                  details: { column: f.name, attempt },
                });
              }
              continue;
            }
            // Re-added after a drop: values stored before this version stay invisible.
            const stale = g.fragments.some((x) => x.columns.includes(f.name));
            g.fields.push({ ...f, since: stale ? v : 0 });
          }
          g.fragments.push(entry(op.frag, op.ord));
          break;
        }
        case 'tombstone': {
          const e = entry(op.frag, op.ord);
          keySpace.push(e);
          keySpaceChanged = true;
          for (const path of groups.keys()) touch(path).fragments.push(e);
          counts.added++;
          break;
        }
        case 'range':
          rangeTombstones.push({ lo: op.lo, hi: op.hi, seq: v, ord: op.ord });
          break;
        case 'drop':
          for (const p of op.paths) {
            for (const path of [...groups.keys()]) if (path === p || path.startsWith(`${p}.`)) groups.delete(path);
            const parent = parentGroup(p), name = p.slice(parent === '' ? 0 : parent.length + 1);
            const g = groups.get(parent);
            if (g && g.fields.some((f) => f.name === name)) {
              touch(parent).fields = g.fields.filter((f) => f.name !== name);
            }
          }
          break;
        case 'replace': {
          const list = op.group === null ? keySpace : groups.get(op.group)?.fragments;
          const ids = new Set(op.remove);
          if (!list || list.filter((f) => ids.has(f.id)).length !== ids.size) {
            throw new ConflictError('commit-conflict', `fragments being compacted in ${op.group === null ? 'the key space' : `group "${op.group}"`} were replaced by a concurrent commit`, {
              details: { group: op.group, attempt },
            });
          }
          const next = [...list.filter((f) => !ids.has(f.id)), ...op.add];
          if (op.group === null) {
            keySpace = next;
            keySpaceChanged = true;
          } else touch(op.group).fragments = next;
          counts.added += op.add.length;
          counts.removed += ids.size;
          break;
        }
      }
    }
    if (!keySchema) throw new EngineError('unknown-column', `no collection "${ops[0]!.coll}" (dropped meanwhile?)`);
    const groupDocs: GroupDoc[] = [...groups.entries()]
      .filter(([, g]) => g.fields.length > 0 || g.fragments.some((f) => !f.tombstone))
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([path, g]) => ({ path, fields: g.fields, manifest: g.manifest ?? manifestOf(path, g.fragments) }));
    return {
      path: ops[0]!.coll,
      keySchema,
      structGroups,
      keySpace: keySpaceChanged ? manifestOf('', keySpace) : cur!.coll.keySpace,
      groups: groupDocs,
      rangeTombstones,
    };
  }
}

function sameSchema(a: Schema, b: Schema): boolean {
  return a.fields.length === b.fields.length && a.fields.every((f, i) => f.name === b.fields[i]!.name && sameType(f.type, b.fields[i]!.type));
}

/** An Arrow column of `values` typed as key field `kf`. */
function dataOf(kf: Field, values: readonly unknown[]): Data {
  // Decoded date and timestamp keys are their stored integers (days, or units as BigInt):
  // vectorFromArray would read the numbers as milliseconds and rejects BigInts.
  if (DataType.isDate(kf.type) || DataType.isTimestamp(kf.type)) {
    const Arr = kf.type.ArrayType as unknown as { from(xs: readonly unknown[]): Int32Array | BigInt64Array };
    return makeData({ type: kf.type, length: values.length, nullCount: 0, data: Arr.from(values) } as Parameters<typeof makeData>[0]);
  }
  return vectorFromArray(values as unknown[], kf.type).data[0]!;
}

/** Normalized keys of a keys input. */
export function keysToBlock(core: CollectionCore, keys: KeysInput): KeyBlock {
  if (keys instanceof Table || keys instanceof RecordBatch) {
    const names = keys.schema.fields.map((f) => f.name);
    const cols = core.keyFields.map((kf) => {
      const i = names.indexOf(kf.name);
      if (i < 0) throw new EngineError('schema-mismatch', `keys have no column "${kf.name}"`, { details: { column: kf.name } });
      const parts = keys instanceof Table ? keys.batches.map((b) => b.data.children[i]!) : [keys.data.children[i]!];
      return concatData(kf.type, parts);
    });
    return core.codec.encode(cols);
  }
  return keyBlockOf(
    (keys as readonly unknown[]).map((k) => {
      if (k && typeof k === 'object' && 'bytes' in k && 'parts' in k) {
        const key = k as Key;
        if (key.parts.length !== core.keyFields.length) throw new EngineError('invalid-argument', 'delete takes full keys; use deletePrefix for a key prefix');
        return key.bytes;
      }
      const parts = k as readonly unknown[];
      if (!Array.isArray(parts) || parts.length !== core.keyFields.length) {
        throw new EngineError('invalid-argument', `a key has ${core.keyFields.length} parts`);
      }
      return core.codec.encodeValues(parts);
    }),
  );
}

