/**
 * The optimizer of relational plans: `optimize(plan)` runs the default rules (rules/index.ts)
 * to a fixpoint; `explain` renders EXPLAIN and EXPLAIN VERBOSE. See README.md.
 */
import type { Plan } from '../logical/plan.js';
import { type OptimizeOptions, runOptimizer } from './optimizer.js';
import { DEFAULT_RULES } from './rules/index.js';

/** `plan` rewritten by the optimizer rules (same schema, same result rows). */
export function optimize(plan: Plan, opts: OptimizeOptions = {}): Plan {
  return runOptimizer(plan, opts.rules ?? DEFAULT_RULES, opts).plan;
}

/** `optimize` with the report: passes, whether a fixpoint was reached, per-rule timings. */
export function optimizeWithReport(plan: Plan, opts: OptimizeOptions = {}): ReturnType<typeof runOptimizer> {
  return runOptimizer(plan, opts.rules ?? DEFAULT_RULES, opts);
}

export type { OptimizerConfig, OptimizerContext } from './context.js';
export type { OptimizeOptions, OptimizeReport, OptimizerObserver, OptimizerStep, RuleTiming } from './optimizer.js';
export { DEFAULT_MAX_PASSES, runOptimizer } from './optimizer.js';
export type { OptimizerRule, RuleResult } from './rule.js';
export { DEFAULT_RULES } from './rules/index.js';
export * from './explain.js';
