/**
 * Filter through UNION / INTERSECT / EXCEPT [ALL]: each input is filtered, the right one with
 * the columns renamed by position (and converted to the output type, as the set operation
 * converts them).
 *
 *     Filter predicate=(a > 1)                    SetOp op=union all
 *       SetOp op=union all                  →       Filter predicate=(a > 1)
 *         TableScan table=t columns=[a]               TableScan table=t columns=[a]
 *         TableScan table=u columns=[x]             Filter predicate=(CAST(x AS BIGINT) > 1)
 *                                                     TableScan table=u columns=[x]
 *
 * Legal for all six operations because a deterministic predicate gives the same answer on
 * rows the set operation treats as equal: σ(A ∪ B) = σA ∪ σB, σ(A ∩ B) = σA ∩ σB,
 * σ(A − B) = σA − σB, with bag counts preserved for ALL. (Assumes equal values are
 * indistinguishable by the predicate; -0.0 and 0.0 are equal yet `1 / x` tells them apart —
 * an accepted corner, as in DuckDB.) Volatile conjuncts stay above.
 */
import type { Scalar } from '../../../logical/plan.js';
import * as b from '../../../logical/plan-build.js';
import { isVolatile, replaceColumns } from '../../expr/scalars.js';
import type { PlanOf } from '../../plan-util.js';
import { filtered, type Pushed } from './types.js';

export function throughSetOp(p: PlanOf<'set_op'>, parts: readonly Scalar[]): Pushed | null {
  const push = parts.filter((c) => !isVolatile(c));
  if (push.length === 0) return null;
  const keep = parts.filter((c) => isVolatile(c));
  const rename = new Map(p.schema.fields.map((f, i) => [f.name, b.coerce(b.col(p.right, p.right.schema.fields[i]!.name), f.type)] as const));
  const left = filtered(p.left, push);
  const right = filtered(p.right, push.map((c) => replaceColumns(c, rename)));
  return { plan: b.setOp(p.op, p.all, left, right), keep };
}
