/**
 * A dataset: a tree of collections (logical/schema.ts) stored as the collections of one table
 * (storage/tables), so a write touching several levels commits as one transaction.
 *
 * Collection `scenes.clips.frames` is stored under the collection path 'scenes.clips.frames'
 * with key columns `scenes._id`, `clips._id`, `_pos`; struct fields become column groups.
 * Nested records are flattened into one Arrow batch per collection; a positional collection
 * given for a parent replaces that parent's previous rows (a prefix delete, then the rows).
 */
import { Field, type RecordBatch, Struct, Table as ArrowTable, Uint64, vectorFromArray, type Data, makeData, Schema, RecordBatch as Batch } from 'apache-arrow';

import type { DuckDBConnection } from '@duckdb/node-api';
import { PlanError } from '../errors.js';
import type { DuckDBExport, ToDuckDBOptions } from '../storage/duckdb/index.js';
import { type Expr, formatExpr, type Level } from '../logical/expr.js';
import type { Roots } from '../logical/fluent-types.js';
import { type CollectionRef, ExprRef, refs } from '../logical/fluent.js';
import { collectionAt, type CollectionNode, type DatasetSchema, keyColumns, type RootNodes, nodeType, type SchemaNode } from '../logical/schema.js';
import { fieldFromJSON, fieldToJSON, type FieldJSON } from '../storage/tables/arrow-json.js';
import type { Database } from '../storage/tables/catalog.js';
import { Table } from '../storage/tables/table.js';
import type { TableCore } from '../storage/tables/table-core.js';
import type { CommitInfo, Transaction } from '../storage/tables/transaction.js';
import { Snapshot } from '../storage/tables/snapshot.js';
import type { AsOf } from '../storage/tables/table-core.js';
import { type Explained, explainCollectionScan, type ExplainOptions, renderExplain } from './explain.js';
import { defaultContext, type ExecContext, type PhysicalOperator } from './operator.js';
import { type PlannedScan, type PlanRules, planScan, type ScanOutput } from './planner.js';

// ---------------------------------------------------------------------------------------------
// Schema tree ⇄ JSON (kept in the table's version metadata)

type NodeJSON =
  | { k: 'scalar'; field: FieldJSON; shape?: (number | string)[]; doc?: string }
  | { k: 'struct'; fields: [string, NodeJSON][] }
  | { k: 'collection'; key: FieldJSON | null; fields: [string, NodeJSON][]; doc?: string };

interface SchemaJSON {
  name: string;
  roots: [string, NodeJSON][];
}

function nodeToJSON(n: SchemaNode): NodeJSON {
  switch (n.kind) {
    case 'scalar':
      return { k: 'scalar', field: fieldToJSON(new Field('v', n.type, true)), ...(n.shape ? { shape: [...n.shape] } : {}), ...(n.doc ? { doc: n.doc } : {}) };
    case 'struct':
      return { k: 'struct', fields: [...n.fields].map(([k, v]) => [k, nodeToJSON(v)]) };
    case 'collection':
      return {
        k: 'collection',
        key: n.key.kind === 'keyed' ? fieldToJSON(new Field('_id', n.key.type, false)) : null,
        fields: [...n.fields].map(([k, v]) => [k, nodeToJSON(v)]),
        ...(n.doc ? { doc: n.doc } : {}),
      };
  }
}

function nodeFromJSON(j: NodeJSON): SchemaNode {
  switch (j.k) {
    case 'scalar':
      return { kind: 'scalar', type: fieldFromJSON(j.field).type, ...(j.shape ? { shape: j.shape } : {}), ...(j.doc ? { doc: j.doc } : {}) };
    case 'struct':
      return { kind: 'struct', fields: new Map(j.fields.map(([k, v]) => [k, nodeFromJSON(v)])) };
    case 'collection':
      return {
        kind: 'collection',
        key: j.key ? { kind: 'keyed', type: fieldFromJSON(j.key).type } : { kind: 'positional' },
        fields: new Map(j.fields.map(([k, v]) => [k, nodeFromJSON(v)])),
        ...(j.doc ? { doc: j.doc } : {}),
      };
  }
}

export function schemaToJSON(s: DatasetSchema): SchemaJSON {
  return { name: s.name, roots: [...s.roots].map(([k, v]) => [k, nodeToJSON(v)]) };
}

export function schemaFromJSON(j: SchemaJSON): DatasetSchema {
  return { name: j.name, roots: new Map(j.roots.map(([k, v]) => [k, nodeFromJSON(v) as CollectionNode])) };
}

// ---------------------------------------------------------------------------------------------

/** Every collection path of the tree, parents before children. */
export function collectionPaths(s: DatasetSchema): string[][] {
  const out: string[][] = [];
  const walk = (path: string[], node: CollectionNode): void => {
    out.push(path);
    for (const [name, child] of node.fields) if (child.kind === 'collection') walk([...path, name], child);
  };
  for (const [name, node] of s.roots) walk([name], node);
  return out;
}

/** Arrow fields of the key columns of the collection at `path`. */
export function keyFieldsOf(s: DatasetSchema, path: readonly string[]): Field[] {
  const names = keyColumns(s, path);
  return names.map((n, i) => {
    const c = collectionAt(s, path.slice(0, i + 1));
    return new Field(n, c.key.kind === 'keyed' ? c.key.type : new Uint64(), false);
  });
}

/** Value fields (scalars and structs) of a collection, in schema order. */
export function valueFields(c: CollectionNode): Field[] {
  return [...c.fields].flatMap(([k, v]) => (v.kind === 'collection' ? [] : [new Field(k, nodeType(v), true)]));
}

type Rec = Record<string, unknown>;

interface Pending {
  keys: unknown[][];
  rows: Rec[];
  /** Parent keys whose positional rows are replaced. */
  replace: unknown[][];
}

export class Dataset<R extends RootNodes = RootNodes> {
  private constructor(
    readonly db: Database,
    readonly schema: DatasetSchema<R>,
    private readonly core: TableCore,
    private readonly tables: Map<string, Table>,
  ) {}

  /**
   * Opens a dataset, creating it with `schema` when missing. An existing dataset keeps its
   * stored schema (a given schema must then have the same collections).
   */
  static async open<R extends RootNodes = RootNodes>(db: Database, name: string, opts: { schema?: DatasetSchema<R>; project?: string } = {}): Promise<Dataset<R>> {
    const create = opts.schema && {
      collections: collectionPaths(opts.schema).map((p) => ({ path: p.join('.'), keyFields: keyFieldsOf(opts.schema!, p), structGroups: null })),
      meta: { schema: schemaToJSON(opts.schema) },
    };
    const { core } = await db.datasetStorage(name, create, opts.project);
    const latest = await core.readVersion(await core.latestVersion());
    const meta = latest.meta as { schema?: SchemaJSON } | undefined;
    if (!meta?.schema) throw new PlanError('table-corrupt', `dataset ${name} has no schema tree`);
    const schema = schemaFromJSON(meta.schema);
    const tables = new Map<string, Table>();
    for (const p of collectionPaths(schema)) {
      const path = p.join('.');
      const coll = latest.collections.find((c) => c.path === path);
      if (!coll) throw new PlanError('table-corrupt', `dataset ${name} has no stored collection ${path}`);
      tables.set(path, Table.ofCollection(core, coll));
    }
    return new Dataset<R>(db, schema as DatasetSchema<R>, core, tables);
  }

  /**
   * References to the root collections (`ds.collections.scenes.clips.duration`), typed by level
   * when the dataset was opened with a schema built in code.
   */
  get collections(): Roots<R> {
    return refs(this.schema);
  }

  /** The stored table of one collection (e.g. 'scenes.clips'). */
  table(path: string): Table {
    const t = this.tables.get(path);
    if (!t) throw new PlanError('unknown-column', `no collection ${path} in dataset ${this.schema.name}`);
    return t;
  }

  /**
   * Upserts into a collection, in one transaction:
   *  - `write('scenes', records)`: nested records of a root collection (`_id`, fields, structs,
   *    child collections as arrays; a positional child given for a parent replaces its rows);
   *  - `write(scenes.get('s1').clips.get('c1').frames, rows)`: records or an Arrow table under
   *    one pinned parent (positional collections are replaced whole);
   *  - `write('scenes.clips.frames', arrowTable)`: a bulk upsert of rows that carry their full
   *    key (`scenes._id`, `clips._id`, `_pos`), copied column by column;
   *  - `write('scenes', async (w) => { w.put(record); … })`: a scoped writer, flushed as one
   *    transaction when the function returns (nothing is written if it throws).
   */
  async write(target: string | CollectionRef, data: readonly Rec[] | ArrowTable | ((w: ScopedWriter) => Promise<void> | void)): Promise<CommitInfo> {
    const { path, parent } = this.target(target);
    const node = collectionAt(this.schema, path);
    if (typeof data === 'function') {
      if (!parent) throw new PlanError('invalid-argument', `write(${path.join('.')}): pin every ancestor with get(key) for a scoped write below a root`);
      return this.writeScoped(async (w) => {
        let pos = 0;
        if (node.key.kind === 'positional') w.replace(path, parent);
        await data({ put: (r: Rec) => w.put(path, parent, r, pos++), nested: w });
      });
    }
    if (data instanceof ArrowTable) {
      const keys = keyFieldsOf(this.schema, path);
      if (keys.every((k) => data.schema.fields.some((f) => f.name === k.name))) return this.writeKeyed(path, data);
      if (!parent) throw new PlanError('invalid-argument', `write(${path.join('.')}): give the key columns ${keys.map((k) => k.name).join(', ')}, or pin the parent with get()`);
      return this.writeScoped((w) => w.putTable(path, parent, data));
    }
    if (!parent) throw new PlanError('invalid-argument', `write(${path.join('.')}): pin every ancestor with get(key) to write records below a root`);
    return this.writeScoped((w) => {
      if (node.key.kind === 'positional') w.replace(path, parent);
      data.forEach((r, i) => w.put(path, parent, r, i));
    });
  }

  /** The collection path of a write target and its parent key (null when an ancestor is not pinned). */
  private target(t: string | CollectionRef): { path: string[]; parent: unknown[] | null } {
    if (typeof t === 'string') {
      const path = t.split('.');
      collectionAt(this.schema, path);
      return { path, parent: path.length === 1 ? [] : null };
    }
    const path = [...t.level.path];
    const parent: unknown[] = [];
    for (let d = 0; d < path.length - 1; d++) {
      const pin = pinnedKey(t.level, d);
      if (!pin) return { path, parent: null };
      parent.push(pin.key);
    }
    return { path, parent };
  }

  /** A bulk upsert of rows carrying their full key, column by column. */
  private async writeKeyed(path: readonly string[], data: ArrowTable): Promise<CommitInfo> {
    const node = collectionAt(this.schema, path);
    const keys = keyFieldsOf(this.schema, path);
    const values = valueFields(node).filter((f) => data.schema.fields.some((x) => x.name === f.name));
    for (const f of data.schema.fields) {
      if (!keys.some((k) => k.name === f.name) && !node.fields.has(f.name)) throw new PlanError('unknown-column', `${path.join('.')} has no field "${f.name}"`);
    }
    const fields = [...keys, ...values];
    const txn = await this.table(collectionPaths(this.schema)[0]!.join('.')).txn();
    try {
      const writer = txn.collection(path.join('.'));
      for (const b of data.batches) {
        const cols = fields.map((f) => b.getChild(f.name)!.data[0]!);
        const schema = new Schema(fields.map((f, i) => new Field(f.name, cols[i]!.type, f.nullable)));
        await writer.write(new Batch(schema, makeData({ type: new Struct(schema.fields), length: b.numRows, nullCount: 0, children: cols })));
      }
      return await txn.commit();
    } catch (e) {
      await txn.abort();
      throw e;
    }
  }

  /**
   * Deletes records of the collection at `path` (e.g. ['scenes', 'clips']) by full key (its
   * ancestors' keys then its own: `[['s1', 'c2']]`) together with their subtrees, in one
   * transaction. Keys that do not exist are ignored.
   */
  async delete(path: readonly string[], keys: readonly (readonly unknown[])[]): Promise<CommitInfo> {
    const at = path.join('.');
    const table = this.table(at);
    const below = collectionPaths(this.schema).filter((p) => p.length > path.length && path.every((x, i) => p[i] === x));
    const txn = await table.txn();
    try {
      await txn.collection(at).delete(keys.map((k) => [...k]));
      for (const p of below) {
        const w = txn.collection(p.join('.'));
        const child = this.table(p.join('.'));
        for (const k of keys) w.deletePrefix(child.key(...k));
      }
      return await txn.commit();
    } catch (e) {
      await txn.abort();
      throw e;
    }
  }

  /**
   * Writes one value on a fully specified path, e.g.
   * `ds.set(scenes.get('s1').clips.get('c1').duration, 45)`: every level must be pinned by
   * `get(key)` (not for positional levels: they are replaced whole).
   */
  async set(target: ExprRef, value: unknown): Promise<CommitInfo> {
    const e = target.expr;
    if (e.kind !== 'field' || e.path.length !== 1) throw new PlanError('invalid-argument', `set() takes a top-level field of a collection, not ${String(target)}`);
    const path = e.level.path;
    const keys = path.map((name, depth) => {
      const pin = pinnedKey(e.level, depth);
      if (!pin) throw new PlanError('invalid-argument', `set(): pin '${name}' with get(key) (one key) to write one value`);
      return pin.key;
    });
    if (collectionAt(this.schema, path).key.kind === 'positional') {
      throw new PlanError('invalid-argument', `'${path[path.length - 1]}' is positional: write the whole collection instead`);
    }
    const record: Rec = { _id: keys[keys.length - 1], [e.path[0]!]: value };
    return this.writeScoped((w) => w.put(path, keys.slice(0, -1), record));
  }

  /** A scoped writer: everything put inside `fn` commits as one transaction. */
  async writeScoped(fn: (w: NestedWriter) => Promise<void> | void): Promise<CommitInfo> {
    const w = new NestedWriter(this.schema);
    await fn(w);
    const txn = await this.table(collectionPaths(this.schema)[0]!.join('.')).txn();
    try {
      await this.flush(txn, w.pending);
      return await txn.commit();
    } catch (e) {
      await txn.abort();
      throw e;
    }
  }

  private async flush(txn: Transaction, pending: Map<string, Pending>): Promise<void> {
    for (const p of collectionPaths(this.schema)) {
      const path = p.join('.');
      const got = pending.get(path);
      if (!got) continue;
      const node = collectionAt(this.schema, p);
      const writer = txn.collection(path);
      const table = this.table(path);
      for (const parent of got.replace) writer.deletePrefix(table.key(...parent));
      if (got.rows.length === 0) continue;
      const keyFields = keyFieldsOf(this.schema, p);
      // Only fields some record gives: the others keep their stored values (upserts per column).
      const fields = valueFields(node).filter((f) => got.rows.some((r) => f.name in r));
      const cols: Data[] = [
        ...keyFields.map((kf, i) => vectorFromArray(got.keys.map((k) => k[i]) as never[], kf.type).data[0]!),
        ...fields.map((f) => vectorFromArray(got.rows.map((r) => r[f.name] ?? null) as never[], f.type).data[0]!),
      ];
      const all = [...keyFields, ...fields];
      const batch = new Batch(new Schema(all), makeData({ type: new Struct(all), length: got.rows.length, nullCount: 0, children: cols }));
      await writer.write(batch);
    }
  }

  /**
   * Scans expressions, bare collections (all their value fields) or `{ name: expr }` maps. All
   * must lie on one ancestor path; shallower ones are broadcast to the deepest level.
   */
  scan(items: readonly ScanItem[], opts: DatasetScanOptions = {}): DatasetScan {
    const outputs: ScanOutput[] = [];
    const shape: OutputShape[] = [];
    const used = new Set<string>();
    const add = (name: string, expr: Expr): string => {
      let n = name, k = 2;
      while (used.has(n)) n = `${name}_${k++}`;
      used.add(n);
      outputs.push({ name: n, expr });
      return n;
    };
    const top = (name: string, expr: Expr): void => {
      const column = add(name, expr);
      shape.push({ name: column, column });
    };
    for (const item of items) {
      if (item instanceof ExprRef) top(outputName(item.expr), item.expr);
      else if (isCollection(item)) {
        for (const [name, n] of item.node.fields) if (n.kind !== 'collection') top(name, { kind: 'field', level: item.level, path: [name] });
      } else if (isSelect(item)) {
        for (const [name, n] of item.collection.node.fields) {
          if (n.kind !== 'collection' && !item.exclude.includes(name)) top(name, { kind: 'field', level: item.collection.level, path: [name] });
        }
      } else shape.push(...mapShape(item as ScanMap, [], add));
    }
    return new DatasetScan(this, outputs, opts, shape);
  }

  /**
   * The single value of an expression on a fully specified path, e.g.
   * `ds.value(scenes.get('s1').location)`; 'invalid-argument' when the path selects no row or
   * several.
   */
  async value(expr: ExprRef, opts: { asof?: AsOf } = {}): Promise<unknown> {
    const t = await this.scan([expr], opts).toArrow();
    if (t.numRows !== 1) throw new PlanError('invalid-argument', `${String(expr)} selects ${t.numRows} rows, not one: pin every level with get()`);
    const v = t.getChildAt(0)!.get(0) as unknown;
    return v;
  }

  /** One loaded version of the whole dataset (every collection at the same version). @internal */
  async snapshots(asof?: AsOf): Promise<(path: string) => Snapshot> {
    const state = await this.core.loadState(await this.core.resolveAsOf(asof));
    const cache = new Map<string, Snapshot>();
    return (path) => {
      let s = cache.get(path);
      if (!s) {
        const coll = state.collections.get(path);
        if (!coll) throw new PlanError('unknown-column', `no collection ${path} at version ${state.doc.version}`);
        cache.set(path, (s = new Snapshot(this.core.collection(coll.coll), state)));
      }
      return s;
    };
  }

  async close(): Promise<void> {
    await this.core.close();
  }
}

/** `{ name: expr, nested: { … } }`: keys become output columns, nested maps become structs. */
export interface ScanMap {
  readonly [name: string]: ExprRef | ScanMap;
}

export type ScanItem = ExprRef | CollectionRef | { readonly collection: CollectionRef; readonly exclude: readonly string[] } | ScanMap;

/** An output column: a plan column, or a struct of nested outputs. */
type OutputShape = { readonly name: string; readonly column: string } | { readonly name: string; readonly fields: readonly OutputShape[] };

function mapShape(m: ScanMap, path: readonly string[], add: (name: string, e: Expr) => string): OutputShape[] {
  return Object.entries(m).map(([name, v]): OutputShape => {
    if (v instanceof ExprRef) return { name, column: add(path.length === 0 ? name : [...path, name].join('.'), v.expr) };
    if (typeof v !== 'object' || v === null || Object.getPrototypeOf(v) !== Object.prototype) {
      throw new PlanError('invalid-argument', `scan output "${[...path, name].join('.')}" is neither an expression nor a map of expressions`);
    }
    return { name, fields: mapShape(v, [...path, name], add) };
  });
}

/** The batch's plan columns arranged as the user asked (nested maps become struct columns). */
function shapeBatch(b: RecordBatch, shape: readonly OutputShape[]): RecordBatch {
  const build = (s: OutputShape): { field: Field; data: Data } => {
    if ('column' in s) {
      const i = b.schema.fields.findIndex((f) => f.name === s.column);
      return { field: new Field(s.name, b.schema.fields[i]!.type, true), data: b.data.children[i]! };
    }
    const kids = s.fields.map(build);
    const type = new Struct(kids.map((k) => k.field));
    return { field: new Field(s.name, type, true), data: makeData({ type, length: b.numRows, nullCount: 0, children: kids.map((k) => k.data) }) };
  };
  const cols = shape.map(build);
  const schema = new Schema(cols.map((c) => c.field));
  return new Batch(schema, makeData({ type: new Struct(schema.fields), length: b.numRows, nullCount: 0, children: cols.map((c) => c.data) }));
}

export interface DatasetScanOptions {
  /** Rows must satisfy this (a boolean expression on the scan level or its ancestors). */
  readonly where?: ExprRef;
  /** Read the version committed at or before this time, or this version number. */
  readonly asof?: AsOf;
  readonly limit?: number;
  /** Planning choices to switch off (see PlanRules; all on by default). */
  readonly rules?: PlanRules;
}

const isCollection = (x: unknown): x is CollectionRef => typeof x === 'object' && x !== null && 'node' in x && 'level' in x && 'where' in x;
const isSelect = (x: unknown): x is { collection: CollectionRef; exclude: readonly string[] } => typeof x === 'object' && x !== null && 'collection' in x && 'exclude' in x;

/** Default output name: the field name, `_id`, or `<field>_<fn>` for reductions. */
function outputName(e: Expr): string {
  switch (e.kind) {
    case 'field':
      return e.path[e.path.length - 1]!;
    case 'key':
      return e.name;
    case 'reduce':
      return `${outputName(e.arg)}_${e.fn}`;
    case 'window':
      return `${outputName(e.arg)}_rolling`;
    case 'resample':
      return outputName(e.source);
    case 'explode':
      return outputName(e.arg);
    case 'row':
      return e.level.path[e.level.path.length - 1]!;
    case 'step_time':
      return 'time';
    default:
      return formatExpr(e);
  }
}

/** The one key `get(key)` pinned at `depth` of a level's path, if any. */
function pinnedKey(level: Level, depth: number): { key: unknown } | null {
  for (const f of level.filters) {
    if (f.depth === depth && f.pred.kind === 'key_in' && f.pred.keys.length === 1 && f.pred.tuples.length === 1) return { key: f.pred.tuples[0]![0] };
  }
  return null;
}

/** A planned scan over a dataset: run it as Arrow batches or one Arrow table. */
export class DatasetScan {
  constructor(
    private readonly ds: Dataset,
    readonly outputs: readonly ScanOutput[],
    private readonly opts: DatasetScanOptions,
    private readonly shape: readonly OutputShape[],
  ) {}

  /** The physical plan. */
  async plan(): Promise<PhysicalOperator> {
    return (await this.planned()).physical;
  }

  /** The plans: naive logical, optimized (and, with `steps`, after every rule), physical. */
  async planned(opts: { steps?: boolean } = {}): Promise<PlannedScan> {
    const snapshot = await this.ds.snapshots(this.opts.asof);
    return planScan({ ds: this.ds, snapshot, ...(this.opts.rules ? { rules: this.opts.rules } : {}) }, this.outputs, this.opts.where?.expr, opts);
  }

  /**
   * EXPLAIN as text (or JSON with `format: 'json'`): the logical, optimized and physical plans;
   * `verbose` adds the plan after every optimizer rule; `analyze` runs the plan and adds
   * per-operator metrics; `data` adds what each scan will read, from manifests and zone maps,
   * and the joins chosen and why (with `analyze`: what was read, per collection).
   */
  async explain(opts: ExplainOptions & { format: 'json' }): Promise<Explained>;
  async explain(opts?: ExplainOptions & { format?: 'text' }): Promise<string>;
  async explain(opts: ExplainOptions & { format?: 'text' | 'json' } = {}): Promise<string | Explained> {
    const e = await explainCollectionScan(await this.planned({ steps: opts.verbose === true }), opts);
    return opts.format === 'json' ? e : renderExplain(e);
  }

  async *toRecordBatches(ctx: ExecContext = defaultContext()): AsyncGenerator<RecordBatch> {
    const plan = await this.plan();
    let left = this.opts.limit ?? Infinity;
    for await (const b of plan.execute(ctx)) {
      if (left <= 0) return;
      const part = b.numRows > left ? b.slice(0, left) : b;
      left -= part.numRows;
      yield shapeBatch(part, this.shape);
    }
  }

  /** The output schema (plans the scan, reads no rows). */
  async schema(): Promise<Schema> {
    const plan = await this.plan();
    const empty = plan.schema.fields.map((f) => makeData({ type: f.type, length: 0, nullCount: 0 }));
    return shapeBatch(new Batch(plan.schema, makeData({ type: new Struct(plan.schema.fields), length: 0, nullCount: 0, children: empty })), this.shape).schema;
  }

  /**
   * Exposes the scan to DuckDB: a lazy view computing only the columns a query uses (default),
   * or a DuckDB table with `materialize: true`. See README "DuckDB interop".
   */
  async toDuckDB(connection: DuckDBConnection, opts: ToDuckDBOptions = {}): Promise<DuckDBExport> {
    const glue = await import('./dataset-duckdb.js');
    return glue.scanToDuckDB(connection, glue.datasetScanSource(this, this.ds, this.opts, this.shape), opts);
  }

  async toArrow(): Promise<ArrowTable> {
    const batches: RecordBatch[] = [];
    for await (const b of this.toRecordBatches()) batches.push(b);
    if (batches.length === 0) {
      const plan = await this.plan();
      return new ArrowTable(shapeBatch(new Batch(plan.schema, makeData({ type: new Struct(plan.schema.fields), length: 0, nullCount: 0, children: plan.schema.fields.map((f) => makeData({ type: f.type, length: 0, nullCount: 0 })) })), this.shape).schema);
    }
    return new ArrowTable(batches);
  }
}

/** What a scoped write's function receives: `put` a record of the target collection, or use the nested writer. */
export interface ScopedWriter {
  put(record: Rec): void;
  readonly nested: NestedWriter;
}

/** Collects nested records into per-collection rows. */
export class NestedWriter {
  /** @internal */
  readonly pending = new Map<string, Pending>();

  constructor(private readonly schema: DatasetSchema) {}

  private slot(path: string): Pending {
    let p = this.pending.get(path);
    if (!p) this.pending.set(path, (p = { keys: [], rows: [], replace: [] }));
    return p;
  }

  /** Marks the positional rows under `parentKey` for replacement (a prefix delete before the new rows). */
  replace(path: readonly string[], parentKey: readonly unknown[]): void {
    this.slot(path.join('.')).replace.push([...parentKey]);
  }

  /** Puts the rows of an Arrow table (value columns, plus `_id` for keyed collections) under one parent. */
  putTable(path: readonly string[], parentKey: readonly unknown[], table: ArrowTable): void {
    const node = collectionAt(this.schema, path);
    if (node.key.kind === 'positional') this.replace(path, parentKey);
    table.toArray().forEach((row: { toJSON(): Rec }, i) => this.put(path, parentKey, row.toJSON(), i));
  }

  /** Puts one record of the collection at `path` under the parent key `parentKey`. */
  put(path: readonly string[], parentKey: readonly unknown[], record: Rec, pos?: number): void {
    const node = collectionAt(this.schema, path);
    let own: unknown;
    if (node.key.kind === 'keyed') {
      own = record._id;
      if (own === undefined || own === null) throw new PlanError('null-key', `a ${path.join('.')} record has no _id`);
    } else {
      own = BigInt(pos ?? 0);
    }
    const key = [...parentKey, own];
    const row: Rec = {};
    for (const [name, child] of node.fields) {
      const v = record[name];
      if (child.kind !== 'collection') {
        if (v !== undefined) row[name] = v;
        continue;
      }
      if (v === undefined) continue;
      if (!Array.isArray(v)) throw new PlanError('schema-mismatch', `${[...path, name].join('.')} must be an array of records`);
      const childPath = [...path, name];
      if (child.key.kind === 'positional') this.slot(childPath.join('.')).replace.push(key);
      v.forEach((r: Rec, i) => this.put(childPath, key, r, i));
    }
    for (const k of Object.keys(record)) {
      if (k !== '_id' && !node.fields.has(k)) throw new PlanError('unknown-column', `${path.join('.')} has no field "${k}"`);
    }
    const s = this.slot(path.join('.'));
    s.keys.push(key);
    s.rows.push(row);
  }
}

export type { RecordBatch, ArrowTable };
