/**
 * Window (SQL window functions): reads the whole input, and for each call sorts row indices
 * by (PARTITION BY, ORDER BY) — calls with the same specification share the sort — finds
 * partitions and peer groups, evaluates the call per partition (window-functions.ts) over its
 * frames (window-frames.ts), and scatters the results back. Output: the input rows in input
 * order with one column per call.
 */
import { type Data, type DataType, type RecordBatch, type Schema, Type } from 'apache-arrow';

import { formatScalar, formatSortKey, formatWindow } from '../../logical/display.js';
import type { WindowCall } from '../../logical/plan.js';
import { getBit } from '../expr/bits.js';
import { type Col, toData, valueAt } from '../expr/col.js';
import { compileScalar } from '../expr/compile.js';
import { physicalType, rowWriter } from '../expr/kernel.js';
import type { ExecContext, Ordering, PhysicalOperator } from '../operator.js';
import { BaseOperator, closeAll, list } from '../run.js';
import { chunks } from './common.js';
import { batchFrom, concatBatches } from './gather.js';
import { keyComparator, sortIndices } from './sort-keys.js';
import { frames, type Partition } from './window-frames.js';
import { type CallInput, frameValues, isRankingOrNavigation, rankingValues } from './window-functions.js';

export class RelWindowOp extends BaseOperator {
  readonly name = 'Window';

  constructor(
    child: PhysicalOperator,
    readonly calls: readonly WindowCall[],
    schema: Schema,
  ) {
    super(schema, [child], child.ordering);
  }

  requiredInputOrdering(): readonly (Ordering | null)[] {
    return [null];
  }

  maintainsInputOrder(): readonly boolean[] {
    return [true];
  }

  displayParams(): readonly (readonly [string, string])[] {
    return [['calls', list(this.calls.map(formatWindow))]];
  }

  withChildren(children: readonly PhysicalOperator[]): PhysicalOperator {
    return new RelWindowOp(children[0]!, this.calls, this.schema);
  }

  protected async *run(ctx: ExecContext): AsyncGenerator<RecordBatch, void, undefined> {
    const inSchema = this.children[0]!.schema;
    const input = this.input(0, ctx);
    const parts: RecordBatch[] = [];
    let n = 0;
    try {
      for (let b = await input.next(); b; b = await input.next()) {
        if (b.numRows === 0) continue;
        parts.push(b);
        n += b.numRows;
        this.hold(n);
      }
    } finally {
      await closeAll([input]);
    }
    if (n === 0) return;
    const all = concatBatches(inSchema, parts);
    const cols = all.data.children;
    const sorts = new Map<string, { perm: Uint32Array; parts: Partition[]; orderCols: Col[] }>();
    const out: Data[] = [...cols];
    for (const call of this.calls) {
      const spec = `${call.partitionBy.map(formatScalar).join(',')}|${call.orderBy.map(formatSortKey).join(',')}`;
      let s = sorts.get(spec);
      if (!s) {
        s = this.sortFor(call, inSchema, cols, n);
        sorts.set(spec, s);
      }
      out.push(this.evaluateCall(call, inSchema, cols, n, s));
    }
    yield* chunks(batchFrom(this.schema, out, n), Math.max(1, ctx.batchRows));
  }

  private sortFor(call: WindowCall, inSchema: Schema, cols: readonly Data[], n: number): { perm: Uint32Array; parts: Partition[]; orderCols: Col[] } {
    const pcols = call.partitionBy.map((e) => compileScalar(e, inSchema).evaluate(cols, n));
    const ocols = call.orderBy.map((k) => compileScalar(k.expr, inSchema).evaluate(cols, n));
    const keys = [
      ...pcols.map((col) => ({ col, descending: false, nullsFirst: true })),
      ...ocols.map((col, i) => ({ col, descending: call.orderBy[i]!.descending, nullsFirst: call.orderBy[i]!.nullsFirst })),
    ];
    const perm = keys.length ? sortIndices(keys, n) : Uint32Array.from({ length: n }, (_, i) => i);
    const pcmp = pcols.map((col) => keyComparator({ col, descending: false, nullsFirst: true }));
    const ocmp = ocols.map((col) => keyComparator({ col, descending: false, nullsFirst: true }));
    const same = (cs: typeof pcmp, a: number, b: number): boolean => cs.every((c) => c(a, b) === 0);
    const parts: Partition[] = [];
    let ps = 0;
    for (let k = 1; k <= n; k++) {
      if (k < n && same(pcmp, perm[k - 1]!, perm[k]!)) continue;
      const len = k - ps;
      const peerStart = new Int32Array(len), peerEnd = new Int32Array(len), peerIndex = new Int32Array(len);
      let gs = ps, g = 0;
      for (let j = ps; j < k; j++) {
        if (j > ps && !same(ocmp, perm[j - 1]!, perm[j]!)) {
          for (let q = gs; q < j; q++) peerEnd[q - ps] = j;
          gs = j;
          g++;
        }
        peerStart[j - ps] = gs;
        peerIndex[j - ps] = g;
      }
      for (let q = gs; q < k; q++) peerEnd[q - ps] = k;
      parts.push({ start: ps, end: k, peerStart, peerEnd, peerIndex });
      ps = k;
    }
    return { perm, parts, orderCols: ocols };
  }

  private evaluateCall(call: WindowCall, inSchema: Schema, cols: readonly Data[], n: number, s: { perm: Uint32Array; parts: Partition[]; orderCols: Col[] }): Data {
    const { perm } = s;
    const argCols = call.args.map((a) => compileScalar(a, inSchema).evaluate(cols, n));
    const args = argCols.map((c) => {
      const v = new Array<unknown>(n);
      for (let k = 0; k < n; k++) v[k] = valueAt(c, perm[k]!);
      return v;
    });
    const filt = call.filter ? compileScalar(call.filter, inSchema).evaluate(cols, n) : null;
    const keep = filt ? (k: number): boolean => valueAt(filt, perm[k]!) === true : (): boolean => true;
    const input: CallInput = { fn: call.fn, distinct: call.distinct, args, keep };
    const rangeKey = call.frame?.mode === 'range' && s.orderCols.length === 1 ? rangeValues(s.orderCols[0]!, perm, n, call.orderBy[0]!.descending) : null;
    const type = physicalType(call.type);
    const w = rowWriter(type, n);
    // Results by input row, then written in row order (string writers append sequentially).
    const res = new Array<unknown>(n).fill(null);
    for (const p of s.parts) {
      const vals = isRankingOrNavigation(call.fn) ? rankingValues(input, p) : (() => {
        const f = frames(p, call.frame, call.orderBy.length > 0, rangeKey);
        return frameValues(input, p, f.start, f.end);
      })();
      for (let k = p.start; k < p.end; k++) res[perm[k]!] = coerceOut(vals[k - p.start], type);
    }
    for (let i = 0; i < n; i++) w.set(i, res[i]);
    return toData(w.finish());
  }
}

/** Window results in the physical representation of the call's type. */
function coerceOut(v: unknown, type: DataType): unknown {
  if (v === null || v === undefined) return null;
  if (type.typeId === Type.Int && (type as unknown as { bitWidth: number }).bitWidth === 64) return BigInt(v as number);
  if (type.typeId === Type.Float) return Number(v);
  return v;
}

/** The single ORDER BY key per sorted position as doubles (NaN for NULL), with units per day for interval offsets. */
function rangeValues(c: Col, perm: Uint32Array, n: number, descending: boolean): { values: Float64Array; descending: boolean; unitsPerDay: number } {
  const values = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    const r = perm[k]!;
    const v = c.isConst ? c.value : c.validity && !getBit(c.validity, r) ? null : valueAt(c, r);
    values[k] = v === null ? NaN : Number(v);
  }
  const t = c.type;
  let unitsPerDay = 1;
  if (t.typeId === Type.Timestamp) unitsPerDay = [86400, 86_400_000, 86_400_000_000, 86_400_000_000_000][(t as unknown as { unit: number }).unit]!;
  return { values, descending, unitsPerDay };
}
