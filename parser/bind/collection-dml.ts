/**
 * INSERT and DELETE on collections: `INSERT INTO recordings.scenes.clips ("scenes._id", _id, …)`
 * writes rows carrying their full key (an upsert through the dataset); `DELETE FROM
 * recordings.scenes.clips WHERE …` selects the keys of the records to delete, which go with their
 * subtrees in one transaction.
 */
import { Binary, Type, Uint64 } from 'apache-arrow';

import type { Plan } from '../../logical/plan.js';
import { cast, named, project } from '../../logical/plan-build.js';
import { collectionAt, type CollectionNode, keyColumns, nodeType, type SchemaNode } from '../../logical/schema.js';
import type * as Ast from '../ast.js';
import type { BoundQuery } from './bind-query.js';
import type { CatalogDataset } from './catalog.js';
import { collectionPath } from './collection-binder.js';
import { type BindContext, colOf } from './context.js';
import { BindError, unknownName } from './diagnostics.js';
import { sameName } from './scope.js';

/** Where a collection INSERT / DELETE goes: a dataset and the collection's path in it. */
export interface CollectionTarget {
  readonly dataset: string;
  readonly path: readonly string[];
  /** Key columns of the collection (as a dataset write expects them). */
  readonly keys: readonly string[];
}

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
