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
 * with aggregates, the inner sides of correlated equalities become extra group keys, and other
 * correlations leave the aggregate to be built per distinct outer value (`domain`). After
 * grouping, outer references of subqueries read group keys (`mapOuter`).
 *
 * Grouping (keys, aggregates, windows, unnest) lives in select-grouping.ts, ORDER BY and the
 * closing projection in select-order.ts.
 */
import { T } from '../../logical/functions.js';
import type { AggregateCall, NamedScalar, Plan, Scalar, SortKey } from '../../logical/plan.js';
import { aggregate, and, filter, unnest, values, window } from '../../logical/plan-build.js';
import { changed, columnsOf, transformDown, unchanged } from '../../logical/tree.js';
import type * as Ast from '../ast.js';
import { bindFrom } from './bind-from.js';
import { astConjuncts, bindExpr, type ExprEnv, exprName, hasAggregate } from './bind-expr.js';
import { bindWhereSubquery, isWhereSubquery } from './bind-subquery.js';
import { applyPending, type BindContext, type Frame, newHolder, type PlanHolder } from './context.js';
import { BindError } from './diagnostics.js';
import { factorOr } from './fold.js';
import { scalarKey } from './keys.js';
import { Scope } from './scope.js';
import { Grouping } from './select-grouping.js';
import { closeSelect, guard, type Item, orderKey, orderTarget } from './select-order.js';

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
  /** Open: whether it has GROUP BY (an aggregate then yields any number of rows, not one). */
  readonly grouped: boolean;
  /**
   * Open, aggregated, and correlated other than by equalities (or with outer columns inside
   * aggregates or HAVING): the parts to aggregate once per distinct outer value (`plan` is then
   * the input of the aggregate; bind-subquery.ts builds the rest over the outer plan).
   */
  readonly domain: AggregateDomain | null;
  /** Open: count aggregates' columns (0, not NULL, for outer rows without inner rows). */
  readonly counts: ReadonlySet<string>;
  /** Outer columns referenced, with how many frames out they live. */
  readonly outerRefs: ReadonlyMap<string, number>;
  /** Open: the ORDER BY of the query (from `opts.orderBy`) as sort keys over `plan`. */
  readonly orderKeys: readonly SortKey[];
}

/** An aggregate to group by the outer values it is correlated with (see BoundSelect.domain). */
export interface AggregateDomain {
  readonly groups: readonly NamedScalar[];
  readonly aggs: readonly AggregateCall[];
  readonly having: Scalar | null;
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
  /** Joins of subqueries inside aggregate arguments (applied after WHERE, before grouping). */
  private readonly argHolder: PlanHolder = newHolder();
  private readonly g: Grouping;
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
    partition: readonly Scalar[],
  ) {
    this.plan = input;
    this.items = this.expandItems();
    const exprs = [...this.items.flatMap((i) => (i.ast ? [i.ast] : [])), ...(sel.having ? [sel.having] : []), ...opts.orderBy.map((o) => o.expr)];
    const aggregating = sel.groupBy !== null || sel.having !== null || exprs.some((e) => hasAggregate(e, ctx.reductions));
    this.g = new Grouping(ctx, sel, scope, frame, partition, aggregating, this.argHolder);
  }

  /** The environment of expressions before grouping (WHERE, GROUP BY, aggregate arguments). */
  private preEnv(clause: string, holder: PlanHolder | null = null): ExprEnv {
    return { ctx: this.ctx, scope: this.scope, holder, clause };
  }

  /** The environment of expressions after grouping (SELECT, HAVING, ORDER BY, QUALIFY). */
  private postEnv(clause: string, aliases?: ReadonlyMap<string, Scalar>): ExprEnv {
    const mapOuter = this.g.aggregating ? { mapOuter: (s: Scalar) => this.afterGrouping(s) } : {};
    return { ctx: this.ctx, scope: this.scope, holder: this.postHolder, clause, intercept: (e, env) => this.g.intercept(e, env), ...(aliases ? { aliases } : {}), ...mapOuter };
  }

  /** An expression over the input as it reads after grouping (for subqueries' outer references). */
  private afterGrouping(s: Scalar): Scalar {
    const input = new Set(this.plan.schema.fields.map((f) => f.name));
    return transformDown(s, (n) => {
      const g = this.g.groupIndex.get(scalarKey(n));
      if (g) return changed(g, 'skip');
      if (n.kind === 'column' && input.has(n.name)) throw new BindError('sql-group-by', `column "${n.name}" used in a subquery must appear in the GROUP BY clause or be used in an aggregate function`, null);
      return unchanged(n);
    }).node;
  }

  bind(): BoundSelect {
    const { ctx, sel } = this;
    if (sel.where) this.bindWhere(sel.where);
    if (this.g.aggregating) this.g.bindKeys(this.items);
    // SELECT list (aggregates and windows are registered as they are met).
    const outputs = this.items.map((it) =>
      guard(ctx, it.span, () => (it.star ? this.g.starColumn(it.star, it) : bindExpr(this.postEnv('SELECT'), it.ast!)), nullOf),
    );
    // HAVING, QUALIFY and ORDER BY may name select items (as DuckDB allows) where no column has the name.
    const aliases = new Map(this.items.map((it, i) => [it.name, outputs[i]!] as const));
    const having = sel.having ? guard(ctx, sel.having.span, () => bindExpr(this.postEnv('HAVING', aliases), sel.having!), () => null) : null;
    const qualify = sel.qualify ? guard(ctx, sel.qualify.span, () => bindExpr(this.postEnv('QUALIFY', aliases), sel.qualify!), () => null) : null;
    const order = this.opts.orderBy.map((o) => guard(ctx, o.span, () => orderTarget(o, this.items, outputs, (e) => bindExpr(this.postEnv('ORDER BY', aliases), e)), () => ({ index: -1, expr: nullOf() })));
    ctx.diagnostics.check();

    const names = this.items.map((it) => it.name);
    const { g } = this;
    const grouped = sel.groupBy !== null;
    this.plan = applyPending(this.plan, this.argHolder);
    if (this.opts.open && g.aggregating && this.frame.outerRefs.size > 0) {
      const domain = this.correlatedAggregate(having);
      if (domain) return { plan: this.plan, names, outputs, eqs: this.eqs, residual: this.residual, aggregated: true, grouped, domain, counts: g.counts, outerRefs: this.frame.outerRefs, orderKeys: [] };
    }
    let plan = this.plan;
    if (g.aggregating) plan = aggregate(plan, g.groups, g.aggs);
    plan = applyPending(plan, this.postHolder);
    if (having) plan = filter(plan, having);
    if (g.windows.length > 0) plan = window(plan, g.windows);
    if (qualify) plan = filter(plan, qualify);
    for (const u of g.unnests) plan = unnest(plan, u.list, u.name);
    if (this.opts.open) {
      const orderKeys = order.map((o, i) => orderKey(o.index >= 0 ? outputs[o.index]! : o.expr, this.opts.orderBy[i]!));
      return { plan, names, outputs, eqs: this.eqs, residual: this.residual, aggregated: g.aggregating, grouped, domain: null, counts: g.counts, outerRefs: this.frame.outerRefs, orderKeys };
    }
    const closed = closeSelect(ctx, sel, this.opts.orderBy, plan, names, outputs, order);
    return { plan: closed, names, outputs: [], eqs: [], residual: [], aggregated: g.aggregating, grouped, domain: null, counts: g.counts, outerRefs: this.frame.outerRefs, orderKeys: [] };
  }

  /**
   * A correlated aggregate (open mode): equality correlations become group keys (null is
   * returned and the aggregate is built as usual); any other correlation, or outer columns
   * inside aggregates, GROUP BY keys or HAVING, makes it a domain aggregate.
   */
  private correlatedAggregate(having: Scalar | null): AggregateDomain | null {
    const { g, sel } = this;
    const outer = (x: Scalar): boolean => [...columnsOf(x)].some((c) => this.frame.outerRefs.has(c));
    const aggExprs = g.aggs.flatMap((a) => [...a.args, ...(a.filter ? [a.filter] : []), ...a.orderBy.map((k) => k.expr)]);
    const inside = [...aggExprs, ...g.groups.map((x) => x.expr), ...(having ? [having] : [])].some(outer);
    const correlated = this.eqs.length > 0 || this.residual.length > 0 || inside;
    if (!correlated) return null;
    if (sel.having && !sel.groupBy) throw new BindError('sql-unsupported', 'a correlated aggregate subquery with HAVING but without GROUP BY is not supported', sel.having.span);
    if (this.residual.length === 0 && !inside) {
      this.eqs = this.eqs.map((e) => ({ outer: e.outer, inner: g.addGroup(e.inner, 'corr') }));
      return null;
    }
    if (this.postHolder.pending.length > 0 || g.windows.length > 0 || g.unnests.length > 0 || sel.qualify) {
      throw new BindError('sql-unsupported', 'a correlated aggregate subquery with a non-equality correlation cannot have subqueries, window functions, QUALIFY or unnest() after its aggregates', sel.span);
    }
    return { groups: g.groups, aggs: g.aggs, having };
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
}

