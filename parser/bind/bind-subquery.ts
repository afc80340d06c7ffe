/**
 * Subqueries → joins onto the plan the expression is evaluated over (queued on the holder):
 *
 *   WHERE EXISTS (q)        → semi join          WHERE NOT EXISTS (q) → anti join
 *   WHERE x IN (q)          → semi join on x = v WHERE x NOT IN (q)   → mark join, NOT mark
 *   EXISTS / IN elsewhere   → mark join (TRUE / FALSE / NULL as SQL's IN with NULLs)
 *   scalar (q)              → single join (fails when a row matches twice); NULL without a match
 *
 * Correlated subqueries (correlation in the subquery's WHERE, one query level out) are
 * decorrelated: `outer = inner` conjuncts become join keys, other correlated conjuncts the
 * join's residual. A correlated aggregate without GROUP BY yields one row per outer row: a
 * LEFT join, whose count aggregates read 0 for outer rows without inner rows (the "count bug");
 * EXISTS of it is TRUE and `x IN (it)` is `x = it`. The aggregate is grouped by
 *
 *  - the inner sides of the equalities, when the correlation is only equalities:
 *
 *      Join left (outer.k = k')                     SELECT …, (SELECT count(*) FROM i
 *        outer                                                    WHERE i.k = outer.k)
 *        Aggregate groups=[i.k AS k'] aggs=[count(*)]
 *          i
 *
 *  - the distinct outer values it uses ("domain"), otherwise (a non-equality correlation, or
 *    outer columns inside aggregates, GROUP BY keys or HAVING); the outer plan is evaluated
 *    a second time for its distinct values:
 *
 *      Join left (outer.x = d')                     SELECT …, (SELECT max(i.b) FROM i
 *        outer                                                  WHERE i.a < outer.x)
 *        Aggregate groups=[d AS d'] aggs=[max(i.b)]
 *          Join inner (i.a < d)
 *            i
 *            Distinct ← Project [outer.x AS d] ← outer
 *
 * With GROUP BY, a correlated subquery yields any number of rows per outer row and joins like
 * an ungrouped one (its keys are group keys). In a grouped outer query, outer references read
 * the outer group keys (ExprEnv.mapOuter). ORDER BY … LIMIT in a subquery correlated by
 * equalities keeps the first rows per key (a row_number window partitioned by the inner keys).
 * Not decorrelated ('sql-unsupported'): correlation two query levels out, under set operations,
 * other LIMIT / OFFSET shapes (except in EXISTS), DISTINCT or WITH, and HAVING without GROUP BY.
 */
import type { DataType } from 'apache-arrow';

import { isBool, isFloat, isInteger, isString, T } from '../../logical/functions.js';
import type { AggregateCall, Plan, Scalar } from '../../logical/plan.js';
import { aggregate, and, call, distinct, filter, join, limit, lit, named, not, project, window, windowCall } from '../../logical/plan-build.js';
import { changed, columnsOf, transformUp, unchanged } from '../../logical/tree.js';
import type * as Ast from '../ast.js';
import { bindExpr, constantInteger, type ExprEnv } from './bind-expr.js';
import { bindQuery } from './bind-query.js';
import { type AggregateDomain, bindSelect, type CorrelatedEq } from './bind-select.js';
import { type BindContext, colOf } from './context.js';
import { BindError } from './diagnostics.js';
import { Scope } from './scope.js';

interface SubPlan {
  readonly plan: Plan;
  readonly outputs: readonly Scalar[];
  readonly eqs: readonly CorrelatedEq[];
  readonly residual: readonly Scalar[];
  /** An aggregate without GROUP BY: exactly one row (per outer row when correlated). */
  readonly single: boolean;
  readonly domain: AggregateDomain | null;
  readonly counts: ReadonlySet<string>;
  readonly correlated: boolean;
  /** Plan names of the outer columns referenced. */
  readonly outer: ReadonlySet<string>;
}

type Key = { readonly left: Scalar; readonly right: Scalar };

/** A positive constant LIMIT without OFFSET: irrelevant to EXISTS. */
const existenceLimit = (q: Ast.Query): boolean => q.offset === null && (q.limit === null || (q.limit.kind === 'number' && /^\d+$/.test(q.limit.text) && Number(q.limit.text) > 0));

/**
 * A subquery as a plan to join, with its outputs and correlation. `use`: what the rows are for
 * (EXISTS ignores LIMIT n > 0 and DISTINCT, IN ignores DISTINCT).
 */
function subPlan(ctx: BindContext, q: Ast.Query, use: 'scalar' | 'in' | 'exists'): SubPlan {
  const plain = q.body.kind === 'select' && q.with.length === 0;
  const limitOk = use === 'exists' ? existenceLimit(q) : q.limit === null && q.offset === null;
  const simple = plain && limitOk && (use !== 'scalar' || !(q.body as Ast.Select).distinct);
  if (simple) {
    const s = bindSelect(ctx, q.body as Ast.Select, { orderBy: [], open: true });
    if ([...s.outerRefs.values()].some((d) => d > 1)) {
      throw new BindError('sql-unsupported', 'a subquery referring to a query two or more levels out is not supported', q.span);
    }
    if (s.outerRefs.size === 0) {
      const exprs = s.outputs.map((o, i) => named(ctx.fresh(s.names[i]!), o));
      const plan = project(s.plan, exprs);
      return { plan, outputs: exprs.map((e) => colOf(plan, e.name)), eqs: [], residual: [], single: false, domain: null, counts: new Set(), correlated: false, outer: new Set() };
    }
    const single = s.aggregated && !s.grouped;
    return { plan: s.plan, outputs: s.outputs, eqs: s.eqs, residual: s.residual, single, domain: s.domain, counts: s.counts, correlated: true, outer: new Set(s.outerRefs.keys()) };
  }
  const depth = ctx.frames.length;
  const mark = ctx.refLog.length;
  const escaped = (): boolean => ctx.refLog.slice(mark).some((j) => j < depth);
  const topN = (): SubPlan | null => (plain && !(q.body as Ast.Select).distinct && q.limit !== null ? firstRowsPerKey(ctx, q) : null);
  const unsupported = (): BindError =>
    new BindError('sql-unsupported', `a correlated subquery with ${q.body.kind !== 'select' ? 'set operations' : q.with.length > 0 ? 'WITH' : q.limit !== null || q.offset !== null ? 'LIMIT or OFFSET' : 'DISTINCT'} is not supported`, q.span);
  let b;
  try {
    b = bindQuery(ctx, q);
  } catch (e) {
    if (!escaped()) throw e;
    const first = topN();
    if (first) return first;
    throw unsupported();
  }
  if (escaped()) throw unsupported();
  return { plan: b.plan, outputs: b.plan.schema.fields.map((f) => colOf(b.plan, f.name)), eqs: [], residual: [], single: false, domain: null, counts: new Set(), correlated: false, outer: new Set() };
}

/**
 * `(SELECT … WHERE inner.k = outer.k ORDER BY … LIMIT n [OFFSET m])`, correlated by equalities
 * only: the first rows per key, numbered by a window partitioned by the inner keys (the "latest
 * row per group" shape). Null when the shape is another (an aggregate, other correlation, outer
 * columns in ORDER BY).
 */
function firstRowsPerKey(ctx: BindContext, q: Ast.Query): SubPlan | null {
  const s = bindSelect(ctx, q.body as Ast.Select, { orderBy: q.orderBy, open: true });
  const outerIn = (x: Scalar): boolean => [...columnsOf(x)].some((c) => s.outerRefs.has(c));
  if (s.aggregated || s.residual.length > 0 || s.eqs.length === 0 || [...s.outerRefs.values()].some((d) => d > 1) || s.orderKeys.some((k) => outerIn(k.expr))) return null;
  const env: ExprEnv = { ctx, scope: Scope.empty(), holder: null, clause: 'LIMIT' };
  const n = constantInteger(env, q.limit!, 'LIMIT');
  const offset = q.offset ? constantInteger(env, q.offset, 'OFFSET') : 0;
  const rank = windowCall('row_number', [], ctx.fresh('#row'), { partitionBy: s.eqs.map((e) => e.inner), orderBy: s.orderKeys });
  const numbered = window(s.plan, [rank]);
  const r = colOf(numbered, rank.name);
  const plan = filter(numbered, and(call('>', [r, lit(BigInt(offset), T.i64)]), call('<=', [r, lit(BigInt(offset + n), T.i64)])));
  return { plan, outputs: s.outputs, eqs: s.eqs, residual: [], single: false, domain: null, counts: new Set(), correlated: true, outer: new Set(s.outerRefs.keys()) };
}

const conj = (xs: readonly Scalar[]): Scalar | null => (xs.length === 0 ? null : and(...xs));
const identity = (s: Scalar): Scalar => s;

/** Count columns read as 0 (not NULL) after a LEFT join found no inner rows. */
function zeroCounts(s: Scalar, counts: ReadonlySet<string>): Scalar {
  if (counts.size === 0) return s;
  return transformUp(s, (n) => (n.kind === 'column' && counts.has(n.name) ? changed(call('coalesce', [n, lit(0n, T.i64)]), 'skip') : unchanged(n))).node;
}

function oneColumn(sp: SubPlan, span: Ast.SourceSpan): Scalar {
  if (sp.outputs.length !== 1) throw new BindError('sql-invalid', `the subquery must return one column, it returns ${sp.outputs.length}`, span);
  return sp.outputs[0]!;
}

/** A correlated subquery ready to join onto the outer plan: its plan, keys (left: outer) and residual. */
interface Joinable {
  readonly right: Plan;
  readonly keys: readonly Key[];
  readonly residual: Scalar | null;
}

/** The right side of the join of a (correlated) subquery onto the outer plan `p`. */
function joinable(ctx: BindContext, sp: SubPlan, p: Plan, mapOuter: (s: Scalar) => Scalar): Joinable {
  if (!sp.domain) {
    return { right: sp.plan, keys: sp.eqs.map((e) => ({ left: mapOuter(e.outer), right: e.inner })), residual: conj(sp.residual.map(mapOuter)) };
  }
  return domainJoinable(ctx, sp, sp.domain, p, mapOuter);
}

/** The aggregate of a domain subquery grouped by the distinct outer values it uses (module comment). */
function domainJoinable(ctx: BindContext, sp: SubPlan, dom: AggregateDomain, p: Plan, mapOuter: (s: Scalar) => Scalar): Joinable {
  const aggExprs = (a: AggregateCall): Scalar[] => [...a.args, ...(a.filter ? [a.filter] : []), ...a.orderBy.map((k) => k.expr)];
  const used = new Map<string, Scalar>(); // outer column name → the column
  for (const s of [...sp.eqs.map((e) => e.outer), ...sp.residual, ...dom.aggs.flatMap(aggExprs), ...dom.groups.map((g) => g.expr), ...(dom.having ? [dom.having] : [])]) {
    transformUp(s, (n) => {
      if (n.kind === 'column' && sp.outer.has(n.name)) used.set(n.name, n);
      return unchanged(n);
    });
  }
  const cols = [...used.keys()];
  const dNames = cols.map(() => ctx.fresh('#outer'));
  const domain = distinct(project(p, cols.map((c, i) => named(dNames[i]!, mapOuter(used.get(c)!)))));
  const renameTo = (names: readonly string[], plan: Plan) => (s: Scalar): Scalar =>
    transformUp(s, (n) => {
      const i = n.kind === 'column' ? cols.indexOf(n.name) : -1;
      return i >= 0 ? changed(colOf(plan, names[i]!)) : unchanged(n);
    }).node;
  const toDomain = renameTo(dNames, domain);
  const input = join('inner', sp.plan, domain, { on: sp.eqs.map((e) => ({ left: e.inner, right: toDomain(e.outer) })), residual: conj(sp.residual.map(toDomain)) });
  const gNames = cols.map(() => ctx.fresh('#outer'));
  const groups = [...dom.groups.map((g) => named(g.name, toDomain(g.expr))), ...dNames.map((d, i) => named(gNames[i]!, colOf(domain, d)))];
  const aggs = dom.aggs.map((a) => ({ ...a, args: a.args.map(toDomain), filter: a.filter ? toDomain(a.filter) : null, orderBy: a.orderBy.map((k) => ({ ...k, expr: toDomain(k.expr) })) }));
  let right = aggregate(input, groups, aggs);
  if (dom.having) right = filter(right, renameTo(gNames, right)(dom.having));
  // A NULL outer value has its own domain row (`x IS NULL` may hold in the subquery): match it too.
  const keys: Key[] = [];
  const residual: Scalar[] = [];
  cols.forEach((c, i) => {
    const left = mapOuter(used.get(c)!), g = colOf(right, gNames[i]!);
    const zero = zeroOf(left.type);
    if (!zero) return void residual.push(call('is_not_distinct_from', [left, g]));
    keys.push({ left: call('coalesce', [left, zero]), right: call('coalesce', [g, zero]) }, { left: call('is_null', [left]), right: call('is_null', [g]) });
  });
  return { right, keys, residual: conj(residual) };
}

/** A constant of type `t` standing for NULL in a null-safe join key (with an `IS NULL` key beside it). */
function zeroOf(t: DataType): Scalar | null {
  if (isInteger(t) || isFloat(t)) return lit(0, t);
  if (isString(t)) return lit('', t);
  if (isBool(t)) return lit(false, t);
  return null;
}

function queue(env: ExprEnv, span: Ast.SourceSpan, f: (p: Plan) => Plan): void {
  if (!env.holder) throw new BindError('sql-unsupported', `subqueries are not supported in ${env.clause}`, span);
  env.holder.pending.push(f);
}

/** The inner value of an IN subquery as a column of its plan (appended when computed). */
function valueColumn(ctx: BindContext, plan: Plan, value: Scalar): { plan: Plan; v: Scalar } {
  if (value.kind === 'column' && plan.schema.fields.some((f) => f.name === value.name)) return { plan, v: value };
  const name = ctx.fresh('#in');
  const out = project(plan, [...plan.schema.fields.map((f) => named(f.name, colOf(plan, f.name))), named(name, value)]);
  return { plan: out, v: colOf(out, name) };
}

/** Correlation as a residual (`IN`: a NULL correlation key must not make the mark NULL). */
const asResidual = (j: Joinable): Scalar | null => conj([...j.keys.map((k) => call('=', [k.left, k.right])), ...(j.residual ? [j.residual] : [])]);

/** `x IN (subquery)` as a mark join; the mark column. */
function inMark(env: ExprEnv, sp: SubPlan, x: Scalar, value: Scalar): { apply: (p: Plan) => Plan; mark: Scalar } {
  const { ctx } = env;
  const mapOuter = env.mapOuter ?? identity;
  const mark = ctx.fresh('#in_mark');
  const apply = (p: Plan): Plan => {
    const j = sp.correlated ? joinable(ctx, sp, p, mapOuter) : { right: sp.plan, keys: [], residual: null };
    const { plan, v } = valueColumn(ctx, j.right, value);
    return join('mark', p, plan, { on: [{ left: x, right: v }], residual: asResidual(j), mark });
  };
  return { apply, mark: { kind: 'column', name: mark, type: T.bool } };
}

/** A correlated aggregate without GROUP BY, LEFT joined: its value per outer row (counts 0, not NULL). */
function singleValue(env: ExprEnv, sp: SubPlan, value: Scalar): { apply: (p: Plan) => Plan; value: Scalar } {
  const mapOuter = env.mapOuter ?? identity;
  const apply = (p: Plan): Plan => {
    const j = joinable(env.ctx, sp, p, mapOuter);
    return join('left', p, j.right, { on: j.keys, residual: j.residual });
  };
  return { apply, value: zeroCounts(mapOuter(value), sp.counts) };
}

/** A subquery in an expression (not a top-level WHERE conjunct). */
export function bindSubquery(env: ExprEnv, e: Ast.InSubquery | Ast.Exists | Ast.ScalarSubquery): Scalar {
  const { ctx } = env;
  if (!env.holder) throw new BindError('sql-unsupported', `subqueries are not supported in ${env.clause}`, e.span);
  const mapOuter = env.mapOuter ?? identity;
  const sp = subPlan(ctx, e.query, e.kind === 'exists' ? 'exists' : e.kind === 'in-subquery' ? 'in' : 'scalar');
  switch (e.kind) {
    case 'subquery': {
      const value = oneColumn(sp, e.span);
      if (!sp.correlated) {
        queue(env, e.span, (p) => join('single', p, sp.plan));
        return value;
      }
      if (sp.single) {
        const s = singleValue(env, sp, value);
        queue(env, e.span, s.apply);
        return s.value;
      }
      queue(env, e.span, (p) => {
        const j = joinable(ctx, sp, p, mapOuter);
        return join('single', p, j.right, { on: j.keys, residual: j.residual });
      });
      return mapOuter(value);
    }
    case 'exists': {
      if (sp.correlated && sp.single) return lit(true, T.bool);
      const mark = ctx.fresh('#exists');
      queue(env, e.span, (p) => {
        const j = sp.correlated ? joinable(ctx, sp, p, mapOuter) : { right: limit(sp.plan, 1), keys: [], residual: null };
        return join('mark', p, j.right, { on: j.keys, residual: j.residual, mark });
      });
      return call('coalesce', [{ kind: 'column', name: mark, type: T.bool }, lit(false, T.bool)]);
    }
    case 'in-subquery': {
      const x = bindExpr(env, e.operand);
      const value = oneColumn(sp, e.span);
      if (sp.correlated && sp.single) {
        const s = singleValue(env, sp, value);
        queue(env, e.span, s.apply);
        const eq = call('=', [x, s.value]);
        return e.negated ? not(eq) : eq;
      }
      const m = inMark(env, sp, x, value);
      queue(env, e.span, m.apply);
      return e.negated ? not(m.mark) : m.mark;
    }
  }
}

/** EXISTS, NOT EXISTS, IN and NOT IN as top-level WHERE conjuncts (semi / anti joins). */
export function isWhereSubquery(e: Ast.Expr): boolean {
  return e.kind === 'exists' || e.kind === 'in-subquery' || (e.kind === 'unary' && e.op === 'not' && e.operand.kind === 'exists');
}

export function bindWhereSubquery(env: ExprEnv, e: Ast.Expr): { apply: (p: Plan) => Plan; predicate: Scalar | null } {
  const { ctx } = env;
  const mapOuter = env.mapOuter ?? identity;
  if (e.kind === 'in-subquery') {
    const sp = subPlan(ctx, e.query, 'in');
    const x = bindExpr(env, e.operand);
    const value = oneColumn(sp, e.span);
    if (sp.correlated && sp.single) {
      const s = singleValue(env, sp, value);
      const eq = call('=', [x, s.value]);
      return { apply: s.apply, predicate: e.negated ? not(eq) : eq };
    }
    if (e.negated) {
      const m = inMark(env, sp, x, value);
      return { apply: m.apply, predicate: not(m.mark) };
    }
    return {
      apply: (p) => {
        const j = sp.correlated ? joinable(ctx, sp, p, mapOuter) : { right: sp.plan, keys: [], residual: null };
        const { plan, v } = valueColumn(ctx, j.right, value);
        return join('semi', p, plan, { on: [{ left: x, right: v }, ...j.keys], residual: j.residual });
      },
      predicate: null,
    };
  }
  const negated = e.kind === 'unary';
  const ex = (negated ? (e as Ast.Unary).operand : e) as Ast.Exists;
  const sp = subPlan(ctx, ex.query, 'exists');
  // A correlated aggregate without GROUP BY has a row for every outer row.
  if (sp.correlated && sp.single) return { apply: (p) => p, predicate: lit(!negated, T.bool) };
  return {
    apply: (p) => {
      const j = sp.correlated ? joinable(ctx, sp, p, mapOuter) : { right: limit(sp.plan, 1), keys: [], residual: null };
      return join(negated ? 'anti' : 'semi', p, j.right, { on: j.keys, residual: j.residual });
    },
    predicate: null,
  };
}
