/**
 * push-down-limit: a Limit lets the nodes below it stop early.
 *
 *     Limit limit=10 offset=5                 Limit limit=10 offset=5
 *       Project exprs=[(a + 1) AS y]    →       Project exprs=[(a + 1) AS y]    (Limit first moves below
 *         Sort keys=[a]                           Sort keys=[a] fetch=15         the Project, then marks
 *           TableScan table=t                       TableScan table=t            the Sort as top-15)
 *
 *     Limit limit=3                           Limit limit=3
 *       SetOp op=union all              →       SetOp op=union all
 *         A                                       Limit limit=3
 *         B                                         A
 *                                                 Limit limit=3
 *                                                   B
 *
 * Rewrites: Limit over Project swaps (a project maps rows one to one); Limit over Limit merges
 * (offsets add, the count is the smaller window); Limit over Sort records `fetch = limit +
 * offset` on the sort and keeps the Limit; Limit over UNION ALL puts `Limit(limit + offset)`
 * on each branch and keeps the outer Limit.
 *
 * Not legal: below a Filter, Aggregate, Window, Distinct, join, UNION (distinct), INTERSECT or
 * EXCEPT (each can drop or merge rows, or needs all of them); below a Sort (only `fetch`);
 * into a branch of UNION ALL without keeping the outer limit (two branches may give 2N rows).
 * A limit without a count (OFFSET only) pushes nothing but still swaps below a Project.
 */
import type { Plan } from '../../logical/plan.js';
import * as b from '../../logical/plan-build.js';
import { changed, unchanged } from '../../logical/tree.js';
import { type PlanOf, sortWith, transformPlanDown } from '../plan-util.js';
import type { OptimizerRule } from '../rule.js';

/** Limit(n2, o2) then Limit(n1, o1) as one limit. */
function mergeLimits(outer: PlanOf<'limit'>, inner: PlanOf<'limit'>): Plan {
  const offset = inner.offset + outer.offset;
  const innerLeft = inner.limit === null ? null : Math.max(0, inner.limit - outer.offset);
  const count = innerLeft === null ? outer.limit : outer.limit === null ? innerLeft : Math.min(innerLeft, outer.limit);
  return b.limit(inner.input, count, offset);
}

/** An upper bound of the rows `p` outputs (Infinity when unknown). */
function maxRows(p: Plan): number {
  switch (p.kind) {
    case 'limit': return Math.min(p.limit ?? Infinity, maxRows(p.input));
    case 'sort': return Math.min(p.fetch ?? Infinity, maxRows(p.input));
    case 'project': case 'filter': case 'distinct': return maxRows(p.input);
    case 'values': return p.rows.length;
    default: return Infinity;
  }
}

/** A branch of UNION ALL limited to `n` rows (unchanged when it has no more: a limit already pushed below its project, say). */
function limitBranch(p: Plan, n: number): Plan {
  return maxRows(p) <= n ? p : b.limit(p, n, 0);
}

function pushLimitOnce(l: PlanOf<'limit'>): Plan {
  const input = l.input;
  switch (input.kind) {
    case 'project':
      return b.project(b.limit(input.input, l.limit, l.offset), input.exprs);
    case 'limit':
      return mergeLimits(l, input);
    case 'sort': {
      if (l.limit === null) return l;
      const fetch = l.limit + l.offset;
      if (input.fetch !== undefined && input.fetch <= fetch) return l;
      return b.limit(sortWith(input.input, input.keys, fetch), l.limit, l.offset);
    }
    case 'set_op': {
      if (l.limit === null || input.op !== 'union' || !input.all) return l;
      const n = l.limit + l.offset;
      const left = limitBranch(input.left, n), right = limitBranch(input.right, n);
      if (left === input.left && right === input.right) return l;
      return b.limit(b.setOp('union', true, left, right), l.limit, l.offset);
    }
    default:
      return l;
  }
}

/** Rewrites repeated while the result is still a limit (e.g. three stacked limits merge at once). */
function pushLimit(l: PlanOf<'limit'>): Plan {
  let cur = l;
  for (;;) {
    const next = pushLimitOnce(cur);
    if (next === cur || next.kind !== 'limit') return next;
    cur = next;
  }
}

export const pushDownLimit: OptimizerRule = {
  name: 'push-down-limit',
  description: 'limits below projects, into sorts as top-N, onto UNION ALL branches; adjacent limits merged',
  rewrite(plan) {
    const r = transformPlanDown(plan, (n) => {
      if (n.kind !== 'limit') return unchanged(n);
      const out = pushLimit(n);
      return out === n ? unchanged(n) : changed(out);
    });
    return { plan: r.node, changed: r.changed };
  },
};
