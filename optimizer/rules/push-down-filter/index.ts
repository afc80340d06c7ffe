/**
 * push-down-filter: moves filter conjuncts as close to the data as is legal, so fewer rows
 * flow and scans can skip data (key ranges, zone maps) — DESIGN.md §6.
 *
 *     Filter predicate=((o_total > 100) AND (c_region = 'EU'))
 *       Join type=inner on=[o_cust = c_id]
 *         TableScan table=orders columns=[o_cust, o_total]
 *         TableScan table=customers columns=[c_id, c_region]
 *   →
 *     Join type=inner on=[o_cust = c_id]
 *       TableScan table=orders columns=[o_cust, o_total] filters=[(o_total > 100)]
 *       TableScan table=customers columns=[c_id, c_region] filters=[(c_region = 'EU')]
 *
 * The predicate is split into conjuncts (adjacent filters merged first); each node kind
 * decides which conjuncts it lets through (one file per kind, each with its own legality
 * notes): through-project, through-join (and join ON conditions), through-aggregate,
 * through-window, through-set-op, through-row-preserving (sort, distinct, unnest), into-scan.
 * What cannot move stays in a Filter right above the node that stopped it.
 *
 * Never moved: below a Limit (it picks rows before the filter would; a filter above a limit
 * must stay above it), below a Sort with `fetch` (top-N), into a CollectionScan, Values or
 * Source; volatile conjuncts (random()) move nowhere except by merging with filters.
 */
import type { Plan, Scalar } from '../../../logical/plan.js';
import * as b from '../../../logical/plan-build.js';
import { changed, unchanged } from '../../../logical/tree.js';
import { conjunction, conjuncts, dedupe } from '../../expr/scalars.js';
import { type PlanOf, transformPlanDown } from '../../plan-util.js';
import type { OptimizerRule } from '../../rule.js';
import { intoScan } from './into-scan.js';
import { throughAggregate } from './through-aggregate.js';
import { pushJoinCondition, throughJoin } from './through-join.js';
import { throughProject } from './through-project.js';
import { throughDistinct, throughSort, throughUnnest } from './through-row-preserving.js';
import { throughSetOp } from './through-set-op.js';
import { throughWindow } from './through-window.js';
import type { Pushed } from './types.js';

function pushInto(input: Plan, parts: readonly Scalar[]): Pushed | null {
  switch (input.kind) {
    case 'project': return throughProject(input, parts);
    case 'join': return throughJoin(input, parts);
    case 'aggregate': return throughAggregate(input, parts);
    case 'window': return throughWindow(input, parts);
    case 'set_op': return throughSetOp(input, parts);
    case 'sort': return throughSort(input, parts);
    case 'distinct': return throughDistinct(input, parts);
    case 'unnest': return throughUnnest(input, parts);
    case 'table_scan': return intoScan(input, parts);
    case 'limit': // rows are chosen before the filter: never
    case 'filter': // merged by the caller
    case 'collection_scan':
    case 'values':
    case 'source':
      return null;
  }
}

/** The filter with its conjuncts pushed into its input; the same node when nothing moves. */
function pushFilter(f: PlanOf<'filter'>): Plan {
  let input = f.input;
  let parts = conjuncts(f.predicate);
  let merged = false;
  while (input.kind === 'filter') {
    parts = [...conjuncts(input.predicate), ...parts];
    input = input.input;
    merged = true;
  }
  parts = dedupe(parts);
  const r = pushInto(input, parts);
  if (!r) return merged ? b.filter(input, conjunction(parts)!) : f;
  const keep = conjunction(r.keep);
  return keep ? b.filter(r.plan, keep) : r.plan;
}

export const pushDownFilter: OptimizerRule = {
  name: 'push-down-filter',
  description: 'split conjunctions and move them through projects, joins, aggregates, windows, set operations into scans',
  rewrite(plan) {
    const r = transformPlanDown(plan, (n) => {
      if (n.kind === 'filter') {
        const out = pushFilter(n);
        return out === n ? unchanged(n) : changed(out);
      }
      if (n.kind === 'join') {
        const out = pushJoinCondition(n);
        return out ? changed(out) : unchanged(n);
      }
      return unchanged(n);
    });
    return { plan: r.node, changed: r.changed };
  },
};
