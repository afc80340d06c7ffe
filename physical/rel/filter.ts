/**
 * Filter: keeps the rows where the predicate is TRUE (NULL and FALSE drop). The predicate is
 * compiled once; a batch whose rows all pass is forwarded as is, otherwise every column is
 * gathered once by the selection vector.
 */
import type { RecordBatch } from 'apache-arrow';

import { formatScalar } from '../../logical/display.js';
import type { Scalar } from '../../logical/plan.js';
import { compilePredicate } from '../expr/compile.js';
import type { ExecContext, Ordering, PhysicalOperator } from '../operator.js';
import { BaseOperator, closeAll } from '../run.js';
import { gatherBatch } from './gather.js';

export class RelFilterOp extends BaseOperator {
  readonly name = 'Filter';

  constructor(
    child: PhysicalOperator,
    readonly predicate: Scalar,
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
    return [['predicate', formatScalar(this.predicate)]];
  }

  withChildren(children: readonly PhysicalOperator[]): PhysicalOperator {
    return new RelFilterOp(children[0]!, this.predicate);
  }

  protected async *run(ctx: ExecContext): AsyncGenerator<RecordBatch, void, undefined> {
    const pred = compilePredicate(this.predicate, this.children[0]!.schema);
    const input = this.input(0, ctx);
    try {
      for (let b = await input.next(); b; b = await input.next()) {
        if (b.numRows === 0) continue;
        this.hold(b.numRows);
        const sel = pred.select(b.data.children, b.numRows);
        if (sel === null) yield b;
        else if (sel.length > 0) yield gatherBatch(b, sel, this.schema);
      }
    } finally {
      await closeAll([input]);
    }
  }
}
