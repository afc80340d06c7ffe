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
import { Field } from 'apache-arrow';

import { type Expr, type Level, levelOf } from '../../logical/expr.js';
import { collectionScan } from '../../logical/plan-build.js';
import { collectionAt } from '../../logical/schema.js';
import type * as Ast from '../ast.js';
import { astConjuncts } from './bind-expr.js';
import type { BoundFrom } from './bind-from.js';
import type { AsOfValue, CatalogDataset } from './catalog.js';
import { CollectionBinder, collectionPath, nextTimelineId } from './collection-binder.js';
import type { BindContext } from './context.js';
import { BindError } from './diagnostics.js';
import { Scope, type ScopeColumn, sameName } from './scope.js';

export type { CollectionTarget } from './collection-dml.js';

export const isCollectionFunction = (r: Ast.TableFunction): boolean => ['timeline', 'resample'].includes(r.name[r.name.length - 1]!.toLowerCase());

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
      b.timelines.set(alias, { id: nextTimelineId(), fps, stop, level: { ...level, filters: [] } });
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
  for (let d = 1; d <= path.length; d++) b.addRef({ kind: 'key', path: path.slice(0, d), name: b.keyName(path.slice(0, d)) });
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
  // Fields of the FROM level and its ancestors, for "did you mean" (only the named ones are columns).
  const known = path.flatMap((_, d) => {
    const node = collectionAt(b.schema, path.slice(0, d + 1));
    const table = d === path.length - 1 && r.alias ? r.alias.name : path[d]!;
    return [...node.fields].filter(([, n]) => n.kind !== 'collection').map(([name]) => ({ table, name }));
  });
  return { plan, scope: new Scope(cols, known), partition };
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

