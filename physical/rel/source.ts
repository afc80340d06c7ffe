/**
 * Source: batches from outside gyre (a DuckDB result, an Arrow table). The stream is opened
 * on the first pull with the query's AbortSignal and closed when the operator finishes.
 * Batches are relabelled with the plan's schema (names), which must match by position.
 */
import type { RecordBatch, Schema } from 'apache-arrow';

import { ExecutionError } from '../../errors.js';
import { checkAbort, type ExecContext, type Ordering, type PhysicalOperator } from '../operator.js';
import { BaseOperator } from '../run.js';
import { UNORDERED, withSchema } from './common.js';

export class SourceOp extends BaseOperator {
  readonly name = 'Source';

  constructor(
    readonly describe: string,
    readonly open: (signal?: AbortSignal) => AsyncIterable<RecordBatch>,
    schema: Schema,
  ) {
    super(schema, [], UNORDERED);
  }

  requiredInputOrdering(): readonly (Ordering | null)[] {
    return [];
  }

  maintainsInputOrder(): readonly boolean[] {
    return [];
  }

  displayParams(): readonly (readonly [string, string])[] {
    return [['source', this.describe]];
  }

  withChildren(): PhysicalOperator {
    return new SourceOp(this.describe, this.open, this.schema);
  }

  protected async *run(ctx: ExecContext): AsyncGenerator<RecordBatch, void, undefined> {
    const it = this.open(ctx.signal)[Symbol.asyncIterator]();
    try {
      for (;;) {
        checkAbort(ctx);
        const r = await it.next();
        if (r.done) return;
        const b = r.value;
        if (b.numCols !== this.schema.fields.length) {
          throw new ExecutionError('schema-mismatch', `source ${this.describe}: a batch has ${b.numCols} columns, the plan expects ${this.schema.fields.length}`);
        }
        this.hold(b.numRows);
        yield withSchema(b, this.schema);
      }
    } finally {
      await it.return?.();
    }
  }
}
