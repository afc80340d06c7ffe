/**
 * filters-into-storage: conjuncts of a filter right above a scan that storage can evaluate
 * (own stored fields or the level's key compared with literals of the column's kind, and/or of
 * those, null tests) run inside the scan: zone maps prune fragments and chunks first, then the
 * predicate is applied exactly while decoding.
 *
 *   Filter clips.duration > 5 and clips.name = clips.alias
 *     Scan scenes.clips, columns=[duration, name, alias]
 * becomes
 *   Filter clips.name = clips.alias
 *     Scan scenes.clips, columns=[duration, name, alias], storage filter=clips.duration > 5
 *
 * Not legal (never done): conjuncts reading ancestor fields, reductions, windows or computed
 * values (storage sees only the level's own stored columns); comparisons with a literal of
 * another kind (a string against a number column: the engine's own comparison decides those);
 * anything above a join (push-down-level-filters brings conjuncts down first).
 */
import { conjoin, conjunctsOf, type StreamPlan, transformStreamUp } from '../../logical/collection-plan.js';
import type { Rule } from '../optimizer.js';
import { result } from '../rule.js';
import type { CollectionRuleContext } from './context.js';

export const filtersIntoStorage: Rule<StreamPlan, CollectionRuleContext> = {
  name: 'filters-into-storage',
  description: 'evaluates filter conjuncts on a scan’s own stored columns inside storage (zone-map pruning)',
  rewrite(plan, ctx) {
    const out = transformStreamUp(plan, (p) => {
      if (p.kind !== 'filter' || p.input.kind !== 'scan') return p;
      const scan = p.input;
      const cs = conjunctsOf(p.pred);
      const into = cs.filter((c) => ctx.storable(c, scan));
      if (into.length === 0) return p;
      const rest = conjoin(cs.filter((c) => !into.includes(c)));
      const s: StreamPlan = { ...scan, storage: [...scan.storage, ...into] };
      return rest ? { kind: 'filter', input: s, pred: rest } : s;
    });
    return result(plan, out);
  },
};
