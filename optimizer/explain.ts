/**
 * EXPLAIN renderers (STYLE point 10): plans as indented text (stable, for people and
 * snapshots) or JSON (for tools). EXPLAIN shows the logical plan, the optimized plan and —
 * through a callback the caller gives, since the optimizer may not import physical/ — the
 * physical plan; EXPLAIN VERBOSE adds the plan after each rule of each pass, collapsing rules
 * that changed nothing ("SAME TEXT AS ABOVE") and passes that changed nothing. EXPLAIN ANALYZE
 * and EXPLAIN DATA come from the physical side.
 */
import { planParams } from '../logical/display.js';
import { typeName } from '../logical/functions.js';
import type { Plan } from '../logical/plan.js';
import { planChildren } from '../logical/tree.js';
import { type OptimizeOptions, type OptimizerStep, type RuleTiming, runOptimizer } from './optimizer.js';
import { DEFAULT_RULES } from './rules/index.js';

export interface PlanTextOptions {
  /** Append each node's output schema. */
  readonly schema?: boolean;
}

/** A node's display name and ordered parameters (logical/display.ts, plus the optimizer's `fetch`). */
function nodeParams(p: Plan): { name: string; params: [string, string][] } {
  const { name, params } = planParams(p);
  return p.kind === 'sort' && p.fetch !== undefined ? { name, params: [...params, ['fetch', String(p.fetch)]] } : { name, params };
}

const schemaText = (p: Plan): string => `schema=[${p.schema.fields.map((f) => `${f.name}: ${typeName(f.type)}${f.nullable ? '' : ' NOT NULL'}`).join(', ')}]`;

/** The plan as text: one line per node (`Name key=value …`), children indented by two spaces. */
export function planText(plan: Plan, opts: PlanTextOptions = {}): string {
  const lines: string[] = [];
  const walk = (n: Plan, depth: number): void => {
    const { name, params } = nodeParams(n);
    const parts = [name, ...params.map(([k, v]) => `${k}=${v}`), ...(opts.schema ? [schemaText(n)] : [])];
    lines.push(`${'  '.repeat(depth)}${parts.join(' ')}`);
    for (const c of planChildren(n)) walk(c, depth + 1);
  };
  walk(plan, 0);
  return lines.join('\n');
}

export interface PlanJson {
  readonly node: string;
  /** Parameters in display order (object keys keep insertion order). */
  readonly params: Readonly<Record<string, string>>;
  readonly schema?: readonly { readonly name: string; readonly type: string; readonly nullable: boolean }[];
  readonly children: readonly PlanJson[];
}

/** The plan as a JSON tree. */
export function planJson(plan: Plan, opts: PlanTextOptions = {}): PlanJson {
  const { name, params } = nodeParams(plan);
  return {
    node: name,
    params: Object.fromEntries(params),
    ...(opts.schema ? { schema: plan.schema.fields.map((f) => ({ name: f.name, type: typeName(f.type), nullable: f.nullable })) } : {}),
    children: planChildren(plan).map((c) => planJson(c, opts)),
  };
}

/** What the caller's physical planner gives EXPLAIN: its text and, optionally, a JSON form. */
export interface PhysicalExplain {
  readonly text: string;
  readonly json?: unknown;
}

export interface ExplainOptions extends OptimizeOptions, PlanTextOptions {
  /** EXPLAIN VERBOSE: the plan after every rule. */
  readonly verbose?: boolean;
  /** Lowers the optimized plan and describes the physical plan. */
  readonly physical?: (optimized: Plan) => PhysicalExplain;
  /** Text only: append per-rule timings (not stable across runs, so off by default). */
  readonly timings?: boolean;
}

export interface ExplainJson {
  readonly logical_plan: PlanJson;
  readonly optimized_logical_plan: PlanJson;
  readonly physical_plan?: unknown;
  /** VERBOSE only: every rule application; `plan` only where the rule changed it. */
  readonly steps?: readonly { readonly rule: string; readonly pass: number; readonly changed: boolean; readonly ms: number; readonly plan?: PlanJson }[];
  readonly passes: number;
  readonly fixpoint: boolean;
  readonly timings: readonly RuleTiming[];
}

interface Explained {
  readonly initial: Plan;
  readonly optimized: Plan;
  readonly steps: readonly OptimizerStep[];
  readonly passes: number;
  readonly fixpoint: boolean;
  readonly timings: readonly RuleTiming[];
  readonly physical: PhysicalExplain | null;
}

function run(plan: Plan, opts: ExplainOptions): Explained {
  const steps: OptimizerStep[] = [];
  const report = runOptimizer(plan, opts.rules ?? DEFAULT_RULES, {
    ...opts,
    observer: {
      onStart: (p) => opts.observer?.onStart?.(p),
      onStep: (s) => {
        steps.push(s);
        opts.observer?.onStep?.(s);
      },
      onPass: (n, c) => opts.observer?.onPass?.(n, c),
    },
  });
  return { initial: plan, optimized: report.plan, steps, passes: report.passes, fixpoint: report.fixpoint, timings: report.timings, physical: opts.physical ? opts.physical(report.plan) : null };
}

const indent = (text: string): string => text.split('\n').map((l) => `  ${l}`).join('\n');
const section = (label: string, body: string): string => `${label}:\n${indent(body)}`;

/** EXPLAIN [VERBOSE] as text. */
export function explainText(plan: Plan, opts: ExplainOptions = {}): string {
  const e = run(plan, opts);
  const out = [section('logical_plan', planText(e.initial, opts))];
  if (opts.verbose) {
    const passes = new Map<number, OptimizerStep[]>();
    for (const s of e.steps) passes.set(s.pass, [...(passes.get(s.pass) ?? []), s]);
    for (const [pass, steps] of passes) {
      if (!steps.some((s) => s.changed)) {
        out.push(`pass ${pass}: no rule changed the plan${e.fixpoint && pass === e.passes ? ' (fixpoint)' : ''}`);
        continue;
      }
      for (const s of steps) {
        const label = `logical_plan after ${s.rule} (pass ${pass})`;
        out.push(s.changed ? section(label, planText(s.plan, opts)) : `${label}: SAME TEXT AS ABOVE`);
      }
    }
    if (!e.fixpoint) out.push(`stopped after ${e.passes} passes (maxPasses) before a fixpoint`);
  }
  out.push(section('optimized_logical_plan', planText(e.optimized, opts)));
  if (e.physical) out.push(section('physical_plan', e.physical.text));
  if (opts.timings) out.push(section('optimizer_timings', e.timings.map((t) => `${t.rule}: ${t.ms.toFixed(3)} ms, ${t.runs} runs, ${t.changes} changes`).join('\n')));
  return out.join('\n');
}

/** EXPLAIN [VERBOSE] as JSON. */
export function explainJson(plan: Plan, opts: ExplainOptions = {}): ExplainJson {
  const e = run(plan, opts);
  return {
    logical_plan: planJson(e.initial, opts),
    optimized_logical_plan: planJson(e.optimized, opts),
    ...(e.physical ? { physical_plan: e.physical.json ?? e.physical.text } : {}),
    ...(opts.verbose ? { steps: e.steps.map((s) => ({ rule: s.rule, pass: s.pass, changed: s.changed, ms: s.ms, ...(s.changed ? { plan: planJson(s.plan, opts) } : {}) })) } : {}),
    passes: e.passes,
    fixpoint: e.fixpoint,
    timings: e.timings,
  };
}
