/**
 * The optimizer rule contract (DESIGN.md §6, STYLE point 6): a named rewrite of a whole
 * relational plan. A rule does its own traversal with the tree API (logical/tree.ts, or
 * optimizer/plan-util.ts where `sort.fetch` must survive) and reports whether it changed
 * anything; the driver (optimizer.ts) runs rules in order to a fixpoint and checks after each
 * one that the plan's schema (names and types) is unchanged and, in tests and debug runs,
 * that the plan is valid (logical/validate.ts).
 *
 * A rule must be idempotent in the limit: applying it to its own output eventually reports
 * `changed: false`, or the fixpoint loop only ends at `maxPasses`.
 */
import type { Plan } from '../logical/plan.js';
import type { OptimizerContext } from './context.js';

export interface RuleResult<P = Plan> {
  readonly plan: P;
  /** True when `plan` differs from the input (`plan` is then a new object). */
  readonly changed: boolean;
}

export interface OptimizerRule {
  /** Stable kebab-case name: shown by EXPLAIN VERBOSE, used to disable the rule. */
  readonly name: string;
  /** One line for README/EXPLAIN listings. */
  readonly description: string;
  rewrite(plan: Plan, ctx: OptimizerContext): RuleResult;
}

/** The result of a rewrite that returns `after` (changed when it is a different object). */
export const result = <P = Plan>(before: P, after: P): RuleResult<P> => ({ plan: after, changed: after !== before });
