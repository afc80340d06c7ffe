/**
 * Statements → what the session must do (a BoundStatement): queries become plans; CREATE
 * TABLE a key schema and column list; CREATE DATASET a collection tree (logical/schema.ts);
 * INSERT a plan whose columns are the target's, cast to their types; DELETE a plan of the keys
 * to delete; EXPLAIN the bound inner statement.
 */
import { type DataType, Field, Struct } from 'apache-arrow';

import { canCast, sameType, typeName } from '../../logical/functions.js';
import type { Plan } from '../../logical/plan.js';
import { cast, named, project } from '../../logical/plan-build.js';
import { type CollectionNode, datasetSchema, type DatasetSchema, keyed, positional, scalar, type SchemaNode, struct } from '../../logical/schema.js';
import type * as Ast from '../ast.js';
import { bindCollectionInsert, collectionDeleteSelect, type CollectionTarget } from './collection-dml.js';
import { bindQuery, type BoundQuery } from './bind-query.js';
import { bindSelect } from './bind-select.js';
import type { CatalogColumn, CatalogTable } from './catalog.js';
import { type BindContext, colOf } from './context.js';
import { BindError, unknownName } from './diagnostics.js';
import { sameName } from './scope.js';
import { arrowType } from './types.js';

export type BoundStatement =
  | { readonly kind: 'query'; readonly query: BoundQuery }
  | { readonly kind: 'create-table'; readonly name: readonly string[]; readonly fields: readonly Field[]; readonly key: readonly string[] | null; readonly ifNotExists: boolean }
  | { readonly kind: 'create-table-as'; readonly name: readonly string[]; readonly query: BoundQuery; readonly ifNotExists: boolean }
  | { readonly kind: 'create-dataset'; readonly name: readonly string[]; readonly schema: DatasetSchema; readonly ifNotExists: boolean }
  /** `plan` has one column per target column written, named as the target's column. */
  | { readonly kind: 'insert'; readonly table: CatalogTable; readonly plan: Plan; readonly notNull: readonly string[] }
  | { readonly kind: 'insert-collection'; readonly target: CollectionTarget; readonly plan: Plan }
  /** `plan` yields the keys of the rows to delete (the table's key columns, by name). */
  | { readonly kind: 'delete'; readonly table: CatalogTable; readonly plan: Plan }
  | { readonly kind: 'delete-collection'; readonly target: CollectionTarget; readonly plan: Plan }
  | { readonly kind: 'drop'; readonly object: 'table' | 'dataset'; readonly name: readonly string[]; readonly ifExists: boolean }
  | { readonly kind: 'explain'; readonly mode: Ast.ExplainMode; readonly statement: BoundStatement }
  | { readonly kind: 'show-tables' }
  | { readonly kind: 'describe'; readonly table: CatalogTable | null; readonly name: readonly string[] };

export function bindStatementIn(ctx: BindContext, s: Ast.Statement): BoundStatement {
  switch (s.kind) {
    case 'query':
      return { kind: 'query', query: bindQuery(ctx, s) };
    case 'create-table':
      return bindCreateTable(s);
    case 'create-table-as':
      return { kind: 'create-table-as', name: s.name, query: bindQuery(ctx, s.query), ifNotExists: s.ifNotExists };
    case 'create-dataset':
      return { kind: 'create-dataset', name: s.name, schema: datasetOf(s), ifNotExists: s.ifNotExists };
    case 'insert':
      return bindInsert(ctx, s);
    case 'delete':
      return bindDelete(ctx, s);
    case 'drop': {
      const exists = s.object === 'table' ? ctx.catalog.table(s.name, null) : ctx.catalog.dataset(s.name);
      if (!exists && !s.ifExists) throw unknownName('sql-unknown-table', `no ${s.object} ${s.name.join('.')}`, s.name.join('.'), ctx.catalog.names(), s.span);
      return { kind: 'drop', object: s.object, name: s.name, ifExists: s.ifExists };
    }
    case 'explain': {
      if (s.statement.kind !== 'query') throw new BindError('sql-unsupported', `EXPLAIN of ${s.statement.kind.toUpperCase()} statements is not supported: explain a query`, s.statement.span);
      return { kind: 'explain', mode: s.mode, statement: bindStatementIn(ctx, s.statement) };
    }
    case 'show-tables':
      return { kind: 'show-tables' };
    case 'describe': {
      const table = ctx.catalog.table(s.name, null) ?? null;
      if (!table && !ctx.catalog.dataset(s.name)) throw unknownName('sql-unknown-table', `no table or dataset ${s.name.join('.')}`, s.name.join('.'), ctx.catalog.names(), s.span);
      return { kind: 'describe', table, name: s.name };
    }
  }
}

function bindCreateTable(s: Ast.CreateTable): BoundStatement {
  const seen = new Set<string>();
  for (const c of s.columns) {
    if (seen.has(c.name.toLowerCase())) throw new BindError('sql-invalid', `column ${c.name} is defined twice`, c.span);
    seen.add(c.name.toLowerCase());
  }
  const inline = s.columns.filter((c) => c.primaryKey).map((c) => c.name);
  if (inline.length > 0 && s.primaryKey) throw new BindError('sql-invalid', 'PRIMARY KEY is given both on a column and for the table', s.span);
  const key = s.primaryKey ?? (inline.length > 0 ? inline : null);
  const resolvedKey = key?.map((k) => {
    const c = s.columns.find((x) => sameName(x.name, k));
    if (!c) throw unknownName('sql-unknown-column', `PRIMARY KEY names ${k}, which is not a column`, k, s.columns.map((x) => x.name), s.span);
    return c.name;
  }) ?? null;
  const fields = s.columns.map((c) => new Field(c.name, arrowType(c.type), !(c.notNull || resolvedKey?.includes(c.name))));
  return { kind: 'create-table', name: s.name, fields, key: resolvedKey, ifNotExists: s.ifNotExists };
}

/** A CREATE DATASET's members → the dataset's schema tree. */
function datasetOf(s: Ast.CreateDataset): DatasetSchema {
  const name = s.name[s.name.length - 1]!;
  const roots: Record<string, CollectionNode> = {};
  for (const m of s.members) {
    if (m.kind !== 'collection-definition') throw new BindError('sql-invalid', `${m.name}: a dataset's top-level members must be collections`, m.span);
    roots[m.name] = collectionOf(m);
  }
  return datasetSchema(name, roots);
}

function collectionOf(c: Ast.CollectionDefinition): CollectionNode {
  const fields: Record<string, SchemaNode> = {};
  for (const m of c.members) fields[m.name] = m.kind === 'collection-definition' ? collectionOf(m) : nodeOf(arrowType(m.type));
  return c.key ? keyed(arrowType(c.key), fields) : positional(fields);
}

function nodeOf(t: DataType): SchemaNode {
  if (t instanceof Struct) return struct(Object.fromEntries(t.children.map((f) => [f.name, nodeOf(f.type)])));
  return scalar(t);
}

function bindInsert(ctx: BindContext, s: Ast.Insert): BoundStatement {
  const table = ctx.catalog.table(s.table, null);
  const q = bindQuery(ctx, s.source);
  if (!table) {
    const ds = ctx.catalog.dataset(s.table);
    if (ds) {
      const r = bindCollectionInsert(ctx, ds.dataset, ds.rest, s, q);
      return { kind: 'insert-collection', target: r.target, plan: r.plan };
    }
    throw unknownName('sql-unknown-table', `no table ${s.table.join('.')}`, s.table.join('.'), ctx.catalog.names(), s.span);
  }
  const visible = table.columns.filter((c) => !c.hidden);
  const targets: CatalogColumn[] = s.columns
    ? s.columns.map((n) => {
        const c = table.columns.find((x) => sameName(x.name, n));
        if (!c) throw unknownName('sql-unknown-column', `table ${s.table.join('.')} has no column ${n}`, n, visible.map((x) => x.name), s.span);
        return c;
      })
    : visible;
  if (new Set(targets.map((t) => t.name)).size !== targets.length) throw new BindError('sql-invalid', 'INSERT names a column twice', s.span);
  const fields = q.plan.schema.fields;
  if (fields.length !== targets.length) {
    throw new BindError('sql-invalid', `INSERT into ${s.table.join('.')} gives ${fields.length} values for ${targets.length} columns (${targets.map((t) => t.name).join(', ')})`, s.source.span);
  }
  for (const k of table.keyColumns) {
    const hidden = table.columns.find((c) => c.name === k)?.hidden;
    if (!hidden && !targets.some((t) => t.name === k)) throw new BindError('sql-invalid', `INSERT into ${s.table.join('.')} must give the key column ${k}`, s.span);
  }
  const exprs = targets.map((t, i) => {
    const src = colOf(q.plan, fields[i]!.name);
    if (!sameType(src.type, t.type) && !canCast(src.type, t.type)) {
      throw new BindError('sql-type-mismatch', `INSERT: column ${t.name} is ${typeName(t.type)}; a value of type ${typeName(src.type)} does not convert`, s.source.span);
    }
    return named(t.name, cast(src, t.type));
  });
  const notNull = targets.filter((t) => !t.nullable).map((t) => t.name);
  return { kind: 'insert', table, plan: project(q.plan, exprs), notNull };
}

/** DELETE: the keys of the rows the WHERE selects, as `SELECT key… FROM t WHERE …`. */
function bindDelete(ctx: BindContext, s: Ast.Delete): BoundStatement {
  const table = ctx.catalog.table(s.table, null);
  if (!table) {
    const ds = ctx.catalog.dataset(s.table);
    if (ds) {
      const r = collectionDeleteSelect(ds.dataset, ds.rest, s);
      const b = bindSelect(ctx, r.select, { orderBy: [] });
      const plan = project(b.plan, b.plan.schema.fields.map((f, i) => named(r.target.keys[i]!, colOf(b.plan, f.name))));
      return { kind: 'delete-collection', target: r.target, plan };
    }
    throw unknownName('sql-unknown-table', `no table ${s.table.join('.')}`, s.table.join('.'), ctx.catalog.names(), s.span);
  }
  const sel: Ast.Select = {
    kind: 'select',
    span: s.span,
    distinct: false,
    items: table.keyColumns.map((k) => ({ kind: 'expr-item', span: s.span, expr: { kind: 'column', span: s.span, path: [...s.table, k] }, alias: k })),
    from: [{ kind: 'table', span: s.span, path: s.table, asOf: null, alias: null }],
    where: s.where,
    groupBy: null,
    having: null,
    windows: [],
    qualify: null,
  };
  const b = bindSelect(ctx, sel, { orderBy: [] });
  const plan = project(b.plan, b.plan.schema.fields.map((f, i) => named(table.keyColumns[i]!, colOf(b.plan, f.name))));
  return { kind: 'delete', table, plan };
}
