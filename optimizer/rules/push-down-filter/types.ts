/** What a push-down step returns: the new input subtree (holding the conjuncts it moved) and the conjuncts that stay above it. */
import type { Plan, Scalar } from '../../../logical/plan.js';
import * as b from '../../../logical/plan-build.js';
import { conjunction } from '../../expr/scalars.js';

export interface Pushed {
  readonly plan: Plan;
  readonly keep: readonly Scalar[];
}

/** `input` filtered by the AND of `parts` (`input` itself when there are none). */
export function filtered(input: Plan, parts: readonly Scalar[]): Plan {
  const pred = conjunction(parts);
  return pred ? b.filter(input, pred) : input;
}
