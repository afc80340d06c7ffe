/**
 * Filter fusion: operators that can skip rows themselves (HashAggregate, Project, the probe
 * side of HashJoin) take the predicate of a Filter below them instead of reading its copied
 * batches. The Filter may be a logical one directly below, a physical one produced by lowering
 * (a table scan's pushed filters are applied by a Filter on top of the scan), or both; the
 * inner predicate comes first, so AND evaluates the outer one only on rows the inner keeps.
 */
import type { Plan, Scalar } from '../../logical/plan.js';
import { and } from '../../logical/plan-build.js';
import { columnsOf } from '../../logical/tree.js';
import type { PhysicalOperator } from '../operator.js';
import { RelFilterOp } from '../rel/filter.js';
import type { Recurse } from './types.js';

/**
 * `need` plus the columns the scalars read (undefined stays undefined: every column is read).
 */
export function needing(need: ReadonlySet<string> | undefined, scalars: readonly (Scalar | null)[]): Set<string> | undefined {
  if (!need) return undefined;
  const out = new Set(need);
  for (const s of scalars) if (s) columnsOf(s, out);
  return out;
}

/**
 * The lowered input of `p` without its Filters, and their predicate (null: none). `need`: the
 * columns the caller reads besides the predicate's.
 */
export function lowerFiltered(p: Plan, recurse: Recurse, need?: ReadonlySet<string>): { input: PhysicalOperator; predicate: Scalar | null } {
  const outer = p.kind === 'filter' ? p.predicate : null;
  let input = recurse(p.kind === 'filter' ? p.input : p, needing(need, [outer]));
  let inner: Scalar | null = null;
  if (input instanceof RelFilterOp) {
    inner = input.predicate;
    input = input.children[0]!;
  }
  const predicate = inner && outer ? and(inner, outer) : (inner ?? outer);
  return { input, predicate };
}
