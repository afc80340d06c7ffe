/**
 * The SQL front end wired to the engine: the SqlHost of parser/bind/session.ts implemented over
 * a Database (storage), the optimizer and the physical layer. It sits at the root because it
 * joins every layer (as index.ts does); index.ts installs it as `db.sql(text, params)`.
 *
 * Tables created by SQL keep their declared columns in a small document next to the catalog
 * (`sql/tables/<table id>.json`), so a column reads as NULL before any write stores it. A table
 * created without a PRIMARY KEY gets a hidden BIGINT key `_rowid` (increasing with insertion).
 * DECIMAL columns are stored as DOUBLE (decimals execute as Float64).
 */
import { type Data, type DataType, Field, Float64, Int64, makeData, makeVector, type RecordBatch, Schema, Struct, Table as ArrowTable, Type, RecordBatch as Batch } from 'apache-arrow';

import { EngineError, isErrorCode, PlanError } from './errors.js';
import { typeName } from './logical/functions.js';
import type { Plan } from './logical/plan.js';
import type { DatasetSchema } from './logical/schema.js';
import { planChildren } from './logical/tree.js';
import { explainText, optimize } from './optimizer/index.js';
import type { ExplainMode } from './parser/ast.js';
import type { CollectionTarget } from './parser/bind/bind-collection.js';
import type { AsOfValue, CatalogColumn, CatalogDataset, CatalogTable } from './parser/bind/catalog.js';
import type { RunOptions, SqlResult } from './parser/bind/result.js';
import { runSql, type SqlHost } from './parser/bind/session.js';
import { Dataset } from './physical/dataset.js';
import { explainPlan, renderExplain, scanData } from './physical/explain.js';
import { CollectionScanOp } from './physical/lower/collection-scan.js';
import { catalogContext, execute, lower, storagePredicates } from './physical/lower.js';
import type { PhysicalOperator } from './physical/operator.js';
import { fieldFromJSON, fieldToJSON, type FieldJSON } from './storage/tables/arrow-json.js';
import type { Database } from './storage/tables/catalog.js';
import type { Table } from './storage/tables/table.js';

const DOC_FORMAT = 'gyre.sql-table.v1';
const ROWID = '_rowid';

interface TableDoc {
  readonly format: typeof DOC_FORMAT;
  readonly columns: readonly FieldJSON[];
  readonly hidden: readonly string[];
}

const docKey = (t: Table): string => `sql/tables/${t.id}.json`;

async function readDoc(db: Database, t: Table): Promise<TableDoc | null> {
  try {
    const doc = JSON.parse(new TextDecoder().decode(await db.store.get(docKey(t)))) as TableDoc;
    return doc.format === DOC_FORMAT ? doc : null;
  } catch (e) {
    if (isErrorCode(e, 'object-not-found')) return null;
    throw e;
  }
}

let lastRowId = 0n;
/** `n` increasing row ids (microseconds × 1000 plus a counter: unique within a process, ordered by insertion). */
function rowIds(n: number): BigInt64Array {
  const start = BigInt(Date.now()) * 1_000_000n;
  const first = start > lastRowId ? start : lastRowId + 1n;
  const out = new BigInt64Array(n);
  for (let i = 0; i < n; i++) out[i] = first + BigInt(i);
  lastRowId = first + BigInt(n - 1);
  return out;
}

const storedType = (t: DataType): DataType => (t.typeId === Type.Decimal ? new Float64() : t);

const notFound = (e: unknown): boolean => isErrorCode(e, 'table-not-found') || isErrorCode(e, 'invalid-identifier');

/** The SqlHost over a Database. */
export function sqlHost(db: Database): SqlHost {
  const tables = new Map<string, Promise<CatalogTable | undefined>>();

  const openTable = async (path: readonly string[]): Promise<Table | undefined> => {
    if (path.length === 0 || path.length > 3) return undefined;
    try {
      return await db.table(path.join('.'));
    } catch (e) {
      if (!notFound(e)) throw e;
    }
    // Names compare case-insensitively (as in DuckDB).
    const want = path.map((p) => p.toLowerCase());
    const hit = (await db.listTables()).find((t) => {
      const parts = [t.project, t.dataset, t.name].map((p) => p.toLowerCase());
      const tail = parts.slice(3 - want.length);
      return tail.every((p, i) => p === want[i]) && (want.length === 3 || (want.length === 2 ? t.project === 'default' : t.project === 'default' && t.dataset === 'default'));
    });
    return hit ? db.table(hit.identifier) : undefined;
  };

  const loadTable = async (path: readonly string[], asof: AsOfValue): Promise<CatalogTable | undefined> => {
    const t = await openTable(path);
    if (!t) return undefined;
    const snap = await t.snapshot(asof ?? undefined);
    const stored = snap.schema();
    const rows = snap.state.keySpace.reduce((n, f) => n + f.rows, 0);
    const doc = await readDoc(db, t);
    const keys = t.keySchema.fields.map((f) => f.name);
    const hidden = new Set(doc?.hidden ?? []);
    const col = (f: Field, isStored: boolean): CatalogColumn => ({ name: f.name, type: f.type, nullable: f.nullable, stored: isStored, ...(hidden.has(f.name) ? { hidden: true } : {}) });
    const columns: CatalogColumn[] = [];
    const seen = new Set<string>();
    const declared = doc ? doc.columns.map(fieldFromJSON) : [];
    for (const k of keys) {
      const f = stored.fields.find((x) => x.name === k) ?? t.keySchema.fields.find((x) => x.name === k)!;
      columns.push(col(f, true));
      seen.add(k);
    }
    for (const d of declared) {
      if (seen.has(d.name)) continue;
      const s = stored.fields.find((x) => x.name === d.name);
      columns.push(s ? col(new Field(s.name, s.type, d.nullable), true) : col(d, false));
      seen.add(d.name);
    }
    for (const s of stored.fields) if (!seen.has(s.name)) columns.push(col(s, true));
    return { id: t.identifier, columns, keyColumns: keys, rows };
  };

  const host: SqlHost = {
    table(path, asof) {
      const k = `${path.join('.').toLowerCase()}@${asof ?? ''}`;
      let p = tables.get(k);
      if (!p) tables.set(k, (p = loadTable(path, asof)));
      return p;
    },

    async dataset(path): Promise<{ dataset: CatalogDataset; rest: readonly string[] } | undefined> {
      const name = path[0];
      if (name === undefined) return undefined;
      const e = (await db.listDatasets('default')).find((d) => d.name.toLowerCase() === name.toLowerCase());
      if (!e) return undefined;
      const ds = await Dataset.open(db, e.name);
      const schema = ds.schema;
      await ds.close();
      return { dataset: { name: e.name, schema }, rest: path.slice(1) };
    },

    async names() {
      const out: string[] = [];
      for (const t of await db.listTables()) out.push(t.name, `${t.dataset}.${t.name}`, t.identifier);
      for (const d of await db.listDatasets()) out.push(d.name);
      return out;
    },

    run(plan, opts: RunOptions) {
      return execute(optimize(plan), catalogContext(db), { batchRows: 8192, ...(opts.signal ? { signal: opts.signal } : {}) });
    },

    explain: (plan, mode) => explain(db, plan, mode),

    async createTable(name, fields, key, ifNotExists) {
      const cols = fields.map((f) => new Field(f.name, storedType(f.type), f.nullable));
      const keyFields = key ? key.map((k) => cols.find((c) => c.name === k)!) : [new Field(ROWID, new Int64(), false)];
      let t: Table;
      try {
        const existing = ifNotExists ? await openTable(name) : undefined;
        if (existing) return;
        t = await db.createTable(name.join('.'), { keySchema: keyFields });
      } catch (e) {
        if (ifNotExists && isErrorCode(e, 'table-exists')) return;
        throw e;
      }
      const doc: TableDoc = { format: DOC_FORMAT, columns: (key ? cols : [keyFields[0]!, ...cols]).map(fieldToJSON), hidden: key ? [] : [ROWID] };
      await db.store.put(docKey(t), new TextEncoder().encode(JSON.stringify(doc)));
    },

    async createDataset(name, schema: DatasetSchema, ifNotExists) {
      const n = name[name.length - 1]!;
      if ((await db.listDatasets('default')).some((d) => d.name === n)) {
        if (ifNotExists) return;
        throw new EngineError('table-exists', `dataset ${n} already exists`);
      }
      const ds = await Dataset.open(db, n, { schema: { ...schema, name: n } });
      await ds.close();
    },

    async insert(table, rows, notNull) {
      const t = await db.table(table.id);
      const hiddenKey = table.columns.find((c) => c.hidden && table.keyColumns.includes(c.name));
      let n = 0;
      async function* batches(): AsyncGenerator<RecordBatch> {
        for await (const b of rows) {
          if (b.numRows === 0) continue;
          for (const c of notNull) {
            const i = b.schema.fields.findIndex((f) => f.name === c);
            if (i >= 0 && b.data.children[i]!.nullCount > 0) throw new PlanError('sql-constraint', `NOT NULL column ${c} of ${table.id} would receive NULL`);
          }
          n += b.numRows;
          yield hiddenKey ? withRowIds(b, hiddenKey.name) : b;
        }
      }
      await t.write(batches());
      return n;
    },

    async delete(table, keys) {
      const t = await db.table(table.id);
      const batches: RecordBatch[] = [];
      for await (const b of keys) if (b.numRows > 0) batches.push(b);
      const n = batches.reduce((s, b) => s + b.numRows, 0);
      if (n > 0) await t.delete(new ArrowTable(batches));
      return n;
    },

    async insertCollection(target: CollectionTarget, rows) {
      const batches: RecordBatch[] = [];
      for await (const b of rows) if (b.numRows > 0) batches.push(b);
      const n = batches.reduce((s, b) => s + b.numRows, 0);
      if (n === 0) return 0;
      const ds = await Dataset.open(db, target.dataset);
      try {
        await ds.write(target.path.join('.'), new ArrowTable(batches));
      } finally {
        await ds.close();
      }
      return n;
    },

    async deleteCollection(target: CollectionTarget, keys) {
      const tuples: unknown[][] = [];
      for await (const b of keys) {
        for (let i = 0; i < b.numRows; i++) tuples.push(b.data.children.map((d) => keyPart(d, i)));
      }
      if (tuples.length === 0) return 0;
      const ds = await Dataset.open(db, target.dataset);
      try {
        await ds.delete(target.path, tuples);
      } finally {
        await ds.close();
      }
      return tuples.length;
    },

    async drop(object, name, ifExists) {
      try {
        if (object === 'dataset') return await db.dropDataset(name[name.length - 1]!);
        const t = await openTable(name);
        if (!t) throw new EngineError('table-not-found', `no table ${name.join('.')}`);
        await db.dropTable(name.join('.'));
        await db.store.delete(docKey(t)).catch((e: unknown) => {
          if (!isErrorCode(e, 'object-not-found')) throw e;
        });
      } catch (e) {
        if (ifExists && isErrorCode(e, 'table-not-found')) return;
        throw e;
      }
    },

    async listTables() {
      const ts = (await db.listTables()).map((t) => ({ name: t.project === 'default' ? (t.dataset === 'default' ? t.name : `${t.dataset}.${t.name}`) : t.identifier, kind: 'table' as const }));
      const ds = (await db.listDatasets()).map((d) => ({ name: d.name, kind: 'dataset' as const }));
      return [...ts, ...ds];
    },

    invalidate() {
      tables.clear();
    },
  };
  return host;
}

function withRowIds(b: RecordBatch, name: string): RecordBatch {
  const ids = makeData({ type: new Int64(), length: b.numRows, nullCount: 0, data: rowIds(b.numRows) });
  const fields = [new Field(name, new Int64(), false), ...b.schema.fields];
  return new Batch(new Schema(fields), makeData({ type: new Struct(fields), length: b.numRows, nullCount: 0, children: [ids, ...b.data.children] }));
}

// ─── EXPLAIN ───────────────────────────────────────────────────────────────────────────────

function physicalText(op: PhysicalOperator): Promise<string> {
  return explainPlan(op).then((e) => renderExplain(e, { timing: false }));
}

function scansOf(p: Plan, out: Plan[] = []): Plan[] {
  if (p.kind === 'table_scan' || p.kind === 'collection_scan') out.push(p);
  for (const c of planChildren(p)) scansOf(c, out);
  return out;
}

function collectionOps(op: PhysicalOperator, out: CollectionScanOp[] = []): CollectionScanOp[] {
  if (op instanceof CollectionScanOp) out.push(op);
  for (const c of op.children) collectionOps(c, out);
  return out;
}

/** EXPLAIN [VERBOSE | ANALYZE | DATA [ANALYZE]] of a query plan, as text. */
async function explain(db: Database, plan: Plan, mode: ExplainMode): Promise<string> {
  const optimized = optimize(plan);
  const op = lower(optimized, catalogContext(db));
  switch (mode) {
    case 'plain':
    case 'verbose': {
      const logical = explainText(plan, { verbose: mode === 'verbose', schema: mode === 'verbose' });
      const parts = [`${logical}\nphysical_plan:\n${indent(await physicalText(op))}`];
      // A collection scan's own plans: logical, optimized by the collection rules (each rule with VERBOSE), physical.
      for (const c of collectionOps(op)) parts.push(`collection scan ${c.node.dataset}:\n${indent(await (await c.datasetScan()).explain({ verbose: mode === 'verbose' }))}`);
      return parts.join('\n');
    }
    case 'analyze': {
      const e = await explainPlan(op, { analyze: true });
      return renderExplain(e);
    }
    case 'data':
    case 'data-analyze': {
      const analyze = mode === 'data-analyze';
      const parts = [`physical_plan:\n${indent(renderExplain(await explainPlan(op, { analyze }), analyze ? {} : { timing: false }))}`];
      for (const c of collectionOps(op)) {
        const scan = await c.datasetScan();
        parts.push(`collection scan ${c.node.dataset}:\n${indent(await scan.explain({ data: true, analyze }))}`);
      }
      for (const s of scansOf(optimized)) {
        if (s.kind !== 'table_scan') continue;
        const t = await db.table(s.table.id);
        const snap = await t.snapshot(s.table.asof ?? undefined);
        const keys = t.keySchema.fields.map((f) => f.name);
        const preds = storagePredicates(s.filters, s.columns).filter((p) => keys.includes(p.column)).map((p) => p.pred);
        const where = preds.length === 0 ? undefined : preds.length === 1 ? preds[0]! : { op: 'and' as const, args: preds };
        const f = scanData(await snap.forecast({ columns: s.columns.map((c) => c.column), ...(where ? { where } : {}) }));
        const why = Object.entries(f.pruned).map(([k, v]) => `${v} by ${k}`).join(', ');
        parts.push(`table scan ${s.table.id}: ${f.fragmentsKept} of ${f.fragmentsTotal} fragments${why ? ` (pruned ${why})` : ''}; ${f.rowsToDecode.toLocaleString('en-US')} rows to decode; ${f.bytes.toLocaleString('en-US')} bytes in ${f.gets} reads`);
      }
      return parts.join('\n');
    }
  }
}

const indent = (t: string): string => t.split('\n').map((l) => `  ${l}`).join('\n');

/** Runs SQL against a catalog: the result of the last statement (see README "SQL"). */
export function sql(db: Database, text: string, params: readonly unknown[] = []): Promise<SqlResult> {
  if (typeof text !== 'string') return Promise.reject(new EngineError('invalid-argument', 'sql() takes the SQL text as a string'));
  if (!Array.isArray(params)) return Promise.reject(new EngineError('invalid-argument', 'sql() takes its parameters as an array ($1 is the first)'));
  return runSql(sqlHost(db), text, params);
}

export { typeName as sqlTypeName };

/**
 * A key value of a collection DELETE as the key codec takes it: dates and timestamps as their
 * stored integers (Vector.get gives milliseconds for DATE, which the codec would read as days).
 */
function keyPart(d: Data, i: number): unknown {
  const t = d.type.typeId;
  if (t === Type.Date || t === Type.Timestamp) return (d.values as Int32Array | BigInt64Array)[i];
  return makeVector(d).get(i) as unknown;
}
