/**
 * AsofJoin: each left row joins the nearest right row with equal `on` keys whose asof value
 * satisfies the inequality: for `left >= right` the greatest such right value (`>`: strictly
 * below), for `<=` / `<` the smallest above. The right input is read whole, grouped by key
 * (KeyTable) and sorted by its asof value within each group; left rows stream through and
 * binary-search their group. Rows without a match drop (inner) or keep NULL right columns
 * (ASOF LEFT JOIN). NULL keys or asof values never match. Output keeps the left order.
 */
import { type RecordBatch, Schema } from 'apache-arrow';

import { formatScalar } from '../../logical/display.js';
import type { Scalar } from '../../logical/plan.js';
import { type Col, isNullAt, valueAt } from '../expr/col.js';
import { compilePredicate, compileScalar } from '../expr/compile.js';
import { compareValues } from '../expr/compare.js';
import type { ExecContext, Ordering, PhysicalOperator } from '../operator.js';
import { BaseOperator, closeAll, list } from '../run.js';
import { UNORDERED } from './common.js';
import { concatBatches } from './gather.js';
import { keyKind } from './hash.js';
import { emptyCols } from './hash-join.js';
import { JoinCore, Pairs } from './join-core.js';
import { groupTable } from './key-table.js';
import { sortIndices } from './sort-keys.js';

export interface AsofSpec {
  readonly on: readonly { readonly left: Scalar; readonly right: Scalar }[];
  readonly asof: { readonly left: Scalar; readonly right: Scalar; readonly op: '>=' | '>' | '<=' | '<' };
  readonly residual: Scalar | null;
  readonly outer: boolean;
}

/** Numbers as doubles (NaN greatest), other values through compareValues. */
function comparer(a: Col, b: Col): (i: number, j: number) => number {
  if (keyKind(a) === 'num' && keyKind(b) === 'num' && !a.isConst && !b.isConst) {
    const x = a.values as unknown as ArrayLike<number>, y = b.values as unknown as ArrayLike<number>;
    return (i, j) => {
      const a = x[i]!, b = y[j]!;
      if (a < b) return -1;
      if (a > b) return 1;
      if (a === b) return 0;
      return a !== a ? (b !== b ? 0 : 1) : -1;
    };
  }
  return (i, j) => compareValues(valueAt(a, i), valueAt(b, j));
}

export class AsofJoinOp extends BaseOperator {
  readonly name = 'AsofJoin';

  constructor(
    left: PhysicalOperator,
    right: PhysicalOperator,
    readonly spec: AsofSpec,
    schema: Schema,
  ) {
    super(schema, [left, right], UNORDERED);
  }

  requiredInputOrdering(): readonly (Ordering | null)[] {
    return [null, null];
  }

  maintainsInputOrder(): readonly boolean[] {
    return [true, false];
  }

  displayParams(): readonly (readonly [string, string])[] {
    return [
      ['type', this.spec.outer ? 'asof left' : 'asof'],
      ['on', list(this.spec.on.map((k) => `${formatScalar(k.left)} = ${formatScalar(k.right)}`))],
      ['asof', `${formatScalar(this.spec.asof.left)} ${this.spec.asof.op} ${formatScalar(this.spec.asof.right)}`],
    ];
  }

  withChildren(children: readonly PhysicalOperator[]): PhysicalOperator {
    return new AsofJoinOp(children[0]!, children[1]!, this.spec, this.schema);
  }

  protected async *run(ctx: ExecContext): AsyncGenerator<RecordBatch, void, undefined> {
    const [leftOp, rightOp] = this.children as [PhysicalOperator, PhysicalOperator];
    const left = this.input(0, ctx), right = this.input(1, ctx);
    const op = this.spec.asof.op;
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
      const build = parts.length ? concatBatches(rightOp.schema, parts) : null;
      const rKeys = build ? this.spec.on.map((k) => compileScalar(k.right, rightOp.schema).evaluate(build.data.children, m)) : [];
      const rAsofExpr = compileScalar(this.spec.asof.right, rightOp.schema);
      const rAsof = build ? rAsofExpr.evaluate(build.data.children, m) : null;
      const table = groupTable(this.spec.on.map((k) => compileScalar(k.right, rightOp.schema).type), false);
      const gid = new Int32Array(m);
      if (m) {
        if (rKeys.length) table.insert(rKeys, m, gid);
        else gid.fill(0);
      }
      const groups = rKeys.length ? table.size : m ? 1 : 0;
      // Rows of each group in asof order (NULL asof values dropped).
      const order = rAsof ? sortIndices([{ col: rAsof, descending: false, nullsFirst: false }], m) : new Uint32Array(0);
      const starts = new Int32Array(groups + 1);
      const keep = (r: number): boolean => gid[r]! >= 0 && !isNullAt(rAsof!, r);
      for (const r of order) if (keep(r)) starts[gid[r]! + 1]!++;
      for (let g = 0; g < groups; g++) starts[g + 1]! += starts[g]!;
      const fill = starts.slice(0, groups);
      const rows = new Uint32Array(starts[groups] ?? 0);
      for (const r of order) if (keep(r)) rows[fill[gid[r]!]!++] = r;

      const both = new Schema([...leftOp.schema.fields, ...rightOp.schema.fields]);
      const residual = this.spec.residual ? compilePredicate(this.spec.residual, both) : null;
      const core = new JoinCore({ type: this.spec.outer ? 'left' : 'inner', schema: this.schema, residual }, leftOp.schema.fields.length);
      core.setRight(build ? build.data.children : emptyCols(rightOp.schema), m);
      const lKeyExprs = this.spec.on.map((k) => compileScalar(k.left, leftOp.schema));
      const lAsofExpr = compileScalar(this.spec.asof.left, leftOp.schema);
      const pairs = new Pairs();
      for (let b = await left.next(); b; b = await left.next()) {
        const n = b.numRows;
        if (n === 0) continue;
        this.hold(m + n);
        core.startLeft(b);
        if (groups > 0) {
          const keys = lKeyExprs.map((k) => k.evaluate(b.data.children, n));
          const lAsof = lAsofExpr.evaluate(b.data.children, n);
          const found = new Int32Array(n);
          if (keys.length) table.lookup(keys, n, found);
          const cmp = comparer(lAsof, rAsof!); // cmp(leftRow, rightRow)
          for (let i = 0; i < n; i++) {
            const g = found[i]!;
            if (g < 0 || isNullAt(lAsof, i)) continue;
            let lo = starts[g]!, hi = starts[g + 1]!;
            // First index in [lo, hi) whose right value is > left (upper) or >= left (lower).
            const strictUpper = op === '>=' || op === '<';
            while (lo < hi) {
              const mid = (lo + hi) >> 1;
              const c = cmp(i, rows[mid]!);
              if (strictUpper ? c >= 0 : c > 0) lo = mid + 1;
              else hi = mid;
            }
            const at = op === '>=' || op === '>' ? lo - 1 : lo;
            if (at >= starts[g]! && at < starts[g + 1]!) pairs.push(i, rows[at]!);
          }
        }
        const out = core.consume(...pairs.take());
        if (out) yield out;
        const rest = core.finishLeft();
        if (rest) yield rest;
      }
    } finally {
      await closeAll([left, right]);
    }
  }
}
