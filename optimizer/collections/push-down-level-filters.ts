/**
 * push-down-level-filters: a level's filter conjuncts move below the joins that do not produce
 * the columns they read, so they narrow a stream before it is joined (and reach the scan, where
 * filters-into-storage can take them).
 *
 *   Filter clips.duration > 5 and frames.brightness > 0.5 and $sum(detections.n) > 2
 *     Join left on [scenes._id, clips._id] of GroupBy sum(detections.n)
 *       Join broadcast on [scenes._id, clips._id]
 *         Scan scenes.clips, columns=[duration]
 *         Scan scenes.clips.frames, columns=[brightness]
 *       Scan scenes.clips.detections, columns=[n]
 * becomes
 *   Filter $sum(detections.n) > 2
 *     Join left on [scenes._id, clips._id] of GroupBy sum(detections.n)
 *       Join broadcast on [scenes._id, clips._id]
 *         Filter clips.duration > 5
 *           Scan scenes.clips, columns=[duration]
 *         Filter frames.brightness > 0.5
 *           Scan scenes.clips.frames, columns=[brightness]
 *       Scan scenes.clips.detections, columns=[n]
 *
 * Legal moves: into either side of a broadcast join (it is inner: a row the filter drops on one
 * side has no partner on the other), into the domain side of a reduction's left join (the
 * reduction is computed per domain row, so dropping domain rows first changes nothing else),
 * and adjacent filters merge.
 *
 * Not legal (never done): below a window (the rows a window sees would change); below an
 * explode, a timeline or a resample (they make new rows); into either side of a combine of
 * resamples (a filter on one side would break the identical row domains a zip needs: see
 * zip-vs-join); onto the reduced side of a reduction (its value would change); a conjunct that
 * reads a reduction's own column.
 */
import { columnsRead, conjoin, conjunctsOf, provides, type StreamPlan, transformStreamUp } from '../../logical/collection-plan.js';
import type { Expr } from '../../logical/expr.js';
import type { Rule } from '../optimizer.js';
import { result } from '../rule.js';
import type { CollectionRuleContext } from './context.js';

const within = (cols: ReadonlySet<string>, avail: ReadonlySet<string>): boolean => [...cols].every((c) => avail.has(c));

const wrap = (p: StreamPlan, cs: readonly Expr[]): StreamPlan => {
  const pred = conjoin(cs);
  return pred ? { kind: 'filter', input: p, pred } : p;
};

/** `p` with conjuncts `cs` applied as low as legal; `moved` when any went below `p`. */
function pushInto(p: StreamPlan, cs: readonly Expr[]): { plan: StreamPlan; moved: boolean } {
  switch (p.kind) {
    case 'filter': {
      const r = pushInto(p.input, [...conjunctsOf(p.pred), ...cs]);
      return { plan: r.plan, moved: true };
    }
    case 'broadcast': {
      const child = provides(p.child), parent = provides(p.parent);
      const toChild: Expr[] = [], toParent: Expr[] = [], rest: Expr[] = [];
      for (const c of cs) {
        const cols = columnsRead(c);
        (within(cols, child) ? toChild : within(cols, parent) ? toParent : rest).push(c);
      }
      if (toChild.length === 0 && toParent.length === 0) return { plan: wrap(p, cs), moved: false };
      const np = toParent.length ? pushInto(p.parent, toParent).plan : p.parent;
      const nc = toChild.length ? pushInto(p.child, toChild).plan : p.child;
      return { plan: wrap({ ...p, parent: np, child: nc }, rest), moved: true };
    }
    case 'reduce': {
      const domain = provides(p.input);
      const down = cs.filter((c) => within(columnsRead(c), domain));
      if (down.length === 0) return { plan: wrap(p, cs), moved: false };
      const rest = cs.filter((c) => !down.includes(c));
      return { plan: wrap({ ...p, input: pushInto(p.input, down).plan }, rest), moved: true };
    }
    default:
      return { plan: wrap(p, cs), moved: false };
  }
}

export const pushDownLevelFilters: Rule<StreamPlan, CollectionRuleContext> = {
  name: 'push-down-level-filters',
  description: "moves a level's filter conjuncts below the joins that do not produce what they read",
  rewrite(plan) {
    const out = transformStreamUp(plan, (p) => {
      if (p.kind !== 'filter') return p;
      const r = pushInto(p.input, conjunctsOf(p.pred));
      if (!r.moved) return p;
      return r.plan;
    });
    return result(plan, out);
  },
};
