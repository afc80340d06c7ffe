/**
 * Expressions over a dataset's collections, each with a level: the collection whose keys define
 * its row domain. Plain immutable data (a discriminated union on `kind`); built by the fluent
 * API (logical/fluent.ts) and, later, by the SQL binder.
 *
 * Level rules (seed 002):
 *  - a field has its collection's level; a literal has none (it fits any level);
 *  - scalar operations take the deepest level of their operands, which must lie on one ancestor
 *    path (ancestors broadcast); siblings and unrelated branches are LevelErrors;
 *  - reductions move one level up (or to the ancestor named by `per`);
 *  - filtered collections (`where`) keep their level but narrow the row domain;
 *  - windows keep the level; explode adds one.
 */
import { PlanError, type EngineErrorOptions } from '../errors.js';

/** A row domain: a collection path, optionally narrowed by filters (one per level where applied). */
export interface Level {
  readonly dataset: string;
  /** Collection names from the root, e.g. ['scenes', 'clips']. */
  readonly path: readonly string[];
  /** Filters applied at levels of this path (level depth → predicate), from `where`. */
  readonly filters: readonly { readonly depth: number; readonly pred: Expr }[];
}

export type BinaryOp = '+' | '-' | '*' | '/' | '%' | '=' | '!=' | '<' | '<=' | '>' | '>=' | 'and' | 'or';
export type UnaryOp = 'not' | 'neg' | 'is_null' | 'is_not_null' | 'len';
export type ReduceFn = 'sum' | 'mean' | 'min' | 'max' | 'count' | 'first' | 'last' | 'list' | 'any' | 'agg';
export type WindowAgg = 'list' | 'sum' | 'mean' | 'min' | 'max' | 'count' | 'first';

/** Aggregation of source rows within a timeline step. */
export type ResampleMethod = 'first' | 'last' | 'ffill' | 'list' | 'mean' | 'sum' | 'min' | 'max' | 'count' | ((values: readonly unknown[]) => unknown);

/**
 * A timeline: per row of its level, time steps 0, 1/fps, 2/fps, … below `stop`. Compared by
 * identity (`id`): resampling to the same timeline gives identical row domains (a zip).
 */
export interface Timeline {
  readonly id: number;
  readonly fps: number;
  readonly stop: Expr;
  readonly level: Level;
}

/** The level name of the elements of an exploded list below the list's level. */
export const explodeStep = (arg: Expr): string => `#explode(${formatExpr(arg)})`;

/** The level name of a timeline's steps below its parent level. */
export const timelineStep = (t: Timeline): string => `#timeline${t.id}`;

export type Expr =
  | { readonly kind: 'field'; readonly level: Level; readonly path: readonly string[] }
  | { readonly kind: 'key'; readonly level: Level; readonly name: '_id' | '_pos' }
  | { readonly kind: 'literal'; readonly value: unknown }
  | { readonly kind: 'binary'; readonly op: BinaryOp; readonly left: Expr; readonly right: Expr }
  | { readonly kind: 'unary'; readonly op: UnaryOp; readonly arg: Expr }
  | {
      readonly kind: 'reduce';
      readonly fn: ReduceFn;
      readonly arg: Expr;
      /** Target level path (an ancestor of the argument's level). */
      readonly to: readonly string[];
      /** any(): the predicate over the values (an expression of `arg`'s level). */
      readonly pred?: Expr;
      /** agg(): a custom function over a group's values. */
      readonly fn2?: (values: readonly unknown[]) => unknown;
    }
  | { readonly kind: 'window'; readonly arg: Expr; readonly before: number; readonly after: number; readonly agg: WindowAgg | ((values: readonly unknown[]) => unknown) }
  /** All value fields of a level as one struct (a bare collection used as a value). */
  | { readonly kind: 'row'; readonly level: Level; readonly fields: readonly string[] }
  /** `source` (a level below the timeline's) aligned to the timeline's steps. */
  | { readonly kind: 'resample'; readonly source: Expr; readonly timeline: Timeline; readonly on: Expr; readonly method: ResampleMethod }
  /** The time (seconds from the parent's start) of a timeline step. */
  | { readonly kind: 'step_time'; readonly timeline: Timeline }
  /** The elements of a list value as a child level: one row per element (the inverse of `list`). */
  | { readonly kind: 'explode'; readonly arg: Expr }
  /**
   * Row selection: true when the row's key parts `keys` (key leaves of consecutive levels, the
   * deepest last) equal one of `tuples`. Built by `get` / `at` / key tables; the planner turns
   * it into seeks when the selected levels start at a root or below other selections.
   */
  | { readonly kind: 'key_in'; readonly keys: readonly (Expr & { readonly kind: 'key' })[]; readonly tuples: readonly (readonly unknown[])[] };

/** A level mistake, naming the collections involved and the fix. */
export class LevelError extends PlanError {
  constructor(message: string, options: EngineErrorOptions = {}) {
    super('level-error', message, options);
  }
}

const name = (l: Level): string => l.path[l.path.length - 1] ?? l.dataset;

export function isAncestorOrSelf(a: readonly string[], b: readonly string[]): boolean {
  return a.length <= b.length && a.every((x, i) => b[i] === x);
}

/** The deeper of two levels when one is an ancestor of the other; else a LevelError. */
export function deeper(a: Level, b: Level, what = 'combine'): Level {
  if (a.dataset !== b.dataset) throw new LevelError(`'${name(a)}' and '${name(b)}' are in different datasets (${a.dataset}, ${b.dataset})`);
  if (isAncestorOrSelf(a.path, b.path)) return mergeFilters(b, a);
  if (isAncestorOrSelf(b.path, a.path)) return mergeFilters(a, b);
  const shared = a.path.findIndex((x, i) => b.path[i] !== x);
  if (shared > 0 && shared === a.path.length - 1 && shared === b.path.length - 1) {
    throw new LevelError(`cannot ${what} '${name(a)}' and '${name(b)}' — they are siblings; resample both to one timeline (or reduce one of them to '${a.path[shared - 1]}')`);
  }
  if (shared === 0) throw new LevelError(`'${name(a)}' and '${name(b)}' share no ancestor path`);
  throw new LevelError(`cannot ${what} '${name(a)}' and '${name(b)}' — they are on different branches below '${a.path[shared - 1]}'; reduce them to a shared ancestor first`);
}

/** `deep` with the filters of `shallow` (an ancestor-or-self level) added. */
function mergeFilters(deep: Level, shallow: Level): Level {
  if (shallow.filters.length === 0) return deep;
  const have = new Set(deep.filters);
  const extra = shallow.filters.filter((f) => !have.has(f));
  return extra.length === 0 ? deep : { ...deep, filters: [...deep.filters, ...extra] };
}

/** The level of an expression (null for literals and expressions of literals only). */
export function levelOf(e: Expr): Level | null {
  switch (e.kind) {
    case 'field':
    case 'key':
    case 'row':
      return e.level;
    case 'key_in':
      return e.keys[e.keys.length - 1]!.level;
    case 'literal':
      return null;
    case 'resample':
    case 'step_time': {
      const t = e.timeline;
      return { dataset: t.level.dataset, path: [...t.level.path, timelineStep(t)], filters: t.level.filters };
    }
    case 'binary': {
      const l = levelOf(e.left), r = levelOf(e.right);
      if (!l) return r;
      if (!r) return l;
      return deeper(l, r);
    }
    case 'unary':
      return levelOf(e.arg);
    case 'explode': {
      const l = levelOf(e.arg);
      if (!l) throw new LevelError('explode() needs a list-valued collection field, not a literal');
      return { ...l, path: [...l.path, explodeStep(e.arg)] };
    }
    case 'window':
      return levelOf(e.arg);
    case 'reduce': {
      const l = levelOf(e.arg);
      if (!l) throw new LevelError('a reduction needs a collection-level argument, not a literal');
      return { dataset: l.dataset, path: e.to, filters: l.filters.filter((f) => f.depth < e.to.length) };
    }
  }
}

/** A reduction of `arg` to its parent level, or to the ancestor `per` when given. */
export function reduce(fn: ReduceFn, arg: Expr, per?: readonly string[], extra: { pred?: Expr; fn2?: (values: readonly unknown[]) => unknown } = {}): Expr {
  const l = levelOf(arg);
  if (!l) throw new LevelError(`${fn}() needs a collection-level argument`);
  let to: readonly string[];
  if (per !== undefined) {
    if (!isAncestorOrSelf(per, l.path) || per.length >= l.path.length) {
      throw new LevelError(`${fn}(per: '${per[per.length - 1] ?? l.dataset}') must name an ancestor of '${name(l)}'`);
    }
    to = per;
  } else {
    if (l.path.length <= 1) throw new LevelError(`'${name(l)}' is a root collection: there is no parent level to reduce to`);
    to = l.path.slice(0, -1);
  }
  return { kind: 'reduce', fn, arg, to, ...(extra.pred ? { pred: extra.pred } : {}), ...(extra.fn2 ? { fn2: extra.fn2 } : {}) };
}

/** Checks that all expressions lie on one ancestor path; returns the scan level (the deepest). */
export function scanLevel(exprs: readonly Expr[]): Level {
  let level: Level | null = null;
  for (const e of exprs) {
    const l = levelOf(e);
    if (!l) continue;
    level = level ? deeper(level, l, 'scan') : l;
  }
  if (!level) throw new LevelError('a scan needs at least one collection-level expression');
  return level;
}

/** A short, stable text form (for EXPLAIN and error messages). */
export function formatExpr(e: Expr): string {
  switch (e.kind) {
    case 'field':
      return [...e.level.path, ...e.path].join('.');
    case 'key':
      return [...e.level.path, e.name].join('.');
    case 'literal':
      return typeof e.value === 'string' ? JSON.stringify(e.value) : typeof e.value === 'bigint' ? `${e.value}n` : String(e.value);
    case 'binary':
      return `(${formatExpr(e.left)} ${e.op} ${formatExpr(e.right)})`;
    case 'unary':
      return `${e.op}(${formatExpr(e.arg)})`;
    case 'reduce':
      return `${formatExpr(e.arg)}.${e.fn}(${e.to.length ? `per ${e.to.join('.')}` : ''})`;
    case 'window':
      return `${formatExpr(e.arg)}.rolling(${e.before}, ${e.after}, ${typeof e.agg === 'string' ? e.agg : 'fn'})`;
    case 'row':
      return `${e.level.path.join('.')}.*`;
    case 'resample':
      return `${formatExpr(e.source)}.resample(timeline${e.timeline.id}, ${formatExpr(e.on)}, ${typeof e.method === 'string' ? e.method : 'fn'})`;
    case 'step_time':
      return `timeline${e.timeline.id}.time`;
    case 'explode':
      return `${formatExpr(e.arg)}.explode()`;
    case 'key_in': {
      const cols = e.keys.map(formatExpr).join(', ');
      const shown = e.tuples.slice(0, 4).map((t) => `(${t.map((v) => formatExpr({ kind: 'literal', value: v })).join(', ')})`);
      return `(${cols}) in [${shown.join(', ')}${e.tuples.length > 4 ? `, … ${e.tuples.length} keys` : ''}]`;
    }
  }
}
