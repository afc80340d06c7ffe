/**
 * Limit: skips `offset` rows, passes at most `limit` rows (null: all), and stops pulling its
 * input as soon as it has them (the input is closed early).
 */
import type { RecordBatch } from 'apache-arrow';

import type { ExecContext, Ordering, PhysicalOperator } from '../operator.js';
import { BaseOperator, closeAll } from '../run.js';

export class LimitOp extends BaseOperator {
  readonly name = 'Limit';

  constructor(
    child: PhysicalOperator,
    readonly limit: number | null,
    readonly offset = 0,
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
    return [['limit', this.limit === null ? 'none' : String(this.limit)], ...(this.offset ? [['offset', String(this.offset)] as const] : [])];
  }

  withChildren(children: readonly PhysicalOperator[]): PhysicalOperator {
    return new LimitOp(children[0]!, this.limit, this.offset);
  }

  protected async *run(ctx: ExecContext): AsyncGenerator<RecordBatch, void, undefined> {
    let skip = this.offset;
    let left = this.limit ?? Infinity;
    if (left === 0) return;
    const input = this.input(0, ctx);
    try {
      for (let b = await input.next(); b; b = await input.next()) {
        let n = b.numRows;
        if (n === 0) continue;
        this.hold(n);
        let start = 0;
        if (skip > 0) {
          const s = Math.min(skip, n);
          skip -= s;
          start = s;
          n -= s;
          if (n === 0) continue;
        }
        const take = Math.min(n, left);
        left -= take;
        yield start === 0 && take === b.numRows ? b : b.slice(start, start + take);
        if (left <= 0) break;
      }
    } finally {
      await closeAll([input]);
    }
  }
}
