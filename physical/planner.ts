/**
 * Lowers a collection plan (logical/collection-plan.ts) to physical operators: Scan → ScanOp
 * (storage filter → a storage predicate, seeks → key prefixes), Filter → FilterOp, broadcast
 * and reduction joins → MergeJoinOp (a reduction's GroupByOp on its right), Window → WindowOp,
 * Explode → ExplodeOp, Timeline → TimelineOp, Resample → ResampleOp, combine → ZipOp or a left
 * MergeJoinOp, Output → ProjectOp.
 *
 * `planScan` is the whole path of a fluent scan: the naive plan (logical/collection-plan-build.ts),
 * the collection rules (installed by the root module: physical/ does not import optimizer/),
 * then this lowering.
 */
import { Bool, type Data, type DataType, Field, Float64, makeData, type RecordBatch, type Schema, Struct, Type, Utf8 } from 'apache-arrow';

import { PlanError } from '../errors.js';
import { type Expr, formatExpr, levelOf } from '../logical/expr.js';
import { buildStreamPlan } from '../logical/collection-plan-build.js';
import { isLeaf, leafColumn, type ScanNode, type ScanOutput, seekPrefixes, type StreamPlan } from '../logical/collection-plan.js';
import { collectionAt, type CollectionNode, keyColumns, nodeType, type SchemaNode } from '../logical/schema.js';
import type { Snapshot } from '../storage/tables/snapshot.js';
import { and, type CompareOp, type Literal, or, type Predicate } from '../storage/vortex/predicate.js';
import type { Dataset } from './dataset.js';
import { compile, mask, toData } from './eval.js';
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

export type { ScanOutput };

export interface PlanContext {
  readonly ds: Dataset;
  /** The snapshot of the dataset's table (one version for every collection). */
  snapshot(path: string): Snapshot;
  /** Collection rules to switch off (EXPLAIN comparisons, benchmarks, tests). */
  readonly rules?: PlanRules;
}

/**
 * Collection rules to switch off, by name (`disabled`: see optimizer/collections/index.ts), or
 * by the older switches: `storageFilters: false` (filters-into-storage), `zip: false`
 * (zip-vs-join), `sideways: false` (sideways).
 */
export interface PlanRules {
  readonly disabled?: readonly string[];
  readonly storageFilters?: boolean;
  readonly zip?: boolean;
  readonly sideways?: boolean;
}

/** The rule names `rules` switches off. */
export function disabledRules(rules: PlanRules | undefined): string[] {
  const out = [...(rules?.disabled ?? [])];
  if (rules?.storageFilters === false) out.push('filters-into-storage');
  if (rules?.zip === false) out.push('zip-vs-join');
  if (rules?.sideways === false) out.push('sideways');
  return [...new Set(out)];
}

/** One rule application, for EXPLAIN VERBOSE. */
export interface RuleStep {
  readonly rule: string;
  readonly pass: number;
  readonly changed: boolean;
  readonly plan: StreamPlan;
}

/** The optimizer of collection plans, as the root module installs it. */
export type StreamOptimizer = (
  plan: StreamPlan,
  opts: { readonly disabled: readonly string[]; storable(c: Expr, scan: ScanNode): boolean; onStep?(step: RuleStep): void },
) => StreamPlan;

let installed: StreamOptimizer | null = null;

/** Installs the collection optimizer (the root module does, on load). */
export function installStreamOptimizer(f: StreamOptimizer): void {
  installed = f;
}

export interface PlannedScan {
  /** The naive plan. */
  readonly logical: StreamPlan;
  /** After the collection rules. */
  readonly optimized: StreamPlan;
  /** Every rule application (EXPLAIN VERBOSE), when asked for. */
  readonly steps: readonly RuleStep[];
  readonly physical: PhysicalOperator;
}

/** Plans a scan: the operator tree producing exactly the named outputs, sorted by the level's keys. */
export function planScan(ctx: PlanContext, outputs: readonly ScanOutput[], where?: Expr, opts: { steps?: boolean } = {}): PlannedScan {
  if (!installed) throw new PlanError('internal', 'no collection optimizer is installed: import gyre (index.ts) rather than physical/ directly');
  const logical = buildStreamPlan(ctx.ds.schema, outputs, where);
  const steps: RuleStep[] = [];
  const optimized = installed(logical, {
    disabled: disabledRules(ctx.rules),
    storable: (c, scan) => storagePredicate(c, scan.path, keyColumns(ctx.ds.schema, scan.path), ctx.snapshot(scan.path.join('.')).schema()) !== null,
    ...(opts.steps ? { onStep: (s: RuleStep) => steps.push(s) } : {}),
  });
  return { logical, optimized, steps, physical: lower(ctx, optimized) };
}


const samePath = (a: readonly string[], b: readonly string[]): boolean => a.length === b.length && a.every((x, i) => b[i] === x);

/** The operators of a collection plan. */
export function lower(ctx: PlanContext, p: StreamPlan): PhysicalOperator {
  switch (p.kind) {
    case 'scan':
      return lowerScan(ctx, p);
    case 'filter': {
      const c = compile(p.pred, leafColumn);
      return new FilterOp(lower(ctx, p.input), (b: RecordBatch) => mask(c(b)), formatExpr(p.pred));
    }
    case 'broadcast': {
      const child = lower(ctx, p.child);
      let parent = lower(ctx, p.parent);
      // An ancestor column both sides carry (a deeper ancestor's filter needed it too) is the
      // same value for the same key prefix: the child's copy is kept.
      const have = new Set(child.schema.fields.map((f) => f.name));
      const keys = new Set(parent.ordering.keys);
      if (parent.schema.fields.some((f) => !keys.has(f.name) && have.has(f.name))) {
        const src = parent;
        parent = new ProjectOp(src, src.schema.fields.filter((f) => keys.has(f.name) || !have.has(f.name)).map((f) => pickColumn(src.schema, f.name)));
      }
      return new MergeJoinOp(parent, child, { kind: 'broadcast', sideways: p.sideways });
    }
    case 'reduce':
      return lowerReduce(ctx, lower(ctx, p.input), lower(ctx, p.arg), p.reduce, p.sideways);
    case 'window': {
      const w = p.window;
      let stream = lower(ctx, p.input);
      let column: string;
      if (isLeaf(w.arg)) column = leafColumn(w.arg);
      else {
        stream = withComputed(stream, `$arg${leafColumn(w)}`, w.arg);
        column = `$arg${leafColumn(w)}`;
      }
      const agg: Reducer = typeof w.agg === 'string' ? w.agg : jsReducer(w.agg, new Float64(), 'fn');
      return new WindowOp(stream, [...p.partition], { column, before: w.before, after: w.after, agg, as: leafColumn(w) });
    }
    case 'explode': {
      const e = p.explode;
      const argLevel = levelOf(e.arg)!;
      let parent = lower(ctx, p.input);
      const value = leafColumn(e);
      parent = isLeaf(e.arg) ? withRenamed(parent, leafColumn(e.arg), value) : withComputed(parent, value, e.arg);
      const cols = [...p.keys.slice(0, argLevel.path.length), value];
      const narrowed = new ProjectOp(parent, cols.map((c) => pickColumn(parent.schema, c)));
      return new ExplodeOp(narrowed, value, { indexName: p.keys[p.keys.length - 1]! });
    }
    case 'steps': {
      const tl = p.timeline;
      let parent = lower(ctx, p.input);
      let stop: string;
      if (isLeaf(tl.stop)) stop = leafColumn(tl.stop);
      else {
        parent = withComputed(parent, '$stop', tl.stop);
        stop = '$stop';
      }
      return new TimelineOp(parent, stop, tl.fps, p.keys[p.keys.length - 1]!, `$timeline${tl.id}.time`);
    }
    case 'resample': {
      const r = p.resample;
      let src = withComputed(lower(ctx, p.source), '$on', r.on, new Float64());
      const value = leafColumn(r);
      src = r.source.kind === 'row' ? withStruct(src, value, r.source) : isLeaf(r.source) ? withRenamed(src, leafColumn(r.source), value) : withComputed(src, value, r.source);
      const srcType = src.schema.fields.find((f) => f.name === value)!.type;
      const method: ResampleMethod =
        typeof r.method === 'function' ? jsReducer(r.method, srcType, 'fn') : r.method;
      return new ResampleOp(lower(ctx, p.steps), src, { prefixKeys: [...p.prefix], on: '$on', method, columns: [value], time: `$timeline${r.timeline.id}.time` });
    }
    case 'combine': {
      const left = lower(ctx, p.left);
      // The right side's copy of the step times is the left's.
      const right = dropColumn(lower(ctx, p.right), `$timeline${timelineId(p.right)}.time`);
      return p.how === 'zip' ? new ZipOp(left, right) : new MergeJoinOp(left, right, { kind: 'left', sideways: p.sideways });
    }
    case 'output': {
      const stream = lower(ctx, p.input);
      const cols: ProjectColumn[] = p.keys.map((k) => pickColumn(stream.schema, k));
      for (const o of p.outputs) {
        if (isLeaf(o.expr)) {
          cols.push(pickColumn(stream.schema, leafColumn(o.expr), o.name));
          continue;
        }
        const c = compile(o.expr, leafColumn);
        cols.push({ field: new Field(o.name, resultType(o.expr), true), compute: (b: RecordBatch): Data => toData(c(b)), label: `${formatExpr(o.expr)} AS ${o.name}` });
      }
      return new ProjectOp(stream, cols);
    }
  }
}

/** A user's function over a group's values (nulls included) as a reducer returning `type`. */
function jsReducer(f: (values: readonly unknown[]) => unknown, type: DataType, name: string): Reducer {
  return { fn: (v) => f([...(v as Iterable<unknown>)]), type, name };
}

/** The timeline of a resample side of a combine. */
function timelineId(p: StreamPlan): number {
  if (p.kind === 'resample') return p.resample.timeline.id;
  if (p.kind === 'combine') return timelineId(p.left);
  throw new PlanError('internal', `a combine of a ${p.kind}`);
}

function lowerScan(ctx: PlanContext, p: ScanNode): PhysicalOperator {
  const ds = ctx.ds;
  const stored = keyColumns(ds.schema, p.path);
  const node = collectionAt(ds.schema, p.path);
  const types = [...stored.map(() => undefined), ...p.columns.map((c) => declaredType(node, c.stored))];
  const prefixes = p.seeks.length > 0 ? seekPrefixes(p.seeks, p.path.length) : null;
  const snapshot = ctx.snapshot(p.path.join('.'));
  const preds: Predicate[] = [];
  const rest: Expr[] = [];
  for (const c of p.storage) {
    const pred = storagePredicate(c, p.path, stored, snapshot.schema());
    if (pred) preds.push(pred);
    else rest.push(c);
  }
  const where = preds.length === 0 ? undefined : preds.length === 1 ? preds[0]! : and(...preds);
  let op: PhysicalOperator = new ScanOp(
    snapshot,
    { columns: [...stored, ...p.columns.map((c) => c.stored)], names: [...p.keys, ...p.columns.map((c) => c.name)], types, ...(prefixes ? { prefixes } : {}), ...(where ? { where } : {}) },
    [...p.keys],
    `${ds.schema.name}.${p.path.join('.')}`,
  );
  // A conjunct storage turned out not to take (the stored schema differs) runs right above.
  for (const c of rest) {
    const f = compile(c, leafColumn);
    op = new FilterOp(op, (b: RecordBatch) => mask(f(b)), formatExpr(c));
  }
  return op;
}

/**
 * A reduction onto `stream`'s level: the argument computed as a column of `inner` (the
 * argument's level stream), GroupBy to the level's keys, then a left join onto `stream`
 * (parents without children get count 0, an empty list, false, or null).
 */
function lowerReduce(ctx: PlanContext, stream: PhysicalOperator, inner0: PhysicalOperator, r: Expr & { kind: 'reduce' }, sideways: boolean): PhysicalOperator {
  let inner = inner0;
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
    : r.fn === 'agg' ? jsReducer(r.fn2!, new Float64(), 'agg')
    : r.fn;
  const keys = stream.ordering.keys.slice(0, r.to.length);
  const g = new GroupByOp(inner, [...keys], [{ column, reduce, as: out }]);
  const fill = r.fn === 'count' ? { [out]: 0n } : r.fn === 'list' ? { [out]: [] } : r.fn === 'any' ? { [out]: false } : undefined;
  return new MergeJoinOp(stream, g, { kind: 'left', sideways, ...(fill ? { fill } : {}) });
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
    else if (x.kind === 'key' && x.level.path.length <= path.length && x.level.path.every((p, i) => path[i] === p)) name = storedKeys[x.level.path.length - 1]!;
    else return null;
    // Ancestor keys are stored as flat columns named with a dot (`scenes._id`).
    const flat = schema.fields.find((y) => y.name === name);
    if (flat) return { name, type: flat.type };
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

