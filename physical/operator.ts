/**
 * The physical operator contract. Operators pull Arrow RecordBatches from their children and
 * yield their own; nothing runs before the first pull; cancellation comes through
 * `ctx.signal`; resources are released in `finally`.
 *
 * Ordering: every stream in gyre is sorted by key columns (ancestor keys, then the level's own
 * `_id` / `_pos`), ascending in normalized-key order (storage/tables/key-codec.ts), unique
 * unless said otherwise. An operator declares the ordering it produces and the orderings it
 * needs from its children, so the planner can pick zip / merge join / streaming group-by
 * without sorting, and tests can assert the contracts.
 */
import type { Field, RecordBatch, Schema } from 'apache-arrow';

import { ExecutionError } from '../errors.js';

/** Rows sorted ascending by these key columns (by name, in order) and unique by them. */
export interface Ordering {
  readonly keys: readonly string[];
}

export interface ExecContext {
  readonly signal?: AbortSignal;
  /** Target rows per output batch (operators may emit smaller batches). */
  readonly batchRows: number;
  /** Sideways information passing: merge operators send seek bounds to their inputs (default on). */
  readonly sideways?: boolean;
}

export const defaultContext = (): ExecContext => ({ batchRows: 8192 });

/** Counters every operator keeps (EXPLAIN ANALYZE / EXPLAIN DATA read them). */
export interface OperatorMetrics {
  rowsIn: number;
  rowsOut: number;
  batchesOut: number;
  /** Wall time spent inside this operator's own work (not its children's), ms. */
  elapsedMs: number;
  /** Seeks forwarded to children / storage. */
  seeks: number;
  /** Largest number of rows held at once (bounded-memory evidence). */
  peakRowsHeld: number;
}

export const newMetrics = (): OperatorMetrics => ({ rowsIn: 0, rowsOut: 0, batchesOut: 0, elapsedMs: 0, seeks: 0, peakRowsHeld: 0 });

/**
 * A seek (sideways information passing): the consumer will not need rows whose key on the
 * columns `keys` (a prefix of the receiver's ordering) is below `bytes` (the normalized key
 * prefix, storage/tables/key-codec.ts). Receivers may skip such rows — batches, chunks,
 * fragments — or ignore the hint; rows already produced stay valid.
 */
export interface SeekBound {
  readonly keys: readonly string[];
  readonly bytes: Uint8Array;
}

export interface PhysicalOperator {
  readonly name: string;
  readonly schema: Schema;
  readonly children: readonly PhysicalOperator[];
  /** Ordering of this operator's output. */
  readonly ordering: Ordering;
  /** Ordering each child must provide (null: any). */
  requiredInputOrdering(): readonly (Ordering | null)[];
  /** Per child: whether output rows keep that child's order. */
  maintainsInputOrder(): readonly boolean[];
  /** Ordered parameters for EXPLAIN. */
  displayParams(): readonly (readonly [string, string])[];
  readonly metrics: OperatorMetrics;
  execute(ctx: ExecContext): AsyncIterable<RecordBatch>;
  /** Advises that rows below `bound` are not needed (see SeekBound). */
  seek(bound: SeekBound): void;
  withChildren(children: readonly PhysicalOperator[]): PhysicalOperator;
}

/** Throws when the signal was aborted (operators call this between batches). */
export function checkAbort(ctx: ExecContext): void {
  if (ctx.signal?.aborted) throw new ExecutionError('cancelled', 'the query was cancelled', { cause: ctx.signal.reason });
}

/** The fields named `names` of a schema, in that order. */
export function fieldsOf(schema: Schema, names: readonly string[]): Field[] {
  return names.map((n) => {
    const f = schema.fields.find((x) => x.name === n);
    if (!f) throw new ExecutionError('unknown-column', `no column "${n}" in ${schema.fields.map((x) => x.name).join(', ')}`);
    return f;
  });
}

/** True when `prefix` is a prefix of `keys`. */
export function isPrefix(prefix: readonly string[], keys: readonly string[]): boolean {
  return prefix.length <= keys.length && prefix.every((k, i) => keys[i] === k);
}
