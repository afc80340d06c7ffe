/**
 * Project: evaluates one expression per output column. Plain column references pass their
 * Arrow Data through untouched; constants are materialised per batch.
 */
import type { RecordBatch, Schema } from 'apache-arrow';

import { formatScalar } from '../../logical/display.js';
import type { NamedScalar } from '../../logical/plan.js';
import { compileScalar } from '../expr/compile.js';
import { toData } from '../expr/col.js';
import type { ExecContext, Ordering, PhysicalOperator } from '../operator.js';
import { BaseOperator, closeAll, list } from '../run.js';
import { UNORDERED } from './common.js';
import { batchFrom } from './gather.js';

export class RelProjectOp extends BaseOperator {
  readonly name = 'Project';

  /** @param schema output schema (physical types), one field per expression */
  constructor(
    child: PhysicalOperator,
    readonly exprs: readonly NamedScalar[],
    schema: Schema,
  ) {
    const kept = child.ordering.keys.every((k) => exprs.some((e) => e.name === k && e.expr.kind === 'column' && e.expr.name === k));
    super(schema, [child], kept ? child.ordering : UNORDERED);
  }

  requiredInputOrdering(): readonly (Ordering | null)[] {
    return [null];
  }

  maintainsInputOrder(): readonly boolean[] {
    return [true];
  }

  displayParams(): readonly (readonly [string, string])[] {
    return [['exprs', list(this.exprs.map((e) => (e.expr.kind === 'column' && e.expr.name === e.name ? e.name : `${formatScalar(e.expr)} AS ${e.name}`)))]];
  }

  withChildren(children: readonly PhysicalOperator[]): PhysicalOperator {
    return new RelProjectOp(children[0]!, this.exprs, this.schema);
  }

  protected async *run(ctx: ExecContext): AsyncGenerator<RecordBatch, void, undefined> {
    const inSchema = this.children[0]!.schema;
    const compiled = this.exprs.map((e) => {
      if (e.expr.kind === 'column') {
        const idx = inSchema.fields.findIndex((f) => f.name === (e.expr as { name: string }).name);
        if (idx >= 0 && String(inSchema.fields[idx]!.type) === String(this.schema.fields.find((f) => f.name === e.name)!.type)) return idx;
      }
      return compileScalar(e.expr, inSchema);
    });
    const input = this.input(0, ctx);
    try {
      for (let b = await input.next(); b; b = await input.next()) {
        if (b.numRows === 0) continue;
        this.hold(b.numRows);
        const cols = compiled.map((c) => (typeof c === 'number' ? b.data.children[c]! : toData(c.evaluate(b.data.children, b.numRows))));
        yield batchFrom(this.schema, cols, b.numRows);
      }
    } finally {
      await closeAll([input]);
    }
  }
}
