/**
 * AST expressions → logical Scalars (logical/plan.ts): names resolved through the scope (then
 * enclosing queries: correlated references), operators and functions resolved through the
 * registry with DuckDB's implicit casts (logical/plan-build.ts), parameters bound as literals.
 *
 * An `intercept` lets the SELECT binder take over some nodes: aggregates and GROUP BY
 * expressions after grouping, window calls. Subqueries become joins queued on the holder
 * (bind-subquery.ts). Every error is placed at the span of the innermost node that failed.
 */
import { Type } from 'apache-arrow';

import { EngineError } from '../../errors.js';
import { isAggregateFunction, isScalarFunction, listType, T } from '../../logical/functions.js';
import type { Scalar } from '../../logical/plan.js';
import { and, call, caseWhen, cast, inList, lit, not } from '../../logical/plan-build.js';
import type * as Ast from '../ast.js';
import { formatExpr } from '../format-ast.js';
import { bindCall } from './bind-function.js';
import { bindSubquery } from './bind-subquery.js';
import type { BindContext, PlanHolder } from './context.js';
import { atSpan, BindError } from './diagnostics.js';
import { dateComparison, foldTemporal } from './fold.js';
import { parseInterval } from './literals.js';
import type { Scope } from './scope.js';
import { arrowType } from './types.js';

export interface ExprEnv {
  readonly ctx: BindContext;
  readonly scope: Scope;
  /** Where subqueries put their joins; null where subqueries are not allowed. */
  readonly holder: PlanHolder | null;
  /** Takes over a node (aggregates, group keys, windows); undefined: bind it normally. */
  readonly intercept?: (e: Ast.Expr, env: ExprEnv) => Scalar | undefined;
  /** The clause, for messages ("WHERE", "GROUP BY", …). */
  readonly clause: string;
  /** Names the SELECT list defines, usable where the scope has no such column (ORDER BY). */
  readonly aliases?: ReadonlyMap<string, Scalar>;
  /**
   * How an expression over the scope reads in the plan the holder's joins apply to (after
   * grouping: group keys become their columns); a subquery maps its outer references with it.
   */
  readonly mapOuter?: (s: Scalar) => Scalar;
}

/** Binds an expression; errors carry the span of the innermost failing node. */
export function bindExpr(env: ExprEnv, e: Ast.Expr): Scalar {
  try {
    const hit = env.intercept?.(e, env);
    if (hit) return hit;
    return bindNode(env, e);
  } catch (err) {
    throw atSpan(err, e.span);
  }
}

function bindNode(env: ExprEnv, e: Ast.Expr): Scalar {
  const sub = (x: Ast.Expr): Scalar => bindExpr(env, x);
  switch (e.kind) {
    case 'column':
      return resolveColumn(env, e.path, e.span);
    case 'number':
      return numberLiteral(e.text, false);
    case 'string':
      return lit(e.value, T.utf8);
    case 'boolean':
      return lit(e.value, T.bool);
    case 'null':
      return lit(null, T.null);
    case 'interval':
      return lit(parseInterval(e.value, e.unit), T.interval);
    case 'array':
      // `[]` has no element type yet: NULL elements convert to any list type.
      return e.elements.length === 0 ? lit([], listType(T.null)) : call('list_value', e.elements.map(sub));
    case 'parameter':
      return parameter(env.ctx, e.index, e.span);
    case 'unary':
      if (e.op === '-' && e.operand.kind === 'number') return numberLiteral(e.operand.text, true);
      if (e.op === '+') return sub(e.operand);
      return e.op === '-' ? call('neg', [sub(e.operand)]) : not(sub(e.operand));
    case 'binary':
      return dateComparison(foldTemporal(call(e.op, [sub(e.left), sub(e.right)])));
    case 'is-null':
      return call(e.negated ? 'is_not_null' : 'is_null', [sub(e.operand)]);
    case 'is-distinct-from':
      return call(e.negated ? 'is_not_distinct_from' : 'is_distinct_from', [sub(e.left), sub(e.right)]);
    case 'between': {
      const x = sub(e.operand);
      const r = and(call('>=', [x, sub(e.low)]), call('<=', [x, sub(e.high)]));
      return e.negated ? not(r) : r;
    }
    case 'in-list': {
      const x = sub(e.operand);
      return inList(x, e.list.map(sub), e.negated);
    }
    case 'like': {
      const args = [sub(e.operand), sub(e.pattern), ...(e.escape ? [sub(e.escape)] : [])];
      const r = call(e.caseInsensitive ? 'ilike' : 'like', args);
      return e.negated ? not(r) : r;
    }
    case 'in-subquery':
    case 'exists':
    case 'subquery':
      return bindSubquery(env, e);
    case 'case': {
      const operand = e.operand ? sub(e.operand) : null;
      const whens = e.whens.map((w) => ({ when: operand ? call('=', [operand, sub(w.when)]) : sub(w.when), then: sub(w.then) }));
      return caseWhen(whens, e.else ? sub(e.else) : null);
    }
    case 'cast': {
      const x = sub(e.operand);
      const t = arrowType(e.type);
      if (!e.try || x.kind !== 'literal') return cast(x, t, e.try);
      try {
        return cast(x, t, true);
      } catch (err) {
        // TRY_CAST of a constant that does not convert is NULL (plan-build folds constant casts).
        if (err instanceof EngineError && (err.code === 'conversion-error' || err.code === 'numeric-overflow')) return lit(null, t);
        throw err;
      }
    }
    case 'call':
      return env.ctx.reductions.get(e) ?? bindCall(env, e);
    case 'field':
      return fieldOf(sub(e.operand), e.field);
    case 'index': {
      const x = sub(e.operand);
      if (x.type.typeId === Type.Struct && e.index.kind === 'string') return fieldOf(x, e.index.value);
      return call('list_element', [x, sub(e.index)]);
    }
  }
}

/** A struct field of `x` (names compared case-insensitively). */
export function fieldOf(x: Scalar, field: string): Scalar {
  if (x.type.typeId !== Type.Struct) throw new BindError('sql-type-mismatch', `cannot take field "${field}" of a value of type ${String(x.type)}`, null);
  const children = (x.type as unknown as { children: { name: string }[] }).children;
  const f = children.find((c) => c.name === field) ?? children.find((c) => c.name.toLowerCase() === field.toLowerCase());
  if (!f) throw new BindError('sql-unknown-column', `the struct has no field "${field}" (fields: ${children.map((c) => c.name).join(', ')})`, null);
  return call('struct_extract', [x, lit(f.name, T.utf8)]);
}

/** `12` → INTEGER, larger → BIGINT, `1.5` / `1e3` → DOUBLE (DuckDB makes DECIMAL; see README). */
export function numberLiteral(text: string, negative: boolean): Scalar {
  if (/^\d+$/.test(text)) {
    const n = negative ? -BigInt(text) : BigInt(text);
    if (n >= -(2n ** 31n) && n < 2n ** 31n) return lit(Number(n), T.i32);
    if (n >= -(2n ** 63n) && n < 2n ** 63n) return lit(n, T.i64);
  }
  const v = Number(text);
  return lit(negative ? -v : v, T.f64);
}

/** The value of parameter `$index` as a literal (never spliced into text). */
function parameter(ctx: BindContext, index: number, span: Ast.SourceSpan): Scalar {
  if (index < 1 || index > ctx.params.length) {
    throw new BindError('sql-invalid', `parameter $${index} has no value (${ctx.params.length} given)`, span);
  }
  const v = ctx.params[index - 1];
  if (v === null || v === undefined) return lit(null, T.null);
  if (typeof v === 'number' && !Number.isInteger(v)) return lit(v, T.f64);
  return lit(v);
}

const NILADIC = new Set(['current_date', 'current_timestamp', 'now', 'today']);

/** A column by name: this scope, then enclosing queries (a correlated reference), then SELECT aliases. */
export function resolveColumn(env: ExprEnv, path: readonly string[], span: Ast.SourceSpan): Scalar {
  const local = env.scope.lookup(path, span);
  if (local) return withFields(local.column.expr, local.fields);
  const frames = env.ctx.frames;
  // frames[length-1] is the query being bound (its scope is env.scope or its FROM scope).
  for (let j = frames.length - 2; j >= 0; j--) {
    const hit = frames[j]!.scope.lookup(path, span);
    if (!hit) continue;
    const expr = withFields(hit.column.expr, hit.fields);
    env.ctx.refLog.push(j);
    if (hit.column.expr.kind === 'column') {
      for (let k = j + 1; k < frames.length; k++) frames[k]!.outerRefs.set(hit.column.expr.name, k - j);
    }
    return expr;
  }
  if (path.length === 1) {
    const alias = [...(env.aliases ?? [])].find(([k]) => k.toLowerCase() === path[0]!.toLowerCase());
    if (alias) return alias[1];
    const name = path[0]!.toLowerCase();
    if (NILADIC.has(name)) return call(name === 'today' ? 'current_date' : name, []);
  }
  throw env.scope.unknown(path, span, [...(env.aliases?.keys() ?? [])]);
}

function withFields(x: Scalar, fields: readonly string[]): Scalar {
  let r = x;
  for (const f of fields) r = fieldOf(r, f);
  return r;
}

/** Whether an AST expression contains an aggregate call (not inside a subquery or a window's OVER). */
export function hasAggregate(e: Ast.Expr, except?: ReadonlyMap<Ast.FunctionCall, unknown>): boolean {
  if (e.kind === 'call' && except?.has(e)) return false; // a collection reduction: a per-row value
  if (e.kind === 'call' && e.over === null && isAggregateCall(e)) return true;
  return childExprs(e).some((c) => hasAggregate(c, except));
}

/** Whether an AST expression contains a window call (not inside a subquery). */
export function hasWindow(e: Ast.Expr): boolean {
  return someNode(e, (n) => n.kind === 'call' && n.over !== null);
}

/** An aggregate function call (a name the registry knows as an aggregate and not as a scalar). */
export function isAggregateCall(c: Ast.FunctionCall): boolean {
  if (c.star) return true;
  const n = c.name.toLowerCase();
  return isAggregateFunction(n) && !isScalarFunction(n);
}

/** True when `pred` holds for a node of `e` (subqueries are not entered). */
export function someNode(e: Ast.Expr, pred: (n: Ast.Expr) => boolean): boolean {
  if (pred(e)) return true;
  return childExprs(e).some((c) => someNode(c, pred));
}

/** Direct sub-expressions (not those of subqueries). */
export function childExprs(e: Ast.Expr): Ast.Expr[] {
  switch (e.kind) {
    case 'column': case 'number': case 'string': case 'boolean': case 'null': case 'interval': case 'parameter':
    case 'exists': case 'subquery':
      return [];
    case 'array': return [...e.elements];
    case 'unary': return [e.operand];
    case 'binary': return [e.left, e.right];
    case 'is-null': return [e.operand];
    case 'is-distinct-from': return [e.left, e.right];
    case 'between': return [e.operand, e.low, e.high];
    case 'in-list': return [e.operand, ...e.list];
    case 'in-subquery': return [e.operand];
    case 'like': return [e.operand, e.pattern, ...(e.escape ? [e.escape] : [])];
    case 'case': return [...(e.operand ? [e.operand] : []), ...e.whens.flatMap((w) => [w.when, w.then]), ...(e.else ? [e.else] : [])];
    case 'cast': return [e.operand];
    case 'call':
      return [
        ...e.args.map((a) => a.value),
        ...e.orderBy.map((o) => o.expr),
        ...(e.filter ? [e.filter] : []),
        ...(e.over ? [...e.over.partitionBy, ...e.over.orderBy.map((o) => o.expr)] : []),
      ];
    case 'field': return [e.operand];
    case 'index': return [e.operand, e.index];
  }
}

/** The output name of a select expression without alias: a column's name, else the SQL text. */
export function exprName(e: Ast.Expr): string {
  if (e.kind === 'column') return e.path[e.path.length - 1]!;
  if (e.kind === 'cast' && e.operand.kind === 'column') return e.operand.path[e.operand.path.length - 1]!;
  if (e.kind === 'call' && e.star) return 'count_star()';
  return formatExpr(e);
}

/** Splits an AST predicate into its AND-ed conjuncts. */
export function astConjuncts(e: Ast.Expr): Ast.Expr[] {
  return e.kind === 'binary' && e.op === 'and' ? [...astConjuncts(e.left), ...astConjuncts(e.right)] : [e];
}

/** A constant integer (LIMIT, OFFSET, ordinals): a literal or parameter, evaluated now. */
export function constantInteger(env: ExprEnv, e: Ast.Expr, what: string): number {
  const s = bindExpr({ ...env, holder: null }, e);
  const v = s.kind === 'literal' ? s.value : s.kind === 'cast' && s.arg.kind === 'literal' ? s.arg.value : undefined;
  const n = typeof v === 'bigint' ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 0) throw new BindError('sql-invalid', `${what} must be a non-negative integer constant`, e.span);
  return n;
}

/** Calls `f` on every expression of a query (its SELECTs, subqueries and FROM items included). */
export function walkQueryExprs(q: Ast.Query, f: (e: Ast.Expr) => void): void {
  const walk = (n: unknown): void => {
    if (Array.isArray(n)) return n.forEach(walk);
    if (typeof n !== 'object' || n === null) return;
    const o = n as { kind?: string };
    if (o.kind && EXPR_KINDS.has(o.kind)) return f(n as Ast.Expr);
    for (const [k, v] of Object.entries(n)) if (k !== 'span') walk(v);
  };
  walk(q);
}

const EXPR_KINDS = new Set(['column', 'number', 'string', 'boolean', 'null', 'interval', 'array', 'parameter', 'unary', 'binary', 'is-null', 'is-distinct-from', 'between', 'in-list', 'in-subquery', 'like', 'exists', 'subquery', 'case', 'cast', 'call', 'field', 'index']);
