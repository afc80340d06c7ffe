/**
 * SELECT: FROM → WHERE → GROUP BY/aggregates → HAVING → windows → QUALIFY → SELECT list →
 * DISTINCT → ORDER BY, as a logical plan.
 *
 *   Project  (drops ORDER BY-only columns)
 *     Sort   (keys over the projected columns)
 *       [Distinct]
 *         Project  select items, then ORDER BY expressions not in the list
 *           [Filter QUALIFY] ← [Window] ← [Filter HAVING] ← [subquery joins] ← [Aggregate]
 *             [semi/anti joins] ← Filter WHERE ← [subquery joins] ← FROM
 *
 * After grouping, an expression may use group keys (matched structurally, so `GROUP BY a + 1`
 * serves `SELECT a + 1`), aggregates and constants; any other column is 'sql-group-by'. ORDER BY
 * takes ordinals, output names, and expressions over the input (added as hidden columns, which
 * DISTINCT forbids). In "open" mode (a subquery being decorrelated) the result is the plan before
 * the projection, with the outputs as expressions and the correlated WHERE conjuncts set aside;
 * with aggregates, the inner sides of correlated equalities become extra group keys.
 */
import type { Field } from 'apache-arrow';

import { lookupFunction, T, typeName } from '../../logical/functions.js';
import type { AggregateCall, NamedScalar, Plan, Scalar, SortKey, WindowCall } from '../../logical/plan.js';
import { aggregate, aggregateCall, and, distinct, filter, named, project, sort, sortKey, unnest, values, window, windowCall } from '../../logical/plan-build.js';
import { columnsOf } from '../../logical/tree.js';
import type * as Ast from '../ast.js';
import { bindFrom } from './bind-from.js';
import { astConjuncts, bindExpr, type ExprEnv, exprName, hasAggregate, hasWindow, isAggregateCall } from './bind-expr.js';
import { bindWhereSubquery, isWhereSubquery } from './bind-subquery.js';
import { bindFrame, mergeWindow } from './bind-window.js';
import { applyPending, type BindContext, colOf, type Frame, newHolder, type PlanHolder } from './context.js';
import { BindError } from './diagnostics.js';
import { factorOr } from './fold.js';
import { scalarKey } from './keys.js';
import { Scope } from './scope.js';

export interface SelectOptions {
  /** ORDER BY of the query whose body this SELECT is. */
  readonly orderBy: readonly Ast.OrderItem[];
  /** Subquery being decorrelated: return the plan before the projection (see module comment). */
  readonly open?: boolean;
}

/** A correlated equality `outer = inner` (inner over the subquery's plan). */
export interface CorrelatedEq {
  readonly outer: Scalar;
  readonly inner: Scalar;
}

export interface BoundSelect {
  /** Closed: the final plan (one column per name). Open: the plan before the projection. */
  readonly plan: Plan;
  readonly names: readonly string[];
  /** Open: the output expressions (over `plan`, and outer columns). */
  readonly outputs: readonly Scalar[];
  /** Open: correlated WHERE conjuncts, equalities and the rest. */
  readonly eqs: readonly CorrelatedEq[];
  readonly residual: readonly Scalar[];
  /** Open: whether the SELECT aggregates (correlated equalities then are group keys). */
  readonly aggregated: boolean;
  /** Open: count aggregates' columns (0, not NULL, for outer rows without inner rows). */
  readonly counts: ReadonlySet<string>;
  /** Outer columns referenced, with how many frames out they live. */
  readonly outerRefs: ReadonlyMap<string, number>;
}

/** Runs `f`; at the top level a bind error is collected (and `fallback` used) instead of thrown. */
export function guard<T>(ctx: BindContext, span: Ast.SourceSpan, f: () => T, fallback: () => T): T {
  if (ctx.frames.length !== 1) return f();
  return ctx.diagnostics.guard(span, f, fallback);
}

interface Item {
  readonly ast: Ast.Expr | null;
  /** A `*` column. */
  readonly star: Scalar | null;
  readonly name: string;
  readonly span: Ast.SourceSpan;
}

const nullOf = (): Scalar => ({ kind: 'literal', value: null, type: T.null });

/** A plan of one row and no visible columns (SELECT without FROM). */
export function oneRow(ctx: BindContext): Plan {
  return values([ctx.fresh('#dummy')], [[{ kind: 'literal', value: 0, type: T.i32 }]]);
}

export function bindSelect(ctx: BindContext, sel: Ast.Select, opts: SelectOptions): BoundSelect {
  ctx.selects.push({ select: sel, orderBy: opts.orderBy });
  try {
    const from = sel.from.length === 0 ? { plan: oneRow(ctx), scope: Scope.empty() } : bindFrom(ctx, sel.from);
    return ctx.withFrame(from.scope, (frame) => new SelectBinder(ctx, sel, opts, frame, from.plan, from.scope, from.partition ?? []).bind());
  } finally {
    ctx.selects.pop();
  }
}

class SelectBinder {
  private plan: Plan;
  private readonly whereHolder: PlanHolder = newHolder();
  private readonly postHolder: PlanHolder = newHolder();
  private readonly aggregating: boolean;
  private readonly groups: NamedScalar[] = [];
  private readonly groupIndex = new Map<string, Scalar>();
  private readonly aggs: AggregateCall[] = [];
  private readonly aggIndex = new Map<string, Scalar>();
  private readonly windows: WindowCall[] = [];
  private readonly windowIndex = new Map<string, Scalar>();
  private readonly unnests: { list: Scalar; name: string }[] = [];
  private readonly counts = new Set<string>();
  private eqs: CorrelatedEq[] = [];
  private residual: Scalar[] = [];
  private readonly items: Item[];

  constructor(
    private readonly ctx: BindContext,
    private readonly sel: Ast.Select,
    private readonly opts: SelectOptions,
    private readonly frame: Frame,
    input: Plan,
    private readonly scope: Scope,
    private readonly partition: readonly Scalar[],
  ) {
    this.plan = input;
    this.items = this.expandItems();
    const exprs = [...this.items.flatMap((i) => (i.ast ? [i.ast] : [])), ...(sel.having ? [sel.having] : []), ...opts.orderBy.map((o) => o.expr)];
    this.aggregating = sel.groupBy !== null || sel.having !== null || exprs.some((e) => hasAggregate(e, ctx.reductions));
  }

  /** The environment of expressions before grouping (WHERE, GROUP BY, aggregate arguments). */
  private preEnv(clause: string, holder: PlanHolder | null = null): ExprEnv {
    return { ctx: this.ctx, scope: this.scope, holder, clause };
  }

  /** The environment of expressions after grouping (SELECT, HAVING, ORDER BY, QUALIFY). */
  private postEnv(clause: string, aliases?: ReadonlyMap<string, Scalar>): ExprEnv {
    return { ctx: this.ctx, scope: this.scope, holder: this.postHolder, clause, intercept: (e, env) => this.intercept(e, env), ...(aliases ? { aliases } : {}) };
  }

  bind(): BoundSelect {
    const { ctx, sel } = this;
    if (sel.where) this.bindWhere(sel.where);
    if (this.aggregating) this.bindGroupBy();
    // SELECT list (aggregates and windows are registered as they are met).
    const outputs = this.items.map((it) =>
      guard(ctx, it.span, () => (it.star ? this.starColumn(it.star, it) : bindExpr(this.postEnv('SELECT'), it.ast!)), nullOf),
    );
    // HAVING, QUALIFY and ORDER BY may name select items (as DuckDB allows) where no column has the name.
    const aliases = new Map(this.items.map((it, i) => [it.name, outputs[i]!] as const));
    const having = sel.having ? guard(ctx, sel.having.span, () => bindExpr(this.postEnv('HAVING', aliases), sel.having!), () => null) : null;
    const qualify = sel.qualify ? guard(ctx, sel.qualify.span, () => bindExpr(this.postEnv('QUALIFY', aliases), sel.qualify!), () => null) : null;
    const order = this.opts.orderBy.map((o) => guard(ctx, o.span, () => this.orderTarget(o, outputs, aliases), () => ({ index: -1, expr: nullOf() })));
    ctx.diagnostics.check();

    let plan = this.plan;
    if (this.aggregating) plan = aggregate(plan, this.groups, this.aggs);
    plan = applyPending(plan, this.postHolder);
    if (having) plan = filter(plan, having);
    if (this.windows.length > 0) plan = window(plan, this.windows);
    if (qualify) plan = filter(plan, qualify);
    for (const u of this.unnests) plan = unnest(plan, u.list, u.name);
    const names = this.items.map((it) => it.name);
    if (this.opts.open) {
      return { plan, names, outputs, eqs: this.eqs, residual: this.residual, aggregated: this.aggregating, counts: this.counts, outerRefs: this.frame.outerRefs };
    }
    return { plan: this.close(plan, names, outputs, order), names, outputs: [], eqs: [], residual: [], aggregated: this.aggregating, counts: this.counts, outerRefs: this.frame.outerRefs };
  }

  /** Projection, DISTINCT, ORDER BY and the final projection. */
  private close(input: Plan, names: readonly string[], outputs: readonly Scalar[], order: readonly { index: number; expr: Scalar; item?: Ast.OrderItem }[]): Plan {
    const exprs = outputs.map((e, i) => named(this.ctx.fresh(names[i]!), e));
    const hidden: NamedScalar[] = [];
    const keys: { name: string; item: Ast.OrderItem }[] = [];
    order.forEach((o, i) => {
      const item = this.opts.orderBy[i]!;
      if (o.index >= 0) keys.push({ name: exprs[o.index]!.name, item });
      else {
        const h = named(this.ctx.fresh('#order'), o.expr);
        hidden.push(h);
        keys.push({ name: h.name, item });
      }
    });
    if (this.sel.distinct && hidden.length > 0) {
      const bad = keys.find((k) => hidden.some((h) => h.name === k.name))!.item;
      throw (new BindError('sql-invalid', 'for SELECT DISTINCT, ORDER BY expressions must appear in the select list', bad.span));
    }
    let plan = project(input, [...exprs, ...hidden]);
    if (this.sel.distinct) plan = distinct(plan);
    if (keys.length > 0) plan = sort(plan, keys.map((k) => orderKey(colOf(plan, k.name), k.item)));
    if (hidden.length > 0) plan = project(plan, exprs.map((e) => named(e.name, colOf(plan, e.name))));
    return plan;
  }

  private expandItems(): Item[] {
    const out: Item[] = [];
    for (const it of this.sel.items) {
      if (it.kind === 'star') {
        const cols = guard(this.ctx, it.span, () => this.scope.star(it.qualifier, it.exclude, it.span), () => []);
        for (const c of cols) out.push({ ast: null, star: c.expr, name: c.name, span: it.span });
      } else out.push({ ast: it.expr, star: null, name: it.alias ?? exprName(it.expr), span: it.span });
    }
    return out;
  }

  private starColumn(s: Scalar, it: Item): Scalar {
    if (!this.aggregating) return s;
    const g = this.groupIndex.get(scalarKey(s));
    if (!g) throw new BindError('sql-group-by', `column "${it.name}" (from *) must appear in the GROUP BY clause or be used in an aggregate function`, it.span);
    return g;
  }

  // ─── WHERE ──────────────────────────────────────────────────────────────────────────────

  private bindWhere(where: Ast.Expr): void {
    const preds: Scalar[] = [];
    const semis: ((p: Plan) => Plan)[] = [];
    const outerOf = (s: Scalar): boolean => [...columnsOf(s)].some((c) => this.frame.outerRefs.has(c));
    for (const conj of astConjuncts(where)) {
      if (this.ctx.pushed.has(conj)) continue;
      guard(this.ctx, conj.span, () => {
        if (isWhereSubquery(conj)) {
          const r = bindWhereSubquery(this.preEnv('WHERE', this.whereHolder), conj);
          semis.push(r.apply);
          if (r.predicate) preds.push(r.predicate);
          return;
        }
        for (const s of factorOr(bindExpr(this.preEnv('WHERE', this.whereHolder), conj))) {
          if (this.opts.open && outerOf(s)) this.correlated(s);
          else preds.push(s);
        }
      }, () => undefined);
    }
    this.ctx.diagnostics.check();
    let plan = applyPending(this.plan, this.whereHolder);
    for (const s of semis) plan = s(plan);
    if (preds.length > 0) plan = filter(plan, and(...preds));
    this.plan = plan;
  }

  /** Sets a correlated conjunct aside: `outer = inner` equalities and the rest. */
  private correlated(s: Scalar): void {
    const isOuter = (x: Scalar): boolean => [...columnsOf(x)].every((c) => this.frame.outerRefs.has(c)) && columnsOf(x).size > 0;
    const isInner = (x: Scalar): boolean => [...columnsOf(x)].every((c) => !this.frame.outerRefs.has(c));
    if (s.kind === 'call' && s.fn === '=' && s.args.length === 2) {
      const [a, b] = s.args as [Scalar, Scalar];
      if (isOuter(a) && isInner(b)) return void this.eqs.push({ outer: a, inner: b });
      if (isOuter(b) && isInner(a)) return void this.eqs.push({ outer: b, inner: a });
    }
    this.residual.push(s);
  }

  // ─── GROUP BY and aggregates ────────────────────────────────────────────────────────────

  private bindGroupBy(): void {
    const gb = this.sel.groupBy;
    const keys: { ast: Ast.Expr | null; scalar?: Scalar; span: Ast.SourceSpan }[] = [];
    if (gb?.kind === 'group-by-all') {
      for (const it of this.items) if (it.ast ? !hasAggregate(it.ast) && !hasWindow(it.ast) : true) keys.push(it.ast ? { ast: it.ast, span: it.span } : { ast: null, scalar: it.star!, span: it.span });
    } else if (gb) {
      for (const k of gb.keys) keys.push({ ast: k, span: k.span });
    }
    for (const k of keys) {
      guard(this.ctx, k.span, () => {
        const s = k.scalar ?? this.groupKey(k.ast!);
        this.addGroup(s, k.ast ? exprName(k.ast) : 'group');
      }, () => undefined);
    }
    if (this.opts.open && this.aggregating && this.residual.length > 0) {
      throw new BindError('sql-unsupported', 'a correlated aggregate subquery whose correlation is not an equality (outer = inner) is not supported', this.sel.where?.span ?? this.sel.span);
    }
    if (this.opts.open && this.eqs.length > 0) {
      if (this.sel.having) throw new BindError('sql-unsupported', 'a correlated aggregate subquery with HAVING is not supported', this.sel.having.span);
      if (gb) throw new BindError('sql-unsupported', 'a correlated subquery with GROUP BY is not supported', gb.span);
      this.eqs = this.eqs.map((e) => ({ outer: e.outer, inner: this.addGroup(e.inner, 'corr') }));
    }
  }

  private addGroup(s: Scalar, base: string): Scalar {
    const key = scalarKey(s);
    const have = this.groupIndex.get(key);
    if (have) return have;
    const name = this.ctx.fresh(s.kind === 'column' ? s.name : base);
    this.groups.push(named(name, s));
    const c: Scalar = { kind: 'column', name, type: s.type };
    this.groupIndex.set(key, c);
    return c;
  }

  /** A GROUP BY key: an ordinal, a select alias (when no input column has the name), or an expression. */
  private groupKey(k: Ast.Expr): Scalar {
    if (k.kind === 'number' && /^\d+$/.test(k.text)) {
      const i = Number(k.text);
      const it = this.items[i - 1];
      if (!it) throw new BindError('sql-invalid', `GROUP BY position ${i} is not in the select list (1–${this.items.length})`, k.span);
      if (it.star) return it.star;
      if (hasAggregate(it.ast!)) throw new BindError('sql-group-by', `GROUP BY position ${i} refers to an aggregate`, k.span);
      return bindExpr(this.preEnv('GROUP BY'), it.ast!);
    }
    if (k.kind === 'column' && k.path.length === 1 && !this.scope.lookup(k.path, k.span)) {
      const it = this.items.find((x) => x.ast && x.name.toLowerCase() === k.path[0]!.toLowerCase());
      if (it?.ast && !hasAggregate(it.ast)) return bindExpr(this.preEnv('GROUP BY'), it.ast);
    }
    return bindExpr(this.preEnv('GROUP BY'), k);
  }

  /** Aggregates, windows and group keys after grouping; a column outside them is an error. */
  private intercept(e: Ast.Expr, env: ExprEnv): Scalar | undefined {
    if (e.kind === 'call' && e.over !== null) return this.windowCall(e, env);
    if (e.kind === 'call' && e.name.toLowerCase() === 'unnest' && e.over === null) return this.unnestCall(e, env);
    if (e.kind === 'call' && this.ctx.reductions.has(e)) return this.ctx.reductions.get(e);
    if (e.kind === 'call' && isAggregateCall(e)) {
      if (!this.aggregating) throw new BindError('sql-group-by', `aggregate function ${e.name} is not allowed here`, e.span);
      return this.aggregateCall(e);
    }
    if (!this.aggregating) return undefined;
    if (e.kind === 'exists' || e.kind === 'subquery' || e.kind === 'in-subquery' || hasAggregate(e, this.ctx.reductions) || hasWindow(e)) return undefined;
    let s: Scalar | undefined;
    try {
      s = bindExpr(this.preEnv(env.clause), e);
    } catch (err) {
      if (e.kind !== 'column') return undefined;
      const alias = env.aliases && [...env.aliases].find(([k]) => k.toLowerCase() === e.path[e.path.length - 1]!.toLowerCase() && e.path.length === 1);
      if (alias) return alias[1];
      throw err;
    }
    const g = this.groupIndex.get(scalarKey(s));
    if (g) return g;
    if (e.kind === 'column') {
      if ([...columnsOf(s)].every((c) => this.frame.outerRefs.has(c))) return s;
      throw new BindError('sql-group-by', `column "${e.path.join('.')}" must appear in the GROUP BY clause or be used in an aggregate function`, e.span);
    }
    return undefined;
  }

  private aggregateCall(e: Ast.FunctionCall): Scalar {
    const reduction = this.ctx.reductions.get(e);
    if (reduction) return reduction;
    const env = this.preEnv('aggregate arguments');
    const fn = e.star ? 'count_star' : e.name.toLowerCase();
    const named = e.args.find((a) => a.name !== null);
    if (named) throw new BindError('sql-invalid', `aggregate ${e.name} takes no named argument`, named.value.span);
    const args = e.args.map((a) => bindExpr(env, a.value));
    const filterExpr = e.filter ? bindExpr({ ...env, clause: 'FILTER' }, e.filter) : null;
    const orderBy = e.orderBy.map((o) => orderKey(bindExpr({ ...env, clause: 'ORDER BY' }, o.expr), o));
    const key = [fn, e.distinct, ...args.map(scalarKey), filterExpr ? scalarKey(filterExpr) : '', ...orderBy.map((k) => `${scalarKey(k.expr)}${k.descending}${k.nullsFirst}`)].join('|');
    const have = this.aggIndex.get(key);
    if (have) return have;
    const call = aggregateCall(fn, args, this.ctx.fresh(exprName(e)), { distinct: e.distinct, filter: filterExpr, orderBy });
    this.aggs.push(call);
    if (call.fn === 'count' || call.fn === 'count_star') this.counts.add(call.name);
    const c: Scalar = { kind: 'column', name: call.name, type: call.type };
    this.aggIndex.set(key, c);
    return c;
  }

  private windowCall(e: Ast.FunctionCall, env: ExprEnv): Scalar {
    const spec = mergeWindow(e.over!, this.sel.windows);
    const fn = e.star ? 'count_star' : e.name.toLowerCase();
    if (!lookupFunction('window', fn)) throw new BindError('sql-unknown-function', `unknown window function ${e.name}`, e.span);
    const inner: ExprEnv = { ...env, intercept: (x, en) => (x.kind === 'call' && x.over !== null ? err(new BindError('sql-invalid', 'window functions cannot be nested', x.span)) : this.intercept(x, en)) };
    const args = e.args.map((a) => bindExpr(inner, a.value));
    const partitionBy = [...this.partition, ...spec.partitionBy.map((p) => bindExpr(inner, p))];
    const orderBy = spec.orderBy.map((o) => orderKey(bindExpr(inner, o.expr), o));
    const filterExpr = e.filter ? bindExpr(inner, e.filter) : null;
    const frame = spec.frame ? bindFrame(inner, spec.frame) : null;
    const key = [fn, e.distinct, ...args.map(scalarKey), '|p', ...partitionBy.map(scalarKey), '|o', ...orderBy.map((k) => `${scalarKey(k.expr)}${k.descending}${k.nullsFirst}`), JSON.stringify(frame, (_, v: unknown) => (typeof v === 'bigint' ? String(v) : v)), filterExpr ? scalarKey(filterExpr) : ''].join('|');
    const have = this.windowIndex.get(key);
    if (have) return have;
    const call = windowCall(fn, args, this.ctx.fresh(exprName(e)), { distinct: e.distinct, filter: filterExpr, partitionBy, orderBy, frame });
    this.windows.push(call);
    const c: Scalar = { kind: 'column', name: call.name, type: call.type };
    this.windowIndex.set(key, c);
    return c;
  }

  private unnestCall(e: Ast.FunctionCall, env: ExprEnv): Scalar {
    if (e.args.length !== 1) throw new BindError('sql-type-mismatch', `unnest takes one list, got ${e.args.length} arguments`, e.span);
    if (this.unnests.length > 0) throw new BindError('sql-unsupported', 'only one unnest() per SELECT list is supported', e.span);
    const list = bindExpr(env, e.args[0]!.value);
    const name = this.ctx.fresh('unnest');
    this.unnests.push({ list, name });
    const t = (list.type as unknown as { children?: Field[] }).children?.[0]?.type;
    if (!t) throw new BindError('sql-type-mismatch', `unnest needs a list, got ${typeName(list.type)}`, e.span);
    return { kind: 'column', name, type: t };
  }

  // ─── ORDER BY ───────────────────────────────────────────────────────────────────────────

  /** The select output an ORDER BY item names (index), or an expression over the input. */
  private orderTarget(o: Ast.OrderItem, outputs: readonly Scalar[], aliases: ReadonlyMap<string, Scalar>): { index: number; expr: Scalar } {
    const e = o.expr;
    if (e.kind === 'number' && /^\d+$/.test(e.text)) {
      const i = Number(e.text);
      if (i < 1 || i > outputs.length) throw new BindError('sql-invalid', `ORDER BY position ${i} is not in the select list (1–${outputs.length})`, e.span);
      return { index: i - 1, expr: outputs[i - 1]! };
    }
    if (e.kind === 'column' && e.path.length === 1) {
      const hits = this.items.map((it, i) => (it.name.toLowerCase() === e.path[0]!.toLowerCase() ? i : -1)).filter((i) => i >= 0);
      if (hits.length === 1 || (hits.length > 1 && hits.every((i) => scalarKey(outputs[i]!) === scalarKey(outputs[hits[0]!]!)))) return { index: hits[0]!, expr: outputs[hits[0]!]! };
    }
    const s = bindExpr(this.postEnv('ORDER BY', aliases), e);
    const k = scalarKey(s);
    const i = outputs.findIndex((x) => scalarKey(x) === k);
    return { index: i, expr: s };
  }
}

const err = (e: BindError): never => {
  throw e;
};

/** A sort key from an ORDER BY item; NULLS LAST by default in both directions (DuckDB). */
export function orderKey(expr: Scalar, o: Ast.OrderItem): SortKey {
  const descending = o.direction === 'desc';
  return sortKey(expr, { descending, nullsFirst: o.nulls === 'first' });
}
