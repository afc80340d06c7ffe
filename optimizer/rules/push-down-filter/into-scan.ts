/**
 * Filter into TableScan.filters: the scan applies its filters exactly (and lowering turns
 * key-column comparisons into key ranges and other comparisons into zone-map pruning), so
 * every deterministic conjunct moves into it.
 *
 *     Filter predicate=((k >= 10) AND (v < 3))     →     TableScan table=t columns=[k, v] filters=[(k >= 10), (v < 3)]
 *       TableScan table=t columns=[k, v]
 *
 * Not pushed: volatile conjuncts (a scan may evaluate a filter on more than the final rows,
 * e.g. against zone maps). CollectionScan.where is never written here: a level expression
 * (logical/expr.ts) is not a Scalar, its `where` can change the scan's level, and its
 * semantics belong to the collection planner — a filter over a CollectionScan stays a Filter.
 */
import type { Scalar } from '../../../logical/plan.js';
import * as b from '../../../logical/plan-build.js';
import { dedupe, isVolatile } from '../../expr/scalars.js';
import type { PlanOf } from '../../plan-util.js';
import type { Pushed } from './types.js';

export function intoScan(p: PlanOf<'table_scan'>, parts: readonly Scalar[]): Pushed | null {
  const push = parts.filter((c) => !isVolatile(c));
  if (push.length === 0) return null;
  const columns = p.columns.map((c, i) => ({ column: c.column, name: c.name, type: p.schema.fields[i]!.type, nullable: p.schema.fields[i]!.nullable }));
  return { plan: b.tableScan(p.table, columns, dedupe([...p.filters, ...push])), keep: parts.filter(isVolatile) };
}
