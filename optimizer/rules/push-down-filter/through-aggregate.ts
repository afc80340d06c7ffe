/**
 * Filter through Aggregate: conjuncts that read only grouping columns filter the input, with
 * each group column replaced by its grouping expression (whole groups are kept or dropped).
 *
 *     Filter predicate=((k > 1) AND (n > 5))            Filter predicate=(n > 5)
 *       Aggregate groups=[(a % 10) AS k]          →       Aggregate groups=[(a % 10) AS k] aggs=[count(*) AS n]
 *                 aggs=[count(*) AS n]                      Filter predicate=((a % 10) > 1)
 *         TableScan table=t columns=[a]                       TableScan table=t columns=[a]
 *
 * Not legal: conjuncts on aggregate results (HAVING stays above); any conjunct over an
 * aggregate without groups (it outputs one row even for an empty input, so a filter below
 * would turn "no row" into "one row of empty aggregates"); volatile conjuncts.
 */
import type { Scalar } from '../../../logical/plan.js';
import * as b from '../../../logical/plan-build.js';
import { columnsOf, isVolatile, replaceColumns } from '../../expr/scalars.js';
import type { PlanOf } from '../../plan-util.js';
import { filtered, type Pushed } from './types.js';

export function throughAggregate(p: PlanOf<'aggregate'>, parts: readonly Scalar[]): Pushed | null {
  if (p.groups.length === 0) return null;
  const groups = new Map(p.groups.map((g) => [g.name, g.expr] as const));
  const push: Scalar[] = [], keep: Scalar[] = [];
  for (const c of parts) {
    const ok = !isVolatile(c) && [...columnsOf(c)].every((n) => groups.has(n));
    (ok ? push : keep).push(c);
  }
  if (push.length === 0) return null;
  return { plan: b.aggregate(filtered(p.input, push.map((c) => replaceColumns(c, groups))), p.groups, p.aggs), keep };
}
