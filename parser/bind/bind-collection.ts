/**
 * Collections in SQL (DESIGN.md §8, seed 002): `FROM recordings.scenes.clips` names the scan
 * level by its path, and the query becomes one `collection_scan` whose items are level
 * expressions (logical/expr.ts), with ordinary relational operators above it.
 *
 *  - `clips.duration` (or `duration`, or `c.duration` with `AS c`): a field of the FROM level;
 *    `scenes.location`: an ancestor's field, broadcast; `clips._id`, `frames._pos`: keys;
 *    unqualified names resolve at the FROM level first, then the nearest ancestor.
 *  - a descendant's field only inside an aggregate: `avg(detections.confidence)` is a reduction
 *    to the FROM level (one value per clip); an aggregate nested in another reduces one level
 *    (`sum(avg(detections.confidence))` FROM scenes: per-clip means summed per scene);
 *    `FILTER (WHERE …)` filters the reduced rows. Other aggregates are relational.
 *  - WHERE conjuncts on the FROM level and its ancestors (comparisons, IS NULL, AND/OR of them)
 *    become level filters run by the collection planner; `scenes._id = 's1'` and
 *    `clips._id IN ('c1', 'c2')` become key selections (`key_in`): seeks.
 *  - `timeline(fps => 10, stop => clips.duration) AS tl` and `resample(clips.frames, tl,
 *    on => frames._pos / 30, method => 'first') AS f` (FROM items after the collection) align
 *    siblings: `tl.time`, `f.rgb` (a resampled field), `f.frames` (resampled whole rows); the
 *    rows are the timeline's steps; resamples onto one timeline zip.
 *  - window functions over a collection are partitioned by the parent's key (windows never
 *    cross the parent).
 *
 * The whole SELECT (and its subqueries) is read first to know which items the scan needs.
 */
import { Binary, Bool, type DataType, Field, Float64, Int64, Struct, Type, Uint64, Utf8 } from 'apache-arrow';

import { deeper, type Expr, type Level, LevelError, levelOf, type ResampleMethod, type Timeline } from '../../logical/expr.js';
import { listType } from '../../logical/functions.js';
import type { Plan, Scalar } from '../../logical/plan.js';
import { cast, collectionScan, named, project } from '../../logical/plan-build.js';
import { collectionAt, type CollectionNode, type DatasetSchema, keyColumns, nodeType, type SchemaNode } from '../../logical/schema.js';
import type * as Ast from '../ast.js';
import { astConjuncts, childExprs, isAggregateCall } from './bind-expr.js';
import type { BoundFrom } from './bind-from.js';
import type { BoundQuery } from './bind-query.js';
import type { AsOfValue, CatalogDataset } from './catalog.js';
import { type BindContext, colOf } from './context.js';
import { BindError, unknownName } from './diagnostics.js';
import { Scope, type ScopeColumn, sameName } from './scope.js';

export const isCollectionFunction = (r: Ast.TableFunction): boolean => ['timeline', 'resample'].includes(r.name[r.name.length - 1]!.toLowerCase());

/** Where a collection INSERT / DELETE goes: a dataset and the collection's path in it. */
export interface CollectionTarget {
  readonly dataset: string;
  readonly path: readonly string[];
  /** Key columns of the collection (as a dataset write expects them). */
  readonly keys: readonly string[];
}

let timelineIds = 1_000_000;

/** The collection at `rest` below a dataset; 'sql-unknown-table' with suggestions otherwise. */
function collectionPath(ds: CatalogDataset, rest: readonly string[], span: Ast.SourceSpan): string[] {
  if (rest.length === 0) throw new BindError('sql-invalid', `${ds.name} is a dataset: name one of its collections (${[...ds.schema.roots.keys()].map((k) => `${ds.name}.${k}`).join(', ')})`, span);
  const out: string[] = [];
  let fields: ReadonlyMap<string, SchemaNode> = ds.schema.roots as ReadonlyMap<string, SchemaNode>;
  for (const part of rest) {
    const hit = [...fields].find(([k, n]) => sameName(k, part) && n.kind === 'collection');
    if (!hit) {
      const names = [...fields].filter(([, n]) => n.kind === 'collection').map(([k]) => k);
      throw unknownName('sql-unknown-table', `no collection ${[ds.name, ...out, part].join('.')}${names.length ? ` (collections here: ${names.join(', ')})` : ''}`, part, names, span);
    }
    out.push(hit[0]);
    fields = (hit[1] as CollectionNode).fields;
  }
  return out;
}

/** A name reference resolved in the collection tree. */
type Ref =
  /** `used`: name parts consumed (level qualifier and field path). */
  | { readonly kind: 'field'; readonly path: readonly string[]; readonly field: readonly string[]; readonly used: number }
  | { readonly kind: 'key'; readonly path: readonly string[]; readonly name: '_id' | '_pos' }
  | { readonly kind: 'time'; readonly alias: string }
  | { readonly kind: 'resampled'; readonly alias: string; readonly field: string | null };

interface ResampleDef {
  readonly source: readonly string[];
  readonly timeline: string;
  readonly on: Ast.Expr;
  readonly method: string;
}

class CollectionBinder {
  readonly schema: DatasetSchema;
  readonly from: readonly string[];
  /** Level of FROM-level items: the FROM path with the pushed WHERE filters. */
  fromLevel: Level;
  readonly timelines = new Map<string, Timeline>();
  readonly resamples = new Map<string, ResampleDef>();
  /** Items by a structural key. */
  readonly items = new Map<string, { name: string; expr: Expr; type: DataType }>();
  readonly scopeCols: ScopeColumn[] = [];

  constructor(
    readonly ctx: BindContext,
    readonly ds: CatalogDataset,
    path: readonly string[],
    readonly alias: string | null,
  ) {
    this.schema = ds.schema;
    this.from = path;
    this.fromLevel = { dataset: ds.name, path, filters: [] };
  }

  private node(path: readonly string[]): CollectionNode {
    return collectionAt(this.schema, path);
  }

  private keyName(path: readonly string[]): '_id' | '_pos' {
    return this.node(path).key.kind === 'keyed' ? '_id' : '_pos';
  }

  /** Collection paths below the FROM level, by name (descendants). */
  private descendants(): Map<string, string[]> {
    const out = new Map<string, string[]>();
    const walk = (p: string[]): void => {
      for (const [k, n] of this.node(p).fields) {
        if (n.kind !== 'collection') continue;
        if (!out.has(k.toLowerCase())) out.set(k.toLowerCase(), [...p, k]);
        walk([...p, k]);
      }
    };
    walk([...this.from]);
    return out;
  }

  /** The levels a name may start at: the FROM level (by alias or name), ancestors, descendants. */
  private levelNamed(name: string): readonly string[] | undefined {
    if (this.alias && sameName(name, this.alias)) return this.from;
    for (let d = this.from.length; d >= 1; d--) if (sameName(this.from[d - 1]!, name) && !(d === this.from.length && this.alias)) return this.from.slice(0, d);
    return this.descendants().get(name.toLowerCase());
  }

  /** A field path of a collection level, or null (walks struct fields). */
  private fieldAt(path: readonly string[], names: readonly string[]): string[] | null {
    let fields = this.node(path).fields;
    const out: string[] = [];
    for (const n of names) {
      const hit = [...fields].find(([k]) => sameName(k, n));
      if (!hit || hit[1].kind === 'collection') return out.length > 0 ? out : null;
      out.push(hit[0]);
      if (hit[1].kind === 'scalar') break;
      fields = hit[1].fields;
    }
    return out;
  }

  /** Resolves a column path against the tree (null: not a collection name). */
  resolve(path: readonly string[]): Ref | null {
    const first = path[0]!;
    if (path.length >= 2) {
      const tl = [...this.timelines.keys()].find((k) => sameName(k, first));
      if (tl && sameName(path[1]!, 'time')) return { kind: 'time', alias: tl };
      const rs = [...this.resamples.keys()].find((k) => sameName(k, first));
      if (rs) {
        const def = this.resamples.get(rs)!;
        const src = def.source[def.source.length - 1]!;
        if (sameName(path[1]!, src)) return { kind: 'resampled', alias: rs, field: null };
        const f = this.fieldAt(def.source, [path[1]!]);
        if (f) return { kind: 'resampled', alias: rs, field: f[0]! };
        return null;
      }
      const level = this.levelNamed(first);
      if (level) {
        if (path[1] === '_id' || path[1] === '_pos') return { kind: 'key', path: level, name: path[1] };
        const f = this.fieldAt(level, path.slice(1));
        if (f) return { kind: 'field', path: level, field: f, used: f.length + 1 };
        return null;
      }
    }
    if (first === '_id' || first === '_pos') return this.keyName(this.from) === first ? { kind: 'key', path: this.from, name: first } : null;
    for (let d = this.from.length; d >= 1; d--) {
      const f = this.fieldAt(this.from.slice(0, d), path);
      if (f) return { kind: 'field', path: this.from.slice(0, d), field: f, used: f.length };
    }
    return null;
  }

  /** The level object of a collection path (the FROM level carries the pushed filters). */
  private level(path: readonly string[]): Level {
    return path.length === this.from.length && path.every((p, i) => p === this.from[i]) ? this.fromLevel : { dataset: this.ds.name, path, filters: [] };
  }

  /** The level expression of a reference (fields: the top-level field; structs are extracted later). */
  refExpr(r: Ref, plainLevels = false): Expr {
    const lv = (p: readonly string[]): Level => (plainLevels ? { dataset: this.ds.name, path: p, filters: [] } : this.level(p));
    switch (r.kind) {
      case 'field':
        return { kind: 'field', level: lv(r.path), path: [r.field[0]!] };
      case 'key':
        if (this.keyName(r.path) !== r.name) throw new BindError('sql-unknown-column', `'${r.path[r.path.length - 1]}' is ${r.name === '_id' ? 'positional: use _pos' : 'keyed: use _id'}`, null);
        return { kind: 'key', level: lv(r.path), name: r.name };
      case 'time':
        return { kind: 'step_time', timeline: this.timelines.get(r.alias)! };
      case 'resampled': {
        const def = this.resamples.get(r.alias)!;
        const srcLevel: Level = { dataset: this.ds.name, path: def.source, filters: [] };
        const src: Expr = r.field === null
          ? { kind: 'row', level: srcLevel, fields: [...this.node(def.source).fields].filter(([, n]) => n.kind !== 'collection').map(([k]) => k) }
          : { kind: 'field', level: srcLevel, path: [r.field] };
        return { kind: 'resample', source: src, timeline: this.timelines.get(def.timeline)!, on: this.toLevelExpr(def.on, 'item', true)!, method: methodOf(def.method) };
      }
    }
  }

  /** The scan item for a level expression (added once). */
  item(expr: Expr, display: string): Scalar {
    const key = itemKey(expr);
    let it = this.items.get(key);
    if (!it) {
      it = { name: this.ctx.fresh(display), expr, type: this.typeOf(expr) };
      this.items.set(key, it);
    }
    return { kind: 'column', name: it.name, type: it.type };
  }

  /**
   * An AST expression as a level expression, or null when it is not one (function calls,
   * CASE, …). `mode` 'filter' refuses NOT (filters treat NULL as false) and reductions.
   */
  toLevelExpr(e: Ast.Expr, mode: 'item' | 'filter', plainLevels = false, nested = false): Expr | null {
    const sub = (x: Ast.Expr): Expr | null => this.toLevelExpr(x, mode, plainLevels, nested);
    switch (e.kind) {
      case 'column': {
        const r = this.resolve(e.path);
        if (!r) return null;
        if (r.kind === 'field') {
          if (r.used !== e.path.length) return null;
          const x = this.refExpr(r, plainLevels) as Expr & { kind: 'field' };
          return { ...x, path: r.field };
        }
        return this.refExpr(r, plainLevels);
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
        return this.reduction(e, nested);
      default:
        return null;
    }
  }

  /** An aggregate over descendants as a reduction (null: over the FROM level, a relational aggregate). */
  reduction(e: Ast.FunctionCall, nested: boolean): Expr | null {
    const arg = e.args[0]?.value;
    if (!arg || e.args.length !== 1) return null;
    // Inner aggregates first: their results are values one level up.
    const argLevel = this.argLevel(arg);
    if (!argLevel || argLevel.length <= this.from.length) return null;
    const fn = REDUCERS[e.name.toLowerCase()];
    if (!fn) throw new BindError('sql-unsupported', `${e.name} cannot reduce a descendant collection (use ${Object.keys(REDUCERS).join(', ')})`, e.span);
    if (e.distinct || e.orderBy.length > 0) throw new BindError('sql-unsupported', `${e.name}(DISTINCT / ORDER BY …) over a descendant collection is not supported`, e.span);
    const x = this.toLevelExpr(arg, 'item', true, true);
    if (!x) throw new BindError('sql-unsupported', `inside a reduction of a descendant collection only fields, keys, constants, arithmetic, comparisons and nested aggregates are supported`, arg.span);
    let argExpr = x;
    if (e.filter) {
      const pred = this.toLevelExpr(e.filter, 'filter', true);
      if (!pred) throw new BindError('sql-unsupported', 'FILTER (WHERE …) of a reduction takes comparisons of the reduced level’s fields', e.filter.span);
      argExpr = withLevelFilter(argExpr, argLevel, { depth: argLevel.length - 1, pred });
    }
    const to = nested ? argLevel.slice(0, -1) : this.from;
    return { kind: 'reduce', fn: fn === 'any' ? 'any' : fn, arg: argExpr, to, ...(fn === 'any' ? { pred: argExpr } : {}) };
  }

  /** The level a reduction argument lives at (inner aggregates count one level up). */
  private argLevel(e: Ast.Expr): readonly string[] | null {
    let best: readonly string[] | null = null;
    const consider = (p: readonly string[] | null): void => {
      if (p && (!best || p.length > best.length)) best = p;
    };
    const visit = (x: Ast.Expr): void => {
      if (x.kind === 'call' && x.over === null && isAggregateCall(x)) {
        const inner = x.args[0] ? this.argLevel(x.args[0].value) : null;
        consider(inner ? inner.slice(0, -1) : null);
        return;
      }
      if (x.kind === 'column') {
        const r = this.resolve(x.path);
        if (r && (r.kind === 'field' || r.kind === 'key')) consider(r.path);
      }
      childExprs(x).forEach(visit);
    };
    visit(e);
    return best;
  }

  /** Registers the items an AST expression needs (walking subqueries too). */
  collect(e: Ast.Expr, lenient = false): void {
    if (e.kind === 'call' && e.over === null && isAggregateCall(e)) {
      const r = this.reduction(e, false);
      if (r) {
        this.ctx.reductions.set(e, this.item(r, e.name.toLowerCase()));
        return;
      }
    }
    if (e.kind === 'column') {
      const r = this.resolve(e.path);
      const below = r && (r.kind === 'field' || r.kind === 'key') && r.path.length > this.from.length;
      if (below && !lenient) {
        const here = this.from[this.from.length - 1]!;
        throw new BindError('level-error', `'${(r as { path: readonly string[] }).path.at(-1)}' is below '${here}': use ${e.path.join('.')} inside an aggregate (avg, sum, count, list, …) to reduce it to one value per row of '${here}'`, e.span);
      }
      if (r && !below) this.addRef(r);
      if (!r && !lenient && e.path.length >= 2) {
        try {
          this.checkElsewhere(e.path[0]!);
        } catch (err) {
          throw err instanceof LevelError ? new BindError('level-error', err.message, e.span) : err;
        }
      }
    }
    if (e.kind === 'exists' || e.kind === 'subquery' || e.kind === 'in-subquery') this.collectQuery(e.query);
    for (const c of childExprs(e)) this.collect(c, lenient);
  }

  /** A name of a collection off the FROM path (a sibling or another branch) is a level error. */
  private checkElsewhere(name: string): void {
    const find = (p: string[], fields: ReadonlyMap<string, SchemaNode>): string[] | null => {
      for (const [k, n] of fields) {
        if (n.kind !== 'collection') continue;
        if (sameName(k, name)) return [...p, k];
        const hit = find([...p, k], n.fields);
        if (hit) return hit;
      }
      return null;
    };
    const other = find([], this.schema.roots as ReadonlyMap<string, SchemaNode>);
    if (other) deeper(this.fromLevel, { dataset: this.ds.name, path: other, filters: [] }, 'scan');
  }

  collectQuery(q: Ast.Query): void {
    walkQueryExprs(q, (x) => {
      try {
        this.collect(x, true);
      } catch {
        // names of the subquery's own tables: not ours
      }
    });
  }

  /** The scope column of a reference (added once). */
  addRef(r: Ref): void {
    const expr = this.refExpr(r);
    let table: string, name: string, display: string;
    switch (r.kind) {
      case 'field':
      case 'key': {
        const coll = r.path[r.path.length - 1]!;
        const isFrom = r.path.length === this.from.length;
        table = isFrom && this.alias ? this.alias : coll;
        name = r.kind === 'field' ? r.field[0]! : r.name;
        display = `${coll}.${name}`;
        break;
      }
      case 'time':
        [table, name, display] = [r.alias, 'time', `${r.alias}.time`];
        break;
      case 'resampled': {
        const def = this.resamples.get(r.alias)!;
        name = r.field ?? def.source[def.source.length - 1]!;
        [table, display] = [r.alias, `${r.alias}.${name}`];
        break;
      }
    }
    if (this.scopeCols.some((c) => c.table === table && c.name === name)) return;
    const col = this.item(expr, display);
    this.scopeCols.push({ table, name, expr: col, ...(r.kind === 'field' || r.kind === 'key' ? { tablePath: [this.ds.name, ...r.path] } : {}) });
  }

  typeOf(e: Expr): DataType {
    switch (e.kind) {
      case 'field': {
        let n: SchemaNode = this.node(e.level.path);
        for (const p of e.path) n = (n as CollectionNode).fields.get(p)!;
        return nodeType(n as Exclude<SchemaNode, CollectionNode>);
      }
      case 'key': {
        const c = this.node(e.level.path);
        return c.key.kind === 'keyed' ? c.key.type : new Uint64();
      }
      case 'literal':
        return typeof e.value === 'string' ? new Utf8() : typeof e.value === 'boolean' ? new Bool() : new Float64();
      case 'binary':
        return ['+', '-', '*', '/', '%'].includes(e.op) ? new Float64() : new Bool();
      case 'unary':
        return e.op === 'neg' || e.op === 'len' ? new Float64() : new Bool();
      case 'reduce':
        return reducedType(e.fn, this.typeOf(e.arg));
      case 'resample': {
        const src = this.typeOf(e.source);
        return typeof e.method === 'function' ? src : e.method === 'first' || e.method === 'last' || e.method === 'ffill' ? src : reducedType(e.method === 'mean' ? 'mean' : e.method, src);
      }
      case 'step_time':
        return new Float64();
      case 'row':
        return new Struct(e.fields.map((f) => new Field(f, this.typeOf({ kind: 'field', level: e.level, path: [f] }), true)));
      default:
        throw new BindError('sql-unsupported', `no SQL type for the collection expression ${e.kind}`, null);
    }
  }
}

const REDUCERS: Record<string, 'sum' | 'mean' | 'min' | 'max' | 'count' | 'first' | 'last' | 'list' | 'any'> = {
  sum: 'sum', avg: 'mean', mean: 'mean', min: 'min', max: 'max', count: 'count', first: 'first', last: 'last', list: 'list', array_agg: 'list', bool_or: 'any',
};

function reducedType(fn: string, input: DataType): DataType {
  switch (fn) {
    case 'sum':
      return input.typeId === Type.Float ? new Float64() : (input as unknown as { isSigned: boolean }).isSigned === false ? new Uint64() : new Int64();
    case 'mean':
      return new Float64();
    case 'count':
      return new Int64();
    case 'list':
      return listType(input);
    case 'any':
      return new Bool();
    default:
      return input;
  }
}

function methodOf(m: string): ResampleMethod {
  if (m === 'concat') return concatValues;
  if (['first', 'last', 'ffill', 'list', 'mean', 'sum', 'min', 'max', 'count'].includes(m)) return m as ResampleMethod;
  throw new BindError('sql-invalid', `unknown resample method '${m}' (first, last, ffill, list, mean, sum, min, max, count, concat)`, null);
}

/** `method => 'concat'`: strings or bytes of a step joined. */
function concatValues(values: readonly unknown[]): unknown {
  const xs = values.filter((v) => v !== null && v !== undefined);
  if (xs.length > 0 && xs.every((x) => x instanceof Uint8Array)) {
    const out = new Uint8Array(xs.reduce((n, x) => n + (x as Uint8Array).length, 0));
    let o = 0;
    for (const x of xs as Uint8Array[]) {
      out.set(x, o);
      o += x.length;
    }
    return out;
  }
  return xs.map(String).join('');
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

const itemKey = (e: Expr): string => JSON.stringify(e, (k, v: unknown) => (k === 'timeline' ? (v as Timeline).id : typeof v === 'bigint' ? `${v}n` : typeof v === 'function' ? 'fn' : v));

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

/** Named arguments of a collection table function. */
function argsOf(r: Ast.TableFunction, names: readonly string[]): Map<string, Ast.Expr> {
  const out = new Map<string, Ast.Expr>();
  r.args.forEach((a, i) => {
    const n = a.name?.toLowerCase() ?? names[i];
    if (!n || !names.includes(n)) throw new BindError('sql-invalid', `${r.name.join('.')}() takes ${names.join(', ')}`, a.value.span);
    out.set(n, a.value);
  });
  return out;
}

/** A constant of a table-function argument. */
function constant(e: Ast.Expr | undefined, what: string, span: Ast.SourceSpan): number | string {
  if (e?.kind === 'number') return Number(e.text);
  if (e?.kind === 'string') return e.value;
  throw new BindError('sql-invalid', `${what} must be a constant`, e?.span ?? span);
}

/**
 * A collection path in FROM: the scan of everything the enclosing SELECT uses from it (and its
 * timeline / resample functions), with its scope.
 */
export function bindCollection(ctx: BindContext, ds: CatalogDataset | null, rest: readonly string[], r: Ast.TableRef | Ast.TableFunction, left: BoundFrom | null, asof: AsOfValue = null): BoundFrom {
  void left;
  if (r.kind === 'table-function' || !ds) throw new BindError('sql-invalid', `${r.kind === 'table-function' ? r.name.join('.') : ''}() must follow a collection in FROM (FROM recordings.scenes.clips, timeline(…) AS tl, …)`, r.span);
  const path = collectionPath(ds, rest, r.span);
  const b = new CollectionBinder(ctx, ds, path, r.alias?.name ?? null);
  const top = ctx.selects[ctx.selects.length - 1];
  const sel = top?.select;
  // Timelines and resamples after the collection in the same FROM list.
  for (const f of sel?.from ?? []) {
    if (f.kind !== 'table-function' || !isCollectionFunction(f)) continue;
    const fname = f.name[f.name.length - 1]!.toLowerCase();
    const alias = f.alias?.name;
    if (!alias) throw new BindError('sql-invalid', `${fname}() needs an alias (AS tl)`, f.span);
    if (fname === 'timeline') {
      const a = argsOf(f, ['fps', 'stop']);
      const fps = Number(constant(a.get('fps'), 'timeline fps', f.span));
      const stop = a.get('stop') && b.toLevelExpr(a.get('stop')!, 'item', true);
      if (!stop || !(fps > 0)) throw new BindError('sql-invalid', 'timeline(fps => n, stop => <field of the FROM level>) needs a positive fps and a stop field', f.span);
      const level = levelOf(stop)!;
      b.timelines.set(alias, { id: timelineIds++, fps, stop, level: { ...level, filters: [] } });
    } else {
      const a = argsOf(f, ['source', 'timeline', 'on', 'method']);
      const src = a.get('source'), tl = a.get('timeline'), on = a.get('on');
      if (src?.kind !== 'column' || tl?.kind !== 'column' || !on) throw new BindError('sql-invalid', 'resample(clips.frames, tl, on => …, method => …) takes a child collection, a timeline alias and `on`', f.span);
      const srcPath = collectionPath(ds, [...path.slice(0, Math.max(0, path.length - 1)), ...src.path.slice(src.path.length - 2)].filter((p, i, xs) => xs.indexOf(p) === i), src.span);
      const tlName = [...b.timelines.keys()].find((k) => sameName(k, tl.path[0]!));
      if (!tlName) throw new BindError('sql-invalid', `no timeline ${tl.path.join('.')} before this resample`, tl.span);
      b.resamples.set(alias, { source: srcPath, timeline: tlName, on, method: String(a.get('method') ? constant(a.get('method'), 'resample method', f.span) : 'first') });
    }
    ctx.consumed.add(f);
  }
  // Every key of the FROM path is an item (the scan level, window partitions).
  for (let d = 1; d <= path.length; d++) b.addRef({ kind: 'key', path: path.slice(0, d), name: b['keyName'](path.slice(0, d)) });
  if (sel) {
    // WHERE conjuncts the scan can apply: level filters (key selections become seeks).
    if (sel.where) {
      for (const c of astConjuncts(sel.where)) {
        const pred = keySelection(b, c) ?? b.toLevelExpr(c, 'filter', true);
        if (!pred) continue;
        const lv = levelOf(pred);
        if (lv && lv.path.length > path.length) continue;
        const depth = pred.kind === 'key_in' ? pred.keys[pred.keys.length - 1]!.level.path.length - 1 : path.length - 1;
        b.fromLevel = { ...b.fromLevel, filters: [...b.fromLevel.filters, { depth, pred }] };
        ctx.pushed.add(c);
      }
    }
    for (const it of sel.items) {
      if (it.kind === 'star') {
        const lvl = it.qualifier.length ? b.resolve([it.qualifier[it.qualifier.length - 1]!, '_id']) ?? b.resolve([it.qualifier[it.qualifier.length - 1]!, '_pos']) : { kind: 'key' as const, path, name: '_id' as const };
        const p = lvl && (lvl.kind === 'key' || lvl.kind === 'field') ? lvl.path : path;
        for (const [k, n] of collectionAt(b.schema, p).fields) if (n.kind !== 'collection') b.addRef({ kind: 'field', path: p, field: [k], used: 2 });
      } else b.collect(it.expr);
    }
    const others = [sel.where, sel.having, sel.qualify, ...(sel.groupBy?.kind === 'group-by' ? sel.groupBy.keys : []), ...top!.orderBy.map((o) => o.expr)];
    for (const e of others) if (e && !ctx.pushed.has(e)) b.collect(e);
    for (const w of sel.windows) for (const e of [...w.window.partitionBy, ...w.window.orderBy.map((o) => o.expr)]) b.collect(e);
    for (const f of sel.from) if (f.kind === 'table-function' && !ctx.consumed.has(f)) for (const a of f.args) b.collect(a.value);
    // A timeline makes its steps the scan's rows even when no column of it is named.
    for (const alias of b.timelines.keys()) b.addRef({ kind: 'time', alias });
  }
  // FROM-level items read the filtered level (items were made before the filters were known).
  const items = [...b.items.values()].map((it) => ({ ...it, expr: relevel(it.expr, b.fromLevel) }));
  const plan = collectionScan(ds.name, items.map((i) => ({ name: i.name, expr: i.expr })), items.map((i) => new Field(i.name, i.type, true)), null, asof);
  // Unqualified names: the nearest level that has the name.
  const depthOf = (c: ScopeColumn): number => (c.tablePath ? c.tablePath.length - 1 : path.length + 1);
  // `*` is the FROM level's value fields (keys and other levels' columns only when named).
  const starred = (c: ScopeColumn): boolean => !!c.tablePath && c.tablePath.length - 1 === path.length && c.name !== '_id' && c.name !== '_pos';
  const cols = b.scopeCols.map((c) => ({
    ...c,
    ...(b.scopeCols.some((o) => o !== c && sameName(o.name, c.name) && depthOf(o) > depthOf(c)) ? { qualifiedOnly: true } : {}),
    ...(starred(c) ? {} : { hidden: true, ...(c.tablePath && c.name !== '_id' && c.name !== '_pos' ? { inQualifiedStar: true } : {}) }),
  }));
  const partitionDepth = b.timelines.size > 0 ? path.length : path.length - 1;
  const partition = cols.filter((c) => c.tablePath && (c.name === '_id' || c.name === '_pos') && c.tablePath.length - 1 <= partitionDepth).map((c) => c.expr);
  return { plan, scope: new Scope(cols), partition };
}

/** The FROM level's fields and keys with `level` (the pushed filters) in place of the plain one. */
function relevel(e: Expr, level: Level): Expr {
  const same = (l: Level): boolean => l.path.length === level.path.length && l.path.every((p, i) => p === level.path[i]);
  switch (e.kind) {
    case 'field':
    case 'key':
      return same(e.level) && e.level.filters.length === 0 ? { ...e, level } : e;
    default:
      return e;
  }
}

/** `k._id = 'x'` / `k._id IN ('x', 'y')` on a key of the FROM path: a key selection (a seek). */
function keySelection(b: CollectionBinder, c: Ast.Expr): Expr | null {
  const keyRef = (x: Ast.Expr): (Expr & { kind: 'key' }) | null => {
    if (x.kind !== 'column') return null;
    const r = b.resolve(x.path);
    if (r?.kind !== 'key' || r.path.length > b.from.length) return null;
    return { kind: 'key', level: { dataset: b.ds.name, path: r.path, filters: [] }, name: r.name };
  };
  const value = (x: Ast.Expr, k: Expr & { kind: 'key' }): unknown => {
    const positional = k.name === '_pos';
    if (x.kind === 'string' && !positional) return x.value;
    if (x.kind === 'number' && /^\d+$/.test(x.text)) return positional ? Number(x.text) : Number(x.text);
    return undefined;
  };
  if (c.kind === 'binary' && c.op === '=') {
    for (const [a, v] of [[c.left, c.right], [c.right, c.left]] as const) {
      const k = keyRef(a);
      const val = k && value(v, k);
      if (k && val !== undefined) return { kind: 'key_in', keys: [k], tuples: [[val]] };
    }
  }
  if (c.kind === 'in-list' && !c.negated) {
    const k = keyRef(c.operand);
    const vals = k ? c.list.map((x) => value(x, k)) : [];
    if (k && vals.length > 0 && vals.every((v) => v !== undefined)) return { kind: 'key_in', keys: [k], tuples: [...new Set(vals)].sort().map((v) => [v]) };
  }
  return null;
}

// ─── INSERT and DELETE on collections ───────────────────────────────────────────────────

function targetOf(ds: CatalogDataset, rest: readonly string[], span: Ast.SourceSpan): CollectionTarget {
  const path = collectionPath(ds, rest, span);
  return { dataset: ds.name, path, keys: keyColumns(ds.schema, path) };
}

/** INSERT INTO recordings.scenes.clips ("scenes._id", _id, camera, …) query: an upsert of rows with their full key. */
export function bindCollectionInsert(ctx: BindContext, ds: CatalogDataset, rest: readonly string[], s: Ast.Insert, q: BoundQuery): { target: CollectionTarget; plan: Plan } {
  void ctx;
  const target = targetOf(ds, rest, s.span);
  const node = collectionAt(ds.schema, target.path);
  const keyTypes = target.path.map((_, i) => {
    const c = collectionAt(ds.schema, target.path.slice(0, i + 1));
    return c.key.kind === 'keyed' ? c.key.type : new Uint64();
  });
  const valueNames = [...node.fields].filter(([, n]) => n.kind !== 'collection').map(([k]) => k);
  const names = s.columns ?? [...target.keys, ...valueNames];
  const typed = names.map((n) => {
    const ki = target.keys.findIndex((k) => sameName(k, n));
    if (ki >= 0) return { name: target.keys[ki]!, type: keyTypes[ki]! };
    const f = [...node.fields].find(([k, x]) => sameName(k, n) && x.kind !== 'collection');
    if (!f) throw unknownName('sql-unknown-column', `${target.path.join('.')} has no field ${n} (keys: ${target.keys.join(', ')})`, n, [...target.keys, ...valueNames], s.span);
    return { name: f[0], type: nodeType(f[1] as Exclude<SchemaNode, CollectionNode>) };
  });
  for (const k of target.keys) if (!typed.some((t) => t.name === k)) throw new BindError('sql-invalid', `INSERT into ${target.path.join('.')} must give the key column "${k}"`, s.span);
  const fields = q.plan.schema.fields;
  if (fields.length !== typed.length) throw new BindError('sql-invalid', `INSERT gives ${fields.length} values for ${typed.length} columns (${typed.map((t) => t.name).join(', ')})`, s.source.span);
  const plan = project(q.plan, typed.map((t, i) => named(t.name, cast(colOf(q.plan, fields[i]!.name), t.type.typeId === Type.Binary ? new Binary() : t.type))));
  return { target, plan };
}

/** DELETE FROM recordings.scenes.clips WHERE …: a SELECT of the keys of the records to delete (their subtrees go too). */
export function collectionDeleteSelect(ds: CatalogDataset, rest: readonly string[], s: Ast.Delete): { target: CollectionTarget; select: Ast.Select } {
  const target = targetOf(ds, rest, s.span);
  const col = (p: string[]): Ast.Expr => ({ kind: 'column', span: s.span, path: p });
  const items: Ast.SelectItem[] = target.path.map((name, i) => {
    const own = target.keys[i]!.split('.').pop()!;
    return { kind: 'expr-item', span: s.span, expr: col([name, own]), alias: target.keys[i]! };
  });
  const select: Ast.Select = {
    kind: 'select', span: s.span, distinct: false, items,
    from: [{ kind: 'table', span: s.span, path: s.table, asOf: null, alias: null }],
    where: s.where, groupBy: null, having: null, windows: [], qualify: null,
  };
  return { target, select };
}
