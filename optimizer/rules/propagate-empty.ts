/**
 * propagate-empty: an input known to have no rows (an empty Values, as simplify-expressions
 * and eliminate-limit produce for `Filter(false)` and `LIMIT 0`) empties the nodes above it.
 *
 *     Join type=inner on=[a = k]            →     Values columns=[a, k, x] rows=0
 *       Values columns=[a] rows=0
 *       TableScan table=r columns=[k, x]
 *
 *     Join type=left on=[a = k]             →     Project exprs=[a, NULL AS k, NULL AS x]
 *       TableScan table=l columns=[a]               TableScan table=l columns=[a]
 *       Values columns=[k, x] rows=0
 *
 * Rows of one-input nodes (filter, project, sort, limit, distinct, window, unnest, grouped
 * aggregate) all come from their input. Joins: an empty side empties inner/cross/semi/asof
 * joins and the joins that preserve only that side; the preserved side of an outer join
 * survives NULL-extended; an anti join with an empty right side is its left input; a mark
 * join's mark is then false. Set operations: UNION [ALL] keeps the other side (DISTINCT
 * applied), INTERSECT is empty, EXCEPT keeps or empties the left.
 *
 * Not legal: emptying an aggregate without groups (over an empty input it still outputs one
 * row, count(*) = 0); emptying a left/full/single/mark join or a left-outer asof join whose
 * right side is empty (the left rows survive, NULL-extended or marked false).
 */
import type { Schema } from 'apache-arrow';

import type { NamedScalar, Plan } from '../../logical/plan.js';
import * as b from '../../logical/plan-build.js';
import { changed, unchanged } from '../../logical/tree.js';
import { boolLit, nullOf } from '../expr/scalars.js';
import { emptyValues, isEmptyValues, type PlanOf, transformPlanUp } from '../plan-util.js';
import type { OptimizerRule } from '../rule.js';

const columns = (p: Plan): NamedScalar[] => p.schema.fields.map((f) => b.named(f.name, b.col(p, f.name)));
const nulls = (s: Schema): NamedScalar[] => s.fields.map((f) => b.named(f.name, nullOf(f.type)));

function emptyJoin(j: PlanOf<'join'>): Plan | null {
  const l = isEmptyValues(j.left), r = isEmptyValues(j.right);
  if (!l && !r) return null;
  if (l) {
    if (r || (j.type !== 'right' && j.type !== 'full')) return emptyValues(j.schema);
    return b.project(j.right, [...nulls(j.left.schema), ...columns(j.right)]);
  }
  switch (j.type) {
    case 'anti': return j.left;
    case 'mark': return b.project(j.left, [...columns(j.left), b.named(j.mark ?? 'mark', boolLit(false))]);
    case 'left': case 'full': case 'single':
      return b.project(j.left, [...columns(j.left), ...nulls(j.right.schema)]);
    case 'asof':
      return j.asofLeft ? b.project(j.left, [...columns(j.left), ...nulls(j.right.schema)]) : emptyValues(j.schema);
    default: return emptyValues(j.schema);
  }
}

function emptySetOp(p: PlanOf<'set_op'>): Plan | null {
  const l = isEmptyValues(p.left), r = isEmptyValues(p.right);
  if (!l && !r) return null;
  if ((l && r) || p.op === 'intersect' || (p.op === 'except' && l)) return emptyValues(p.schema);
  const dedup = (x: Plan): Plan => (p.all ? x : b.distinct(x));
  if (r) return dedup(p.left);
  // union with an empty left: the right side under the left's names and types
  const exprs = p.schema.fields.map((f, i) => b.named(f.name, b.coerce(b.col(p.right, p.right.schema.fields[i]!.name), f.type)));
  return dedup(b.project(p.right, exprs));
}

function propagate(n: Plan): Plan | null {
  switch (n.kind) {
    case 'filter': case 'project': case 'sort': case 'limit': case 'distinct': case 'window': case 'unnest':
      return isEmptyValues(n.input) ? emptyValues(n.schema) : null;
    case 'aggregate':
      return n.groups.length > 0 && isEmptyValues(n.input) ? emptyValues(n.schema) : null;
    case 'join': return emptyJoin(n);
    case 'set_op': return emptySetOp(n);
    default: return null;
  }
}

export const propagateEmpty: OptimizerRule = {
  name: 'propagate-empty',
  description: 'relations over an empty input become empty (outer joins keep their preserved side)',
  rewrite(plan) {
    const r = transformPlanUp(plan, (n) => {
      const out = propagate(n);
      return out ? changed(out) : unchanged(n);
    });
    return { plan: r.node, changed: r.changed };
  },
};
