/**
 * The collection rules (DESIGN.md §6) over the plans of logical/collection-plan.ts, run by the
 * same driver as the relational rules (optimizer.ts: fixpoint, schema check after every rule,
 * timings, any rule switchable off by name). Ordering constraints:
 *
 * 1. push-down-level-filters before filters-into-storage: storage takes only conjuncts right
 *    above a scan, and the push-down brings them there.
 * 2. key-seeks after the push-down: selections it finds in filters stay where they are, but a
 *    selection pushed onto a deeper stream is found from more scans.
 * 3. zip-vs-join before sideways: a zip needs no channel, a join of the same streams may.
 * 4. sideways last: it asks which inputs are selective, which the earlier rules decide.
 */
import type { StreamPlan } from '../../logical/collection-plan.js';
import { streamPlanText } from '../../logical/collection-plan.js';
import { PlanError } from '../../errors.js';
import type { OptimizeOptions, OptimizeReport, PlanKind, Rule } from '../optimizer.js';
import { runRules } from '../optimizer.js';
import type { CollectionRuleContext } from './context.js';
import { filtersIntoStorage } from './filters-into-storage.js';
import { keySeeks } from './key-seeks.js';
import { pushDownLevelFilters } from './push-down-level-filters.js';
import { sideways } from './sideways.js';
import { zipVsJoin } from './zip-vs-join.js';
import { outputNames, validateStreamPlan } from './validate.js';

export type CollectionRule = Rule<StreamPlan, CollectionRuleContext>;

export const COLLECTION_RULES: readonly CollectionRule[] = [pushDownLevelFilters, filtersIntoStorage, keySeeks, zipVsJoin, sideways];

export interface CollectionOptimizeOptions extends Omit<OptimizeOptions<StreamPlan>, 'rules'> {
  storable: CollectionRuleContext['storable'];
}

/** `plan` rewritten by the collection rules to a fixpoint, with the driver's report. */
export function optimizeCollectionPlan(plan: StreamPlan, opts: CollectionOptimizeOptions): OptimizeReport<StreamPlan> {
  const kind: PlanKind<StreamPlan, CollectionRuleContext> = {
    context: (config, pass) => ({ config, pass, storable: opts.storable }),
    checkSchema(before, after, rule) {
      const a = outputNames(before).join(', '), b = outputNames(after).join(', ');
      if (a !== b) throw new PlanError('internal', `collection rule ${rule} changed the output columns: [${a}] → [${b}]\n${streamPlanText(after)}`);
    },
    validate: validateStreamPlan,
  };
  return runRules(plan, COLLECTION_RULES, kind, opts);
}

export { filtersIntoStorage, keySeeks, pushDownLevelFilters, sideways, zipVsJoin };
export type { CollectionRuleContext };
