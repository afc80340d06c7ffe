/**
 * Filter through Window: a conjunct that reads only columns every window call partitions by
 * keeps or drops whole partitions, so it may filter the window's input.
 *
 *     Filter predicate=((g = 'x') AND (r = 1))           Filter predicate=(r = 1)
 *       Window calls=[rank() OVER (PARTITION BY g      →   Window calls=[rank() OVER (PARTITION BY g ORDER BY v) AS r]
 *                     ORDER BY v) AS r]                      Filter predicate=(g = 'x')
 *         TableScan table=t columns=[g, v]                     TableScan table=t columns=[g, v]
 *
 * Not legal: a conjunct on a column some call does not partition by (it would remove rows of
 * a partition and change ranks, running sums, …); on a window result; volatile conjuncts.
 * Only partition keys that are plain columns count.
 */
import type { Scalar } from '../../../logical/plan.js';
import * as b from '../../../logical/plan-build.js';
import { columnsOf, isVolatile } from '../../expr/scalars.js';
import type { PlanOf } from '../../plan-util.js';
import { filtered, type Pushed } from './types.js';

/** Columns every call of the window partitions by. */
function sharedPartitionColumns(p: PlanOf<'window'>): Set<string> {
  let shared = new Set<string>(p.input.schema.fields.map((f) => f.name));
  for (const c of p.calls) {
    const cols = new Set<string>(c.partitionBy.flatMap((e) => (e.kind === 'column' ? [e.name] : [])));
    shared = new Set<string>([...shared].filter((n) => cols.has(n)));
  }
  return shared;
}

export function throughWindow(p: PlanOf<'window'>, parts: readonly Scalar[]): Pushed | null {
  const ok = sharedPartitionColumns(p);
  const push: Scalar[] = [], keep: Scalar[] = [];
  for (const c of parts) (!isVolatile(c) && [...columnsOf(c)].every((n) => ok.has(n)) ? push : keep).push(c);
  if (push.length === 0) return null;
  return { plan: b.window(filtered(p.input, push), p.calls), keep };
}
