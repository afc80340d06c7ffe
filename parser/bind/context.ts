/**
 * State shared by the binding of one statement: the catalog view, bound parameter values, a
 * generator of plan column names unique across the statement (so a correlated reference or a
 * column moved by the optimizer never collides), CTEs in scope, the stack of query frames
 * (for correlated subqueries) and the diagnostics collected so far.
 */
import { InternalError } from '../../errors.js';
import type { Plan, Scalar } from '../../logical/plan.js';
import type * as Ast from '../ast.js';
import type { CommonTableExpression } from '../ast.js';
import type { BindCatalog } from './catalog.js';
import { Diagnostics } from './diagnostics.js';
import type { Scope } from './scope.js';

/** A SELECT being bound: its FROM scope and what it uses from enclosing queries. */
export interface Frame {
  readonly scope: Scope;
  /** Columns of enclosing queries used here, by plan name → how many frames out they live. */
  readonly outerRefs: Map<string, number>;
}

/** A CTE visible by name; each reference binds its query again (fresh column names). */
export interface CteDef {
  readonly ast: CommonTableExpression;
  /** CTEs visible to its own query (those defined before it). */
  readonly scope: ReadonlyMap<string, CteDef>;
}

/** Deferred plan changes from subqueries in an expression: joins applied to its input plan. */
export interface PlanHolder {
  readonly pending: ((p: Plan) => Plan)[];
}

export const newHolder = (): PlanHolder => ({ pending: [] });

/** `plan` with the holder's pending joins applied (the holder is emptied). */
export function applyPending(plan: Plan, h: PlanHolder): Plan {
  let p = plan;
  for (const f of h.pending.splice(0)) p = f(p);
  return p;
}

export class BindContext {
  readonly diagnostics: Diagnostics;
  readonly frames: Frame[] = [];
  /** Frame index of every outer reference resolved (subquery binders check what escaped them). */
  readonly refLog: number[] = [];
  /** Aggregate calls over collection descendants, already bound as reductions (bind-collection.ts). */
  readonly reductions = new Map<Ast.FunctionCall, Scalar>();
  /** WHERE conjuncts a collection scan applies itself (bind-collection.ts); WHERE skips them. */
  readonly pushed = new Set<Ast.Expr>();
  /** FROM items a collection scan took in (its timeline and resample functions). */
  readonly consumed = new Set<Ast.Relation>();
  /** The SELECTs being bound, innermost last (a collection scan reads the whole SELECT first). */
  readonly selects: { readonly select: Ast.Select; readonly orderBy: readonly Ast.OrderItem[] }[] = [];
  ctes: ReadonlyMap<string, CteDef> = new Map();
  private readonly used = new Map<string, number>();

  constructor(
    readonly catalog: BindCatalog,
    readonly params: readonly unknown[],
    readonly text: string,
  ) {
    this.diagnostics = new Diagnostics(text);
  }

  /** A plan column name not used yet in this statement: `base`, else `base#2`, `base#3`, …. */
  fresh(base: string): string {
    const b = base.length > 60 ? `${base.slice(0, 57)}…` : base;
    const n = this.used.get(b) ?? 0;
    this.used.set(b, n + 1);
    if (n === 0) return b;
    let name = `${b}#${n + 1}`;
    while (this.used.has(name)) name = `${name}'`;
    this.used.set(name, 1);
    return name;
  }

  /** Runs `f` with a new query frame over `scope` (popped afterwards). */
  withFrame<T>(scope: Scope, f: (frame: Frame) => T): T {
    const frame: Frame = { scope, outerRefs: new Map() };
    this.frames.push(frame);
    try {
      return f(frame);
    } finally {
      this.frames.pop();
    }
  }

  /** Runs `f` with `ctes` in scope (restored afterwards). */
  withCtes<T>(ctes: ReadonlyMap<string, CteDef>, f: () => T): T {
    const saved = this.ctes;
    this.ctes = ctes;
    try {
      return f();
    } finally {
      this.ctes = saved;
    }
  }
}

/** A column reference to a plan's output column. */
export function colOf(plan: Plan, name: string): Scalar {
  const f = plan.schema.fields.find((x) => x.name === name);
  if (!f) throw new InternalError(`binder: no column ${name} in (${plan.schema.fields.map((x) => x.name).join(', ')})`);
  return { kind: 'column', name, type: f.type };
}
