/**
 * Lowers a scan of level expressions (logical/expr.ts) over a dataset to physical operators.
 *
 * For the scan level P (the deepest level of the outputs):
 *   Scan(P) ── fields of P
 *     ⋈ broadcast  Scan(Q) for every ancestor Q with fields or filters used (sort-merge on Q's keys)
 *     ⟕ left       GroupBy(stream of the argument's level, to P's keys) for every reduction to P
 *     Filter       the level filters of P (after the joins, so they can use ancestor fields)
 *   Project        the outputs (columns, or scalar expressions evaluated per batch)
 *
 * Streams are keyed by canonical names: the key of the collection at path a.b.c is `a.b.c._id`
 * (or `._pos`); a field's column is its full path (`scenes.location`), so names never clash.
 */
import { Bool, type Data, type DataType, Field, Float64, type RecordBatch, Utf8 } from 'apache-arrow';

import { PlanError } from '../errors.js';
import { type Expr, formatExpr, type Level, LevelError, levelOf, scanLevel } from '../logical/expr.js';
import { collectionAt, keyColumns } from '../logical/schema.js';
import type { Snapshot } from '../storage/tables/snapshot.js';
import type { Dataset } from './dataset.js';
import { compile, mask, toData } from './eval.js';
import { FilterOp } from './filter.js';
import { GroupByOp } from './group-by.js';
import { WindowOp } from './window.js';
import type { Reducer } from './aggregates.js';
import { MergeJoinOp } from './join.js';
import type { PhysicalOperator } from './operator.js';
import { pickColumn, ProjectOp, type ProjectColumn } from './project.js';
import { ScanOp } from './scan.js';

export interface ScanOutput {
  readonly name: string;
  readonly expr: Expr;
}

/** The canonical key column names of the level at `path`. */
export function planKeys(path: readonly string[], ds: Dataset): string[] {
  return path.map((_, i) => {
    const c = collectionAt(ds.schema, path.slice(0, i + 1));
    return `${path.slice(0, i + 1).join('.')}.${c.key.kind === 'keyed' ? '_id' : '_pos'}`;
  });
}

/** The plan column of a leaf expression (field, key, reduction, window). */
export function leafColumn(e: Expr): string {
  switch (e.kind) {
    case 'field':
      return [...e.level.path, ...e.path].join('.');
    case 'key':
      return `${e.level.path.join('.')}.${e.name}`;
    case 'reduce':
    case 'window':
      return `$${formatExpr(e)}`;
    default:
      throw new PlanError('internal', `not a leaf: ${e.kind}`);
  }
}

/** Leaves of an expression (fields, keys, reductions and windows are leaves). */
function leaves(e: Expr, out: Expr[] = []): Expr[] {
  switch (e.kind) {
    case 'field':
    case 'key':
    case 'reduce':
      out.push(e);
      break;
    case 'window':
      // The window's argument is computed in the same stream.
      out.push(e);
      leaves(e.arg, out);
      break;
    case 'binary':
      leaves(e.left, out);
      leaves(e.right, out);
      break;
    case 'unary':
      leaves(e.arg, out);
      break;
    case 'literal':
      break;
  }
  return out;
}

const samePath = (a: readonly string[], b: readonly string[]): boolean => a.length === b.length && a.every((x, i) => b[i] === x);

export interface PlanContext {
  readonly ds: Dataset;
  /** The snapshot of the dataset's table (one version for every collection). */
  snapshot(path: string): Snapshot;
}

/** What a level stream must carry. */
interface Needs {
  /** Leaf expressions whose values must be columns of the stream. */
  readonly leaves: Expr[];
  /** Filters (with their depth) that narrow the stream's rows. */
  readonly filters: { depth: number; pred: Expr }[];
}

/** A stream at level `path` with the columns of `needs` (plus the level's keys). */
function levelStream(ctx: PlanContext, path: readonly string[], needs: Needs): PhysicalOperator {
  const ds = ctx.ds;
  const keys = planKeys(path, ds);
  const stored = keyColumns(ds.schema, path);
  // Own fields of this level.
  const own = new Map<string, string>(); // stored path → plan name
  for (const l of needs.leaves) if (l.kind === 'field' && samePath(l.level.path, path)) own.set(l.path.join('.'), leafColumn(l));
  const scan = new ScanOp(
    ctx.snapshot(path.join('.')),
    { columns: [...stored, ...own.keys()], names: [...keys, ...own.values()] },
    keys,
    `${ds.schema.name}.${path.join('.')}`,
  );
  let stream: PhysicalOperator = scan;
  // Ancestors: fields and filters of each ancestor level, broadcast down.
  for (let d = 0; d < path.length - 1; d++) {
    const q = path.slice(0, d + 1);
    const qLeaves = needs.leaves.filter((l) => l.kind === 'field' && samePath(l.level.path, q));
    const qFilters = needs.filters.filter((f) => f.depth === d);
    if (qLeaves.length === 0 && qFilters.length === 0) continue;
    const parent = levelStream(ctx, q, { leaves: [...qLeaves, ...qFilters.flatMap((f) => leaves(f.pred))], filters: qFilters.map((f) => ({ ...f })) });
    stream = new MergeJoinOp(parent, stream, { kind: 'broadcast' });
  }
  // Reductions landing at this level.
  for (const r of needs.leaves) {
    if (r.kind !== 'reduce' || !samePath(r.to, path)) continue;
    stream = joinReduction(ctx, stream, path, r);
  }
  // Key leaves need no work: keys are always there.
  const ownFilters = needs.filters.filter((f) => f.depth === path.length - 1);
  for (const f of ownFilters) {
    const c = compile(f.pred, leafColumn);
    stream = new FilterOp(stream, (b: RecordBatch) => mask(c(b)), formatExpr(f.pred));
  }
  // Windows of this level: within the parent's rows, after the level's filters.
  for (const w of needs.leaves) {
    if (w.kind !== 'window' || !samePath(levelOf(w)!.path, path)) continue;
    let column: string;
    if (isLeaf(w.arg)) column = leafColumn(w.arg);
    else {
      stream = withComputed(stream, `$arg${leafColumn(w)}`, w.arg);
      column = `$arg${leafColumn(w)}`;
    }
    const agg: Reducer = typeof w.agg === 'string' ? w.agg : { fn: (v) => (w.agg as (xs: readonly unknown[]) => unknown)(Array.from(v.toArray() as ArrayLike<unknown>)), type: new Float64(), name: 'fn' };
    stream = new WindowOp(stream, planKeys(path.slice(0, -1), ctx.ds), { column, before: w.before, after: w.after, agg, as: leafColumn(w) });
  }
  return stream;
}

/**
 * A reduction to `path`: the argument's level stream, the argument computed as a column,
 * GroupBy to `path`'s keys (the argument's level lies below), then a left join onto `stream`
 * (parents without children get count 0, an empty list, or null).
 */
function joinReduction(ctx: PlanContext, stream: PhysicalOperator, path: readonly string[], r: Expr & { kind: 'reduce' }): PhysicalOperator {
  const argLevel = levelOf(r.arg)!;
  const exprs = r.pred ? [r.arg, r.pred] : [r.arg];
  let inner = levelStream(ctx, argLevel.path, needsOf(exprs, argLevel));
  const out = leafColumn(r);
  let column: string;
  if (r.fn === 'any') {
    // any(pred): the predicate as a boolean column, reduced with "some value is true".
    inner = withComputed(inner, '$pred', r.pred!);
    column = '$pred';
  } else if (isLeaf(r.arg)) column = leafColumn(r.arg);
  else {
    inner = withComputed(inner, '$arg', r.arg);
    column = '$arg';
  }
  const reduce: Reducer =
    r.fn === 'any' ? { any: (v) => Uint8Array.from(v.toArray() as ArrayLike<number>, (x) => (x ? 1 : 0)) }
    : r.fn === 'agg' ? { fn: (v) => r.fn2!(Array.from(v.toArray() as ArrayLike<unknown>)), type: new Float64(), name: 'agg' }
    : r.fn;
  const g = new GroupByOp(inner, planKeys(r.to, ctx.ds), [{ column, reduce, as: out }]);
  const fill = r.fn === 'count' ? { [out]: 0n } : r.fn === 'list' ? { [out]: [] } : r.fn === 'any' ? { [out]: false } : undefined;
  return new MergeJoinOp(stream, g, { kind: 'left', ...(fill ? { fill } : {}) });
}

const isLeaf = (e: Expr): boolean => e.kind === 'field' || e.kind === 'key' || e.kind === 'reduce' || e.kind === 'window';

/** `stream` plus a computed column `name` (all columns and the order kept). */
function withComputed(stream: PhysicalOperator, name: string, e: Expr): PhysicalOperator {
  const c = compile(e, leafColumn);
  const cols: ProjectColumn[] = stream.schema.fields.map((f) => pickColumn(stream.schema, f.name));
  cols.push({ field: new Field(name, resultType(e), true), compute: (b: RecordBatch): Data => toData(c(b)), label: `${formatExpr(e)} AS ${name}` });
  return new ProjectOp(stream, cols);
}

/** The needs of a set of expressions at level `level` (their leaves and the level's filters). */
export function needsOf(exprs: readonly Expr[], level: Level): Needs {
  const ls: Expr[] = [];
  for (const e of exprs) leaves(e, ls);
  const filters = level.filters.map((f) => ({ depth: f.depth, pred: f.pred }));
  for (const f of filters) leaves(f.pred, ls);
  // Descendant fields without a reduction are level errors.
  for (const l of ls) {
    const ll = levelOf(l);
    if (ll && ll.path.length > level.path.length) {
      throw new LevelError(`'${ll.path[ll.path.length - 1]}' is below '${level.path[level.path.length - 1]}': reduce it (sum, mean, count, list, …) to use it at this level`);
    }
  }
  const seen = new Set<string>();
  return { leaves: ls.filter((l) => (seen.has(leafColumn(l)) ? false : (seen.add(leafColumn(l)), true))), filters };
}

/** The Arrow type eval.ts produces for a computed expression. */
function resultType(e: Expr): DataType {
  switch (e.kind) {
    case 'binary':
      return ['+', '-', '*', '/', '%'].includes(e.op) ? new Float64() : new Bool();
    case 'unary':
      return e.op === 'neg' || e.op === 'len' ? new Float64() : new Bool();
    case 'literal':
      return typeof e.value === 'string' ? new Utf8() : typeof e.value === 'boolean' ? new Bool() : new Float64();
    default:
      throw new PlanError('internal', `no computed type for ${e.kind}`);
  }
}

/** Plans a scan: the operator tree producing exactly the named outputs, sorted by the level's keys. */
export function planScan(ctx: PlanContext, outputs: readonly ScanOutput[], where?: Expr): PhysicalOperator {
  const exprs = outputs.map((o) => o.expr);
  const level = scanLevel(where ? [...exprs, where] : exprs);
  const filters = [...level.filters];
  if (where) filters.push({ depth: level.path.length - 1, pred: where });
  const scanLvl: Level = { ...level, filters };
  const needs = needsOf(where ? [...exprs, where] : exprs, scanLvl);
  const stream = levelStream(ctx, level.path, needs);
  const keys = planKeys(level.path, ctx.ds);
  const cols: ProjectColumn[] = keys.map((k) => pickColumn(stream.schema, k));
  for (const o of outputs) {
    if (o.expr.kind === 'field' || o.expr.kind === 'key' || o.expr.kind === 'reduce' || o.expr.kind === 'window') {
      cols.push(pickColumn(stream.schema, leafColumn(o.expr), o.name));
      continue;
    }
    const c = compile(o.expr, leafColumn);
    cols.push({ field: new Field(o.name, resultType(o.expr), true), compute: (b: RecordBatch): Data => toData(c(b)), label: `${formatExpr(o.expr)} AS ${o.name}` });
  }
  return new ProjectOp(stream, cols);
}
