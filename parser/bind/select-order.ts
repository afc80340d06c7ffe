/**
 * The end of one SELECT (bind-select.ts): what each ORDER BY item sorts by (an output by ordinal
 * or name, else an expression over the input, added as a hidden column), and the closing
 * projection, DISTINCT, sort and final projection. Also the select items and the error guard
 * the SELECT binder shares with its grouping.
 */
import type { NamedScalar, Plan, Scalar, SortKey } from '../../logical/plan.js';
import { distinct, named, project, sort, sortKey } from '../../logical/plan-build.js';
import type * as Ast from '../ast.js';
import { type BindContext, colOf } from './context.js';
import { BindError } from './diagnostics.js';
import { scalarKey } from './keys.js';

/** A select item; a `*` becomes one item per column. */
export interface Item {
  readonly ast: Ast.Expr | null;
  /** A `*` column. */
  readonly star: Scalar | null;
  readonly name: string;
  readonly span: Ast.SourceSpan;
}

/** Runs `f`; at the top level a bind error is collected (and `fallback` used) instead of thrown. */
export function guard<T>(ctx: BindContext, span: Ast.SourceSpan, f: () => T, fallback: () => T): T {
  if (ctx.frames.length !== 1) return f();
  return ctx.diagnostics.guard(span, f, fallback);
}

/** A sort key from an ORDER BY item; NULLS LAST by default in both directions (DuckDB). */
export function orderKey(expr: Scalar, o: Ast.OrderItem): SortKey {
  const descending = o.direction === 'desc';
  return sortKey(expr, { descending, nullsFirst: o.nulls === 'first' });
}

/** What an ORDER BY item sorts by: the select output it names (index ≥ 0), or an expression. */
export interface OrderTarget {
  readonly index: number;
  readonly expr: Scalar;
}

/** The select output an ORDER BY item names (index), or an expression over the input (`bind`). */
export function orderTarget(o: Ast.OrderItem, items: readonly Item[], outputs: readonly Scalar[], bind: (e: Ast.Expr) => Scalar): OrderTarget {
  const e = o.expr;
  if (e.kind === 'number' && /^\d+$/.test(e.text)) {
    const i = Number(e.text);
    if (i < 1 || i > outputs.length) throw new BindError('sql-invalid', `ORDER BY position ${i} is not in the select list (1–${outputs.length})`, e.span);
    return { index: i - 1, expr: outputs[i - 1]! };
  }
  if (e.kind === 'column' && e.path.length === 1) {
    const hits = items.map((it, i) => (it.name.toLowerCase() === e.path[0]!.toLowerCase() ? i : -1)).filter((i) => i >= 0);
    if (hits.length === 1 || (hits.length > 1 && hits.every((i) => scalarKey(outputs[i]!) === scalarKey(outputs[hits[0]!]!)))) return { index: hits[0]!, expr: outputs[hits[0]!]! };
  }
  const s = bind(e);
  const k = scalarKey(s);
  const i = outputs.findIndex((x) => scalarKey(x) === k);
  return { index: i, expr: s };
}

/** Projection, DISTINCT, ORDER BY and the final projection (dropping ORDER BY-only columns). */
export function closeSelect(ctx: BindContext, sel: Ast.Select, orderBy: readonly Ast.OrderItem[], input: Plan, names: readonly string[], outputs: readonly Scalar[], order: readonly OrderTarget[]): Plan {
  const exprs = outputs.map((e, i) => named(ctx.fresh(names[i]!), e));
  const hidden: NamedScalar[] = [];
  const keys: { name: string; item: Ast.OrderItem }[] = [];
  order.forEach((o, i) => {
    const item = orderBy[i]!;
    if (o.index >= 0) keys.push({ name: exprs[o.index]!.name, item });
    else {
      const h = named(ctx.fresh('#order'), o.expr);
      hidden.push(h);
      keys.push({ name: h.name, item });
    }
  });
  if (sel.distinct && hidden.length > 0) {
    const bad = keys.find((k) => hidden.some((h) => h.name === k.name))!.item;
    throw new BindError('sql-invalid', 'for SELECT DISTINCT, ORDER BY expressions must appear in the select list', bad.span);
  }
  let plan = project(input, [...exprs, ...hidden]);
  if (sel.distinct) plan = distinct(plan);
  if (keys.length > 0) plan = sort(plan, keys.map((k) => orderKey(colOf(plan, k.name), k.item)));
  if (hidden.length > 0) plan = project(plan, exprs.map((e) => named(e.name, colOf(plan, e.name))));
  return plan;
}
