/**
 * AST expressions as level expressions (logical/expr.ts) of a collection scan: fields, keys,
 * constants, arithmetic and comparisons, and reductions of descendant collections (an aggregate
 * over a deeper level, nested aggregates reducing one level each, FILTER narrowing the level).
 */
import type { Expr, Level } from '../../logical/expr.js';
import type * as Ast from '../ast.js';
import { childExprs, isAggregateCall } from './bind-expr.js';
import type { CollectionBinder } from './collection-binder.js';
import { REDUCERS } from './collection-types.js';
import { BindError } from './diagnostics.js';

/**
 * An AST expression as a level expression, or null when it is not one (function calls,
 * CASE, …). `mode` 'filter' refuses NOT (filters treat NULL as false) and reductions.
 */
export function toLevelExpr(b: CollectionBinder, e: Ast.Expr, mode: 'item' | 'filter', plainLevels = false, nested = false): Expr | null {
  const sub = (x: Ast.Expr): Expr | null => toLevelExpr(b, x, mode, plainLevels, nested);
  switch (e.kind) {
    case 'column': {
      const r = b.resolve(e.path);
      if (!r) return null;
      if (r.kind === 'field') {
        if (r.used !== e.path.length) return null;
        const x = b.refExpr(r, plainLevels) as Expr & { kind: 'field' };
        return { ...x, path: r.field };
      }
      return b.refExpr(r, plainLevels);
    }
    case 'number': return { kind: 'literal', value: Number(e.text) };
    case 'string': return { kind: 'literal', value: e.value };
    case 'boolean': return { kind: 'literal', value: e.value };
    case 'null': return { kind: 'literal', value: null };
    case 'unary': {
      if (e.op === 'not' && mode === 'filter') return null;
      const x = sub(e.operand);
      if (!x) return null;
      if (e.op === '+') return x;
      if (e.op === '-' && x.kind === 'literal' && typeof x.value === 'number') return { kind: 'literal', value: -x.value };
      return { kind: 'unary', op: e.op === '-' ? 'neg' : 'not', arg: x };
    }
    case 'binary': {
      const op = e.op === '<>' ? '!=' : e.op;
      if (op === '||') return null;
      const l = sub(e.left), r = sub(e.right);
      return l && r ? { kind: 'binary', op, left: l, right: r } : null;
    }
    case 'is-null': {
      const x = sub(e.operand);
      return x ? { kind: 'unary', op: e.negated ? 'is_not_null' : 'is_null', arg: x } : null;
    }
    case 'between': {
      if (e.negated) return null;
      const x = sub(e.operand), lo = sub(e.low), hi = sub(e.high);
      return x && lo && hi ? { kind: 'binary', op: 'and', left: { kind: 'binary', op: '>=', left: x, right: lo }, right: { kind: 'binary', op: '<=', left: x, right: hi } } : null;
    }
    case 'call':
      if (mode === 'filter' || e.over || !isAggregateCall(e)) return null;
      return reduction(b, e, nested);
    default:
      return null;
  }
}

/** An aggregate over descendants as a reduction (null: over the FROM level, a relational aggregate). */
export function reduction(b: CollectionBinder, e: Ast.FunctionCall, nested: boolean): Expr | null {
  const arg = e.args[0]?.value;
  if (!arg || e.args.length !== 1) return null;
  // Inner aggregates first: their results are values one level up.
  const level = argLevel(b, arg);
  if (!level || level.length <= b.from.length) return null;
  const fn = REDUCERS[e.name.toLowerCase()];
  if (!fn) throw new BindError('sql-unsupported', `${e.name} cannot reduce a descendant collection (use ${Object.keys(REDUCERS).join(', ')})`, e.span);
  if (e.distinct || e.orderBy.length > 0) throw new BindError('sql-unsupported', `${e.name}(DISTINCT / ORDER BY …) over a descendant collection is not supported`, e.span);
  const x = toLevelExpr(b, arg, 'item', true, true);
  if (!x) throw new BindError('sql-unsupported', `inside a reduction of a descendant collection only fields, keys, constants, arithmetic, comparisons and nested aggregates are supported`, arg.span);
  let argExpr = x;
  if (e.filter) {
    const pred = toLevelExpr(b, e.filter, 'filter', true);
    if (!pred) throw new BindError('sql-unsupported', 'FILTER (WHERE …) of a reduction takes comparisons of the reduced level’s fields', e.filter.span);
    argExpr = withLevelFilter(argExpr, level, { depth: level.length - 1, pred });
  }
  const to = nested ? level.slice(0, -1) : b.from;
  return { kind: 'reduce', fn: fn === 'any' ? 'any' : fn, arg: argExpr, to, ...(fn === 'any' ? { pred: argExpr } : {}) };
}

/** The level a reduction argument lives at (inner aggregates count one level up). */
function argLevel(b: CollectionBinder, e: Ast.Expr): readonly string[] | null {
  let best: readonly string[] | null = null;
  const consider = (p: readonly string[] | null): void => {
    if (p && (!best || p.length > best.length)) best = p;
  };
  const visit = (x: Ast.Expr): void => {
    if (x.kind === 'call' && x.over === null && isAggregateCall(x)) {
      const inner = x.args[0] ? argLevel(b, x.args[0].value) : null;
      consider(inner ? inner.slice(0, -1) : null);
      return;
    }
    if (x.kind === 'column') {
      const r = b.resolve(x.path);
      if (r && (r.kind === 'field' || r.kind === 'key')) consider(r.path);
    }
    childExprs(x).forEach(visit);
  };
  visit(e);
  return best;
}

/** `e` with every field of `level` reading the level narrowed by `filter`. */
function withLevelFilter(e: Expr, level: readonly string[], filter: { depth: number; pred: Expr }): Expr {
  const same = (l: Level): boolean => l.path.length === level.length && l.path.every((p, i) => p === level[i]);
  const map = (x: Expr): Expr => {
    switch (x.kind) {
      case 'field':
      case 'key':
        return same(x.level) ? { ...x, level: { ...x.level, filters: [...x.level.filters, filter] } } : x;
      case 'binary':
        return { ...x, left: map(x.left), right: map(x.right) };
      case 'unary':
        return { ...x, arg: map(x.arg) };
      default:
        return x;
    }
  };
  return map(e);
}
