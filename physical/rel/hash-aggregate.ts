/**
 * HashAggregate: GROUP BY through a {@link KeyTable} (group keys → dense group ids, one pass
 * per batch) and vectorised accumulators indexed by group id. Without GROUP BY there is one
 * group and one output row even for empty input. Per aggregate: FILTER (WHERE …) masks rows,
 * DISTINCT keeps the first row of each (group, arguments) through a second KeyTable, and
 * ORDER BY inside the call buffers the call's rows and feeds them sorted at the end.
 *
 * `prefilter` (a WHERE fused by the planner) excludes rows before grouping without copying
 * the batch. Memory: the groups and their states (peakRowsHeld = groups).
 */
import { type Data, type DataType, Int32, type RecordBatch, type Schema } from 'apache-arrow';

import { formatAggregate, formatScalar } from '../../logical/display.js';
import type { AggregateCall, NamedScalar, Scalar } from '../../logical/plan.js';
import { type Col, flatCol, fromData, toData } from '../expr/col.js';
import { compilePredicate, compileScalar, compileScalars, type CompiledScalar } from '../expr/compile.js';
import { physicalType } from '../expr/kernel.js';
import type { ExecContext, Ordering, PhysicalOperator } from '../operator.js';
import { BaseOperator, closeAll, list } from '../run.js';
import { type Accumulator, FloatSum, makeAccumulator, rowCountsOf } from './accumulators.js';
import { chunks, UNORDERED } from './common.js';
import { batchFrom, concatAll, gather } from './gather.js';
import { groupTable, type GroupTable } from './key-table.js';
import { sortIndices } from './sort-keys.js';

const I32 = new Int32();

interface AggState {
  readonly call: AggregateCall;
  readonly args: readonly CompiledScalar[];
  readonly filter: ReturnType<typeof compilePredicate> | null;
  readonly acc: Accumulator;
  readonly distinct: { table: GroupTable; seen: Uint8Array } | null;
  readonly order: { keys: readonly CompiledScalar[]; gids: Int32Array[]; args: Data[][]; keyData: Data[][] } | null;
  /** The state is read from another one's (a sum / avg of the same argument): no updates. */
  readonly reader: boolean;
}

/** sum / avg calls over the same argument share one state (the later ones read it). */
function shareSums(states: AggState[]): AggState[] {
  const byArg = new Map<string, FloatSum>();
  return states.map((st) => {
    const c = st.call;
    if ((c.fn !== 'sum' && c.fn !== 'avg') || c.distinct || c.filter || c.orderBy.length || !(st.acc instanceof FloatSum)) return st;
    const key = JSON.stringify(c.args, (_k, v: unknown) => (typeof v === 'bigint' ? `${v}n` : typeof v === 'object' && v !== null && 'typeId' in v ? String(v) : v));
    const base = byArg.get(key);
    if (!base) {
      byArg.set(key, st.acc);
      return st;
    }
    return { ...st, acc: base.reader(c.fn === 'avg', physicalType(c.type)), reader: true };
  });
}

/**
 * Group ids of a batch's rows (-1 for rows outside `sel`). A plain function: hot loops run
 * optimised here, not inside the operator's async generator.
 */
function groupIds(table: GroupTable | null, groupExprs: readonly CompiledScalar[], cols: readonly Data[], n: number, sel: Uint32Array | null, scratch: Int32Array | null): Int32Array {
  const gids = scratch && scratch.length >= n ? scratch.subarray(0, n) : new Int32Array(n);
  if (sel) gids.fill(-1);
  else if (scratch && !table) gids.fill(0);
  if (table) {
    const keys = groupExprs.map((g) => g.evaluate(cols, n));
    table.insert(keys, n, gids, sel ?? undefined);
  } else if (sel) for (let k = 0; k < sel.length; k++) gids[sel[k]!] = 0;
  return gids;
}

export class HashAggregateOp extends BaseOperator {
  readonly name = 'HashAggregate';

  constructor(
    child: PhysicalOperator,
    readonly groups: readonly NamedScalar[],
    readonly aggs: readonly AggregateCall[],
    schema: Schema,
    readonly prefilter: Scalar | null = null,
  ) {
    super(schema, [child], UNORDERED);
  }

  requiredInputOrdering(): readonly (Ordering | null)[] {
    return [null];
  }

  maintainsInputOrder(): readonly boolean[] {
    return [false];
  }

  displayParams(): readonly (readonly [string, string])[] {
    return [
      ['groups', list(this.groups.map((g) => (g.expr.kind === 'column' && g.expr.name === g.name ? g.name : `${formatScalar(g.expr)} AS ${g.name}`)))],
      ['aggs', list(this.aggs.map(formatAggregate))],
      ...(this.prefilter ? [['where', formatScalar(this.prefilter)] as const] : []),
    ];
  }

  withChildren(children: readonly PhysicalOperator[]): PhysicalOperator {
    return new HashAggregateOp(children[0]!, this.groups, this.aggs, this.schema, this.prefilter);
  }

  protected async *run(ctx: ExecContext): AsyncGenerator<RecordBatch, void, undefined> {
    const inSchema = this.children[0]!.schema;
    // Group keys and every argument compiled together: shared subexpressions run once per batch.
    const all = compileScalars([...this.groups.map((g) => g.expr), ...this.aggs.flatMap((a) => a.args)], inSchema);
    const groupExprs = all.slice(0, this.groups.length);
    let at = this.groups.length;
    const table = groupExprs.length ? groupTable(groupExprs.map((g) => g.type), true) : null;
    const pre = this.prefilter ? compilePredicate(this.prefilter, inSchema) : null;
    const states: AggState[] = shareSums(this.aggs.map((call) => {
      const args = all.slice(at, (at += call.args.length));
      return {
        call,
        args,
        filter: call.filter ? compilePredicate(call.filter, inSchema) : null,
        acc: makeAccumulator(call.fn, args.map((a) => a.type), physicalType(call.type)),
        distinct: call.distinct ? { table: groupTable([I32, ...args.map((a) => a.type)], true), seen: new Uint8Array(1024) } : null,
        order: call.orderBy.length ? { keys: call.orderBy.map((k) => compileScalar(k.expr, inSchema)), gids: [], args: [], keyData: [] } : null,
        reader: false,
      };
    }));
    const needed = new Set<number>([...all.flatMap((e) => e.inputs), ...states.flatMap((st) => [...(st.filter?.inputs ?? []), ...(st.order?.keys.flatMap((k) => k.inputs) ?? [])])]);
    const reuse = states.every((st) => !st.order);
    let scratch: Int32Array | null = null;
    const input = this.input(0, ctx);
    try {
      for (let b = await input.next(); b; b = await input.next()) {
        let n = b.numRows;
        if (n === 0) continue;
        let cols = b.data.children;
        let sel = pre ? pre.select(cols, n) : null;
        if (sel && sel.length === 0) continue;
        if (sel && sel.length < n * 0.3) {
          // Few rows pass: compute on the gathered rows of the columns used, not on all rows.
          const rows = sel;
          cols = cols.map((c, i) => (needed.has(i) ? gather(c, rows) : c));
          n = rows.length;
          sel = null;
        }
        // Group ids are dropped after the batch unless an ORDER BY state keeps them: reuse one array.
        if (reuse && (!scratch || scratch.length < n)) scratch = new Int32Array(n);
        const gids = groupIds(table, groupExprs, cols, n, sel, reuse ? scratch : null);
        const count = table ? table.size : 1;
        this.hold(count + n);
        // Few groups: count each group's rows once for every count-like state.
        const shared = count * 4 < n && states.some((st) => st.acc.usesRowCounts) ? rowCountsOf(gids, n, count) : null;
        for (const s of states) if (!s.reader) this.update(s, cols, n, gids, count, shared);
      }
      const count = table ? table.size : 1;
      if (count === 0) return;
      const out: Data[] = [];
      for (let k = 0; k < groupExprs.length; k++) out.push(table!.keyData(k));
      for (const s of states) {
        s.acc.ensure(count);
        if (s.order) this.feedOrdered(s);
        out.push(toData(s.acc.finish(count)));
      }
      yield* chunks(batchFrom(this.schema, out, count), Math.max(ctx.batchRows, 1));
    } finally {
      await closeAll([input]);
    }
  }

  private update(s: AggState, cols: readonly Data[], n: number, gids: Int32Array, count: number, shared: Float64Array | null): void {
    s.acc.ensure(count);
    const args = s.args.map((a) => a.evaluate(cols, n));
    let g = gids;
    if (s.filter) {
      const keep = s.filter.select(cols, n);
      if (keep) {
        g = new Int32Array(n).fill(-1);
        for (let k = 0; k < keep.length; k++) g[keep[k]!] = gids[keep[k]!]!;
      }
    }
    if (s.distinct) g = this.firstOfDistinct(s.distinct, g, args, n);
    if (s.order) {
      s.order.gids.push(g);
      s.order.args.push(args.map(toData));
      s.order.keyData.push(s.order.keys.map((k) => toData(k.evaluate(cols, n))));
      return;
    }
    s.acc.update(g, args, n, g === gids ? shared : null);
  }

  /** Group ids with -1 for rows whose (group, arguments) already occurred. */
  private firstOfDistinct(d: { table: GroupTable; seen: Uint8Array }, g: Int32Array, args: readonly Col[], n: number): Int32Array {
    const gcol = flatCol(I32, n, g, null);
    const keys = [gcol, ...args];
    const ids = new Int32Array(n).fill(-1);
    const rows: number[] = [];
    for (let i = 0; i < n; i++) if (g[i]! >= 0) rows.push(i);
    d.table.insert(keys, n, ids, Uint32Array.from(rows));
    if (d.seen.length < d.table.size) {
      const s = new Uint8Array(Math.max(d.table.size, d.seen.length * 2));
      s.set(d.seen);
      d.seen = s;
    }
    const out = new Int32Array(n).fill(-1);
    for (const i of rows) {
      const id = ids[i]!;
      if (!d.seen[id]) {
        d.seen[id] = 1;
        out[i] = g[i]!;
      }
    }
    return out;
  }

  /** ORDER BY inside an aggregate: all of its rows, sorted by (group, keys), fed at once. */
  private feedOrdered(s: AggState): void {
    const o = s.order!;
    const total = o.gids.reduce((t, x) => t + x.length, 0);
    if (total === 0) return;
    const gids = new Int32Array(total);
    let at = 0;
    for (const x of o.gids) {
      gids.set(x, at);
      at += x.length;
    }
    const keyCols = o.keys.map((k, j) => fromData(concatAll(k.type, o.keyData.map((kd) => kd[j]!))));
    const sortCols = [{ col: flatCol(I32, total, gids, null), descending: false, nullsFirst: false }, ...s.call.orderBy.map((k, j) => ({ col: keyCols[j]!, descending: k.descending, nullsFirst: k.nullsFirst }))];
    const perm = sortIndices(sortCols, total);
    const args = s.args.map((a, j) => fromData(gather(concatAll(a.type as DataType, o.args.map((x) => x[j]!)), perm)));
    const g = new Int32Array(total);
    for (let i = 0; i < total; i++) g[i] = gids[perm[i]!]!;
    s.acc.update(g, args, total);
  }
}

