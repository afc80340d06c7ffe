/**
 * Unnest: one output row per element of a list expression, the input columns repeated, the
 * element as a new column and, optionally, its 1-based ordinality. `outer` keeps rows whose
 * list is empty or NULL (one row, element NULL). Output is cut to about `ctx.batchRows`.
 */
import { type Data, type RecordBatch, type Schema, Type } from 'apache-arrow';

import { formatScalar } from '../../logical/display.js';
import { T } from '../../logical/functions.js';
import type { Scalar } from '../../logical/plan.js';
import { getBit } from '../expr/bits.js';
import { flatCol, toData } from '../expr/col.js';
import { compileScalar } from '../expr/compile.js';
import type { ExecContext, Ordering, PhysicalOperator } from '../operator.js';
import { BaseOperator, closeAll } from '../run.js';
import { UNORDERED } from './common.js';
import { batchFrom, gather, NONE } from './gather.js';

export class UnnestOp extends BaseOperator {
  readonly name = 'Unnest';

  constructor(
    child: PhysicalOperator,
    readonly list: Scalar,
    readonly outer: boolean,
    readonly withOrdinality: boolean,
    schema: Schema,
  ) {
    super(schema, [child], UNORDERED);
  }

  requiredInputOrdering(): readonly (Ordering | null)[] {
    return [null];
  }

  maintainsInputOrder(): readonly boolean[] {
    return [true];
  }

  displayParams(): readonly (readonly [string, string])[] {
    return [['list', formatScalar(this.list)], ...(this.outer ? [['outer', 'true'] as const] : []), ...(this.withOrdinality ? [['ordinality', 'true'] as const] : [])];
  }

  withChildren(children: readonly PhysicalOperator[]): PhysicalOperator {
    return new UnnestOp(children[0]!, this.list, this.outer, this.withOrdinality, this.schema);
  }

  protected async *run(ctx: ExecContext): AsyncGenerator<RecordBatch, void, undefined> {
    const expr = compileScalar(this.list, this.children[0]!.schema);
    const input = this.input(0, ctx);
    const target = Math.max(1, ctx.batchRows);
    try {
      for (let b = await input.next(); b; b = await input.next()) {
        const n = b.numRows;
        if (n === 0) continue;
        const d: Data = toData(expr.evaluate(b.data.children, n));
        const fixed = d.type.typeId === Type.FixedSizeList ? (d.type as unknown as { listSize: number }).listSize : 0;
        const offs = fixed ? null : (d.valueOffsets as Int32Array);
        const child = d.children[0]!;
        const valid = d.nullCount > 0 ? d.nullBitmap : null;
        const rowIdx: number[] = [], elIdx: number[] = [], ord: number[] = [];
        const flush = (): RecordBatch | null => {
          if (rowIdx.length === 0) return null;
          const ri = Uint32Array.from(rowIdx), ei = Uint32Array.from(elIdx);
          const cols = [...b.data.children.map((c) => gather(c, ri)), gather(child, ei, true)];
          if (this.withOrdinality) {
            const o = new BigInt64Array(ord.length);
            for (let k = 0; k < ord.length; k++) o[k] = BigInt(ord[k]!);
            cols.push(toData(flatCol(T.i64, ord.length, o, null)));
          }
          const out = batchFrom(this.schema, cols, ri.length);
          rowIdx.length = elIdx.length = ord.length = 0;
          return out;
        };
        this.hold(n);
        for (let i = 0; i < n; i++) {
          const isNull = valid !== null && !getBit(valid, d.offset + i);
          const s = isNull ? 0 : fixed ? (d.offset + i) * fixed : offs![i]!;
          const e = isNull ? 0 : fixed ? s + fixed : offs![i + 1]!;
          if (e === s && this.outer) {
            rowIdx.push(i);
            elIdx.push(NONE);
            ord.push(1);
          }
          for (let k = s; k < e; k++) {
            rowIdx.push(i);
            elIdx.push(k);
            ord.push(k - s + 1);
          }
          if (rowIdx.length >= target) {
            const out = flush();
            if (out) yield out;
          }
        }
        const out = flush();
        if (out) yield out;
      }
    } finally {
      await closeAll([input]);
    }
  }
}
