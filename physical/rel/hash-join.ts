/**
 * HashJoin: the right input is the build side. It is read whole, its key columns hashed into
 * a {@link KeyTable} (distinct keys → group ids) whose rows are laid out per group (CSR), then
 * the left input streams through: each batch's keys are hashed and looked up in one pass,
 * candidate pairs are collected in Uint32 arrays and handed to {@link JoinCore} in chunks of
 * about `ctx.batchRows` (residual, join-type semantics). Equi keys use SQL equality: NULL keys
 * never match. Output rows follow the left input's order (right-only rows of right / full
 * joins come last).
 */
import { type Data, type RecordBatch, Schema } from 'apache-arrow';

import { formatScalar } from '../../logical/display.js';
import type { JoinType, Scalar } from '../../logical/plan.js';
import { type Col, isNullAt, nullColumn } from '../expr/col.js';
import { compilePredicate, compileScalar } from '../expr/compile.js';
import type { ExecContext, Ordering, PhysicalOperator } from '../operator.js';
import { BaseOperator, closeAll, list } from '../run.js';
import { UNORDERED } from './common.js';
import { concatBatches } from './gather.js';
import { JoinCore, Pairs } from './join-core.js';
import { groupTable } from './key-table.js';

export interface HashJoinSpec {
  readonly type: Exclude<JoinType, 'cross' | 'asof'>;
  readonly on: readonly { readonly left: Scalar; readonly right: Scalar }[];
  readonly residual: Scalar | null;
  /**
   * A filter on the probe (left) rows, fused from a Filter below (inner, semi and right joins
   * only: they never emit a probe row without a match). Rows failing it match nothing, so the
   * probe batch is never copied for the filter.
   */
  readonly probeFilter?: Scalar | null;
  /**
   * Inner joins: the output columns, as positions in left ++ right columns (the others are
   * not gathered); absent: all of them.
   */
  readonly keep?: readonly number[];
}

export class HashJoinOp extends BaseOperator {
  readonly name = 'HashJoin';

  constructor(
    left: PhysicalOperator,
    right: PhysicalOperator,
    readonly spec: HashJoinSpec,
    schema: Schema,
  ) {
    super(schema, [left, right], UNORDERED);
  }

  requiredInputOrdering(): readonly (Ordering | null)[] {
    return [null, null];
  }

  maintainsInputOrder(): readonly boolean[] {
    return [this.spec.type !== 'right' && this.spec.type !== 'full', false];
  }

  displayParams(): readonly (readonly [string, string])[] {
    return [
      ['type', this.spec.type],
      ['on', list(this.spec.on.map((k) => `${formatScalar(k.left)} = ${formatScalar(k.right)}`))],
      ...(this.spec.residual ? [['residual', formatScalar(this.spec.residual)] as const] : []),
      ...(this.spec.probeFilter ? [['probe where', formatScalar(this.spec.probeFilter)] as const] : []),
    ];
  }

  withChildren(children: readonly PhysicalOperator[]): PhysicalOperator {
    return new HashJoinOp(children[0]!, children[1]!, this.spec, this.schema);
  }

  protected async *run(ctx: ExecContext): AsyncGenerator<RecordBatch, void, undefined> {
    const [leftOp, rightOp] = this.children as [PhysicalOperator, PhysicalOperator];
    const left = this.input(0, ctx), right = this.input(1, ctx);
    const t = this.spec.type;
    try {
      // Build.
      const parts: RecordBatch[] = [];
      let rows = 0;
      for (let b = await right.next(); b; b = await right.next()) {
        if (b.numRows === 0) continue;
        parts.push(b);
        rows += b.numRows;
        this.hold(rows);
      }
      await right.close();
      if (rows === 0 && (t === 'inner' || t === 'semi' || t === 'right')) return;
      const build = parts.length ? concatBatches(rightOp.schema, parts) : null;
      const rightKeyExprs = this.spec.on.map((k) => compileScalar(k.right, rightOp.schema));
      const rightKeys: Col[] = build ? rightKeyExprs.map((k) => k.evaluate(build.data.children, rows)) : [];
      const table = groupTable(rightKeyExprs.map((k) => k.type), false);
      const gid = new Int32Array(rows);
      if (rows) table.build(rightKeys, rows, gid);
      const { starts, groupRows, nullRows, identity } = layout(gid, rows, table.size);
      const bothSchema = new Schema([...leftOp.schema.fields, ...rightOp.schema.fields]);
      const residual = this.spec.residual ? compilePredicate(this.spec.residual, bothSchema) : null;
      const core = new JoinCore({ type: t, schema: this.schema, residual, ...(this.spec.keep ? { keep: this.spec.keep } : {}) }, leftOp.schema.fields.length);
      core.setRight(build ? build.data.children : emptyCols(rightOp.schema), rows);
      const leftKeyExprs = this.spec.on.map((k) => compileScalar(k.left, leftOp.schema));
      const pre = this.spec.probeFilter ? compilePredicate(this.spec.probeFilter, leftOp.schema) : null;
      const pairs = new Pairs();
      let foundBuf = new Int32Array(0);
      const chunk = Math.max(1024, ctx.batchRows);
      // Probe.
      for (let b = await left.next(); b; b = await left.next()) {
        const n = b.numRows;
        if (n === 0) continue;
        const sel = pre ? pre.select(b.data.children, n) : null;
        if (sel && sel.length === 0) continue;
        this.hold(rows + n);
        core.startLeft(b);
        const keys = leftKeyExprs.map((k) => k.evaluate(b.data.children, n));
        // The probe's group ids are dropped after the batch (pairs are copied out): one array, reused.
        if (foundBuf.length < n) foundBuf = new Int32Array(n);
        const found = foundBuf.subarray(0, n);
        if (sel) {
          found.fill(-1);
          table.lookup(keys, n, found, sel);
        } else table.lookup(keys, n, found);
        for (let from = 0; from < n; ) {
          const [to, li, ri] = identity ? probeUnique(found, from, n, chunk) : probe(found, starts, groupRows, from, n, chunk);
          from = to;
          const out = core.consume(li, ri);
          if (out) yield out;
        }
        if (t === 'mark' && rows > 0) this.markUnknowns(core, keys, rightKeys, n, rows, nullRows, pairs);
        const rest = core.finishLeft();
        if (rest) yield rest;
      }
      const tail = core.finishRight();
      if (tail) yield tail;
    } finally {
      await closeAll([left, right]);
    }
  }

  /** Mark joins: pairs whose key comparison is NULL (left NULL keys × all right rows; other left rows × right NULL-key rows). */
  private markUnknowns(core: JoinCore, keys: readonly Col[], rightKeys: readonly Col[], n: number, rows: number, nullRows: readonly number[], pairs: Pairs): void {
    for (let i = 0; i < n; i++) {
      const leftNull = keys.some((k) => isNullAt(k, i));
      if (leftNull) for (let r = 0; r < rows; r++) pairs.push(i, r);
      else for (const r of nullRows) pairs.push(i, r);
      if (pairs.length >= 65536) core.considerUnknown(...pairs.take(), keys, rightKeys);
    }
    core.considerUnknown(...pairs.take(), keys, rightKeys);
  }
}

/**
 * Candidate pairs of probe rows [from, …): stops after the row at which `chunk` pairs are
 * reached. Returns the next row and the pairs (left row, right row).
 */
function probe(found: Int32Array, starts: Int32Array, groupRows: Uint32Array, from: number, n: number, chunk: number): [number, Uint32Array, Uint32Array] {
  let total = 0, to = from;
  for (; to < n && total < chunk; to++) {
    const g = found[to]!;
    if (g >= 0) total += starts[g + 1]! - starts[g]!;
  }
  const li = new Uint32Array(total), ri = new Uint32Array(total);
  let k = 0;
  for (let i = from; i < to; i++) {
    const g = found[i]!;
    if (g < 0) continue;
    for (let r = starts[g]!, e = starts[g + 1]!; r < e; r++) {
      li[k] = i;
      ri[k++] = groupRows[r]!;
    }
  }
  return [to, li, ri];
}

/**
 * The build rows per group (CSR: rows of group g are groupRows[starts[g] .. starts[g + 1])),
 * the rows with a NULL key, and whether group g is simply row g (unique keys in row order).
 */
function layout(gid: Int32Array, rows: number, groups: number): { starts: Int32Array; groupRows: Uint32Array; nullRows: number[]; identity: boolean } {
  const starts = new Int32Array(groups + 1);
  let identity = groups === rows;
  for (let r = 0; r < rows; r++) {
    const g = gid[r]!;
    if (g >= 0) starts[g + 1]!++;
    if (g !== r) identity = false;
  }
  const nullRows: number[] = [];
  if (identity) return { starts, groupRows: new Uint32Array(0), nullRows, identity };
  for (let g = 0; g < groups; g++) starts[g + 1]! += starts[g]!;
  const fill = starts.slice(0, groups);
  const groupRows = new Uint32Array(rows);
  for (let r = 0; r < rows; r++) {
    const g = gid[r]!;
    if (g >= 0) groupRows[fill[g]!++] = r;
    else nullRows.push(r);
  }
  return { starts, groupRows, nullRows, identity };
}

/**
 * probe() when every group is one right row with the group's number. One branch-free pass
 * (a match is written at k and k advances by 1 or 0): most probe rows of a selective join miss,
 * and a branch on that mispredicts.
 */
function probeUnique(found: Int32Array, from: number, n: number, chunk: number): [number, Uint32Array, Uint32Array] {
  const li = new Uint32Array(chunk + 1), ri = new Uint32Array(chunk + 1);
  let k = 0, i = from;
  for (; i < n && k < chunk; i++) {
    const g = found[i]!;
    li[k] = i;
    ri[k] = g;
    k += (g >>> 31) ^ 1;
  }
  return [i, li.subarray(0, k), ri.subarray(0, k)];
}

/** Zero-row columns of a schema. */
export function emptyCols(s: Schema): Data[] {
  return s.fields.map((f) => nullColumn(f.type, 0));
}
