/**
 * Running SQL text: parse, resolve the names each statement uses (async catalog reads, done
 * before binding), bind, then execute through a {@link SqlHost}: the engine's services
 * (optimizer, physical execution, storage) injected from the root module sql.ts, since this
 * layer may import only logical/.
 *
 * Statements run in order; the result is the last statement's. Queries are lazy: their rows
 * are computed when the result is read. DDL and DML run when `runSql` runs.
 */
import { Field, Int64, makeData, RecordBatch, Schema, Struct, Utf8, vectorFromArray } from 'apache-arrow';

import { PlanError } from '../../errors.js';
import { typeName } from '../../logical/functions.js';
import type { Plan } from '../../logical/plan.js';
import { type DatasetSchema, formatSchema } from '../../logical/schema.js';
import type * as Ast from '../ast.js';
import { parseSql } from '../parse.js';
import { asOfValue } from './bind-from.js';
import type { CollectionTarget } from './bind-collection.js';
import type { BoundStatement } from './bind-statement.js';
import { bindStatement } from './binder.js';
import type { AsOfValue, BindCatalog, CatalogDataset, CatalogTable } from './catalog.js';
import { BindContext } from './context.js';
import { resultSchema, type RunOptions, SqlResult } from './result.js';

/** The engine services SQL statements need (implemented over a Database in sql.ts). */
export interface SqlHost {
  table(path: readonly string[], asof: AsOfValue): Promise<CatalogTable | undefined>;
  dataset(path: readonly string[]): Promise<{ readonly dataset: CatalogDataset; readonly rest: readonly string[] } | undefined>;
  /** Table and dataset names for "did you mean". */
  names(): Promise<readonly string[]>;
  /** Optimizes and runs a plan. */
  run(plan: Plan, opts: RunOptions): AsyncIterable<RecordBatch>;
  explain(plan: Plan, mode: Ast.ExplainMode): Promise<string>;
  createTable(name: readonly string[], fields: readonly Field[], key: readonly string[] | null, ifNotExists: boolean): Promise<void>;
  createDataset(name: readonly string[], schema: DatasetSchema, ifNotExists: boolean): Promise<void>;
  /** Upserts rows (columns named as the table's); returns the number of rows written. */
  insert(table: CatalogTable, rows: AsyncIterable<RecordBatch>, notNull: readonly string[]): Promise<number>;
  /** Deletes rows by key in one transaction; returns the number of keys. */
  delete(table: CatalogTable, keys: AsyncIterable<RecordBatch>): Promise<number>;
  insertCollection(target: CollectionTarget, rows: AsyncIterable<RecordBatch>): Promise<number>;
  deleteCollection(target: CollectionTarget, keys: AsyncIterable<RecordBatch>): Promise<number>;
  drop(object: 'table' | 'dataset', name: readonly string[], ifExists: boolean): Promise<void>;
  listTables(): Promise<readonly { readonly name: string; readonly kind: 'table' | 'dataset' }[]>;
  /** Forget cached table schemas (after DDL and writes). */
  invalidate(): void;
}

/** Runs the statements of `text`; the result of the last one. */
export async function runSql(host: SqlHost, text: string, params: readonly unknown[] = []): Promise<SqlResult> {
  const statements = parseSql(text);
  if (statements.length === 0) throw new PlanError('sql-invalid', 'the SQL text has no statement');
  let result: SqlResult | null = null;
  for (const s of statements) result = await runStatement(host, s, text, params);
  return result!;
}

async function runStatement(host: SqlHost, s: Ast.Statement, text: string, params: readonly unknown[]): Promise<SqlResult> {
  const catalog = await preload(host, s, text, params);
  const bound = bindStatement(s, { catalog, params, text });
  return execute(host, bound);
}

/** Every table path a statement names, with its AS OF clause. */
function tableRefs(s: Ast.Statement): { path: readonly string[]; asOf: Ast.AsOf | null }[] {
  const out: { path: readonly string[]; asOf: Ast.AsOf | null }[] = [];
  const walk = (n: unknown): void => {
    if (Array.isArray(n)) return n.forEach(walk);
    if (typeof n !== 'object' || n === null) return;
    const o = n as Record<string, unknown>;
    if (o['kind'] === 'table' && Array.isArray(o['path'])) out.push({ path: o['path'] as string[], asOf: (o['asOf'] as Ast.AsOf | null) ?? null });
    if ((o['kind'] === 'insert' || o['kind'] === 'delete') && Array.isArray(o['table'])) out.push({ path: o['table'] as string[], asOf: null });
    if ((o['kind'] === 'describe' || o['kind'] === 'drop') && Array.isArray(o['name'])) out.push({ path: o['name'] as string[], asOf: null });
    for (const [k, v] of Object.entries(o)) if (k !== 'span') walk(v);
  };
  walk(s);
  return out;
}

const keyOf = (path: readonly string[], asof: AsOfValue): string => `${path.map((p) => p.toLowerCase()).join('.')}@${asof ?? ''}`;

/** Resolves the statement's names (async) into the synchronous view the binder reads. */
async function preload(host: SqlHost, s: Ast.Statement, text: string, params: readonly unknown[]): Promise<BindCatalog> {
  const tables = new Map<string, CatalogTable | undefined>();
  const datasets = new Map<string, { dataset: CatalogDataset; rest: readonly string[] } | undefined>();
  const tmp = new BindContext({ table: () => undefined, dataset: () => undefined, names: () => [] }, params, text);
  for (const r of tableRefs(s)) {
    let asof: AsOfValue = null;
    try {
      asof = asOfValue(tmp, r.asOf);
    } catch {
      continue; // binding reports it
    }
    const k = keyOf(r.path, asof);
    if (!tables.has(k)) tables.set(k, await host.table(r.path, asof));
    const dk = keyOf(r.path, null);
    if (!datasets.has(dk)) datasets.set(dk, await host.dataset(r.path));
  }
  const names = await host.names();
  return {
    table: (path, asof) => tables.get(keyOf(path, asof)),
    dataset: (path) => datasets.get(keyOf(path, null)),
    names: () => names,
  };
}

const countResult = (kind: 'insert' | 'delete', n: number): SqlResult => {
  const schema = new Schema([new Field('count', new Int64(), false)]);
  const data = makeData({ type: new Int64(), length: 1, nullCount: 0, data: BigInt64Array.from([BigInt(n)]) });
  return SqlResult.of(schema, [new RecordBatch(schema, makeData({ type: new Struct(schema.fields), length: 1, nullCount: 0, children: [data] }))], kind);
};

const empty = (kind: 'create' | 'drop'): SqlResult => SqlResult.of(new Schema([]), [], kind);

/** A result of text rows in one column per name. */
function textResult(kind: 'explain' | 'show' | 'describe', names: readonly string[], rows: readonly (readonly string[])[]): SqlResult {
  const fields = names.map((n) => new Field(n, new Utf8(), true));
  const schema = new Schema(fields);
  const cols = names.map((_, j) => vectorFromArray(rows.map((r) => r[j] ?? null), new Utf8()).data[0]!);
  return SqlResult.of(schema, [new RecordBatch(schema, makeData({ type: new Struct(fields), length: rows.length, nullCount: 0, children: cols }))], kind);
}

async function execute(host: SqlHost, b: BoundStatement): Promise<SqlResult> {
  switch (b.kind) {
    case 'query': {
      const { plan, names } = b.query;
      return new SqlResult(resultSchema(plan.schema, names), (opts) => host.run(plan, opts), 'query');
    }
    case 'explain': {
      const inner = b.statement;
      if (inner.kind !== 'query') throw new PlanError('sql-unsupported', 'EXPLAIN takes a query');
      const text = await host.explain(inner.query.plan, b.mode);
      return textResult('explain', ['explain'], text.split('\n').map((l) => [l]));
    }
    case 'create-table':
      await host.createTable(b.name, b.fields, b.key, b.ifNotExists);
      host.invalidate();
      return empty('create');
    case 'create-table-as': {
      const { plan, names } = b.query;
      const seen = new Set<string>();
      for (const n of names) {
        if (seen.has(n.toLowerCase())) throw new PlanError('sql-invalid', `CREATE TABLE AS: the query has two columns named ${n} (alias one)`);
        seen.add(n.toLowerCase());
      }
      const fields = resultSchema(plan.schema, names).fields.map((f) => new Field(f.name, f.type, true));
      await host.createTable(b.name, fields, null, b.ifNotExists);
      host.invalidate();
      const table = await host.table(b.name, null);
      if (!table) throw new PlanError('internal', `CREATE TABLE AS: ${b.name.join('.')} was not created`);
      const rows = renamedRows(host.run(plan, {}), fields.map((f) => f.name));
      await host.insert(table, rows, []);
      host.invalidate();
      return empty('create');
    }
    case 'create-dataset':
      await host.createDataset(b.name, b.schema, b.ifNotExists);
      host.invalidate();
      return empty('create');
    case 'insert': {
      const n = await host.insert(b.table, host.run(b.plan, {}), b.notNull);
      host.invalidate();
      return countResult('insert', n);
    }
    case 'insert-collection': {
      const n = await host.insertCollection(b.target, host.run(b.plan, {}));
      host.invalidate();
      return countResult('insert', n);
    }
    case 'delete': {
      const n = await host.delete(b.table, host.run(b.plan, {}));
      host.invalidate();
      return countResult('delete', n);
    }
    case 'delete-collection': {
      const n = await host.deleteCollection(b.target, host.run(b.plan, {}));
      host.invalidate();
      return countResult('delete', n);
    }
    case 'drop':
      await host.drop(b.object, b.name, b.ifExists);
      host.invalidate();
      return empty('drop');
    case 'show-tables': {
      const ts = await host.listTables();
      return textResult('show', ['name', 'kind'], ts.map((t) => [t.name, t.kind]));
    }
    case 'describe': {
      if (!b.table) {
        const ds = await host.dataset(b.name);
        if (ds) return textResult('describe', ['tree'], formatSchema(ds.dataset.schema).split('\n').map((l) => [l]));
        throw new PlanError('sql-unknown-table', `no table ${b.name.join('.')}`);
      }
      const t = b.table;
      return textResult('describe', ['column_name', 'column_type', 'null', 'key'], t.columns.filter((c) => !c.hidden).map((c) => [c.name, typeName(c.type), c.nullable ? 'YES' : 'NO', t.keyColumns.includes(c.name) ? 'PRI' : '']));
    }
  }
}

/** Batches with their columns renamed (positionally) to `names`. */
async function* renamedRows(src: AsyncIterable<RecordBatch>, names: readonly string[]): AsyncGenerator<RecordBatch> {
  for await (const b of src) {
    const fields = b.schema.fields.map((f, i) => new Field(names[i]!, f.type, f.nullable));
    yield new RecordBatch(new Schema(fields), makeData({ type: new Struct(fields), length: b.numRows, nullCount: 0, children: b.data.children }));
  }
}
