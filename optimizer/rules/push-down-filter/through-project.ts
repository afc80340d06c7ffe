/**
 * Filter through Project: the predicate is rewritten over the project's input by replacing
 * each column with the expression that computes it.
 *
 *     Filter predicate=(y > 10)                      Project exprs=[(a + 1) AS y, b]
 *       Project exprs=[(a + 1) AS y, b]       →        Filter predicate=((a + 1) > 10)
 *         TableScan table=t columns=[a, b]               TableScan table=t columns=[a, b]
 *
 * Not legal: a conjunct that reads a column computed by a volatile expression (random()): the
 * filter would see another draw than the one the project outputs. Such conjuncts, and
 * volatile conjuncts themselves, stay above.
 */
import type { Plan, Scalar } from '../../../logical/plan.js';
import * as b from '../../../logical/plan-build.js';
import { columnsOf, isVolatile, replaceColumns } from '../../expr/scalars.js';
import type { PlanOf } from '../../plan-util.js';
import { filtered, type Pushed } from './types.js';

export function throughProject(p: PlanOf<'project'>, parts: readonly Scalar[]): Pushed | null {
  const map = new Map(p.exprs.map((e) => [e.name, e.expr] as const));
  const volatile = new Set(p.exprs.filter((e) => isVolatile(e.expr)).map((e) => e.name));
  const push: Scalar[] = [], keep: Scalar[] = [];
  for (const c of parts) {
    const ok = !isVolatile(c) && ![...columnsOf(c)].some((n) => volatile.has(n));
    (ok ? push : keep).push(c);
  }
  if (push.length === 0) return null;
  const plan: Plan = b.project(filtered(p.input, push.map((c) => replaceColumns(c, map))), p.exprs);
  return { plan, keep };
}
