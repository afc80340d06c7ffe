/**
 * Values: rows of constant expressions (VALUES lists, literals), evaluated once when the
 * stream starts, emitted as batches of at most `ctx.batchRows` rows.
 */
import { type RecordBatch, Schema } from 'apache-arrow';

import type { Scalar } from '../../logical/plan.js';
import { compileScalar } from '../expr/compile.js';
import { rowWriter } from '../expr/kernel.js';
import { toData } from '../expr/col.js';
import type { ExecContext, Ordering, PhysicalOperator } from '../operator.js';
import { BaseOperator } from '../run.js';
import { chunks, UNORDERED } from './common.js';
import { batchFrom } from './gather.js';

export class RelValuesOp extends BaseOperator {
  readonly name = 'Values';

  constructor(
    readonly rows: readonly (readonly Scalar[])[],
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
    return [['rows', String(this.rows.length)]];
  }

  withChildren(): PhysicalOperator {
    return new RelValuesOp(this.rows, this.schema);
  }

  protected async *run(ctx: ExecContext): AsyncGenerator<RecordBatch, void, undefined> {
    const n = this.rows.length;
    if (n === 0) return;
    const empty = new Schema([]);
    const cols = this.schema.fields.map((f, j) => {
      const w = rowWriter(f.type, n);
      this.rows.forEach((r, i) => {
        const c = compileScalar(r[j]!, empty);
        w.set(i, c.isConst ? c.constValue : null);
      });
      return toData(w.finish());
    });
    this.hold(n);
    yield* chunks(batchFrom(this.schema, cols, n), Math.max(1, ctx.batchRows));
  }
}
