/**
 * The fluent API: lazy references by dot access over a dataset's schema tree.
 *
 *   const { scenes } = refs(schema);
 *   const clips = scenes.clips;
 *   clips.duration.mul(2)                      // level clips
 *   clips.detections.confidence.mean()         // level clips (reduced from detections)
 *   clips.where(clips.duration.gt(10))         // a filtered collection, reusable
 *   scenes.get('s1').clips                     // row selection (a key predicate → a seek)
 *
 * References wrap plain logical expressions (logical/expr.ts); nothing is read until a scan.
 */
import { Type } from 'apache-arrow';

import { PlanError } from '../errors.js';
import { type BinaryOp, type Expr, formatExpr, isAncestorOrSelf, type Level, LevelError, levelOf, reduce, type ReduceFn, type ResampleMethod, type Timeline, type WindowAgg } from './expr.js';
import type { LevelPath, RefBase, Roots, TypedTimeline } from './fluent-types.js';
import type { CollectionNode, DatasetSchema, RootNodes, SchemaNode } from './schema.js';

export type Operand = ExprRef | string | number | bigint | boolean | null;

const toExpr = (x: Operand): Expr => (x instanceof ExprRef ? x.expr : { kind: 'literal', value: x });

export interface ReduceOptions {
  /** Reduce straight to this ancestor collection (skipping levels). */
  readonly per?: CollectionRef;
}

/** A lazy expression with a level. */
export class ExprRef {
  constructor(readonly expr: Expr) {}

  get level(): Level | null {
    return levelOf(this.expr);
  }

  toString(): string {
    return `<Expr ${formatExpr(this.expr)}>`;
  }

  private bin(op: BinaryOp, other: Operand): ExprRef {
    const e: Expr = { kind: 'binary', op, left: this.expr, right: toExpr(other) };
    levelOf(e); // level mistakes surface where they are written
    return new ExprRef(e);
  }
  add(o: Operand): ExprRef { return this.bin('+', o); }
  sub(o: Operand): ExprRef { return this.bin('-', o); }
  mul(o: Operand): ExprRef { return this.bin('*', o); }
  div(o: Operand): ExprRef { return this.bin('/', o); }
  mod(o: Operand): ExprRef { return this.bin('%', o); }
  eq(o: Operand): ExprRef { return this.bin('=', o); }
  ne(o: Operand): ExprRef { return this.bin('!=', o); }
  lt(o: Operand): ExprRef { return this.bin('<', o); }
  le(o: Operand): ExprRef { return this.bin('<=', o); }
  gt(o: Operand): ExprRef { return this.bin('>', o); }
  ge(o: Operand): ExprRef { return this.bin('>=', o); }
  and(o: Operand): ExprRef { return this.bin('and', o); }
  or(o: Operand): ExprRef { return this.bin('or', o); }
  not(): ExprRef { return new ExprRef({ kind: 'unary', op: 'not', arg: this.expr }); }
  isNull(): ExprRef { return new ExprRef({ kind: 'unary', op: 'is_null', arg: this.expr }); }
  isNotNull(): ExprRef { return new ExprRef({ kind: 'unary', op: 'is_not_null', arg: this.expr }); }
  /** Number of elements of a list value. */
  len(): ExprRef { return new ExprRef({ kind: 'unary', op: 'len', arg: this.expr }); }

  protected red(fn: ReduceFn, opts: ReduceOptions = {}, extra: Parameters<typeof reduce>[3] = {}): ExprRef {
    return new ExprRef(reduce(fn, this.expr, opts.per?.level.path, extra));
  }
  /** The elements of a list value as a child level, one row per element (the inverse of `list()`). */
  explode(): ExprRef {
    const e: Expr = { kind: 'explode', arg: this.expr };
    levelOf(e);
    return new ExprRef(e);
  }
  sum(opts?: ReduceOptions): ExprRef { return this.red('sum', opts); }
  mean(opts?: ReduceOptions): ExprRef { return this.red('mean', opts); }
  min(opts?: ReduceOptions): ExprRef { return this.red('min', opts); }
  max(opts?: ReduceOptions): ExprRef { return this.red('max', opts); }
  count(opts?: ReduceOptions): ExprRef { return this.red('count', opts); }
  first(opts?: ReduceOptions): ExprRef { return this.red('first', opts); }
  last(opts?: ReduceOptions): ExprRef { return this.red('last', opts); }
  list(opts?: ReduceOptions): ExprRef { return this.red('list', opts); }
  /** True for a parent when `pred` holds for any of its values. */
  any(pred: (x: ExprRef) => ExprRef, opts?: ReduceOptions): ExprRef {
    return this.red('any', opts, { pred: pred(this).expr });
  }
  /** A custom reduction over each group's values. */
  agg(fn: (values: readonly unknown[]) => unknown, opts?: ReduceOptions): ExprRef {
    return this.red('agg', opts, { fn2: fn });
  }
  /** The same reductions, straight to an ancestor: `x.per(scenes).mean()`. */
  per(target: CollectionRef): { [K in 'sum' | 'mean' | 'min' | 'max' | 'count' | 'first' | 'last' | 'list']: () => ExprRef } {
    const per = { per: target };
    return {
      sum: () => this.sum(per), mean: () => this.mean(per), min: () => this.min(per), max: () => this.max(per),
      count: () => this.count(per), first: () => this.first(per), last: () => this.last(per), list: () => this.list(per),
    };
  }
  /**
   * This expression aligned to a timeline's steps: `on` places each row on the timeline's time
   * axis (seconds from the parent's start, non-decreasing within a parent); `method` combines
   * the rows of a step. The result's level is the timeline's steps.
   */
  resample(tl: TimelineRef, opts: { on: ExprRef; method?: ResampleMethod }): ExprRef {
    return resampleExpr(this.expr, tl, opts);
  }

  /** A window over neighbouring rows within the same parent: stays at this level. */
  rolling(opts: { before?: number; after?: number; agg?: WindowAgg | ((values: readonly unknown[]) => unknown) }): ExprRef {
    const before = opts.before ?? 0, after = opts.after ?? 0;
    if (!Number.isInteger(before) || !Number.isInteger(after) || before < 0 || after < 0) {
      throw new PlanError('invalid-argument', 'rolling() needs non-negative integer before/after');
    }
    return new ExprRef({ kind: 'window', arg: this.expr, before, after, agg: opts.agg ?? 'list' });
  }
}

/**
 * A list-valued field: a pre-materialized child level. Reductions work on each row's elements
 * and stay at the field's level (`scenes.tags.count()` is the number of tags per scene);
 * `explode()` gives the elements as rows; `list()` is the list itself.
 */
export class ListRef extends ExprRef {
  protected override red(fn: ReduceFn, opts: ReduceOptions = {}, extra: Parameters<typeof reduce>[3] = {}): ExprRef {
    const own = levelOf(this.expr)!.path;
    const per = opts.per?.level.path ?? own;
    return new ExprRef(reduce(fn, this.explode().expr, per, extra));
  }
  override any(pred: (x: ExprRef) => ExprRef, opts?: ReduceOptions): ExprRef {
    return this.red('any', opts, { pred: pred(this.explode()).expr });
  }
  override list(opts?: ReduceOptions): ExprRef {
    return opts?.per ? super.list(opts) : this;
  }
}

/** A reference to a collection: its fields, child collections and keys by dot access. */
export interface CollectionRef {
  readonly level: Level;
  readonly node: CollectionNode;
  readonly _id: ExprRef;
  readonly _pos: ExprRef;
  /** The same collection with fewer rows (reusable; reductions over it see only these rows). */
  where(pred: ExprRef): CollectionRef;
  /**
   * Row selection by key, read as seeks: `scenes.get('s1')`, several keys `clips.get(['c1', 'c2'])`,
   * or a key table (an Arrow table whose columns are the keys of consecutive levels ending at
   * this one, named by collection path: `{ scenes: [...], 'scenes.clips': [...] }`).
   */
  get(key: unknown): CollectionRef;
  /** Row selection by position in a positional collection: `frames.at(0)`, `frames.at([0, 5])`. */
  at(pos: number | bigint | readonly (number | bigint)[]): CollectionRef;
  /** All scalar and struct fields of this level, optionally minus some. */
  select(opts?: { exclude?: readonly string[] }): { readonly collection: CollectionRef; readonly exclude: readonly string[] };
  /** The collection's rows (as structs of their fields) aligned to a timeline (see ExprRef.resample). */
  resample(tl: TimelineRef, opts: { on: ExprRef; method?: ResampleMethod }): ExprRef;
  readonly [field: string]: unknown;
}

function fieldRefs(level: Level, node: { fields: ReadonlyMap<string, SchemaNode> }, prefix: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, child] of node.fields) {
    if (child.kind === 'collection') continue;
    const path = [...prefix, name];
    if (child.kind === 'scalar') out[name] = child.type.typeId === Type.List ? new ListRef({ kind: 'field', level, path }) : new ExprRef({ kind: 'field', level, path });
    else out[name] = Object.assign(new ExprRef({ kind: 'field', level, path }), fieldRefs(level, child, path));
  }
  return out;
}

/** Key names of the levels of a path, root first. */
type KeyNames = readonly ('_id' | '_pos')[];

function collectionRef(level: Level, node: CollectionNode, ancestorKeys: KeyNames = []): CollectionRef {
  const keyName = node.key.kind === 'keyed' ? '_id' : '_pos';
  const keyNames: KeyNames = [...ancestorKeys, keyName];
  const keyRef = new ExprRef({ kind: 'key', level, name: keyName });
  const self: CollectionRef = {
    level,
    node,
    get _id(): ExprRef {
      if (keyName !== '_id') throw new LevelError(`'${level.path[level.path.length - 1]}' is positional: use _pos`);
      return keyRef;
    },
    get _pos(): ExprRef {
      if (keyName !== '_pos') throw new LevelError(`'${level.path[level.path.length - 1]}' is keyed: use _id`);
      return keyRef;
    },
    where(pred: ExprRef): CollectionRef {
      const pl = levelOf(pred.expr);
      if (pl && !(pl.path.length <= level.path.length && pl.path.every((x, i) => level.path[i] === x))) {
        throw new LevelError(`a filter on '${level.path[level.path.length - 1]}' cannot use '${pl.path[pl.path.length - 1]}' (not this collection or an ancestor); reduce it first`);
      }
      return collectionRef({ ...level, filters: [...level.filters, { depth: level.path.length - 1, pred: pred.expr }] }, node, ancestorKeys);
    },
    get(key: unknown): CollectionRef {
      return self.where(new ExprRef(keySelection(level, keyNames, key)));
    },
    at(pos: number | bigint | readonly (number | bigint)[]): CollectionRef {
      if (keyName !== '_pos') throw new LevelError(`'${level.path[level.path.length - 1]}' is keyed: select rows with get(_id)`);
      return self.get(pos);
    },
    select(opts = {}) {
      return { collection: self, exclude: opts.exclude ?? [] };
    },
    resample(tl: TimelineRef, opts: { on: ExprRef; method?: ResampleMethod }): ExprRef {
      return rowOf(self).resample(tl, opts);
    },
  };
  Object.assign(self, fieldRefs(level, node, []));
  for (const [name, child] of node.fields) {
    if (child.kind !== 'collection') continue;
    Object.defineProperty(self, name, {
      enumerable: true,
      get: () => collectionRef({ dataset: level.dataset, path: [...level.path, name], filters: level.filters }, child, keyNames),
    });
  }
  return self;
}

interface KeyTable {
  readonly numRows: number;
  readonly schema: { readonly fields: readonly { readonly name: string }[] };
  getChildAt(i: number): { get(i: number): unknown } | null;
}

const isKeyTable = (x: unknown): x is KeyTable => typeof x === 'object' && x !== null && 'schema' in x && 'numRows' in x && typeof (x as KeyTable).getChildAt === 'function';

/** The key_in predicate of `get(key)` on the collection at `level`. */
function keySelection(level: Level, keyNames: KeyNames, key: unknown): Expr {
  const depth = level.path.length - 1;
  const keyAt = (d: number): Expr & { kind: 'key' } => ({ kind: 'key', level: { ...level, path: level.path.slice(0, d + 1), filters: [] }, name: keyNames[d]! });
  if (isKeyTable(key)) {
    const names = key.schema.fields.map((f) => f.name);
    const first = depth + 1 - names.length;
    if (names.length === 0 || first < 0) throw new PlanError('invalid-argument', `a key table for '${level.path.join('.')}' needs one column per level, at most ${depth + 1}`);
    names.forEach((n, i) => {
      const d = first + i, full = level.path.slice(0, d + 1).join('.');
      if (n !== full && n !== level.path[d] && !(d === depth && n === keyNames[d])) {
        throw new PlanError('invalid-argument', `key table column ${i + 1} is "${n}"; expected "${full}" (the key of '${level.path[d]}')`);
      }
    });
    const cols = names.map((_, i) => key.getChildAt(i)!);
    const tuples = Array.from({ length: key.numRows }, (_, r) => cols.map((c) => c.get(r)));
    if (tuples.some((t) => t.some((v) => v === null || v === undefined))) throw new PlanError('null-key', 'a key table holds nulls');
    return { kind: 'key_in', keys: names.map((_, i) => keyAt(first + i)), tuples };
  }
  const values = Array.isArray(key) ? (key as unknown[]) : [key];
  if (values.some((v) => v === null || v === undefined)) throw new PlanError('null-key', `get() on '${level.path[depth]}' was given a null key`);
  return { kind: 'key_in', keys: [keyAt(depth)], tuples: values.map((v) => [v]) };
}

/** References to a dataset's root collections (typed by level when the schema's type is known). */
export function refs<R extends RootNodes>(schema: DatasetSchema<R>): Roots<R> {
  const out: Record<string, CollectionRef> = {};
  for (const [name, node] of schema.roots) out[name] = collectionRef({ dataset: schema.name, path: [name], filters: [] }, node);
  return out as Roots<R>;
}

let timelines = 0;

/** A timeline (see `timeline()`); `time` is each step's time in seconds. */
export interface TimelineRef {
  readonly timeline: Timeline;
  readonly time: ExprRef;
}

/**
 * Steps at `fps` per second from 0 to `stop` (exclusive) for every row of `stop`'s level.
 * Timelines are compared by identity: resample siblings to the same one to zip them.
 */
export function timeline<L extends LevelPath>(opts: { fps: number; stop: RefBase<L> }): TypedTimeline<L>;
export function timeline(opts: { fps: number; stop: ExprRef }): TimelineRef;
export function timeline(opts: { fps: number; stop: ExprRef }): TimelineRef {
  if (!(opts.fps > 0) || !Number.isFinite(opts.fps)) throw new PlanError('invalid-argument', `timeline fps must be a positive number, got ${opts.fps}`);
  const level = levelOf(opts.stop.expr);
  if (!level) throw new LevelError('timeline stop must be a collection-level expression (e.g. clips.duration)');
  const t: Timeline = { id: ++timelines, fps: opts.fps, stop: opts.stop.expr, level };
  return { timeline: t, time: new ExprRef({ kind: 'step_time', timeline: t }) };
}

function resampleExpr(source: Expr, tl: TimelineRef, opts: { on: ExprRef; method?: ResampleMethod }): ExprRef {
  const sl = levelOf(source), ol = levelOf(opts.on.expr);
  const t = tl.timeline;
  if (!sl || !isAncestorOrSelf(t.level.path, sl.path) || sl.path.length !== t.level.path.length + 1) {
    throw new LevelError(`resample: the source must be a child collection of '${t.level.path[t.level.path.length - 1]}' (the timeline's level)`);
  }
  if (!ol || ol.path.length !== sl.path.length || !isAncestorOrSelf(ol.path, sl.path)) {
    const deeperOn = ol ? levelOf({ kind: 'binary', op: '+', left: source, right: opts.on.expr }) : null;
    if (!deeperOn || deeperOn.path.length !== sl.path.length) throw new LevelError('resample: `on` must be an expression of the source level (ancestors broadcast)');
  }
  return new ExprRef({ kind: 'resample', source, timeline: t, on: opts.on.expr, method: opts.method ?? 'first' });
}

/** All value fields of a collection as one struct value (e.g. to resample whole detections). */
export function rowOf(c: CollectionRef): ExprRef {
  return new ExprRef({ kind: 'row', level: c.level, fields: [...c.node.fields].filter(([, n]) => n.kind !== 'collection').map(([k]) => k) });
}
