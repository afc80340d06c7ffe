/**
 * Subqueries → joins onto the plan the expression is evaluated over (queued on the holder):
 *
 *   WHERE EXISTS (q)        → semi join          WHERE NOT EXISTS (q) → anti join
 *   WHERE x IN (q)          → semi join on x = v WHERE x NOT IN (q)   → mark join, NOT mark
 *   EXISTS / IN elsewhere   → mark join (TRUE / FALSE / NULL as SQL's IN with NULLs)
 *   scalar (q)              → single join (fails when a row matches twice); NULL without a match
 *
 * Correlated subqueries are decorrelated when the correlation is in the subquery's WHERE (the
 * common TPC-H shapes): `outer = inner` conjuncts become join keys, other correlated conjuncts
 * the join's residual. A correlated aggregate subquery without GROUP BY becomes a grouped
 * aggregate on the inner keys, LEFT joined; its count aggregates read 0 for outer rows without
 * inner rows (the "count bug"). Other shapes (correlation under set operations, LIMIT,
 * DISTINCT, GROUP BY, HAVING, or two query levels out) are 'sql-unsupported'.
 */
import { T } from '../../logical/functions.js';
import type { Plan, Scalar } from '../../logical/plan.js';
import { and, call, join, limit, lit, named, not, project } from '../../logical/plan-build.js';
import { transformUp, unchanged, changed } from '../../logical/tree.js';
import type * as Ast from '../ast.js';
import { bindExpr, type ExprEnv } from './bind-expr.js';
import { bindQuery } from './bind-query.js';
import { bindSelect, type CorrelatedEq } from './bind-select.js';
import { type BindContext, colOf } from './context.js';
import { BindError } from './diagnostics.js';

interface SubPlan {
  readonly plan: Plan;
  readonly outputs: readonly Scalar[];
  readonly eqs: readonly CorrelatedEq[];
  readonly residual: readonly Scalar[];
  readonly aggregated: boolean;
  readonly counts: ReadonlySet<string>;
  readonly correlated: boolean;
}

/** A subquery as a plan to join, with its outputs and correlation. */
function subPlan(ctx: BindContext, q: Ast.Query): SubPlan {
  const simple = q.body.kind === 'select' && q.limit === null && q.offset === null && q.with.length === 0 && !q.body.distinct;
  if (simple) {
    const s = bindSelect(ctx, q.body as Ast.Select, { orderBy: [], open: true });
    if ([...s.outerRefs.values()].some((d) => d > 1)) {
      throw new BindError('sql-unsupported', 'a subquery referring to a query two or more levels out is not supported', q.span);
    }
    if (s.outerRefs.size === 0) {
      const exprs = s.outputs.map((o, i) => named(ctx.fresh(s.names[i]!), o));
      const plan = project(s.plan, exprs);
      return { plan, outputs: exprs.map((e) => colOf(plan, e.name)), eqs: [], residual: [], aggregated: false, counts: new Set(), correlated: false };
    }
    return { plan: s.plan, outputs: s.outputs, eqs: s.eqs, residual: s.residual, aggregated: s.aggregated, counts: s.counts, correlated: true };
  }
  const depth = ctx.frames.length;
  const mark = ctx.refLog.length;
  const b = bindQuery(ctx, q);
  if (ctx.refLog.slice(mark).some((j) => j < depth)) {
    throw new BindError('sql-unsupported', 'a correlated subquery with set operations, LIMIT, DISTINCT or WITH is not supported', q.span);
  }
  return { plan: b.plan, outputs: b.plan.schema.fields.map((f) => colOf(b.plan, f.name)), eqs: [], residual: [], aggregated: false, counts: new Set(), correlated: false };
}

const keysOf = (eqs: readonly CorrelatedEq[]): { left: Scalar; right: Scalar }[] => eqs.map((e) => ({ left: e.outer, right: e.inner }));
const conj = (xs: readonly Scalar[]): Scalar | null => (xs.length === 0 ? null : and(...xs));

/** Count columns read as 0 (not NULL) after a LEFT join found no inner rows. */
function zeroCounts(s: Scalar, counts: ReadonlySet<string>): Scalar {
  if (counts.size === 0) return s;
  return transformUp(s, (n) => (n.kind === 'column' && counts.has(n.name) ? changed(call('coalesce', [n, lit(0n, T.i64)]), 'skip') : unchanged(n))).node;
}

function oneColumn(sp: SubPlan, span: Ast.SourceSpan): Scalar {
  if (sp.outputs.length !== 1) throw new BindError('sql-invalid', `the subquery must return one column, it returns ${sp.outputs.length}`, span);
  return sp.outputs[0]!;
}

function queue(env: ExprEnv, span: Ast.SourceSpan, f: (p: Plan) => Plan): void {
  if (!env.holder) throw new BindError('sql-unsupported', `subqueries are not supported in ${env.clause}`, span);
  env.holder.pending.push(f);
}

/** The inner value of an IN subquery as a column of its plan (appended when computed). */
function valueColumn(ctx: BindContext, sp: SubPlan, value: Scalar): { plan: Plan; v: Scalar } {
  if (value.kind === 'column' && sp.plan.schema.fields.some((f) => f.name === value.name)) return { plan: sp.plan, v: value };
  const name = ctx.fresh('#in');
  const plan = project(sp.plan, [...sp.plan.schema.fields.map((f) => named(f.name, colOf(sp.plan, f.name))), named(name, value)]);
  return { plan, v: colOf(plan, name) };
}

/** A subquery in an expression (not a top-level WHERE conjunct). */
export function bindSubquery(env: ExprEnv, e: Ast.InSubquery | Ast.Exists | Ast.ScalarSubquery): Scalar {
  const { ctx } = env;
  if (!env.holder) throw new BindError('sql-unsupported', `subqueries are not supported in ${env.clause}`, e.span);
  const sp = subPlan(ctx, e.query);
  switch (e.kind) {
    case 'subquery': {
      const value = oneColumn(sp, e.span);
      if (!sp.correlated) {
        queue(env, e.span, (p) => join('single', p, sp.plan));
        return value;
      }
      if (sp.aggregated) {
        queue(env, e.span, (p) => join('left', p, sp.plan, { on: keysOf(sp.eqs) }));
        return zeroCounts(value, sp.counts);
      }
      queue(env, e.span, (p) => join('single', p, sp.plan, { on: keysOf(sp.eqs), residual: conj(sp.residual) }));
      return value;
    }
    case 'exists': {
      if (sp.correlated && sp.aggregated) return existsOfAggregate(sp, e.span);
      const mark = ctx.fresh('#exists');
      const right = sp.correlated ? sp.plan : limit(sp.plan, 1);
      queue(env, e.span, (p) => join('mark', p, right, { on: keysOf(sp.eqs), residual: conj(sp.residual), mark }));
      return call('coalesce', [{ kind: 'column', name: mark, type: T.bool }, lit(false, T.bool)]);
    }
    case 'in-subquery': {
      const x = bindExpr(env, e.operand);
      const value = oneColumn(sp, e.span);
      if (sp.correlated && sp.aggregated) throw new BindError('sql-unsupported', 'a correlated aggregate IN subquery is not supported', e.span);
      const { plan, v } = valueColumn(ctx, sp, value);
      const mark = ctx.fresh('#in_mark');
      // Correlation goes to the residual: a NULL correlation key must not make the mark NULL.
      const residual = conj([...sp.eqs.map((q) => call('=', [q.outer, q.inner])), ...sp.residual]);
      queue(env, e.span, (p) => join('mark', p, plan, { on: [{ left: x, right: v }], residual, mark }));
      const m: Scalar = { kind: 'column', name: mark, type: T.bool };
      return e.negated ? not(m) : m;
    }
  }
}

/** EXISTS over a correlated aggregate without GROUP BY: one row per outer row, always TRUE. */
function existsOfAggregate(sp: SubPlan, span: Ast.SourceSpan): Scalar {
  if (sp.residual.length > 0) throw new BindError('sql-unsupported', 'EXISTS over a correlated aggregate with non-equality correlation is not supported', span);
  return lit(true, T.bool);
}

/** EXISTS, NOT EXISTS, IN and NOT IN as top-level WHERE conjuncts (semi / anti joins). */
export function isWhereSubquery(e: Ast.Expr): boolean {
  return e.kind === 'exists' || e.kind === 'in-subquery' || (e.kind === 'unary' && e.op === 'not' && e.operand.kind === 'exists');
}

export function bindWhereSubquery(env: ExprEnv, e: Ast.Expr): { apply: (p: Plan) => Plan; predicate: Scalar | null } {
  const { ctx } = env;
  if (e.kind === 'in-subquery') {
    const sp = subPlan(ctx, e.query);
    const x = bindExpr(env, e.operand);
    const value = oneColumn(sp, e.span);
    if (sp.correlated && sp.aggregated) throw new BindError('sql-unsupported', 'a correlated aggregate IN subquery is not supported', e.span);
    const { plan, v } = valueColumn(ctx, sp, value);
    if (!e.negated) return { apply: (p) => join('semi', p, plan, { on: [{ left: x, right: v }, ...keysOf(sp.eqs)], residual: conj(sp.residual) }), predicate: null };
    const mark = ctx.fresh('#not_in');
    const residual = conj([...sp.eqs.map((q) => call('=', [q.outer, q.inner])), ...sp.residual]);
    return { apply: (p) => join('mark', p, plan, { on: [{ left: x, right: v }], residual, mark }), predicate: not({ kind: 'column', name: mark, type: T.bool }) };
  }
  const negated = e.kind === 'unary';
  const ex = (negated ? (e as Ast.Unary).operand : e) as Ast.Exists;
  const sp = subPlan(ctx, ex.query);
  if (sp.correlated && sp.aggregated) {
    const always = existsOfAggregate(sp, ex.span);
    return { apply: (p) => p, predicate: negated ? not(always) : always };
  }
  const right = sp.correlated ? sp.plan : limit(sp.plan, 1);
  return { apply: (p) => join(negated ? 'anti' : 'semi', p, right, { on: keysOf(sp.eqs), residual: conj(sp.residual) }), predicate: null };
}
