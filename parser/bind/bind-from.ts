/**
 * FROM items → a plan and the scope of names it makes visible: catalog tables (optionally
 * AS OF a version or time), CTEs (bound again at every reference, so two references are two
 * independent inputs), subqueries, table functions (`unnest`, `range`, `generate_series`;
 * collection functions in bind-collection.ts), collection paths, and joins (ON split into
 * equi-keys and a residual; USING with merged columns; CROSS; ASOF).
 */
import { type DataType, Field, Int64, makeData, RecordBatch, Schema, Struct } from 'apache-arrow';

import { T } from '../../logical/functions.js';
import type { Plan, Scalar } from '../../logical/plan.js';
import { call, cast, join, lit, named, project, source, tableScan, unnest } from '../../logical/plan-build.js';
import { columnsOf, conjuncts } from '../../logical/tree.js';
import type * as Ast from '../ast.js';
import { bindCollection, isCollectionFunction } from './bind-collection.js';
import { bindExpr, type ExprEnv } from './bind-expr.js';
import { bindQuery } from './bind-query.js';
import { oneRow } from './bind-select.js';
import type { AsOfValue } from './catalog.js';
import type { BindContext } from './context.js';
import { BindError, unknownName } from './diagnostics.js';
import { orderJoins, type TableStats } from './join-order.js';
import { Scope, type ScopeColumn, sameName } from './scope.js';

export interface BoundFrom {
  readonly plan: Plan;
  readonly scope: Scope;
  /** Window partitions every window call gets (a collection's parent keys). */
  readonly partition?: readonly Scalar[];
  /** A base table's size and key (for the join order of FROM lists). */
  readonly stats?: TableStats;
}

export function bindFrom(ctx: BindContext, from: readonly Ast.Relation[]): BoundFrom {
  let acc: BoundFrom | null = null;
  const items: BoundFrom[] = [];
  let lateral = false;
  for (const r of from) {
    if (ctx.consumed.has(r)) continue;
    if (acc && r.kind === 'table-function' && isLateral(r)) {
      acc = bindTableFunction(ctx, r, acc);
      lateral = true;
      continue;
    }
    const b = bindRelation(ctx, r, acc);
    items.push(b);
    acc = acc ? crossJoin(acc, b) : b;
  }
  // A list of plain tables: the plan joins them in a better order (join-order.ts), same scope.
  const ordered = lateral ? null : orderJoins(items, ctx.selects[ctx.selects.length - 1]?.select.where ?? null);
  return ordered ? { ...acc!, plan: ordered } : acc!;
}

const isLateral = (r: Ast.TableFunction): boolean => ['unnest'].includes(r.name[r.name.length - 1]!.toLowerCase()) || isCollectionFunction(r);

function crossJoin(l: BoundFrom, r: BoundFrom): BoundFrom {
  return { plan: join('cross', l.plan, r.plan), scope: l.scope.concat(r.scope), ...(l.partition ? { partition: l.partition } : {}) };
}

/** Runs `f` (binding a subquery in FROM); a reference to an enclosing query is 'sql-unsupported'. */
function lateralGuard<T>(ctx: BindContext, span: Ast.SourceSpan, f: () => T): T {
  const depth = ctx.frames.length;
  const mark = ctx.refLog.length;
  const escaped = (): boolean => ctx.refLog.slice(mark).some((j) => j < depth);
  const unsupported = (): BindError => new BindError('sql-unsupported', 'a subquery in FROM that refers to columns of an enclosing query (LATERAL) is not supported', span);
  let out: T;
  try {
    out = f();
  } catch (e) {
    throw escaped() ? unsupported() : e;
  }
  if (escaped()) throw unsupported();
  return out;
}

/** A FROM item; `left` is what precedes it (lateral table functions read its columns). */
export function bindRelation(ctx: BindContext, r: Ast.Relation, left: BoundFrom | null): BoundFrom {
  switch (r.kind) {
    case 'table':
      return bindTable(ctx, r, left);
    case 'subquery-relation': {
      const q = lateralGuard(ctx, r.span, () => bindQuery(ctx, r.query));
      return aliased(q.plan, q.names, r.alias, null, r.span);
    }
    case 'table-function':
      return bindTableFunction(ctx, r, left);
    case 'join':
      return bindJoin(ctx, r);
  }
}

/** A scope over a plan's columns named `names`, qualified by the alias (with column aliases applied). */
export function aliased(plan: Plan, names: readonly string[], alias: Ast.TableAlias | null, defaultQualifier: string | null, span: Ast.SourceSpan): BoundFrom {
  if (alias && alias.columns.length > names.length) {
    throw new BindError('sql-invalid', `${alias.name} has ${names.length} columns but ${alias.columns.length} column aliases were given`, alias.span);
  }
  const q = alias?.name ?? defaultQualifier;
  const cols: ScopeColumn[] = plan.schema.fields.map((f, i) => ({
    table: q,
    name: alias?.columns[i] ?? names[i]!,
    expr: { kind: 'column', name: f.name, type: f.type },
  }));
  void span;
  return { plan, scope: new Scope(cols) };
}

/** The version or time of `AS OF`, from a constant expression. */
export function asOfValue(ctx: BindContext, a: Ast.AsOf | null): AsOfValue {
  if (!a) return null;
  const env: ExprEnv = { ctx, scope: Scope.empty(), holder: null, clause: 'AS OF' };
  const s = bindExpr(env, a.value);
  const v = s.kind === 'literal' ? s.value : s.kind === 'cast' && s.arg.kind === 'literal' ? s.arg.value : undefined;
  if (a.by === 'version') {
    const n = typeof v === 'bigint' ? Number(v) : v;
    if (typeof n !== 'number' || !Number.isInteger(n) || n < 1) throw new BindError('sql-invalid', 'AS OF VERSION takes a positive integer constant', a.value.span);
    return n;
  }
  if (typeof v === 'string') return v;
  if (typeof v === 'bigint' && s.type.typeId === T.timestamp.typeId) return new Date(Number(v / 1000n)).toISOString();
  throw new BindError('sql-invalid', 'AS OF takes a timestamp constant (AS OF TIMESTAMP \'2024-01-01 00:00:00\')', a.value.span);
}

function bindTable(ctx: BindContext, r: Ast.TableRef, left: BoundFrom | null): BoundFrom {
  const path = r.path;
  const cte = path.length === 1 ? [...ctx.ctes].find(([k]) => sameName(k, path[0]!))?.[1] : undefined;
  if (cte) {
    if (r.asOf) throw new BindError('sql-invalid', `AS OF applies to stored tables, not to the CTE ${path[0]}`, r.asOf.span);
    const q = ctx.withCtes(cte.scope, () => bindQuery(ctx, cte.ast.query));
    if (cte.ast.columns.length > q.names.length) throw new BindError('sql-invalid', `CTE ${cte.ast.name} has ${q.names.length} columns but ${cte.ast.columns.length} names were given`, cte.ast.span);
    const names = q.names.map((n, i) => cte.ast.columns[i] ?? n);
    return aliased(q.plan, names, r.alias, cte.ast.name, r.span);
  }
  const asof = asOfValue(ctx, r.asOf);
  const t = ctx.catalog.table(path, asof);
  if (t) {
    const qualifier = r.alias?.name ?? path[path.length - 1]!;
    const scanCols = t.columns.filter((c) => c.stored);
    const names = new Map(scanCols.map((c) => [c.name, ctx.fresh(`${qualifier}.${c.name}`)]));
    let plan = tableScan({ id: t.id, asof }, scanCols.map((c) => ({ column: c.name, name: names.get(c.name)!, type: c.type, nullable: c.nullable })));
    const missing = t.columns.filter((c) => !c.stored);
    if (missing.length > 0) {
      // Declared columns no write has stored yet read as NULL.
      for (const c of missing) names.set(c.name, ctx.fresh(`${qualifier}.${c.name}`));
      const p = plan;
      plan = project(p, [
        ...p.schema.fields.map((f) => named(f.name, { kind: 'column', name: f.name, type: f.type } as Scalar)),
        ...missing.map((c) => named(names.get(c.name)!, cast(lit(null), c.type))),
      ]);
    }
    if (r.alias && r.alias.columns.length > t.columns.filter((c) => !c.hidden).length) throw new BindError('sql-invalid', `${qualifier} has fewer columns than the ${r.alias.columns.length} column aliases given`, r.alias.span);
    let visible = 0;
    const cols: ScopeColumn[] = t.columns.map((c) => {
      const f = plan.schema.fields.find((x) => x.name === names.get(c.name))!;
      const alias = c.hidden ? undefined : r.alias?.columns[visible++];
      return { table: qualifier, tablePath: r.alias ? [r.alias.name] : path, name: alias ?? c.name, expr: { kind: 'column', name: f.name, type: f.type }, ...(c.hidden ? { hidden: true } : {}) };
    });
    const stats = t.rows === undefined ? undefined : { rows: t.rows, keys: t.keyColumns.map((k) => names.get(k)!) };
    return { plan, scope: new Scope(cols), ...(stats ? { stats } : {}) };
  }
  const ds = ctx.catalog.dataset(path);
  if (ds) return bindCollection(ctx, ds.dataset, ds.rest, r, left, asof);
  const candidates = [...ctx.catalog.names(), ...[...ctx.ctes.keys()]];
  throw unknownName('sql-unknown-table', `no table or collection ${path.join('.')}`, path.join('.'), candidates, r.span);
}

// ─── Table functions ─────────────────────────────────────────────────────────────────────

function bindTableFunction(ctx: BindContext, r: Ast.TableFunction, left: BoundFrom | null): BoundFrom {
  const name = r.name.join('.').toLowerCase();
  if (isCollectionFunction(r)) {
    if (!left) throw new BindError('sql-invalid', `${name}() needs a collection before it in FROM (FROM recordings.scenes.clips, ${name}(…))`, r.span);
    return bindCollection(ctx, null, [], r, left);
  }
  const env: ExprEnv = { ctx, scope: left?.scope ?? Scope.empty(), holder: null, clause: `${name}()` };
  const args = r.args.map((a) => {
    if (a.name !== null) throw new BindError('sql-invalid', `${name}() takes no named argument (${a.name} =>)`, a.value.span);
    return bindExpr(env, a.value);
  });
  switch (name) {
    case 'unnest': {
      if (args.length !== 1) throw new BindError('sql-type-mismatch', `unnest takes one list, got ${args.length} arguments`, r.span);
      const input = left ?? { plan: oneRow(ctx), scope: Scope.empty() };
      const col = ctx.fresh(r.alias?.columns[0] ?? 'unnest');
      const plan = unnest(input.plan, args[0]!, col);
      const f = plan.schema.fields.find((x) => x.name === col)!;
      const mine: ScopeColumn = { table: r.alias?.name ?? 'unnest', name: r.alias?.columns[0] ?? 'unnest', expr: { kind: 'column', name: col, type: f.type } };
      return { plan, scope: input.scope.concat(new Scope([mine])), ...(left?.partition ? { partition: left.partition } : {}) };
    }
    case 'range':
    case 'generate_series':
      return rangeFunction(ctx, name, args, r);
    default:
      throw unknownName('sql-unknown-function', `unknown table function ${r.name.join('.')}`, name, ['unnest', 'range', 'generate_series', 'timeline', 'resample'], r.span);
  }
}

/** `range(stop)`, `range(start, stop[, step])` (stop exclusive), `generate_series` (stop inclusive). */
function rangeFunction(ctx: BindContext, name: string, args: readonly Scalar[], r: Ast.TableFunction): BoundFrom {
  const nums = args.map((a) => {
    const v = a.kind === 'literal' ? a.value : undefined;
    if (typeof v !== 'number' && typeof v !== 'bigint') throw new BindError('sql-invalid', `${name}() takes integer constants`, r.span);
    return BigInt(v);
  });
  if (nums.length < 1 || nums.length > 3) throw new BindError('sql-type-mismatch', `${name}() takes 1 to 3 arguments`, r.span);
  const [start, stop] = nums.length === 1 ? [0n, nums[0]!] : [nums[0]!, nums[1]!];
  const step = nums[2] ?? 1n;
  if (step === 0n) throw new BindError('sql-invalid', `${name}(): the step cannot be 0`, r.span);
  const inclusive = name === 'generate_series';
  const col = ctx.fresh(name);
  const schema = new Schema([new Field(col, new Int64(), false)]);
  const plan = source(`${name}(${nums.join(', ')})`, schema, () => rangeBatches(schema, start, stop, step, inclusive));
  const q = r.alias?.name ?? name;
  return { plan, scope: new Scope([{ table: q, name: r.alias?.columns[0] ?? name, expr: { kind: 'column', name: col, type: new Int64() as DataType } }]) };
}

async function* rangeBatches(schema: Schema, start: bigint, stop: bigint, step: bigint, inclusive: boolean): AsyncGenerator<RecordBatch> {
  const done = (v: bigint): boolean => (step > 0n ? (inclusive ? v > stop : v >= stop) : inclusive ? v < stop : v <= stop);
  let v = start;
  while (!done(v)) {
    const out: bigint[] = [];
    while (!done(v) && out.length < 65536) {
      out.push(v);
      v += step;
    }
    const data = makeData({ type: new Int64(), length: out.length, nullCount: 0, data: BigInt64Array.from(out) });
    yield new RecordBatch(schema, makeData({ type: new Struct(schema.fields), length: out.length, nullCount: 0, children: [data] }));
  }
}

// ─── Joins ───────────────────────────────────────────────────────────────────────────────

function bindJoin(ctx: BindContext, j: Ast.Join): BoundFrom {
  const l = bindRelation(ctx, j.left, null);
  const r = bindRelation(ctx, j.right, l);
  const partition = l.partition ?? r.partition;
  const withPartition = (b: BoundFrom): BoundFrom => (partition ? { ...b, partition } : b);
  if (j.type === 'cross' || !j.condition) return withPartition(crossJoin(l, r));
  const type = j.asof ? 'asof' : j.type;
  if (j.condition.kind === 'using') return withPartition(usingJoin(ctx, j, l, r, type));
  const scope = l.scope.concat(r.scope);
  const env: ExprEnv = { ctx, scope, holder: null, clause: 'ON' };
  const cond = bindExpr(env, j.condition.expr);
  return withPartition({ plan: joinOn(type, l.plan, r.plan, conjuncts(cond), j.asof && j.type === 'left', j.condition.span), scope });
}

const sideOf = (s: Scalar, plan: Plan): boolean => [...columnsOf(s)].every((c) => plan.schema.fields.some((f) => f.name === c));

const FLIP: Record<string, '>=' | '>' | '<=' | '<'> = { '>=': '<=', '>': '<', '<=': '>=', '<': '>' };

/** A join from ON conjuncts: `l = r` equalities become keys; ASOF takes one inequality. */
function joinOn(type: Ast.JoinType | 'asof', left: Plan, right: Plan, conds: readonly Scalar[], asofLeft: boolean, span: Ast.SourceSpan): Plan {
  const on: { left: Scalar; right: Scalar }[] = [];
  const rest: Scalar[] = [];
  let asof: { left: Scalar; right: Scalar; op: '>=' | '>' | '<=' | '<' } | null = null;
  for (const c of conds) {
    if (c.kind === 'call' && c.args.length === 2) {
      const [a, b] = c.args as [Scalar, Scalar];
      const lr = sideOf(a, left) && sideOf(b, right) && columnsOf(a).size > 0 && columnsOf(b).size > 0;
      const rl = sideOf(a, right) && sideOf(b, left) && columnsOf(a).size > 0 && columnsOf(b).size > 0;
      if (c.fn === '=' && (lr || rl)) {
        on.push(lr ? { left: a, right: b } : { left: b, right: a });
        continue;
      }
      if (type === 'asof' && !asof && (c.fn === '>=' || c.fn === '>' || c.fn === '<=' || c.fn === '<') && (lr || rl)) {
        asof = lr ? { left: a, right: b, op: c.fn } : { left: b, right: a, op: FLIP[c.fn]! };
        continue;
      }
    }
    rest.push(c);
  }
  const residual = rest.length === 0 ? null : rest.length === 1 ? rest[0]! : call('and', rest);
  if (type === 'asof') {
    if (!asof) throw new BindError('sql-invalid', 'an ASOF join needs one inequality between the two sides (e.g. ON l.k = r.k AND l.t >= r.t)', span);
    return join('asof', left, right, { on, residual, asof, asofLeft });
  }
  return join(type, left, right, { on, residual });
}

function usingJoin(ctx: BindContext, j: Ast.Join, l: BoundFrom, r: BoundFrom, type: Ast.JoinType | 'asof'): BoundFrom {
  const cond = j.condition as { kind: 'using'; columns: readonly string[]; span: Ast.SourceSpan };
  const pairs = cond.columns.map((c) => {
    const a = l.scope.lookup([c], cond.span), b = r.scope.lookup([c], cond.span);
    if (!a) throw l.scope.unknown([c], cond.span);
    if (!b) throw r.scope.unknown([c], cond.span);
    return { name: c, l: a.column, r: b.column };
  });
  const conds = pairs.map((p, i) => {
    const last = i === pairs.length - 1 && type === 'asof';
    return call(last ? '>=' : '=', [p.l.expr, p.r.expr]);
  });
  const plan = joinOn(type, l.plan, r.plan, conds, j.asof && j.type === 'left', cond.span);
  const merged: ScopeColumn[] = pairs.map((p) => ({
    table: null,
    name: p.name,
    expr: type === 'full' ? call('coalesce', [p.l.expr, p.r.expr]) : type === 'right' ? p.r.expr : p.l.expr,
  }));
  const inputs = new Set([...pairs.map((p) => p.l), ...pairs.map((p) => p.r)]);
  const rest = [...l.scope.columns, ...r.scope.columns].map((c) => (inputs.has(c) ? { ...c, hidden: true, qualifiedOnly: true } : c));
  void ctx;
  return { plan, scope: new Scope([...merged, ...rest]) };
}
