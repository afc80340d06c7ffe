/**
 * Scan: reads one table (or one collection of a dataset) as of a snapshot, sorted by its key.
 * Columns are renamed for the plan (`rename`), so the planner can give every leaf a unique
 * name (e.g. `scenes.location` next to `clips.duration`). Key predicates and prefixes are
 * pushed into storage (fragment pruning by key span, zone maps); the storage scan streams.
 */
import { type DataType, Field, type RecordBatch, Schema } from 'apache-arrow';

import { nullData } from '../storage/arrow/concat.js';
import { ExecutionError } from '../errors.js';
import { compareBytes, prefixEnd } from '../storage/tables/key-codec.js';
import type { Key, ScanOptions, ScanPlanForecast, Snapshot } from '../storage/tables/snapshot.js';
import type { Predicate } from '../storage/vortex/predicate.js';
import { batchOf } from './batches.js';
import { type ExecContext, isPrefix, type Ordering, type PhysicalOperator, type SeekBound } from './operator.js';
import { BaseOperator } from './run.js';

export interface ScanSpec {
  /** Stored column paths to read (key columns included when wanted). */
  readonly columns: readonly string[];
  /** Output name of each column (same order). */
  readonly names: readonly string[];
  readonly where?: Predicate;
  readonly prefix?: Key;
  /**
   * Seeks: read only keys starting with one of these prefixes (values of the first key
   * columns), in key order — row selection by key reads these ranges and nothing else.
   */
  readonly prefixes?: readonly (readonly unknown[])[];
  readonly limit?: number;
  /**
   * Declared types of the columns (same order): a column the stored table does not have yet
   * (never written) reads as nulls of its declared type.
   */
  readonly types?: readonly (DataType | undefined)[];
}

export class ScanOp extends BaseOperator {
  readonly name = 'Scan';

  constructor(
    readonly snapshot: Snapshot,
    readonly spec: ScanSpec,
    /** Output key columns (after renaming), in key order. */
    keys: readonly string[],
    readonly label: string,
  ) {
    super(ScanOp.schemaOf(snapshot, spec), [], { keys: [...keys] });
  }

  private static schemaOf(snapshot: Snapshot, spec: ScanSpec): Schema {
    const s = snapshot.schema();
    return new Schema(
      spec.columns.map((c, i) => {
        const f = resolveNested(s, c) ?? (spec.types?.[i] ? new Field(c, spec.types[i]!, true) : undefined);
        if (!f) throw new ExecutionError('unknown-column', `no column "${c}"`);
        return new Field(spec.names[i]!, f.type, f.nullable);
      }),
    );
  }

  requiredInputOrdering(): readonly (Ordering | null)[] {
    return [];
  }

  maintainsInputOrder(): readonly boolean[] {
    return [];
  }

  displayParams(): readonly (readonly [string, string])[] {
    return [
      ['table', this.label],
      ['version', String(this.snapshot.version)],
      ['columns', this.spec.columns.join(', ')],
      ...(this.spec.where ? [['where', JSON.stringify(this.spec.where)] as const] : []),
      ...(this.spec.prefixes ? [['seeks', String(this.spec.prefixes.length)] as const] : []),
    ];
  }

  withChildren(children: readonly PhysicalOperator[]): PhysicalOperator {
    if (children.length) throw new ExecutionError('invalid-argument', 'Scan has no children');
    return new ScanOp(this.snapshot, this.spec, this.ordering.keys, this.label);
  }

  /** The furthest seek bound received (normalized key bytes), or null. */
  private bound: Uint8Array | null = null;

  /** Rows below the bound are skipped: the storage scan restarts from it (fragments, chunks skipped). */
  override seek(b: SeekBound): void {
    if (!isPrefix(b.keys, this.ordering.keys)) return;
    if (!this.bound || compareBytes(b.bytes, this.bound) > 0) this.bound = b.bytes;
  }

  protected async *run(ctx: ExecContext): AsyncGenerator<RecordBatch, void, undefined> {
    const opts = this.storageOptions(ctx.batchRows);
    const present = opts.columns!;
    for await (const b of this.storage(opts)) {
      this.hold(b.numRows);
      // Stored paths come back nested (`metadata.weather` → metadata: {weather}); flatten to the plan's names.
      const cols = this.spec.columns.map((c, i) => (present.includes(c) ? pathData(b, c) : nullData(this.schema.fields[i]!.type, b.numRows)));
      yield batchOf(this.schema, cols, b.numRows);
    }
  }

  /**
   * Storage batches: one storage scan per seek prefix (or one for the whole table). Seek bounds
   * reach storage as a moving lower bound: fragments and decode units wholly below it are
   * skipped, rows below it trimmed; prefixes wholly below it are not read at all.
   */
  private async *storage(opts: ScanOptions): AsyncGenerator<RecordBatch> {
    const ranges: (Key | undefined)[] = this.spec.prefixes ? this.sortedPrefixes(this.spec.prefixes) : [undefined];
    let left = opts.limit ?? Infinity;
    const skipTo = (): Uint8Array | undefined => this.bound ?? undefined;
    for (const prefix of ranges) {
      if (left <= 0) return;
      if (prefix) {
        const end = prefixEnd(prefix.bytes);
        if (this.bound && end && compareBytes(end, this.bound) <= 0) continue; // wholly below the bound
        this.metrics.seeks++;
      }
      for await (const b of this.snapshot.scan({ ...opts, ...(prefix ? { prefix } : {}), skipTo, ...(left < Infinity ? { limit: left } : {}) })) {
        left -= b.numRows;
        yield b;
      }
    }
  }

  /**
   * What this scan will read, from manifests and zone maps only (EXPLAIN DATA): one storage
   * forecast per seek, summed.
   */
  async forecast(): Promise<ScanPlanForecast> {
    const opts = this.storageOptions(8192);
    const parts = this.spec.prefixes ? this.sortedPrefixes(this.spec.prefixes).map((prefix) => ({ ...opts, prefix })) : [opts];
    const all = await Promise.all(parts.map((o) => this.snapshot.forecast(o)));
    const fragments = all.flatMap((f) => f.fragments);
    const sum = (k: 'rowsToDecode' | 'bytes' | 'gets' | 'fragmentsTotal' | 'fragmentsPruned'): number => all.reduce((n, f) => n + f[k], 0);
    return { fragments, fragmentsTotal: sum('fragmentsTotal'), fragmentsPruned: sum('fragmentsPruned'), rowsToDecode: sum('rowsToDecode'), bytes: sum('bytes'), gets: sum('gets') };
  }

  /** Distinct seek prefixes as keys, in key order. */
  private sortedPrefixes(prefixes: readonly (readonly unknown[])[]): Key[] {
    const keys = prefixes.map((p) => this.snapshot.key(...p)).sort((a, b) => compareBytes(a.bytes, b.bytes));
    return keys.filter((k, i) => i === 0 || compareBytes(keys[i - 1]!.bytes, k.bytes) !== 0);
  }

  /** The storage scan options of this scan (columns present in storage, pushed filter, limit). */
  private storageOptions(batchRows: number): ScanOptions {
    const stored = this.snapshot.schema();
    const present = this.spec.columns.filter((c) => resolveNested(stored, c) !== undefined);
    return {
      columns: present,
      batchRows,
      ...(this.spec.where ? { where: this.spec.where } : {}),
      ...(this.spec.prefix ? { prefix: this.spec.prefix } : {}),
      ...(this.spec.limit !== undefined ? { limit: this.spec.limit } : {}),
    };
  }

}

/** The field at a column path (a top-level name, or a dotted path into structs). */
function resolveNested(s: Schema, path: string): Field | undefined {
  const direct = s.fields.find((x) => x.name === path);
  if (direct) return direct;
  let fields = s.fields;
  let f: Field | undefined;
  for (const p of path.split('.')) {
    f = fields.find((x) => x.name === p);
    if (!f) return undefined;
    fields = f.type.children ?? [];
  }
  return f;
}

function pathData(b: RecordBatch, path: string): import('apache-arrow').Data {
  const parts = path.split('.');
  let i = b.schema.fields.findIndex((f) => f.name === path);
  if (i >= 0) return b.data.children[i]!;
  i = b.schema.fields.findIndex((f) => f.name === parts[0]);
  let d = b.data.children[i]!;
  let t = b.schema.fields[i]!.type;
  for (const p of parts.slice(1)) {
    const j = t.children.findIndex((c: Field) => c.name === p);
    d = d.children[j]!;
    t = t.children[j]!.type;
  }
  return d;
}
