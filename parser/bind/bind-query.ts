/**
 * Queries: WITH (CTEs, bound again at each reference), set operations (UNION / INTERSECT /
 * EXCEPT [ALL], columns by position, types unified: a string column with a non-string one
 * gives VARCHAR, as DuckDB does), VALUES, ORDER BY over the output (names, ordinals,
 * expressions of output columns) and LIMIT / OFFSET (constants or parameters).
 */
import { commonType, isString, sameType, T, typeName } from '../../logical/functions.js';
import type { Plan, Scalar } from '../../logical/plan.js';
import { cast, limit, named, project, setOp, sort, values } from '../../logical/plan-build.js';
import type * as Ast from '../ast.js';
import { bindExpr, constantInteger, type ExprEnv } from './bind-expr.js';
import { bindSelect } from './bind-select.js';
import { orderKey } from './select-order.js';
import { type BindContext, colOf, type CteDef } from './context.js';
import { BindError } from './diagnostics.js';
import { Scope } from './scope.js';

export interface BoundQuery {
  /** One column per name, in order. */
  readonly plan: Plan;
  /** Output names as the user sees them (may repeat; plan columns are unique). */
  readonly names: readonly string[];
}

export function bindQuery(ctx: BindContext, q: Ast.Query): BoundQuery {
  if (q.recursive) {
    // A recursive CTE needs an iterating plan node (a working table re-read until no new rows); gyre has none yet.
    const first = q.with[0];
    throw new BindError('sql-unsupported', 'WITH RECURSIVE is not supported (no recursive CTEs yet: write the recursion out, or compute it outside SQL)', first ? first.span : q.span);
  }
  const ctes = new Map(ctx.ctes);
  for (const c of q.with) {
    if ([...ctes.keys()].some((k) => k.toLowerCase() === c.name.toLowerCase()) && q.with.filter((x) => x.name.toLowerCase() === c.name.toLowerCase()).length > 1) {
      throw new BindError('sql-invalid', `the CTE name ${c.name} is defined twice`, c.span);
    }
    const def: CteDef = { ast: c, scope: new Map(ctes) };
    ctes.set(c.name, def);
  }
  return ctx.withCtes(ctes, () => {
    let bound: BoundQuery;
    if (q.body.kind === 'select') {
      const s = bindSelect(ctx, q.body, { orderBy: q.orderBy });
      bound = { plan: s.plan, names: s.names };
    } else {
      bound = bindBody(ctx, q.body);
      if (q.orderBy.length > 0) bound = orderOutput(ctx, bound, q.orderBy);
    }
    if (q.limit || q.offset) {
      const env: ExprEnv = { ctx, scope: Scope.empty(), holder: null, clause: 'LIMIT' };
      const n = q.limit ? constantInteger(env, q.limit, 'LIMIT') : null;
      const off = q.offset ? constantInteger({ ...env, clause: 'OFFSET' }, q.offset, 'OFFSET') : 0;
      bound = { plan: limit(bound.plan, n, off), names: bound.names };
    }
    return bound;
  });
}

export function bindBody(ctx: BindContext, b: Ast.QueryBody): BoundQuery {
  switch (b.kind) {
    case 'select': {
      const s = bindSelect(ctx, b, { orderBy: [] });
      return { plan: s.plan, names: s.names };
    }
    case 'query':
      return bindQuery(ctx, b);
    case 'values':
      return bindValues(ctx, b);
    case 'set-operation':
      return bindSetOp(ctx, b);
  }
}

function bindValues(ctx: BindContext, v: Ast.Values): BoundQuery {
  const env: ExprEnv = { ctx, scope: Scope.empty(), holder: null, clause: 'VALUES' };
  const width = v.rows[0]?.length ?? 0;
  const rows = v.rows.map((r) => {
    if (r.length !== width) throw new BindError('sql-invalid', `VALUES rows have different lengths (${width} and ${r.length})`, v.span);
    return r.map((e) => bindExpr(env, e));
  });
  const names = Array.from({ length: width }, (_, i) => `col${i}`);
  const types = names.map((_, j) => {
    let t = T.null as Plan['schema']['fields'][number]['type'];
    for (const r of rows) {
      const c = commonType(t, r[j]!.type) ?? (isString(t) || isString(r[j]!.type) ? T.utf8 : null);
      if (!c) throw new BindError('sql-type-mismatch', `VALUES column ${j + 1}: ${typeName(t)} and ${typeName(r[j]!.type)} have no common type`, v.span);
      t = c;
    }
    return t.typeId === T.null.typeId ? T.i32 : t;
  });
  const cast_ = rows.map((r) => r.map((e, j) => (sameType(e.type, types[j]!) ? e : cast(e, types[j]!))));
  return { plan: values(names.map((n) => ctx.fresh(n)), cast_, types), names };
}

/** Set operation column type: the common type; a string with anything else gives VARCHAR. */
function unify(a: Plan['schema']['fields'][number]['type'], b: Plan['schema']['fields'][number]['type']): Plan['schema']['fields'][number]['type'] | null {
  if (sameType(a, b)) return a;
  if ((isString(a) && b.typeId !== T.null.typeId) || (isString(b) && a.typeId !== T.null.typeId)) return T.utf8;
  return commonType(a, b);
}

function castTo(ctx: BindContext, p: Plan, types: readonly Plan['schema']['fields'][number]['type'][], fresh: boolean): Plan {
  const fs = p.schema.fields;
  if (!fresh && fs.every((f, i) => sameType(f.type, types[i]!))) return p;
  return project(p, fs.map((f, i) => named(fresh ? ctx.fresh(f.name.replace(/#\d+$/, '')) : f.name, cast(colOf(p, f.name), types[i]!))));
}

function bindSetOp(ctx: BindContext, s: Ast.SetOperation): BoundQuery {
  const l = bindBody(ctx, s.left), r = bindBody(ctx, s.right);
  const lf = l.plan.schema.fields, rf = r.plan.schema.fields;
  if (lf.length !== rf.length) {
    throw new BindError('sql-invalid', `${s.op.toUpperCase()}: the left query has ${lf.length} columns, the right ${rf.length}`, s.span);
  }
  const types = lf.map((f, i) => {
    const t = unify(f.type, rf[i]!.type);
    if (!t) throw new BindError('sql-type-mismatch', `${s.op.toUpperCase()} column ${i + 1}: ${typeName(f.type)} and ${typeName(rf[i]!.type)} have no common type`, s.span);
    return t.typeId === T.null.typeId ? T.i32 : t;
  });
  const left = castTo(ctx, l.plan, types, false);
  const right = castTo(ctx, r.plan, types, false);
  return { plan: setOp(s.op, s.all, left, right), names: l.names };
}

/** ORDER BY over a set operation's (or VALUES') output: ordinals, names, expressions of them. */
function orderOutput(ctx: BindContext, q: BoundQuery, items: readonly Ast.OrderItem[]): BoundQuery {
  const scope = new Scope(q.plan.schema.fields.map((f, i) => ({ table: null, name: q.names[i]!, expr: colOf(q.plan, f.name) })));
  const env: ExprEnv = { ctx, scope, holder: null, clause: 'ORDER BY' };
  const keys = items.map((o) => {
    let e: Scalar;
    if (o.expr.kind === 'number' && /^\d+$/.test(o.expr.text)) {
      const i = Number(o.expr.text);
      const f = q.plan.schema.fields[i - 1];
      if (!f) throw new BindError('sql-invalid', `ORDER BY position ${i} is not in the select list (1–${q.names.length})`, o.expr.span);
      e = colOf(q.plan, f.name);
    } else e = bindExpr(env, o.expr);
    return orderKey(e, o);
  });
  return { plan: sort(q.plan, keys), names: q.names };
}
