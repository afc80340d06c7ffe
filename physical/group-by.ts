/**
 * GroupBy: streaming reduction to a key prefix (seed 002: "Streaming GroupBy … shortens the
 * key"). The input is sorted by its keys, so rows sharing the prefix are contiguous: each run of
 * equal prefixes feeds the accumulators, a group may span any number of batches, and only the
 * open group's state and the results not yet emitted are held.
 */
import { type DataType, Field, type RecordBatch, Schema, type Vector } from 'apache-arrow';

import { ExecutionError } from '../errors.js';
import { compareKeyTo, keyAt } from '../storage/tables/key-codec.js';
import { type Accumulator, makeAccumulator, type Reducer, reducerName, reducerType, SelectAcc } from './aggregates.js';
import { batchOf } from './batches.js';
import { KeyCursor, runEnd } from './key-cursor.js';
import { type ExecContext, fieldsOf, isPrefix, type Ordering, type PhysicalOperator } from './operator.js';
import { BaseOperator, closeAll, list } from './run.js';

/** One output column of a GroupBy: `reduce` over `column`. */
export interface AggregateSpec {
  /** The input column (countRows ignores it and may omit it). */
  readonly column?: string;
  readonly reduce: Reducer;
  /** Output column name; default `<column>_<reducer>` (`count` for countRows without a column). */
  readonly as?: string;
}

const spec = (column: string, reduce: Reducer, as?: string): AggregateSpec => (as === undefined ? { column, reduce } : { column, reduce, as });

/** Builders for {@link AggregateSpec}s. */
export const agg = {
  sum: (column: string, as?: string) => spec(column, 'sum', as),
  mean: (column: string, as?: string) => spec(column, 'mean', as),
  min: (column: string, as?: string) => spec(column, 'min', as),
  max: (column: string, as?: string) => spec(column, 'max', as),
  count: (column: string, as?: string) => spec(column, 'count', as),
  countRows: (as = 'count'): AggregateSpec => ({ reduce: 'countRows', as }),
  first: (column: string, as?: string) => spec(column, 'first', as),
  last: (column: string, as?: string) => spec(column, 'last', as),
  list: (column: string, as?: string) => spec(column, 'list', as),
  any: (column: string, predicate: (values: Vector) => Uint8Array | boolean, as?: string) => spec(column, { any: predicate }, as),
  fn: (column: string, fn: (values: Vector) => unknown, type: DataType, as?: string) => spec(column, { fn, type }, as),
};

export class GroupByOp extends BaseOperator {
  readonly name = 'GroupBy';
  private readonly keyFields: readonly Field[];
  private readonly inputs: readonly { readonly column: string; readonly type: DataType; readonly what: string }[];

  /**
   * @param child      a stream sorted by keys that start with `prefixKeys`
   * @param prefixKeys the key prefix to reduce to (non-empty)
   * @param aggregates the output columns
   * Output: the prefix keys, then one column per aggregate; ordering = the prefix keys.
   */
  constructor(
    child: PhysicalOperator,
    readonly prefixKeys: readonly string[],
    readonly aggregates: readonly AggregateSpec[],
  ) {
    if (prefixKeys.length === 0 || !isPrefix(prefixKeys, child.ordering.keys)) {
      throw new ExecutionError('invalid-argument', `GroupBy: ${list(prefixKeys)} must be a non-empty prefix of the input keys ${list(child.ordering.keys)}`);
    }
    const keyFields = fieldsOf(child.schema, prefixKeys);
    const inputs = aggregates.map((a, k) => {
      if (a.column === undefined && a.reduce !== 'countRows') throw new ExecutionError('invalid-argument', `GroupBy: aggregate ${k} (${reducerName(a.reduce)}) needs a column`);
      const column = a.column ?? prefixKeys[0]!;
      const name = a.as ?? (a.column === undefined ? 'count' : `${a.column}_${reducerName(a.reduce)}`);
      return { column, type: fieldsOf(child.schema, [column])[0]!.type as DataType, what: `GroupBy "${name}"`, name };
    });
    const outFields = inputs.map((x, k) => new Field(x.name, reducerType(aggregates[k]!.reduce, x.type, x.what), true));
    const names = [...prefixKeys, ...outFields.map((f) => f.name)];
    const dup = names.find((n, i) => names.indexOf(n) !== i);
    if (dup !== undefined) throw new ExecutionError('invalid-argument', `GroupBy: two output columns are named "${dup}"`);
    super(new Schema([...keyFields, ...outFields]), [child], { keys: prefixKeys });
    this.keyFields = keyFields;
    this.inputs = inputs;
  }

  requiredInputOrdering(): readonly (Ordering | null)[] {
    return [{ keys: this.prefixKeys }];
  }

  maintainsInputOrder(): readonly boolean[] {
    return [true];
  }

  displayParams(): readonly (readonly [string, string])[] {
    const aggs = this.aggregates.map((a, k) => `${this.schema.fields[this.prefixKeys.length + k]!.name}=${reducerName(a.reduce)}(${a.column ?? '*'})`);
    return [
      ['by', list(this.prefixKeys)],
      ['aggregates', list(aggs)],
    ];
  }

  withChildren(children: readonly PhysicalOperator[]): PhysicalOperator {
    if (children.length !== 1) throw new ExecutionError('invalid-argument', 'GroupBy takes one child');
    return new GroupByOp(children[0]!, this.prefixKeys, this.aggregates);
  }

  protected async *run(ctx: ExecContext): AsyncGenerator<RecordBatch, void, undefined> {
    const input = this.input(0, ctx);
    const C = new KeyCursor(input, this.keyFields, { op: 'GroupBy', side: 'input', strict: false });
    const keyAccs = this.keyFields.map((f) => new SelectAcc(f.type as DataType, 'first'));
    const accs: Accumulator[] = this.inputs.map((x, k) => makeAccumulator(this.aggregates[k]!.reduce, x.type, x.what));
    const all = [...keyAccs, ...accs];
    let closed = 0;
    let open = false;
    let last: Uint8Array | null = null;
    const take = (): RecordBatch => {
      const b = batchOf(this.schema, all.map((a) => a.take()), closed);
      closed = 0;
      return b;
    };
    try {
      while (await C.ready()) {
        const K = C.keys, n = C.length;
        const cols = [...this.prefixKeys, ...this.inputs.map((x) => x.column)].map((c) => C.column(c));
        for (let i = 0; i < n; ) {
          const e = runEnd(K, i);
          // Runs within a batch are distinct groups; the first may continue the previous batch's.
          if (open && !(i === 0 && last !== null && compareKeyTo(K, 0, last) === 0)) {
            for (const a of all) a.close();
            if (++closed >= ctx.batchRows) yield take();
          }
          open = true;
          for (let k = 0; k < all.length; k++) all[k]!.add(cols[k]!, i, e);
          i = e;
        }
        last = keyAt(K, n - 1);
        C.row = n;
        this.hold(n + closed + Math.max(...all.map((a) => a.held())));
      }
      if (open) {
        for (const a of all) a.close();
        closed++;
      }
      if (closed > 0) yield take();
    } finally {
      await closeAll([input]);
    }
  }
}
