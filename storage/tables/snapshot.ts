/**
 * Reading one table version: scans and point lookups (take).
 *
 * A scan reads only the column groups its columns and filter need. Per group, fragments are
 * pruned by key span, then grouped into clusters of overlapping spans (sorted by key): a
 * cluster of one fragment streams straight from the file (zone maps prune, the filter is
 * pushed into the file scan); a larger cluster is merged (newest wins per column, tombstones
 * delete). Several groups are then zipped on the key. Rows come out sorted by key.
 */
import { type Data, type DataType, Field, makeData, RecordBatch, Schema, Struct, Table, Vector } from 'apache-arrow';

import { EngineError } from '../../errors.js';
import { concatBatches, concatData, nullData } from '../arrow/concat.js';
import { takeData } from '../arrow/take.js';
import { and, evalRow, type Literal, type Predicate, predicateColumns } from '../vortex/predicate.js';
import { type GroupFields, logicalSchema, project, type Projection, qualify, resolveProjection } from './columns.js';
import { renameColumns } from './fragments.js';
import type { ReadOptions, ScanForecast } from '../vortex/vortex-file.js';
import {
  compareBytes,
  compareKeyTo,
  fromHex,
  type KeyBlock,
  keyAt,
  lowerBound,
  prefixEnd,
  sortUniqueLast,
  permuteKeys,
} from './key-codec.js';
import type { FragmentEntry, RangeTombstone } from './manifest.js';
import { conform, mergeSorted, type SortedSource } from './merge.js';
import { clusterBySpan, type CollectionCore, type CollectionState, type GroupState, priorityOf, type TableState } from './table-core.js';

/** A key or key prefix of a table (see `Table.key`). */
export class Key {
  constructor(
    readonly parts: readonly unknown[],
    /** Normalized bytes. */
    readonly bytes: Uint8Array,
  ) {}
}

export interface ScanOptions {
  /** Column paths: key columns, `url`, `context` (a whole group), `image.meta.status_code`. Default: all. */
  readonly columns?: readonly string[];
  /** Rows must satisfy this (column paths as above). */
  readonly where?: Predicate;
  /** Only keys starting with this prefix. */
  readonly prefix?: Key;
  /** Only keys at or after this normalized key (or key prefix): a seek forward. */
  readonly from?: Uint8Array;
  /**
   * A moving lower bound (sideways information passing): rows below `skipTo()` are not needed.
   * Checked before each cluster of fragments and each decode unit (zone maps on the first key
   * column), so whole fragments and chunks are skipped; rows below it are trimmed.
   */
  readonly skipTo?: () => Uint8Array | undefined;
  /** Stop after this many rows. */
  readonly limit?: number;
  /** Rows per merged batch (default 8192). */
  readonly batchRows?: number;
}

/**
 * The filter a standalone fragment's scan applies: the key filter, plus the group filter when
 * every column it uses is stored in the fragment (`pushAll`); otherwise the group filter runs
 * after the fragment is read.
 */
function fragmentFilter(keyNames: readonly string[], present: (name: string) => boolean, where: Predicate | undefined, keyWhere: Predicate | undefined): { p: Predicate | undefined; pushAll: boolean } {
  const pushAll = where === undefined || [...predicateColumns(where)].every((c) => keyNames.includes(c) || present(c));
  const p = pushAll ? (where && keyWhere ? and(keyWhere, where) : (where ?? keyWhere)) : keyWhere;
  return { p, pushAll };
}

/** One fragment in a scan forecast (EXPLAIN DATA). */
export interface FragmentForecast {
  readonly group: string;
  readonly path: string;
  readonly level: number;
  readonly rows: number;
  readonly size: number;
  /** The fragment's key range, readable (`[s001, c0, 0] … [s004, c4, 899]`). */
  readonly keys: string;
  readonly kept: boolean;
  /** Why kept or pruned: 'key range', 'zone maps', 'in range', … */
  readonly reason: string;
  readonly forecast?: ScanForecast;
}

export interface ScanPlanForecast {
  readonly fragments: readonly FragmentForecast[];
  readonly fragmentsTotal: number;
  readonly fragmentsPruned: number;
  readonly rowsToDecode: number;
  readonly bytes: number;
  readonly gets: number;
}

export interface ScanMetrics {
  fragmentsTotal: number;
  fragmentsPruned: number;
  fragmentsRead: number;
  /** Fragments skipped by a moving lower bound (sideways information passing). */
  fragmentsSkipped: number;
  clustersMerged: number;
  rowsReturned: number;
}

interface KeyRange {
  lo?: Uint8Array;
  hi?: Uint8Array;
}

const conjuncts = (p: Predicate | undefined): Predicate[] => (p === undefined ? [] : p.op === 'and' ? p.args.flatMap(conjuncts) : [p]);

function renamePredicate(p: Predicate, rename: (c: string) => string): Predicate {
  switch (p.op) {
    case 'and':
    case 'or':
      return { op: p.op, args: p.args.map((a) => renamePredicate(a, rename)) };
    case 'not':
      return { op: 'not', arg: renamePredicate(p.arg, rename) };
    default:
      return { ...p, column: rename(p.column) } as Predicate;
  }
}

/** Keeps the rows of `batch` that satisfy `p` (columns by batch column name). */
export function filterBatch(batch: RecordBatch, p: Predicate): RecordBatch {
  const names = batch.schema.fields.map((f) => f.name);
  const vecs = new Map<string, Vector>();
  for (const c of predicateColumns(p)) {
    const i = names.indexOf(c);
    if (i < 0) throw new EngineError('unknown-column', `no column "${c}"`);
    vecs.set(c, new Vector([batch.data.children[i]!]));
  }
  const keep: number[] = [];
  for (let r = 0; r < batch.numRows; r++) if (evalRow(p, (c) => vecs.get(c)!.get(r)) === true) keep.push(r);
  if (keep.length === batch.numRows) return batch;
  const idx = Uint32Array.from(keep);
  const children = batch.data.children.map((d) => takeData(d, idx));
  return new RecordBatch(batch.schema, makeData({ type: new Struct(batch.schema.fields), length: keep.length, nullCount: 0, children }));
}

export class Snapshot {
  readonly metrics: ScanMetrics = { fragmentsTotal: 0, fragmentsPruned: 0, fragmentsRead: 0, fragmentsSkipped: 0, clustersMerged: 0, rowsReturned: 0 };

  /** The collection read (a plain table's only collection, or one collection of a dataset). */
  readonly state: CollectionState;

  constructor(
    private readonly core: CollectionCore,
    readonly table: TableState,
  ) {
    const state = table.collections.get(core.path);
    if (!state) throw new EngineError('unknown-column', `version ${table.doc.version} has no collection "${core.path}"`);
    this.state = state;
  }
  /** A key or key prefix from values of the first key columns (see `Table.key`). */
  key(...parts: unknown[]): Key {
    return new Key(parts, this.core.codec.encodeValues(parts));
  }


  get version(): number {
    return this.table.doc.version;
  }

  /** Commit time of this version. */
  get asof(): Date {
    return new Date(Math.floor(this.table.doc.committedAt / 1000));
  }

  private groupFields(): GroupFields[] {
    return [...this.state.groups.values()].map((g) => ({ path: g.doc.path, fields: g.fields }));
  }

  /** The full schema: key columns, then every group's columns nested by path. */
  schema(): Schema {
    return logicalSchema(this.core.keyFields, this.groupFields());
  }

  /** Derives a key range from conjuncts on a prefix of the key columns. */
  private keyRange(where: Predicate | undefined, prefix: Key | undefined, from?: Uint8Array): KeyRange {
    const r: KeyRange = {};
    const tighten = (lo?: Uint8Array, hi?: Uint8Array): void => {
      if (lo && (!r.lo || compareBytes(lo, r.lo) > 0)) r.lo = lo;
      if (hi && (!r.hi || compareBytes(hi, r.hi) < 0)) r.hi = hi;
    };
    if (prefix) tighten(prefix.bytes, prefixEnd(prefix.bytes));
    if (from) tighten(from);
    const cs = conjuncts(where);
    const keyNames = this.core.keyFields.map((f) => f.name);
    const eqs: Literal[] = [];
    for (const name of keyNames) {
      const e = cs.find((c) => c.op === '=' && c.column === name);
      if (!e || e.op !== '=') break;
      eqs.push(e.value);
    }
    try {
      if (eqs.length > 0) {
        const p = this.core.codec.encodeValues(eqs);
        tighten(p, prefixEnd(p));
      }
      const next = keyNames[eqs.length];
      if (next !== undefined) {
        for (const c of cs) {
          if (c.op !== '<' && c.op !== '<=' && c.op !== '>' && c.op !== '>=') continue;
          if (c.column !== next || c.value === null) continue;
          const k = this.core.codec.encodeValues([...eqs, c.value]);
          if (c.op === '>=') tighten(k);
          else if (c.op === '>') tighten(prefixEnd(k));
          else if (c.op === '<') tighten(undefined, k);
          else tighten(undefined, prefixEnd(k));
        }
      }
    } catch {
      // A literal that does not fit the key type: no range from it (the filter still applies).
    }
    return r;
  }

  private inRange(f: FragmentEntry, r: KeyRange): boolean {
    if (r.lo && compareBytes(fromHex(f.maxKey), r.lo) < 0) return false;
    if (r.hi && compareBytes(fromHex(f.minKey), r.hi) >= 0) return false;
    return true;
  }

  /** Range tombstones that delete some rows of fragment f. */
  private rangeTombstonesFor(f: FragmentEntry): RangeTombstone[] {
    return this.state.coll.rangeTombstones.filter(
      (t) =>
        priorityOf({ seq: t.seq, ord: t.ord }) > priorityOf(f) &&
        compareBytes(fromHex(f.maxKey), fromHex(t.lo)) >= 0 &&
        (t.hi === null || compareBytes(fromHex(f.minKey), fromHex(t.hi)) < 0),
    );
  }

  /** Fragments in range, sorted by min key, split into clusters of overlapping spans. */
  private clusters(fragments: readonly FragmentEntry[], r: KeyRange): FragmentEntry[][] {
    this.metrics.fragmentsTotal += fragments.length;
    const kept = fragments.filter((f) => this.inRange(f, r));
    this.metrics.fragmentsPruned += fragments.length - kept.length;
    return clusterBySpan(kept);
  }

  /** Drops rows of a fragment's batches that range tombstones delete. */
  private async *applyRangeTombstones(batches: AsyncIterable<RecordBatch>, ts: readonly RangeTombstone[]): AsyncGenerator<RecordBatch> {
    const keyFields = this.core.keyFields;
    const bounds = ts.map((t) => ({ lo: fromHex(t.lo), hi: t.hi === null ? null : fromHex(t.hi) }));
    for await (const b of batches) {
      const names = b.schema.fields.map((f) => f.name);
      const keys = this.core.codec.encode(keyFields.map((kf) => b.data.children[names.indexOf(kf.name)]!));
      const keep: number[] = [];
      for (let i = 0; i < b.numRows; i++) {
        if (!bounds.some((t) => compareKeyTo(keys, i, t.lo) >= 0 && (t.hi === null || compareKeyTo(keys, i, t.hi) < 0))) keep.push(i);
      }
      if (keep.length === b.numRows) yield b;
      else if (keep.length > 0) {
        const idx = Uint32Array.from(keep);
        yield new RecordBatch(b.schema, makeData({ type: new Struct(b.schema.fields), length: keep.length, nullCount: 0, children: b.data.children.map((d) => takeData(d, idx)) }));
      }
    }
  }

  /** A cluster read on its own (no merge): one fragment, not a tombstone, no range tombstones over it. */
  private standalone(cluster: readonly FragmentEntry[]): boolean {
    const f = cluster[0]!;
    return cluster.length === 1 && !f.tombstone && this.rangeTombstonesFor(f).length === 0;
  }

  /** Field presence in a fragment: stored in it and not older than the field's `since`. */
  private present(g: GroupState | undefined, f: FragmentEntry): (name: string) => boolean {
    const cols = new Set(f.columns);
    return (name) => cols.has(name) && f.seq >= (g?.since.get(name) ?? 0);
  }

  /**
   * One group's rows in key order: key columns + `fields` (local names). `keyWhere` (key
   * columns only) is safe to push into every fragment; `where` (local names) is applied to the
   * group's final rows.
   */
  private async *groupRows(
    g: GroupState | undefined,
    fragments: readonly FragmentEntry[],
    fields: readonly Field[],
    r: KeyRange,
    keyWhere: Predicate | undefined,
    where: Predicate | undefined,
    batchRows: number,
    skipTo?: () => Uint8Array | undefined,
  ): AsyncGenerator<RecordBatch> {
    const keyFields = this.core.keyFields;
    const keyNames = keyFields.map((f) => f.name);
    const codec = this.core.codec;
    // The moving lower bound as the file scan takes it: the first key column's zone maps skip
    // zones, then a batch whose last full key is below the bound is skipped after its key columns.
    const sideways: Pick<ReadOptions, 'skip' | 'skipColumns' | 'skipBefore'> = skipTo
      ? {
          skip: (): Predicate | undefined => {
            const lo = skipTo();
            const first = lo ? codec.decode(lo)[0] : undefined;
            return first === undefined ? undefined : { op: '>=', column: keyNames[0]!, value: first as Literal };
          },
          skipColumns: [keyNames[0]!],
          skipBefore: {
            columns: keyNames,
            below: (keys: readonly Data[], row: number): boolean => {
              const lo = skipTo();
              return lo !== undefined && compareBytes(keyAt(codec.encode(keys, row, row + 1), 0), lo) < 0;
            },
          },
        }
      : {};
    const read = async function* (this: Snapshot, f: FragmentEntry, p: Predicate | undefined): AsyncGenerator<RecordBatch> {
      this.metrics.fragmentsRead++;
      const file = await this.core.files.get(f.path);
      const present = this.present(g, f);
      const cols = [...keyNames, ...fields.filter((x) => present(x.name)).map((x) => x.name)];
      yield* file.scan({ columns: cols, ...(p ? { where: p } : {}), ...sideways });
    }.bind(this);
    for (const cluster of this.clusters(fragments, r)) {
      const lo = skipTo?.();
      if (lo && cluster.every((f) => compareBytes(fromHex(f.maxKey), lo) < 0)) {
        this.metrics.fragmentsSkipped += cluster.length;
        continue;
      }
      const f0 = cluster[0]!;
      if (this.standalone(cluster)) {
        const present = this.present(g, f0);
        const { p, pushAll } = fragmentFilter(keyNames, present, where, keyWhere);
        for await (const b of read(f0, p)) {
          const out = conform(b, keyFields, fields, present);
          const filtered = !pushAll && where ? filterBatch(out, where) : out;
          if (filtered.numRows > 0) yield filtered;
        }
        continue;
      }
      this.metrics.clustersMerged++;
      const sources: SortedSource[] = cluster.map((f) => {
        const ts = this.rangeTombstonesFor(f);
        const rows = read(f, keyWhere);
        return {
          batches: ts.length ? this.applyRangeTombstones(rows, ts) : rows,
          priority: priorityOf(f),
          tombstone: f.tombstone,
          has: this.present(g, f),
        };
      });
      for await (const b of mergeSorted(this.core.codec, sources, fields, { batchRows })) {
        const out = where ? filterBatch(b, where) : b;
        if (out.numRows > 0) yield out;
      }
    }
  }

  /** Merged rows of fragments of one group (all of the job's overlaps), for compaction. @internal */
  compactionRows(g: GroupState | undefined, fragments: readonly FragmentEntry[], fields: readonly Field[]): AsyncGenerator<RecordBatch> {
    return this.groupRows(g, fragments, fields, {}, undefined, undefined, 65536);
  }

  /**
   * Column groups' rows (each sorted by key, columns named by full path) zipped into rows: an
   * outer merge on the key, each group contributing its own columns.
   */
  private zipGroups(streams: readonly { gp: string; fields: readonly Field[]; rows: AsyncIterable<RecordBatch> }[], batchRows: number): AsyncGenerator<RecordBatch> {
    const allFields = streams.flatMap((s) => s.fields.map((f) => new Field(qualify(s.gp, f.name), f.type, true)));
    const sources: SortedSource[] = streams.map((s, i) => {
      const mine = new Set(s.fields.map((f) => qualify(s.gp, f.name)));
      return { batches: s.rows, priority: i, tombstone: false, has: (n) => mine.has(n) };
    });
    return mergeSorted(this.core.codec, sources, allFields, { batchRows });
  }

  /** Resolves a projection plus the filter's columns. */
  private plan(opts: ScanOptions): { proj: Projection; reads: Map<string, Set<string>> } {
    const proj = resolveProjection(this.core.keyFields, this.groupFields(), opts.columns);
    const reads = new Map([...proj.reads].map(([g, s]) => [g, new Set(s)]));
    if (opts.where) {
      const keyNames = new Set(this.core.keyFields.map((f) => f.name));
      for (const c of predicateColumns(opts.where)) {
        if (keyNames.has(c)) continue;
        const wp = resolveProjection(this.core.keyFields, this.groupFields(), [c]);
        for (const [g, s] of wp.reads) {
          const t = reads.get(g) ?? new Set<string>();
          for (const x of s) t.add(x);
          reads.set(g, t);
        }
        const leaf = [...wp.reads].flatMap(([g, s]) => [...s].map((f) => qualify(g, f)));
        if (leaf.length !== 1 || leaf[0] !== c) {
          throw new EngineError('invalid-argument', `filters compare plain columns; "${c}" is a struct or a column group`);
        }
      }
    }
    return { proj, reads };
  }

  /** Streams rows in key order (see ScanOptions). */
  /** What a scan reads: projection, key range, and its filter split into key-only and the rest. */
  private scanSetup(opts: ScanOptions): { proj: Projection; reads: Map<string, Set<string>>; keyNames: Set<string>; r: KeyRange; keyWhere: Predicate | undefined; restWhere: Predicate | undefined } {
    const { proj, reads } = this.plan(opts);
    const keyFields = this.core.keyFields;
    const keyNames = new Set(keyFields.map((f) => f.name));
    const r = this.keyRange(opts.where, opts.prefix, opts.from);
    const cs = conjuncts(opts.where);
    // A key prefix is equality on the first key columns: exact inside fragments, zone maps prune.
    const prefixEqs: Predicate[] = (opts.prefix?.parts ?? []).map((v, i) => ({ op: '=', column: keyFields[i]!.name, value: v as Literal }));
    // A seek bound's first part prunes chunks by zone maps (rows before the bound are trimmed by key).
    const fromPart = opts.from ? this.core.codec.decode(opts.from)[0] : undefined;
    if (fromPart !== undefined) prefixEqs.push({ op: '>=', column: keyFields[0]!.name, value: fromPart as Literal });
    const keyOnly = [...prefixEqs, ...cs.filter((c) => [...predicateColumns(c)].every((x) => keyNames.has(x)))];
    const rest = cs.filter((c) => !keyOnly.includes(c));
    const keyWhere = keyOnly.length === 0 ? undefined : keyOnly.length === 1 ? keyOnly[0]! : and(...keyOnly);
    const restWhere = rest.length === 0 ? undefined : rest.length === 1 ? rest[0]! : and(...rest);
    return { proj, reads, keyNames, r, keyWhere, restWhere };
  }

  /** A fragment's key range as text (EXPLAIN DATA's skew line). */
  private keysText(f: FragmentEntry): string {
    const fmt = (hex: string): string => {
      try {
        return this.core.codec.format(Buffer.from(hex, 'hex'));
      } catch {
        return hex;
      }
    };
    return `(${fmt(f.minKey)}) … (${fmt(f.maxKey)})`;
  }

  /**
   * What `scan(opts)` will read, from manifests, file metadata and zone maps only (EXPLAIN
   * DATA): per fragment of every column group read, kept or pruned and why, and for kept ones
   * the rows to decode, bytes and requests (see `VortexFile.forecast`).
   */
  async forecast(opts: ScanOptions = {}): Promise<ScanPlanForecast> {
    const { reads, keyNames, r, keyWhere, restWhere } = this.scanSetup(opts);
    const groups = [...reads.keys()];
    const out: FragmentForecast[] = [];
    const visit = async (gp: string, g: GroupState | undefined, fragments: readonly FragmentEntry[], fields: readonly Field[], where: Predicate | undefined): Promise<void> => {
      const kept = new Set(fragments.filter((f) => this.inRange(f, r)));
      const alone = new Set(clusterBySpan([...kept]).filter((c) => this.standalone(c)).map((c) => c[0]!));
      for (const f of fragments) {
        const base = { group: gp, path: f.path, level: f.level, rows: f.rows, size: f.size, keys: this.keysText(f) };
        if (!kept.has(f)) {
          out.push({ ...base, kept: false, reason: 'key range' });
          continue;
        }
        const present = this.present(g, f);
        const p = alone.has(f) ? fragmentFilter([...keyNames], present, where, keyWhere).p : keyWhere;
        const file = await this.core.files.get(f.path);
        const cols = [...keyNames, ...fields.filter((x) => present(x.name)).map((x) => x.name)];
        const fc = await file.forecast({ columns: cols, ...(p ? { where: p } : {}) });
        const pruned = fc.batchesTotal > 0 && fc.batchesPruned === fc.batchesTotal;
        out.push({ ...base, kept: !pruned, reason: pruned ? 'zone maps' : alone.has(f) ? 'in range' : 'in range (merged with overlapping fragments)', forecast: fc });
      }
    };
    if (groups.length === 0) await visit('(keys)', undefined, this.state.keySpace, [], undefined);
    for (const gp of groups) {
      const g = this.state.groups.get(gp)!;
      const fields = g.fields.filter((f) => reads.get(gp)!.has(f.name));
      const local = groups.length === 1 ? restWhere : undefined;
      await visit(gp, g, g.fragments, fields, local ? renamePredicate(local, (c) => (keyNames.has(c) ? c : c.slice(gp === '' ? 0 : gp.length + 1))) : undefined);
    }
    const sum = (k: keyof ScanForecast): number => out.reduce((n, f) => n + (f.forecast?.[k] ?? 0), 0);
    return {
      fragments: out,
      fragmentsTotal: out.length,
      fragmentsPruned: out.filter((f) => !f.kept).length,
      rowsToDecode: sum('rowsToDecode'),
      bytes: sum('bytes'),
      gets: sum('gets'),
    };
  }

  /** The rows of a key-sorted batch (stored key column names) at or after `from`. */
  private trimBefore(b: RecordBatch, from: Uint8Array): RecordBatch {
    // Usually the whole batch is past the bound: one key encoded, not the batch's.
    if (compareKeyTo(this.rowKeys(b.slice(0, 1)), 0, from) >= 0) return b;
    const keys = this.rowKeys(b);
    const i = lowerBound(keys, from);
    return i === 0 ? b : b.slice(i);
  }

  /** Normalized keys of a batch's rows (the batch has the stored key columns). */
  rowKeys(b: RecordBatch): KeyBlock {
    const names = b.schema.fields.map((f) => f.name);
    return this.core.codec.encode(this.core.keyFields.map((kf) => b.data.children[names.indexOf(kf.name)]!));
  }

  /** Bytes and requests read so far from this snapshot's fragment files (their metadata included). */
  readStats(): Promise<{ bytes: number; requests: number }> {
    const paths = [...this.state.keySpace, ...[...this.state.groups.values()].flatMap((g) => g.fragments)].map((f) => f.path);
    return this.core.files.readStats(paths);
  }

  async *scan(opts: ScanOptions = {}): AsyncGenerator<RecordBatch> {
    const { proj, reads, keyNames, r, keyWhere, restWhere } = this.scanSetup(opts);
    const batchRows = opts.batchRows ?? 8192;
    let remaining = opts.limit ?? Infinity;
    if (remaining <= 0) return;

    let flat: AsyncIterable<RecordBatch>;
    const groups = [...reads.keys()];
    if (groups.length === 0) {
      // Keys only: the key space knows every key.
      flat = this.groupRows(undefined, this.state.keySpace, [], r, keyWhere, undefined, batchRows, opts.skipTo);
      if (restWhere) throw new EngineError('internal', 'a key-only scan has a non-key filter');
    } else {
      const streams = groups.map((gp) => {
        const g = this.state.groups.get(gp)!;
        const fields = g.fields.filter((f) => reads.get(gp)!.has(f.name));
        // A filter on this group alone can run inside it (before the zip).
        const local = groups.length === 1 ? restWhere : undefined;
        const localNamed = local ? renamePredicate(local, (c) => (keyNames.has(c) ? c : c.slice(gp === '' ? 0 : gp.length + 1))) : undefined;
        const rows = this.groupRows(g, g.fragments, fields, r, keyWhere, localNamed, batchRows, opts.skipTo);
        return { gp, fields, rows: mapAsync(rows, (b) => renameColumns(b, (n) => (keyNames.has(n) ? n : qualify(gp, n)))) };
      });
      if (streams.length === 1) flat = streams[0]!.rows;
      else {
        const zipped = this.zipGroups(streams, batchRows);
        flat = restWhere ? mapAsync(zipped, (b) => filterBatch(b, restWhere)) : zipped;
      }
    }
    for await (const b0 of flat) {
      let b = opts.from ? this.trimBefore(b0, opts.from) : b0;
      const lo = opts.skipTo?.();
      if (lo && b.numRows > 0) b = this.trimBefore(b, lo);
      if (b.numRows === 0) continue;
      const out = project(proj, b.numRows > remaining ? b.slice(0, remaining) : b);
      remaining -= out.numRows;
      this.metrics.rowsReturned += out.numRows;
      yield out;
      if (remaining <= 0) return;
    }
  }

  /** The scan as one Arrow Table. */
  async read(opts: ScanOptions = {}): Promise<Table> {
    const batches: RecordBatch[] = [];
    for await (const b of this.scan(opts)) batches.push(b);
    if (batches.length === 0) return emptyTable(this.plan(opts).proj.schema);
    return new Table(batches);
  }

  /**
   * Rows of the given keys (those that exist), in key order: point lookups that read only the
   * decode units holding the keys.
   */
  async take(keys: KeyBlock, opts: { columns?: readonly string[] } = {}): Promise<Table> {
    const { proj, reads } = this.plan({ ...(opts.columns ? { columns: opts.columns } : {}) });
    const order = sortUniqueLast(keys);
    const q = permuteKeys(keys, order);
    const keyFields = this.core.keyFields;
    const keyNames = new Set(keyFields.map((f) => f.name));
    const groups = [...reads.keys()];
    const groupBatch = async (g: GroupState | undefined, fragments: readonly FragmentEntry[], fields: readonly Field[]): Promise<RecordBatch | null> => {
      const r: KeyRange = {};
      if (q.length) {
        r.lo = keyAt(q, 0);
        const hi = prefixEnd(keyAt(q, q.length - 1));
        if (hi) r.hi = hi;
      }
      // Look up every cluster at once (each reads only its own fragments), then merge in order.
      const clusters = this.clusters(fragments, r);
      const looked = await Promise.all(clusters.map((cluster) => Promise.all(cluster.map(async (f) => ({ f, b: await this.lookup(g, f, q, fields) })))));
      const parts: RecordBatch[] = [];
      for (const found of looked) {
        const hits = found.filter((x) => x.b !== null) as { f: FragmentEntry; b: RecordBatch }[];
        if (hits.length === 0) continue;
        const ts = (f: FragmentEntry): RangeTombstone[] => this.rangeTombstonesFor(f);
        if (hits.length === 1 && !hits[0]!.f.tombstone && ts(hits[0]!.f).length === 0) {
          parts.push(conform(hits[0]!.b, keyFields, fields, this.present(g, hits[0]!.f)));
          continue;
        }
        const sources: SortedSource[] = hits.map(({ f, b }) => ({
          batches: ts(f).length ? this.applyRangeTombstones(once(b), ts(f)) : once(b),
          priority: priorityOf(f),
          tombstone: f.tombstone,
          has: this.present(g, f),
        }));
        for await (const m of mergeSorted(this.core.codec, sources, fields, { batchRows: 1 << 20 })) parts.push(m);
      }
      return parts.length === 0 ? null : concatBatches(parts);
    };
    let flat: RecordBatch | null;
    if (groups.length === 0) flat = await groupBatch(undefined, this.state.keySpace, []);
    else {
      const per = await Promise.all(
        groups.map(async (gp) => {
          const g = this.state.groups.get(gp)!;
          const fields = g.fields.filter((f) => reads.get(gp)!.has(f.name));
          const b = await groupBatch(g, g.fragments, fields);
          return { gp, fields, b: b && renameColumns(b, (n) => (keyNames.has(n) ? n : qualify(gp, n))) };
        }),
      );
      if (per.length === 1) flat = per[0]!.b;
      else {
        const parts: RecordBatch[] = [];
        const streams = per.map((s) => ({ gp: s.gp, fields: s.fields, rows: s.b ? once(s.b) : none() }));
        for await (const m of this.zipGroups(streams, 1 << 20)) parts.push(m);
        flat = parts.length ? concatBatches(parts) : null;
      }
    }
    if (!flat || flat.numRows === 0) return emptyTable(proj.schema);
    return new Table([project(proj, flat)]);
  }

  /** Rows of fragment f whose keys are in q (sorted, unique): key columns + present fields. */
  private async lookup(g: GroupState | undefined, f: FragmentEntry, q: KeyBlock, fields: readonly Field[]): Promise<RecordBatch | null> {
    const lo = lowerBound(q, fromHex(f.minKey));
    const maxEnd = prefixEnd(fromHex(f.maxKey));
    const hi = maxEnd ? lowerBound(q, maxEnd, lo) : q.length;
    if (hi <= lo) return null;
    const index = await this.core.keyIndex(f);
    const rows: number[] = [];
    let from = 0;
    for (let i = lo; i < hi; i++) {
      const k = keyAt(q, i);
      const r = lowerBound(index, k, from);
      if (r < index.length && compareKeyTo(index, r, k) === 0) rows.push(r);
      from = r;
    }
    if (rows.length === 0) return null;
    this.metrics.fragmentsRead++;
    const file = await this.core.files.get(f.path);
    const present = this.present(g, f);
    const cols = [...this.core.keyFields, ...fields.filter((x) => present(x.name))];
    const chunk = (c: string, a: number, b: number): Promise<Data> => this.core.chunk(f.path, c, a, b, () => file.readColumn(c, a, b));
    const datas = await Promise.all(cols.map((c) => takeRows(file, c, rows, chunk)));
    const schema = new Schema(cols);
    return new RecordBatch(schema, makeData({ type: new Struct(schema.fields), length: rows.length, nullCount: 0, children: datas }));
  }

  /** Fragments of the key space and of every group, for `manifests` listings. */
  manifests(): { keySpace: readonly FragmentEntry[]; groups: { path: string; fragments: readonly FragmentEntry[] }[] } {
    return {
      keySpace: this.state.keySpace,
      groups: [...this.state.groups.values()].map((g) => ({ path: g.doc.path, fragments: g.fragments })),
    };
  }
}

/** Rows `rows` (ascending) of one column of a file, reading only the decode units holding them. */
async function takeRows(
  file: { chunkBounds(c: string): number[] },
  field: Field,
  rows: readonly number[],
  chunk: (c: string, a: number, b: number) => Promise<Data>,
): Promise<Data> {
  const bounds = file.chunkBounds(field.name);
  const groups: { a: number; b: number; idx: number[] }[] = [];
  let k = 0;
  for (const r of rows) {
    while (bounds[k + 1]! <= r) k++;
    const last = groups[groups.length - 1];
    if (last && last.a === bounds[k]) last.idx.push(r - last.a);
    else groups.push({ a: bounds[k]!, b: bounds[k + 1]!, idx: [r - bounds[k]!] });
  }
  const parts = await Promise.all(groups.map(async (gr) => takeData(await chunk(field.name, gr.a, gr.b), Uint32Array.from(gr.idx))));
  return concatData(field.type as DataType, parts);
}

/** A table of no rows whose columns (struct children included) exist, so they can be read. */
function emptyTable(schema: Schema): Table {
  const children = schema.fields.map((f) => nullData(f.type as DataType, 0));
  return new Table([new RecordBatch(schema, makeData({ type: new Struct(schema.fields), length: 0, nullCount: 0, children }))]);
}

async function* once(b: RecordBatch): AsyncGenerator<RecordBatch> {
  yield b;
}

async function* none(): AsyncGenerator<RecordBatch> {}

async function* mapAsync<T, U>(it: AsyncIterable<T>, f: (x: T) => U): AsyncGenerator<U> {
  for await (const x of it) yield f(x);
}

