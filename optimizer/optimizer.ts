/**
 * The rule driver (DESIGN.md §6, STYLE point 6): runs an ordered rule list over a plan,
 * repeating the list until a pass changes nothing or `maxPasses` passes ran. After every rule
 * that changed the plan it checks that the plan's schema (names and types) is unchanged and,
 * when `validate` is on (tests, GYRE_DEBUG=1), that the plan passes logical/validate.ts; it
 * times every rule and reports each application to an observer (EXPLAIN VERBOSE).
 */
import { EngineError, InternalError, PlanError } from '../errors.js';
import type { Plan } from '../logical/plan.js';
import { assertValidPlan, checkSchemaPreserved } from '../logical/validate.js';
import { nameGenerator, type OptimizerConfig, type OptimizerContext } from './context.js';
import type { OptimizerRule } from './rule.js';

/** One rule application. */
export interface OptimizerStep<P = Plan> {
  readonly rule: string;
  readonly pass: number;
  readonly changed: boolean;
  /** The plan after the rule (the same object as before it when unchanged). */
  readonly plan: P;
  readonly ms: number;
}

export interface OptimizerObserver<P = Plan> {
  /** The plan before any rule. */
  onStart?(plan: P): void;
  /** After every rule application, changed or not. */
  onStep?(step: OptimizerStep<P>): void;
  /** After every pass over the rule list. */
  onPass?(pass: number, changed: boolean): void;
}

export interface OptimizeOptions<P = Plan> {
  /** Names of rules not to run (unknown names are an error: a typo would silently do nothing). */
  readonly disabled?: readonly string[];
  /** Cap on passes over the rule list (default 8). */
  readonly maxPasses?: number;
  readonly observer?: OptimizerObserver<P>;
  /** The rules to run, in order (default: the default rule list). */
  readonly rules?: readonly OptimizerRule[];
  /** Validate the plan after every rule (default: under vitest or with GYRE_DEBUG=1). */
  readonly validate?: boolean;
}

export interface RuleTiming {
  readonly rule: string;
  readonly runs: number;
  /** Applications that changed the plan. */
  readonly changes: number;
  readonly ms: number;
}

export interface OptimizeReport<P = Plan> {
  readonly plan: P;
  readonly passes: number;
  /** True when the last pass changed nothing (false: stopped at maxPasses). */
  readonly fixpoint: boolean;
  /** Per rule, in rule order. */
  readonly timings: readonly RuleTiming[];
}

export const DEFAULT_MAX_PASSES = 8;

const debugByDefault = (): boolean => {
  const env = globalThis.process?.env ?? {};
  return env['VITEST'] !== undefined || env['GYRE_DEBUG'] === '1';
};

/**
 * What the driver needs to know about a kind of plan: the context its rules see, and the checks
 * run after a rule changed the plan (the relational plans of logical/plan.ts, the collection
 * plans of logical/collection-plan.ts).
 */
export interface PlanKind<P, C> {
  context(config: OptimizerConfig, pass: number): C;
  /** Throws when `after` does not have `before`'s schema. */
  checkSchema(before: P, after: P, rule: string): void;
  /** Throws when `plan` is not valid (run when `validate` is on). */
  validate(plan: P, where: string): void;
}

/** A named rewrite of a plan of kind P (see rule.ts for the contract). */
export interface Rule<P, C> {
  readonly name: string;
  readonly description: string;
  rewrite(plan: P, ctx: C): { readonly plan: P; readonly changed: boolean };
}

/** Runs `rules` over `plan` to a fixpoint; the report has the plan, passes and per-rule timings. */
export function runOptimizer(plan: Plan, rules: readonly OptimizerRule[], opts: Omit<OptimizeOptions, 'rules'> = {}): OptimizeReport {
  const freshName = nameGenerator(plan);
  const kind: PlanKind<Plan, OptimizerContext> = {
    context: (config, pass) => ({ config, pass, freshName }),
    checkSchema: checkSchemaPreserved,
    validate: assertValidPlan,
  };
  return runRules(plan, rules, kind, opts);
}

/** The driver, for any kind of plan. */
export function runRules<P, C>(plan: P, rules: readonly Rule<P, C>[], kind: PlanKind<P, C>, opts: Omit<OptimizeOptions<P>, 'rules'> = {}): OptimizeReport<P> {
  const known = new Set(rules.map((r) => r.name));
  for (const d of opts.disabled ?? []) {
    if (!known.has(d)) throw new PlanError('invalid-argument', `unknown optimizer rule "${d}" (rules: ${[...known].join(', ')})`);
  }
  const config: OptimizerConfig = {
    disabled: new Set(opts.disabled ?? []),
    maxPasses: opts.maxPasses ?? DEFAULT_MAX_PASSES,
    validate: opts.validate ?? debugByDefault(),
  };
  if (!Number.isInteger(config.maxPasses) || config.maxPasses < 1) throw new PlanError('invalid-argument', `maxPasses must be a positive integer, got ${config.maxPasses}`);
  const active = rules.filter((r) => !config.disabled.has(r.name));
  const timings = new Map(active.map((r) => [r.name, { rule: r.name, runs: 0, changes: 0, ms: 0 }]));
  if (config.validate) kind.validate(plan, 'the plan given to the optimizer');
  opts.observer?.onStart?.(plan);

  let current = plan;
  let passes = 0;
  let fixpoint = false;
  while (passes < config.maxPasses) {
    passes++;
    const ctx = kind.context(config, passes);
    let passChanged = false;
    for (const rule of active) {
      const t0 = performance.now();
      const r = applyRule(rule, current, ctx);
      const ms = performance.now() - t0;
      const t = timings.get(rule.name)!;
      t.runs++;
      t.ms += ms;
      if (r.changed) {
        kind.checkSchema(current, r.plan, rule.name);
        if (config.validate) kind.validate(r.plan, `the plan after rule ${rule.name} (pass ${passes})`);
        t.changes++;
        passChanged = true;
        current = r.plan;
      }
      opts.observer?.onStep?.({ rule: rule.name, pass: passes, changed: r.changed, plan: current, ms });
    }
    opts.observer?.onPass?.(passes, passChanged);
    if (!passChanged) {
      fixpoint = true;
      break;
    }
  }
  return { plan: current, passes, fixpoint, timings: [...timings.values()] };
}

function applyRule<P, C>(rule: Rule<P, C>, plan: P, ctx: C): { readonly plan: P; readonly changed: boolean } {
  try {
    return rule.rewrite(plan, ctx);
  } catch (e) {
    if (e instanceof InternalError) throw e;
    // A rule never raises a user error: anything it throws is a bug in the rule.
    const msg = e instanceof EngineError || e instanceof Error ? e.message : String(e);
    throw new InternalError(`optimizer rule ${rule.name} failed: ${msg}`, { cause: e, details: { rule: rule.name } });
  }
}
