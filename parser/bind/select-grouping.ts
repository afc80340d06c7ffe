/**
 * Grouping of one SELECT (bind-select.ts): GROUP BY keys (expressions, ordinals, select aliases,
 * `ALL`), and the expressions after grouping, where aggregates, window calls and `unnest()` are
 * registered as they are met (one column each, shared by structurally equal calls) and any
 * other column must be a group key ('sql-group-by').
 */
import type { Field } from 'apache-arrow';

import { listFunctions, lookupFunction, typeName } from '../../logical/functions.js';
import type { AggregateCall, NamedScalar, Scalar, WindowCall } from '../../logical/plan.js';
import { aggregateCall, named, windowCall } from '../../logical/plan-build.js';
import { columnsOf } from '../../logical/tree.js';
import type * as Ast from '../ast.js';
import { bindExpr, type ExprEnv, exprName, hasAggregate, hasWindow, isAggregateCall } from './bind-expr.js';
import { bindFrame, mergeWindow } from './bind-window.js';
import type { BindContext, Frame, PlanHolder } from './context.js';
import { BindError, unknownName } from './diagnostics.js';
import { scalarKey } from './keys.js';
import type { Scope } from './scope.js';
import { guard, type Item, orderKey } from './select-order.js';

export class Grouping {
  readonly groups: NamedScalar[] = [];
  readonly groupIndex = new Map<string, Scalar>();
  readonly aggs: AggregateCall[] = [];
  private readonly aggIndex = new Map<string, Scalar>();
  readonly windows: WindowCall[] = [];
  private readonly windowIndex = new Map<string, Scalar>();
  readonly unnests: { list: Scalar; name: string }[] = [];
  /** Columns of count aggregates (0, not NULL, for outer rows without inner rows). */
  readonly counts = new Set<string>();

  constructor(
    private readonly ctx: BindContext,
    private readonly sel: Ast.Select,
    private readonly scope: Scope,
    private readonly frame: Frame,
    /** Collection partition keys every window call is partitioned by first. */
    private readonly partition: readonly Scalar[],
    readonly aggregating: boolean,
    /** Where subqueries in aggregate arguments put their joins (applied before the aggregate). */
    private readonly argHolder: PlanHolder,
  ) {}

  /** The environment of expressions before grouping (WHERE, GROUP BY, aggregate arguments). */
  private preEnv(clause: string): ExprEnv {
    return { ctx: this.ctx, scope: this.scope, holder: null, clause };
  }

  /** Binds the GROUP BY keys (errors are collected at the top level). */
  bindKeys(items: readonly Item[]): void {
    const gb = this.sel.groupBy;
    const keys: { ast: Ast.Expr | null; scalar?: Scalar; span: Ast.SourceSpan }[] = [];
    if (gb?.kind === 'group-by-all') {
      for (const it of items) if (it.ast ? !hasAggregate(it.ast) && !hasWindow(it.ast) : true) keys.push(it.ast ? { ast: it.ast, span: it.span } : { ast: null, scalar: it.star!, span: it.span });
    } else if (gb) {
      for (const k of gb.keys) keys.push({ ast: k, span: k.span });
    }
    for (const k of keys) {
      guard(this.ctx, k.span, () => {
        const s = k.scalar ?? this.groupKey(k.ast!, items);
        this.addGroup(s, k.ast ? exprName(k.ast) : 'group');
      }, () => undefined);
    }
  }

  /** The column of group key `s` (added once, matched structurally). */
  addGroup(s: Scalar, base: string): Scalar {
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
  private groupKey(k: Ast.Expr, items: readonly Item[]): Scalar {
    if (k.kind === 'number' && /^\d+$/.test(k.text)) {
      const i = Number(k.text);
      const it = items[i - 1];
      if (!it) throw new BindError('sql-invalid', `GROUP BY position ${i} is not in the select list (1–${items.length})`, k.span);
      if (it.star) return it.star;
      if (hasAggregate(it.ast!)) throw new BindError('sql-group-by', `GROUP BY position ${i} refers to an aggregate`, k.span);
      return bindExpr(this.preEnv('GROUP BY'), it.ast!);
    }
    if (k.kind === 'column' && k.path.length === 1 && !this.scope.lookup(k.path, k.span)) {
      const it = items.find((x) => x.ast && x.name.toLowerCase() === k.path[0]!.toLowerCase());
      if (it?.ast && !hasAggregate(it.ast)) return bindExpr(this.preEnv('GROUP BY'), it.ast);
    }
    return bindExpr(this.preEnv('GROUP BY'), k);
  }

  /** A `*` column after grouping: its group key. */
  starColumn(s: Scalar, it: Item): Scalar {
    if (!this.aggregating) return s;
    const g = this.groupIndex.get(scalarKey(s));
    if (!g) throw new BindError('sql-group-by', `column "${it.name}" (from *) must appear in the GROUP BY clause or be used in an aggregate function`, it.span);
    return g;
  }

  /** Aggregates, windows and group keys after grouping; a column outside them is an error. */
  intercept(e: Ast.Expr, env: ExprEnv): Scalar | undefined {
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
    const env: ExprEnv = { ...this.preEnv('aggregate arguments'), holder: this.argHolder };
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
    if (!lookupFunction('window', fn)) throw unknownName('sql-unknown-function', `unknown window function ${e.name}`, fn, listFunctions().map((f) => f.name), e.span);
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
}

const err = (e: BindError): never => {
  throw e;
};
