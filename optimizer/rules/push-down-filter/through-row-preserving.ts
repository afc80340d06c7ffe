/**
 * Filter through nodes that neither combine nor compute the columns a filter reads: Sort,
 * Distinct, Unnest.
 *
 *     Filter predicate=(a > 1)              Sort keys=[a]
 *       Sort keys=[a]                 →       Filter predicate=(a > 1)
 *         TableScan table=t                     TableScan table=t
 *
 * Not legal: through a Sort with `fetch` (a top-N: filtering first changes which N rows are
 * kept), through a Limit (same reason; never pushed); through Unnest when the conjunct reads
 * the element or ordinality column. Through Distinct it is legal for deterministic conjuncts
 * (rows equal for DISTINCT get equal answers); volatile conjuncts stay above everywhere.
 */
import type { Scalar } from '../../../logical/plan.js';
import * as b from '../../../logical/plan-build.js';
import { columnsOf, isVolatile } from '../../expr/scalars.js';
import { type PlanOf, sortWith } from '../../plan-util.js';
import { filtered, type Pushed } from './types.js';

export function throughSort(p: PlanOf<'sort'>, parts: readonly Scalar[]): Pushed | null {
  if (p.fetch !== undefined) return null;
  const push = parts.filter((c) => !isVolatile(c));
  if (push.length === 0) return null;
  return { plan: sortWith(filtered(p.input, push), p.keys, undefined), keep: parts.filter(isVolatile) };
}

export function throughDistinct(p: PlanOf<'distinct'>, parts: readonly Scalar[]): Pushed | null {
  const push = parts.filter((c) => !isVolatile(c));
  if (push.length === 0) return null;
  return { plan: b.distinct(filtered(p.input, push)), keep: parts.filter(isVolatile) };
}

export function throughUnnest(p: PlanOf<'unnest'>, parts: readonly Scalar[]): Pushed | null {
  const own = new Set([p.as, ...(p.ordinality ? [p.ordinality] : [])]);
  const push: Scalar[] = [], keep: Scalar[] = [];
  for (const c of parts) (!isVolatile(c) && ![...columnsOf(c)].some((n) => own.has(n)) ? push : keep).push(c);
  if (push.length === 0) return null;
  return { plan: b.unnest(filtered(p.input, push), p.list, p.as, { ordinality: p.ordinality, outer: p.outer }), keep };
}
