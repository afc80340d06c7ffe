/**
 * The default rule list, in the order the driver runs it on every pass. Ordering constraints:
 *
 * 1. simplify-expressions first: it folds constants and normalises predicates (flattened AND,
 *    NOT folded into comparisons, `Filter(true)` removed, `Filter(false)` made empty), so every
 *    later rule sees split-able conjunctions; push-down-filter's null-rejection test uses the
 *    same simplifier and is only as good as the predicates it is given.
 * 2. eliminate-limit before propagate-empty (it turns `LIMIT 0` into the empty Values that
 *    rule propagates) and before push-down-limit (a LIMIT ALL need not be pushed).
 * 3. propagate-empty before the push-downs, so they do not move predicates and limits into
 *    subtrees that are about to disappear.
 * 4. push-down-filter before push-down-projection: the scan filters and join keys it creates
 *    decide which columns a scan must keep; pruning first would keep a column for a filter's
 *    old position and prune only on the next pass.
 * 5. push-down-limit after push-down-filter: filters never pass a Limit, and the Sort `fetch`
 *    it records must see the final Sort input (push-down-filter never moves below a fetch).
 * 6. push-down-projection after both push-downs (they change what each node reads).
 * 7. eliminate-identity-project last: project merging (1), limit swaps (5) and pruning (6)
 *    all leave projects that may now output their input unchanged.
 *
 * A second pass catches what a later rule enabled for an earlier one (a pruned-away window
 * lets a filter move further; a pushed filter merges with one simplify can then fold).
 */
import type { OptimizerRule } from '../rule.js';
import { eliminateIdentityProject } from './eliminate-identity-project.js';
import { eliminateLimit } from './eliminate-limit.js';
import { propagateEmpty } from './propagate-empty.js';
import { pushDownFilter } from './push-down-filter/index.js';
import { pushDownLimit } from './push-down-limit.js';
import { pushDownProjection } from './push-down-projection.js';
import { simplifyExpressions } from './simplify-expressions.js';

export const DEFAULT_RULES: readonly OptimizerRule[] = [
  simplifyExpressions,
  eliminateLimit,
  propagateEmpty,
  pushDownFilter,
  pushDownLimit,
  pushDownProjection,
  eliminateIdentityProject,
];

export { eliminateIdentityProject, eliminateLimit, propagateEmpty, pushDownFilter, pushDownLimit, pushDownProjection, simplifyExpressions };
