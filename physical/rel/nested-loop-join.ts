/**
 * NestedLoopJoin: cross joins and joins without equi keys. The right input is read whole; each
 * left batch is paired with every right row in blocks of about `ctx.batchRows` pairs, and
 * {@link JoinCore} applies the condition and the join type. O(left × right) by nature: the
 * planner uses it only when there is no equality to hash on.
 */
import { type RecordBatch, Schema } from 'apache-arrow';

import { formatScalar } from '../../logical/display.js';
import type { JoinType, Scalar } from '../../logical/plan.js';
import { compilePredicate } from '../expr/compile.js';
import type { ExecContext, Ordering, PhysicalOperator } from '../operator.js';
import { BaseOperator, closeAll } from '../run.js';
import { UNORDERED } from './common.js';
import { concatBatches } from './gather.js';
import { emptyCols } from './hash-join.js';
import { JoinCore } from './join-core.js';

export class NestedLoopJoinOp extends BaseOperator {
  readonly name = 'NestedLoopJoin';

  constructor(
    left: PhysicalOperator,
    right: PhysicalOperator,
    readonly type: Exclude<JoinType, 'asof'>,
    readonly residual: Scalar | null,
    schema: Schema,
  ) {
    super(schema, [left, right], UNORDERED);
  }

  requiredInputOrdering(): readonly (Ordering | null)[] {
    return [null, null];
  }

  maintainsInputOrder(): readonly boolean[] {
    return [this.type !== 'right' && this.type !== 'full', false];
  }

  displayParams(): readonly (readonly [string, string])[] {
    return [['type', this.type], ...(this.residual ? [['condition', formatScalar(this.residual)] as const] : [])];
  }

  withChildren(children: readonly PhysicalOperator[]): PhysicalOperator {
    return new NestedLoopJoinOp(children[0]!, children[1]!, this.type, this.residual, this.schema);
  }

  protected async *run(ctx: ExecContext): AsyncGenerator<RecordBatch, void, undefined> {
    const [leftOp, rightOp] = this.children as [PhysicalOperator, PhysicalOperator];
    const left = this.input(0, ctx), right = this.input(1, ctx);
    try {
      const parts: RecordBatch[] = [];
      let m = 0;
      for (let b = await right.next(); b; b = await right.next()) {
        if (b.numRows === 0) continue;
        parts.push(b);
        m += b.numRows;
        this.hold(m);
      }
      await right.close();
      const t = this.type;
      if (m === 0 && (t === 'inner' || t === 'cross' || t === 'semi' || t === 'right')) return;
      const build = parts.length ? concatBatches(rightOp.schema, parts) : null;
      const both = new Schema([...leftOp.schema.fields, ...rightOp.schema.fields]);
      const residual = this.residual ? compilePredicate(this.residual, both) : null;
      const core = new JoinCore({ type: t === 'cross' ? 'inner' : t, schema: this.schema, residual }, leftOp.schema.fields.length);
      core.setRight(build ? build.data.children : emptyCols(rightOp.schema), m);
      const block = Math.max(1, Math.floor(Math.max(ctx.batchRows, 1024) / Math.max(1, m)));
      for (let b = await left.next(); b; b = await left.next()) {
        const n = b.numRows;
        if (n === 0) continue;
        this.hold(m + n);
        core.startLeft(b);
        for (let s = 0; s < n && m > 0; s += block) {
          const e = Math.min(n, s + block);
          const li = new Uint32Array((e - s) * m), ri = new Uint32Array((e - s) * m);
          let k = 0;
          for (let i = s; i < e; i++) {
            for (let r = 0; r < m; r++) {
              li[k] = i;
              ri[k++] = r;
            }
          }
          const out = core.consume(li, ri);
          if (out) yield out;
        }
        const rest = core.finishLeft();
        if (rest) yield rest;
      }
      const tail = core.finishRight();
      if (tail) yield tail;
    } finally {
      await closeAll([left, right]);
    }
  }
}
