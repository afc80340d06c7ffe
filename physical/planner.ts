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
import { Bool, type Data, type DataType, Field, Float64, makeData, type RecordBatch, type Schema, Struct, Type, Utf8 } from 'apache-arrow';

import { PlanError } from '../errors.js';
import { type Expr, explodeStep, formatExpr, type Level, LevelError, levelOf, scanLevel, type Timeline, timelineStep } from '../logical/expr.js';
import { collectionAt, type CollectionNode, keyColumns, nodeType, type SchemaNode } from '../logical/schema.js';
import type { Snapshot } from '../storage/tables/snapshot.js';
import { and, type CompareOp, type Literal, or, type Predicate } from '../storage/vortex/predicate.js';
import type { Dataset } from './dataset.js';
import { compile, mask, toData, tupleId } from './eval.js';
import { ExplodeOp } from './explode.js';
import { FilterOp } from './filter.js';
import { GroupByOp } from './group-by.js';
import { WindowOp } from './window.js';
import { ResampleOp, type ResampleMethod } from './resample.js';
import { TimelineOp } from './timeline.js';
import { ZipOp } from './zip.js';
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
  return path.map((name, i) => {
    const at = path.slice(0, i + 1).join('.');
    if (name.startsWith('#explode')) return `${at}._idx`;
    if (name.startsWith('#')) return `${at}._step`;
    const c = collectionAt(ds.schema, path.slice(0, i + 1));
    return `${at}.${c.key.kind === 'keyed' ? '_id' : '_pos'}`;
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
    case 'resample':
    case 'explode':
      return `$${formatExpr(e)}`;
    case 'step_time':
      return `$timeline${e.timeline.id}.time`;
    case 'row':
      return `$${e.level.path.join('.')}.*`;
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
    case 'resample':
    case 'step_time':
    case 'explode':
      out.push(e);
      break;
    case 'row':
      for (const name of e.fields) out.push({ kind: 'field', level: e.level, path: [name] });
      break;
    case 'binary':
      leaves(e.left, out);
      leaves(e.right, out);
      break;
    case 'unary':
      leaves(e.arg, out);
      break;
    case 'key_in':
      out.push(...e.keys);
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
  /** Planning choices that can be switched off (EXPLAIN comparisons, benchmarks, tests). */
  readonly rules?: PlanRules;
}

/**
 * Planning choices, all on by default:
 *  - `storageFilters`: level filters on stored columns run inside the storage scan (zone maps);
 *  - `zip`: resamples onto one timeline are zipped (identical row domains) rather than joined.
 * Sideways information passing is an execution switch (ExecContext.sideways).
 */
export interface PlanRules {
  readonly storageFilters?: boolean;
  readonly zip?: boolean;
}

/** What a level stream must carry. */
interface Needs {
  /** Leaf expressions whose values must be columns of the stream. */
  readonly leaves: Expr[];
  /** Filters (with their depth) that narrow the stream's rows. */
  readonly filters: { depth: number; pred: Expr }[];
  /** Row selections known on this level's path (also those applied elsewhere): seek prefixes come from them. */
  readonly selections?: readonly { depth: number; pred: Expr }[];
}

/** A stream at level `path` with the columns of `needs` (plus the level's keys). */
function levelStream(ctx: PlanContext, path: readonly string[], needs0: Needs): PhysicalOperator {
  // A leaf needed twice (an output that a filter also uses) is computed once.
  const seen = new Set<string>();
  const needs: Needs = { ...needs0, leaves: needs0.leaves.filter((l) => (seen.has(leafColumn(l)) ? false : (seen.add(leafColumn(l)), true))) };
  const ds = ctx.ds;
  const keys = planKeys(path, ds);
  let stream: PhysicalOperator;
  /** Filter conjuncts the scan applies in storage. */
  const pushed = new Set<Expr>();
  if (path[path.length - 1]!.startsWith('#explode')) stream = explodeStream(ctx, path, needs);
  else if (path[path.length - 1]!.startsWith('#')) stream = timelineStream(ctx, path, needs);
  else {
    const stored = keyColumns(ds.schema, path);
    // Own fields of this level.
    const own = new Map<string, string>(); // stored path → plan name
    for (const l of needs.leaves) if (l.kind === 'field' && samePath(l.level.path, path)) own.set(l.path.join('.'), leafColumn(l));
    const node = collectionAt(ds.schema, path);
    const types = [...stored.map(() => undefined), ...[...own.keys()].map((p) => declaredType(node, p))];
    const prefixes = seekPrefixes(needs.selections ?? needs.filters, path.length);
    const snapshot = ctx.snapshot(path.join('.'));
    // Filters on this level's own stored columns run inside storage (zone maps prune, exact).
    const storedSchema = snapshot.schema();
    const preds: Predicate[] = [];
    for (const f of needs.filters) {
      if (f.depth !== path.length - 1 || ctx.rules?.storageFilters === false) continue;
      for (const c of conjunctsOf(f.pred)) {
        const p = storagePredicate(c, path, stored, storedSchema);
        if (p) {
          preds.push(p);
          pushed.add(c);
        }
      }
    }
    const where = preds.length === 0 ? undefined : preds.length === 1 ? preds[0]! : and(...preds);
    stream = new ScanOp(
      snapshot,
      { columns: [...stored, ...own.keys()], names: [...keys, ...own.values()], types, ...(prefixes ? { prefixes } : {}), ...(where ? { where } : {}) },
      keys,
      `${ds.schema.name}.${path.join('.')}`,
    );
  }
  // Ancestors: fields and filters of each ancestor level, broadcast down.
  for (let d = 0; d < path.length - 1; d++) {
    const q = path.slice(0, d + 1);
    // Everything whose level is this ancestor: its fields, reductions landing on it, its windows.
    const qLeaves = needs.leaves.filter(
      (l) => (l.kind === 'field' && samePath(l.level.path, q)) || (l.kind === 'reduce' && samePath(l.to, q)) || (l.kind === 'window' && samePath(levelOf(l)!.path, q)),
    );
    const qFilters = needs.filters.filter((f) => f.depth === d);
    if (qLeaves.length === 0 && qFilters.length === 0) continue;
    const selections = (needs.selections ?? needs.filters).filter((f) => f.depth <= d && f.pred.kind === 'key_in');
    const parent = levelStream(ctx, q, { leaves: [...qLeaves, ...qFilters.flatMap((f) => leaves(f.pred))], filters: qFilters.map((f) => ({ ...f })), selections });
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
    const rest = conjunctsOf(f.pred).filter((c) => !pushed.has(c));
    if (rest.length === 0) continue;
    const pred = rest.reduce((a, b): Expr => ({ kind: 'binary', op: 'and', left: a, right: b }));
    const c = compile(pred, leafColumn);
    stream = new FilterOp(stream, (b: RecordBatch) => mask(c(b)), formatExpr(pred));
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
    const agg: Reducer = typeof w.agg === 'string' ? w.agg : { fn: (v) => (w.agg as (xs: readonly unknown[]) => unknown)([...(v as Iterable<unknown>)]), type: new Float64(), name: 'fn' };
    stream = new WindowOp(stream, planKeys(path.slice(0, -1), ctx.ds), { column, before: w.before, after: w.after, agg, as: leafColumn(w) });
  }
  return stream;
}

/** The conjuncts of a predicate (`a and b and c` → [a, b, c]). */
function conjunctsOf(e: Expr): Expr[] {
  return e.kind === 'binary' && e.op === 'and' ? [...conjunctsOf(e.left), ...conjunctsOf(e.right)] : [e];
}

const FLIP: Record<string, CompareOp> = { '=': '=', '!=': '!=', '<': '>', '<=': '>=', '>': '<', '>=': '<=' };

/**
 * `e` as a storage predicate over the stored columns of the level at `path`, when it compares
 * the level's own stored fields (or key) with literals of a matching kind (and/or of those,
 * null tests); null otherwise. Storage applies it exactly, after pruning by zone maps.
 */
function storagePredicate(e: Expr, path: readonly string[], storedKeys: readonly string[], schema: Schema): Predicate | null {
  const column = (x: Expr): { name: string; type: DataType } | null => {
    let name: string;
    if (x.kind === 'field' && samePath(x.level.path, path)) name = x.path.join('.');
    else if (x.kind === 'key' && samePath(x.level.path, path)) name = storedKeys[storedKeys.length - 1]!;
    else return null;
    let fields = schema.fields;
    let f: Field | undefined;
    for (const part of name.split('.')) {
      f = fields.find((y) => y.name === part);
      if (!f) return null;
      fields = f.type.children ?? [];
    }
    return f ? { name, type: f.type } : null;
  };
  const fits = (t: DataType, v: unknown): v is Literal => {
    switch (t.typeId) {
      case Type.Int:
      case Type.Float:
        return (typeof v === 'number' && !Number.isNaN(v)) || typeof v === 'bigint';
      case Type.Utf8:
        return typeof v === 'string';
      case Type.Bool:
        return typeof v === 'boolean';
      default:
        return false;
    }
  };
  switch (e.kind) {
    case 'binary': {
      if (e.op === 'and' || e.op === 'or') {
        const l = storagePredicate(e.left, path, storedKeys, schema), r = storagePredicate(e.right, path, storedKeys, schema);
        return l && r ? (e.op === 'and' ? and(l, r) : or(l, r)) : null;
      }
      if (!(e.op in FLIP)) return null;
      const lc = column(e.left), rc = column(e.right);
      if (lc && e.right.kind === 'literal' && fits(lc.type, e.right.value)) return { op: e.op as CompareOp, column: lc.name, value: e.right.value };
      if (rc && e.left.kind === 'literal' && fits(rc.type, e.left.value)) return { op: FLIP[e.op]!, column: rc.name, value: e.left.value };
      return null;
    }
    case 'unary': {
      if (e.op !== 'is_null' && e.op !== 'is_not_null') return null;
      const c = column(e.arg);
      return c ? { op: e.op, column: c.name } : null;
    }
    default:
      return null;
  }
}

/**
 * Key prefixes a level's scan can seek to, from row selections (`key_in` filters) on the level
 * and its ancestors: selections of consecutive levels from the root multiply out into full
 * prefixes (scenes.get('s1').clips.get(['c1', 'c2']) → (s1, c1), (s1, c2)). Null when the
 * selections do not start at the root (then they stay plain filters).
 */
function seekPrefixes(filters: readonly { depth: number; pred: Expr }[], depth: number): unknown[][] | null {
  let prefixes: unknown[][] = [[]];
  let covered = 0;
  for (;;) {
    let advanced = false;
    for (const f of filters) {
      const p = f.pred;
      if (p.kind !== 'key_in') continue;
      const first = p.keys[0]!.level.path.length - 1;
      const last = first + p.keys.length; // levels first..last-1
      if (first > covered || last <= covered || last > depth) continue;
      // Keep the tuples that extend a current prefix (or the prefix's own part when they overlap).
      const next: unknown[][] = [];
      if (first === covered) for (const x of prefixes) for (const t of p.tuples) next.push([...x, ...t]);
      else {
        const heads = new Map<string, unknown[][]>();
        for (const x of prefixes) {
          const id = tupleId(x.slice(first));
          heads.set(id, [...(heads.get(id) ?? []), x.slice(0, first)]);
        }
        for (const t of p.tuples) for (const head of heads.get(tupleId(t.slice(0, covered - first))) ?? []) next.push([...head, ...t]);
      }
      prefixes = next;
      covered = last;
      advanced = true;
    }
    if (!advanced || covered >= depth) break;
  }
  return covered === 0 ? null : prefixes;
}

/** The declared Arrow type of a field path of a collection (structs nest). */
function declaredType(node: CollectionNode, path: string): DataType | undefined {
  let n: SchemaNode | undefined = undefined;
  let fields = node.fields;
  for (const p of path.split('.')) {
    n = fields.get(p);
    if (!n || n.kind === 'collection') return undefined;
    if (n.kind === 'struct') fields = n.fields;
  }
  return n ? nodeType(n as Exclude<SchemaNode, CollectionNode>) : undefined;
}

/** The timeline of a derived level `#timelineN`, found among the needed leaves. */
function timelineOf(path: readonly string[], needs: Needs): Timeline {
  const step = path[path.length - 1]!;
  for (const l of needs.leaves) if ((l.kind === 'resample' || l.kind === 'step_time') && timelineStep(l.timeline) === step) return l.timeline;
  throw new PlanError('internal', `no timeline for level ${path.join('.')}`);
}

/** The steps of a timeline: one row per step of every parent row. */
function stepsStream(ctx: PlanContext, tl: Timeline, path: readonly string[]): PhysicalOperator {
  const parentPath = path.slice(0, -1);
  let parent = levelStream(ctx, parentPath, needsOf([tl.stop], tl.level));
  let stop: string;
  if (isLeaf(tl.stop)) stop = leafColumn(tl.stop);
  else {
    parent = withComputed(parent, '$stop', tl.stop);
    stop = '$stop';
  }
  const keys = planKeys(path, ctx.ds);
  return new TimelineOp(parent, stop, tl.fps, keys[keys.length - 1]!, `$timeline${tl.id}.time`);
}

/**
 * A timeline level: its steps, each resampled source (a ResampleOp per source, over its own copy
 * of the steps), zipped together — the sources share the timeline, so their rows are identical.
 */
function timelineStream(ctx: PlanContext, path: readonly string[], needs: Needs): PhysicalOperator {
  const tl = timelineOf(path, needs);
  const parentKeys = planKeys(path.slice(0, -1), ctx.ds);
  const resamples = needs.leaves.filter((l): l is Expr & { kind: 'resample' } => l.kind === 'resample' && timelineStep(l.timeline) === path[path.length - 1]);
  const time = `$timeline${tl.id}.time`;
  let out: PhysicalOperator | null = null;
  for (const r of resamples) {
    const srcLevel = levelOf(r.source)!;
    let src = levelStream(ctx, srcLevel.path, needsOf([r.source, r.on], srcLevel));
    src = withComputed(src, '$on', r.on, new Float64());
    const value = leafColumn(r);
    src = r.source.kind === 'row' ? withStruct(src, value, r.source) : isLeaf(r.source) ? withRenamed(src, leafColumn(r.source), value) : withComputed(src, value, r.source);
    const srcType = src.schema.fields.find((f) => f.name === value)!.type;
    const method: ResampleMethod =
      typeof r.method === 'function' ? { fn: (v) => (r.method as (xs: readonly unknown[]) => unknown)([...(v as Iterable<unknown>)]), type: srcType, name: 'fn' } : r.method;
    let res: PhysicalOperator = new ResampleOp(stepsStream(ctx, tl, path), src, { prefixKeys: parentKeys, on: '$on', method, columns: [value], time });
    if (out !== null) res = dropColumn(res, time);
    out = out === null ? res : ctx.rules?.zip === false ? new MergeJoinOp(out, res, { kind: 'left' }) : new ZipOp(out, res);
  }
  return out ?? stepsStream(ctx, tl, path);
}

/**
 * An exploded list's level: the list's level stream with the list as a column, one row per
 * element (Explode), keyed by the parent's keys and the element's index.
 */
function explodeStream(ctx: PlanContext, path: readonly string[], needs: Needs): PhysicalOperator {
  const step = path[path.length - 1]!;
  const e = needs.leaves.find((l): l is Expr & { kind: 'explode' } => l.kind === 'explode' && explodeStep(l.arg) === step);
  if (!e) throw new PlanError('internal', `no explode for level ${path.join('.')}`);
  const argLevel = levelOf(e.arg)!;
  let parent = levelStream(ctx, argLevel.path, needsOf([e.arg], argLevel));
  const value = leafColumn(e);
  parent = isLeaf(e.arg) ? withRenamed(parent, leafColumn(e.arg), value) : withComputed(parent, value, e.arg);
  const keys = planKeys(path, ctx.ds);
  const cols = [...planKeys(argLevel.path, ctx.ds), value];
  const narrowed = new ProjectOp(parent, cols.map((c) => pickColumn(parent.schema, c)));
  return new ExplodeOp(narrowed, value, { indexName: keys[keys.length - 1]! });
}

/** `stream` with `from` copied as `to` (the order kept). */
function withRenamed(stream: PhysicalOperator, from: string, to: string): PhysicalOperator {
  if (from === to) return stream;
  return new ProjectOp(stream, [...stream.schema.fields.map((f) => pickColumn(stream.schema, f.name)), pickColumn(stream.schema, from, to)]);
}

/** `stream` without column `name`. */
function dropColumn(stream: PhysicalOperator, name: string): PhysicalOperator {
  return new ProjectOp(stream, stream.schema.fields.filter((f) => f.name !== name).map((f) => pickColumn(stream.schema, f.name)));
}

/** `stream` plus a struct column `name` of a level's fields (a bare collection as a value). */
function withStruct(stream: PhysicalOperator, name: string, row: Expr & { kind: 'row' }): PhysicalOperator {
  const cols = row.fields.map((f) => leafColumn({ kind: 'field', level: row.level, path: [f] }));
  const idx = cols.map((c) => stream.schema.fields.findIndex((f) => f.name === c));
  const type = new Struct(row.fields.map((f, i) => new Field(f, stream.schema.fields[idx[i]!]!.type, true)));
  const all = stream.schema.fields.map((f) => pickColumn(stream.schema, f.name));
  all.push({
    field: new Field(name, type, true),
    compute: (b: RecordBatch): Data => makeData({ type, length: b.numRows, nullCount: 0, children: idx.map((i) => b.data.children[i]!) }),
    label: `${formatExpr(row)} AS ${name}`,
  });
  return new ProjectOp(stream, all);
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
    : r.fn === 'agg' ? { fn: (v) => r.fn2!([...(v as Iterable<unknown>)]), type: new Float64(), name: 'agg' }
    : r.fn;
  const g = new GroupByOp(inner, planKeys(r.to, ctx.ds), [{ column, reduce, as: out }]);
  const fill = r.fn === 'count' ? { [out]: 0n } : r.fn === 'list' ? { [out]: [] } : r.fn === 'any' ? { [out]: false } : undefined;
  return new MergeJoinOp(stream, g, { kind: 'left', ...(fill ? { fill } : {}) });
}

const isLeaf = (e: Expr): boolean =>
  e.kind === 'field' || e.kind === 'key' || e.kind === 'reduce' || e.kind === 'window' || e.kind === 'resample' || e.kind === 'step_time' || e.kind === 'explode';

/** `stream` plus a computed column `name` (all columns and the order kept). */
function withComputed(stream: PhysicalOperator, name: string, e: Expr, type?: DataType): PhysicalOperator {
  const cols: ProjectColumn[] = stream.schema.fields.map((f) => pickColumn(stream.schema, f.name));
  if (isLeaf(e)) {
    // A leaf column copied (cast to Float64 when a type is asked for, e.g. `on`).
    const src = leafColumn(e);
    const i = stream.schema.fields.findIndex((f) => f.name === src);
    if (i < 0) throw new PlanError('internal', `no column ${src}`);
    const t = type ?? stream.schema.fields[i]!.type;
    const same = String(t) === String(stream.schema.fields[i]!.type);
    const c = compile(e, leafColumn);
    cols.push({ field: new Field(name, t, true), compute: (b: RecordBatch): Data => (same ? b.data.children[i]! : toData(c(b))), label: `${src} AS ${name}` });
    return new ProjectOp(stream, cols);
  }
  const c = compile(e, leafColumn);
  cols.push({ field: new Field(name, type ?? resultType(e), true), compute: (b: RecordBatch): Data => toData(c(b)), label: `${formatExpr(e)} AS ${name}` });
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
  // Leaves are deduplicated where streams are built (levelStream).
  return { leaves: ls, filters };
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
    if (isLeaf(o.expr)) {
      cols.push(pickColumn(stream.schema, leafColumn(o.expr), o.name));
      continue;
    }
    const c = compile(o.expr, leafColumn);
    cols.push({ field: new Field(o.name, resultType(o.expr), true), compute: (b: RecordBatch): Data => toData(c(b)), label: `${formatExpr(o.expr)} AS ${o.name}` });
  }
  return new ProjectOp(stream, cols);
}
