/**
 * Filter: keeps the rows for which a compiled predicate holds. Order is kept; small results are
 * coalesced into batches of about `ctx.batchRows` rows.
 */
import type { RecordBatch } from 'apache-arrow';

import { ExecutionError } from '../errors.js';
import { takeData } from '../storage/arrow/take.js';
import { batchOf, Emitter, Grow } from './batches.js';
import type { ExecContext, Ordering, PhysicalOperator } from './operator.js';
import { BaseOperator, closeAll } from './run.js';

/**
 * A compiled predicate over one batch: one byte per row (nonzero keeps the row), or a boolean for
 * every row at once. Expressions compile to these once per operator (DESIGN.md §7).
 */
export type Predicate = (batch: RecordBatch) => Uint8Array | boolean;

export class FilterOp extends BaseOperator {
  readonly name = 'Filter';

  /**
   * @param child     any stream
   * @param predicate the compiled predicate
   * @param label     how EXPLAIN shows the predicate
   */
  constructor(
    child: PhysicalOperator,
    readonly predicate: Predicate,
    readonly label = 'predicate',
  ) {
    super(child.schema, [child], child.ordering);
  }

  requiredInputOrdering(): readonly (Ordering | null)[] {
    return [null];
  }

  maintainsInputOrder(): readonly boolean[] {
    return [true];
  }

  displayParams(): readonly (readonly [string, string])[] {
    return [['predicate', this.label]];
  }

  withChildren(children: readonly PhysicalOperator[]): PhysicalOperator {
    if (children.length !== 1) throw new ExecutionError('invalid-argument', 'Filter takes one child');
    return new FilterOp(children[0]!, this.predicate, this.label);
  }

  protected async *run(ctx: ExecContext): AsyncGenerator<RecordBatch, void, undefined> {
    const input = this.input(0, ctx);
    const out = new Emitter(ctx.batchRows);
    const keep = new Grow(Uint32Array, 1024);
    try {
      for (let b = await input.next(); b !== null; b = await input.next()) {
        if (b.numRows === 0) continue;
        this.hold(b.numRows + out.heldRows);
        const mask = this.predicate(b);
        if (mask === true) out.push(b);
        else if (mask !== false) {
          if (mask.length !== b.numRows) {
            throw new ExecutionError('invalid-argument', `Filter: the predicate returned ${mask.length} mask bytes for ${b.numRows} rows`);
          }
          for (let i = 0; i < mask.length; i++) if (mask[i]) keep.push(i);
          out.push(select(b, keep.drain()));
        }
        yield* out.drain();
      }
      out.flush();
      yield* out.drain();
    } finally {
      await closeAll([input]);
    }
  }
}

/** Rows `idx` (ascending) of a batch: the batch itself, a zero-copy slice, or a take. */
function select(b: RecordBatch, idx: Uint32Array): RecordBatch {
  const n = idx.length;
  if (n === b.numRows) return b;
  if (n === 0) return b.slice(0, 0);
  if (idx[n - 1]! - idx[0]! === n - 1) return b.slice(idx[0]!, idx[0]! + n);
  return batchOf(b.schema, b.data.children.map((c) => takeData(c, idx)), n);
}
