/**
 * Project: evaluates one expression per output column. Plain column references pass their
 * Arrow Data through untouched; constants are materialised per batch. With `prefilter` (a
 * WHERE fused by the planner) only the rows passing it are computed, and only the columns the
 * expressions read are gathered.
 */
import type { RecordBatch, Schema } from 'apache-arrow';

import { formatScalar } from '../../logical/display.js';
import type { NamedScalar, Scalar } from '../../logical/plan.js';
import { compilePredicate, compileScalar } from '../expr/compile.js';
import { toData } from '../expr/col.js';
import type { ExecContext, Ordering, PhysicalOperator } from '../operator.js';
import { BaseOperator, closeAll, list } from '../run.js';
import { UNORDERED } from './common.js';
import { batchFrom, gather } from './gather.js';

export class RelProjectOp extends BaseOperator {
  readonly name = 'Project';

  /** @param schema output schema (physical types), one field per expression */
  constructor(
    child: PhysicalOperator,
    readonly exprs: readonly NamedScalar[],
    schema: Schema,
    readonly prefilter: Scalar | null = null,
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
    return [
      ['exprs', list(this.exprs.map((e) => (e.expr.kind === 'column' && e.expr.name === e.name ? e.name : `${formatScalar(e.expr)} AS ${e.name}`)))],
      ...(this.prefilter ? [['where', formatScalar(this.prefilter)] as const] : []),
    ];
  }

  withChildren(children: readonly PhysicalOperator[]): PhysicalOperator {
    return new RelProjectOp(children[0]!, this.exprs, this.schema, this.prefilter);
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
    const pre = this.prefilter ? compilePredicate(this.prefilter, inSchema) : null;
    const used = new Set(compiled.flatMap((c) => (typeof c === 'number' ? [c] : c.inputs)));
    const input = this.input(0, ctx);
    try {
      for (let b = await input.next(); b; b = await input.next()) {
        let n = b.numRows;
        if (n === 0) continue;
        this.hold(n);
        let src = b.data.children;
        if (pre) {
          const sel = pre.select(src, n);
          if (sel && sel.length === 0) continue;
          if (sel) {
            src = src.map((c, i) => (used.has(i) ? gather(c, sel) : c));
            n = sel.length;
          }
        }
        const cols = compiled.map((c) => (typeof c === 'number' ? src[c]! : toData(c.evaluate(src, n))));
        yield batchFrom(this.schema, cols, n);
      }
    } finally {
      await closeAll([input]);
    }
  }
}
