/**
 * Name resolution for a collection scan in SQL (bind-collection.ts): a column path resolved
 * against the collection tree (the FROM level by alias or name, ancestors, descendants, timelines
 * and resamples), the scan items (one per distinct expression) and the scope columns. AST →
 * level expressions and reductions: collection-level-expr.ts; their SQL types: collection-types.ts.
 */
import type { DataType } from 'apache-arrow';

import { deeper, type Expr, type Level, LevelError, type Timeline } from '../../logical/expr.js';
import type { Scalar } from '../../logical/plan.js';
import { collectionAt, type CollectionNode, type DatasetSchema, type SchemaNode } from '../../logical/schema.js';
import type * as Ast from '../ast.js';
import { childExprs, isAggregateCall, walkQueryExprs } from './bind-expr.js';
import type { CatalogDataset } from './catalog.js';
import type { BindContext } from './context.js';
import { BindError, unknownName } from './diagnostics.js';
import { reduction, toLevelExpr } from './collection-level-expr.js';
import { levelExprType, methodOf } from './collection-types.js';
import { type ScopeColumn, sameName } from './scope.js';

export const nextTimelineId = ((n) => () => n++)(1_000_000);

/** The collection at `rest` below a dataset; 'sql-unknown-table' with suggestions otherwise. */
export function collectionPath(ds: CatalogDataset, rest: readonly string[], span: Ast.SourceSpan): string[] {
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
export type Ref =
  /** `used`: name parts consumed (level qualifier and field path). */
  | { readonly kind: 'field'; readonly path: readonly string[]; readonly field: readonly string[]; readonly used: number }
  | { readonly kind: 'key'; readonly path: readonly string[]; readonly name: '_id' | '_pos' }
  | { readonly kind: 'time'; readonly alias: string }
  | { readonly kind: 'resampled'; readonly alias: string; readonly field: string | null };

export interface ResampleDef {
  readonly source: readonly string[];
  readonly timeline: string;
  readonly on: Ast.Expr;
  readonly method: string;
}

export class CollectionBinder {
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

  node(path: readonly string[]): CollectionNode {
    return collectionAt(this.schema, path);
  }

  keyName(path: readonly string[]): '_id' | '_pos' {
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
      it = { name: this.ctx.fresh(display), expr, type: levelExprType(this.schema, expr) };
      this.items.set(key, it);
    }
    return { kind: 'column', name: it.name, type: it.type };
  }

  /** An AST expression as a level expression, or null (see {@link toLevelExpr}). */
  toLevelExpr(e: Ast.Expr, mode: 'item' | 'filter', plainLevels = false, nested = false): Expr | null {
    return toLevelExpr(this, e, mode, plainLevels, nested);
  }

  /** Registers the items an AST expression needs (walking subqueries too). */
  collect(e: Ast.Expr, lenient = false): void {
    if (e.kind === 'call' && e.over === null && isAggregateCall(e)) {
      const r = reduction(this, e, false);
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
}

const itemKey = (e: Expr): string => JSON.stringify(e, (k, v: unknown) => (k === 'timeline' ? (v as Timeline).id : typeof v === 'bigint' ? `${v}n` : typeof v === 'function' ? 'fn' : v));
