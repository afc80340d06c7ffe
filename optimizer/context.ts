/**
 * What a rule may consult while rewriting: the configuration of this run, the pass number,
 * and a generator of output names that no node of the plan uses yet (so a rule that must
 * introduce a column never collides with the binder's names).
 */
import type { Plan } from '../logical/plan.js';
import { planChildren } from '../logical/tree.js';

export interface OptimizerConfig {
  /** Rule names not to run. */
  readonly disabled: ReadonlySet<string>;
  /** Cap on passes over the rule list (a pass with no change ends earlier). */
  readonly maxPasses: number;
  /** Run logical/validate.ts after every rule (tests and debug runs). */
  readonly validate: boolean;
}

export interface OptimizerContext {
  readonly config: OptimizerConfig;
  /** 1-based pass over the rule list. */
  readonly pass: number;
  /** A column name starting with `prefix` that no node of the plan being optimized outputs. */
  freshName(prefix: string): string;
}

/** Names output anywhere in `plan`. */
export function namesIn(plan: Plan, out = new Set<string>()): Set<string> {
  for (const f of plan.schema.fields) out.add(f.name);
  for (const c of planChildren(plan)) namesIn(c, out);
  return out;
}

/** A fresh-name generator that avoids every name of `plan` and every name it handed out. */
export function nameGenerator(plan: Plan): (prefix: string) => string {
  let used: Set<string> | null = null;
  let n = 0;
  return (prefix) => {
    used ??= namesIn(plan);
    let name: string;
    do name = `${prefix}${++n}`;
    while (used.has(name));
    used.add(name);
    return name;
  };
}
