/**
 * Sort: ORDER BY with several keys, ASC/DESC and NULLS FIRST/LAST, stable (ties keep input
 * order). Reads its whole input (the plan asked for it), sorts row indices (radix for numeric
 * keys, merge sort otherwise, sort-keys.ts) and gathers once. With `limit` (a LIMIT above it,
 * offset included) it is a top-N: whenever the buffer exceeds max(2·N, batchRows) it is
 * sorted and cut to N rows, so memory stays O(N + batch).
 */
import type { RecordBatch } from 'apache-arrow';

import { formatSortKey } from '../../logical/display.js';
import type { SortKey } from '../../logical/plan.js';
import { compileScalar, type CompiledScalar } from '../expr/compile.js';
import type { ExecContext, Ordering, PhysicalOperator } from '../operator.js';
import { BaseOperator, closeAll, list } from '../run.js';
import { chunks, UNORDERED } from './common.js';
import { concatBatches, gatherBatch } from './gather.js';
import { type SortColumn, sortIndices } from './sort-keys.js';

export class SortOp extends BaseOperator {
  readonly name = 'Sort';

  constructor(
    child: PhysicalOperator,
    readonly keys: readonly SortKey[],
    /** Keep only the first `limit` rows (top-N); null: all. */
    readonly limit: number | null = null,
  ) {
    super(child.schema, [child], UNORDERED);
  }

  requiredInputOrdering(): readonly (Ordering | null)[] {
    return [null];
  }

  maintainsInputOrder(): readonly boolean[] {
    return [false];
  }

  displayParams(): readonly (readonly [string, string])[] {
    return [['keys', list(this.keys.map(formatSortKey))], ...(this.limit !== null ? [['limit', String(this.limit)] as const] : [])];
  }

  withChildren(children: readonly PhysicalOperator[]): PhysicalOperator {
    return new SortOp(children[0]!, this.keys, this.limit);
  }

  private sorted(b: RecordBatch, exprs: readonly CompiledScalar[]): RecordBatch {
    const n = b.numRows;
    const cols: SortColumn[] = this.keys.map((k, i) => ({ col: exprs[i]!.evaluate(b.data.children, n), descending: k.descending, nullsFirst: k.nullsFirst }));
    let idx = sortIndices(cols, n);
    if (this.limit !== null && idx.length > this.limit) idx = idx.subarray(0, this.limit);
    return gatherBatch(b, idx, this.schema);
  }

  protected async *run(ctx: ExecContext): AsyncGenerator<RecordBatch, void, undefined> {
    const exprs = this.keys.map((k) => compileScalar(k.expr, this.children[0]!.schema));
    const input = this.input(0, ctx);
    let parts: RecordBatch[] = [];
    let rows = 0;
    const cap = this.limit === null ? Infinity : Math.max(2 * this.limit, ctx.batchRows);
    try {
      for (let b = await input.next(); b; b = await input.next()) {
        if (b.numRows === 0) continue;
        if (this.limit === 0) break;
        parts.push(b);
        rows += b.numRows;
        this.hold(rows);
        if (rows > cap) {
          const top = this.sorted(concatBatches(this.schema, parts), exprs);
          parts = [top];
          rows = top.numRows;
        }
      }
      await input.close();
      if (rows === 0) return;
      yield* chunks(this.sorted(concatBatches(this.schema, parts), exprs), Math.max(1, ctx.batchRows));
    } finally {
      await closeAll([input]);
    }
  }
}
