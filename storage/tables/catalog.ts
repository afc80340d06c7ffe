/**
 * The catalog: projects hold datasets, datasets hold tables. Its state is one small document per
 * version under `catalog/versions/`, changed like a table (conditional create of the next
 * version, retried on a lost race), so creates, drops, renames and moves are atomic. Table data
 * lives under `tables/<table id>/`, so renames and moves never touch it.
 */
import { type DataType, Field, Schema } from 'apache-arrow';

import type { DuckDBConnection } from '@duckdb/node-api';
import { EngineError, isErrorCode } from '../../errors.js';
import type { DuckDBBatches, FromDuckDBOptions } from '../duckdb/index.js';
import { LocalStore } from '../object-store/local-store.js';
import type { ObjectStore } from '../object-store/object-store.js';
import { S3Store, type S3StoreOptions } from '../object-store/s3-store.js';
import { sameType } from './arrow-json.js';
import { validateKeyFields } from './key-codec.js';
import { encodeDoc, newId, nowMicros, parseDoc } from './manifest.js';
import { Table } from './table.js';
import { TableCore } from './table-core.js';
import { VersionLog } from './version-log.js';

const CATALOG_FORMAT = 'gyre.catalog.v1';
const NAME = /^[A-Za-z0-9_][A-Za-z0-9_-]{0,127}$/;
const DEFAULT = 'default';

export interface TableEntry {
  readonly project: string;
  readonly dataset: string;
  readonly name: string;
  readonly id: string;
  /** Microseconds since the epoch. */
  readonly createdAt: number;
}

/** A dataset: a tree of collections stored as the collections of one table. */
export interface DatasetEntry {
  readonly project: string;
  readonly name: string;
  readonly id: string;
  readonly createdAt: number;
}

interface CatalogDoc {
  readonly format: typeof CATALOG_FORMAT;
  readonly version: number;
  readonly tables: readonly TableEntry[];
  readonly datasets?: readonly DatasetEntry[];
}

export type KeySchemaInput = Schema | readonly Field[] | Readonly<Record<string, DataType>>;

export interface CreateTableOptions {
  readonly keySchema: KeySchemaInput;
  /** Return the existing table instead of failing (its key schema must match). */
  readonly existOk?: boolean;
  /**
   * Struct columns (paths) stored as column groups of their own. Default: every struct column
   * is a group; when given, other structs stay inside their parent group.
   */
  readonly columnGroups?: readonly string[];
}

export interface OpenOptions {
  /** S3 settings for `s3://` roots (credentials default to the AWS SDK's provider chain). */
  readonly s3?: Omit<S3StoreOptions, 'bucket' | 'prefix'>;
  /** Use this store instead of the one the root names. */
  readonly store?: ObjectStore;
}

function checkName(part: string, what: string, identifier: string): string {
  if (typeof part !== 'string' || typeof identifier !== 'string') {
    throw new EngineError('invalid-identifier', `a ${what} name must be a string, got ${part === null ? 'null' : typeof part}`);
  }
  if (!NAME.test(part)) {
    throw new EngineError('invalid-identifier', `invalid ${what} name ${JSON.stringify(part.length > 80 ? `${part.slice(0, 80)}…` : part)} in ${JSON.stringify(identifier.length > 80 ? `${identifier.slice(0, 80)}…` : identifier)}: use 1–128 letters, digits, '_' or '-'`, {
      details: { identifier: identifier.slice(0, 200) },
    });
  }
  return part;
}

/** `project.dataset.table`, `dataset.table` or `table` (project and dataset default to 'default'). */
export function parseIdentifier(identifier: string, project = DEFAULT): { project: string; dataset: string; name: string } {
  if (typeof identifier !== 'string') throw new EngineError('invalid-identifier', 'a table identifier must be a string');
  const parts = identifier.split('.');
  if (parts.length > 3) throw new EngineError('invalid-identifier', `too many parts in ${JSON.stringify(identifier.slice(0, 200))}`);
  const [p, d, n] = parts.length === 3 ? parts : parts.length === 2 ? [project, parts[0]!, parts[1]!] : [project, DEFAULT, parts[0]!];
  return { project: checkName(p!, 'project', identifier), dataset: checkName(d!, 'dataset', identifier), name: checkName(n!, 'table', identifier) };
}

const fullName = (e: { project: string; dataset: string; name: string }): string => `${e.project}.${e.dataset}.${e.name}`;

function keyFieldsOf(k: KeySchemaInput): Field[] {
  if (k instanceof Schema) return [...k.fields];
  if (Array.isArray(k)) return [...(k as readonly Field[])];
  return Object.entries(k as Record<string, DataType>).map(([name, type]) => new Field(name, type, false));
}

/**
 * A query front end's entry point, installed on every Database by the root module (storage
 * cannot import the parser): index.ts registers SQL, so `db.sql(text, params)` works after
 * `import { open } from 'gyre'`.
 */
export type FrontEnd = (db: Database, text: string, params?: readonly unknown[]) => Promise<unknown>;

/** A catalog of tables in one object store. */
export class Database {
  /** Installs `db.sql(text, params)` (see FrontEnd). */
  static registerFrontEnd(fn: FrontEnd): void {
    Object.defineProperty(Database.prototype, 'sql', {
      value: function sql(this: Database, text: string, params?: readonly unknown[]): Promise<unknown> {
        return fn(this, text, params);
      },
      configurable: true,
      writable: true,
    });
  }

  private readonly log: VersionLog;
  private readonly tables = new Map<string, Promise<Table>>();

  constructor(readonly store: ObjectStore) {
    this.log = new VersionLog(store, 'catalog');
  }

  private async state(): Promise<CatalogDoc> {
    const v = await this.log.latest();
    if (v === 0) return { format: CATALOG_FORMAT, version: 0, tables: [] };
    return parseDoc<CatalogDoc>(await this.log.read(v), CATALOG_FORMAT, this.log.key(v));
  }

  /** Applies `change` to the newest catalog and publishes it; retried when another change won. */
  private async mutate<T>(change: (tables: TableEntry[], datasets: DatasetEntry[]) => T): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      const cur = await this.state();
      const tables = [...cur.tables];
      const datasets = [...(cur.datasets ?? [])];
      const result = change(tables, datasets);
      const doc: CatalogDoc = { format: CATALOG_FORMAT, version: cur.version + 1, tables, ...(datasets.length ? { datasets } : {}) };
      if (await this.log.tryPublish(cur.version + 1, encodeDoc(doc))) return result;
      if (attempt >= 100) throw new EngineError('commit-conflict', 'the catalog changed 100 times while this change was retried');
      await new Promise((r) => setTimeout(r, Math.random() * Math.min(100, 2 ** attempt)));
    }
  }

  /** A project: tables addressed as `dataset.table` or `table` inside it. */
  project(name: string): Project {
    return new Project(this, checkName(name, 'project', name));
  }

  async createTable(identifier: string, opts: CreateTableOptions, project = DEFAULT): Promise<Table> {
    const id = parseIdentifier(identifier, project);
    const keyFields = validateKeyFields(keyFieldsOf(opts.keySchema).map((f) => f.clone({ nullable: false })));
    const existing = (await this.state()).tables.find((t) => fullName(t) === fullName(id));
    if (existing) return this.existing(existing, keyFields, opts);
    const tableId = newId();
    const table = await Table.create(this.store, `tables/${tableId}`, tableId, fullName(id), keyFields, opts.columnGroups ?? null);
    let raced: TableEntry | undefined;
    await this.mutate((tables) => {
      raced = tables.find((t) => fullName(t) === fullName(id));
      if (!raced) tables.push({ ...id, id: tableId, createdAt: nowMicros() });
    });
    if (raced) {
      await this.deleteTableData(tableId);
      return this.existing(raced, keyFields, opts);
    }
    this.tables.set(fullName(id), Promise.resolve(table));
    return table;
  }

  private async existing(e: TableEntry, keyFields: readonly Field[], opts: CreateTableOptions): Promise<Table> {
    if (!opts.existOk) throw new EngineError('table-exists', `table ${fullName(e)} already exists`, { details: { table: fullName(e) } });
    const t = await this.table(fullName(e));
    const stored = t.keySchema.fields;
    if (stored.length !== keyFields.length || stored.some((f, i) => f.name !== keyFields[i]!.name || !sameType(f.type, keyFields[i]!.type))) {
      throw new EngineError('table-exists', `table ${fullName(e)} exists with another key schema`, { details: { table: fullName(e) } });
    }
    return t;
  }

  async table(identifier: string, project = DEFAULT): Promise<Table> {
    const id = parseIdentifier(identifier, project);
    const e = (await this.state()).tables.find((t) => fullName(t) === fullName(id));
    if (!e) throw new EngineError('table-not-found', `no table ${fullName(id)}`, { details: { table: fullName(id) } });
    const cacheKey = `${fullName(id)}#${e.id}`;
    let p = this.tables.get(cacheKey);
    if (!p) {
      p = Table.open(this.store, `tables/${e.id}`, e.id, fullName(id));
      p.catch(() => this.tables.delete(cacheKey));
      this.tables.set(cacheKey, p);
    }
    return p;
  }

  /** Tables, optionally of one project, sorted by identifier. */
  async listTables(project?: string): Promise<(TableEntry & { identifier: string })[]> {
    const tables = (await this.state()).tables.filter((t) => project === undefined || t.project === project);
    return tables.map((t) => ({ ...t, identifier: fullName(t) })).sort((a, b) => (a.identifier < b.identifier ? -1 : 1));
  }

  async dropTable(identifier: string, project = DEFAULT): Promise<void> {
    const id = parseIdentifier(identifier, project);
    const gone = await this.mutate((tables) => {
      const i = tables.findIndex((t) => fullName(t) === fullName(id));
      if (i < 0) throw new EngineError('table-not-found', `no table ${fullName(id)}`, { details: { table: fullName(id) } });
      return tables.splice(i, 1)[0]!;
    });
    await this.deleteTableData(gone.id);
  }

  async renameTable(identifier: string, newName: string, project = DEFAULT): Promise<void> {
    const id = parseIdentifier(identifier, project);
    checkName(newName, 'table', newName);
    await this.move(id, { ...id, name: newName });
  }

  async moveTable(identifier: string, newDataset: string, project = DEFAULT): Promise<void> {
    const id = parseIdentifier(identifier, project);
    checkName(newDataset, 'dataset', newDataset);
    await this.move(id, { ...id, dataset: newDataset });
  }

  private async move(from: { project: string; dataset: string; name: string }, to: { project: string; dataset: string; name: string }): Promise<void> {
    await this.mutate((tables) => {
      const i = tables.findIndex((t) => fullName(t) === fullName(from));
      if (i < 0) throw new EngineError('table-not-found', `no table ${fullName(from)}`, { details: { table: fullName(from) } });
      if (tables.some((t) => fullName(t) === fullName(to))) throw new EngineError('table-exists', `table ${fullName(to)} already exists`, { details: { table: fullName(to) } });
      tables[i] = { ...tables[i]!, ...to };
    });
    for (const k of [...this.tables.keys()]) if (k.startsWith(`${fullName(from)}#`)) this.tables.delete(k);
  }

  private async deleteTableData(tableId: string): Promise<void> {
    const objects = await this.store.list(`tables/${tableId}/`);
    // Versions first: a half-deleted table then has no versions and reads as gone.
    const order = [...objects].sort((a, b) => Number(!a.key.includes('/versions/')) - Number(!b.key.includes('/versions/')));
    for (const o of order) await this.store.delete(o.key).catch((e: unknown) => {
      if (!isErrorCode(e, 'object-not-found')) throw e;
    });
  }

  /**
   * The storage of a collections dataset: one table whose collections are the tree's levels.
   * Created with `create` (collections and the schema metadata) when missing.
   */
  async datasetStorage(
    name: string,
    create?: { collections: readonly { path: string; keyFields: readonly Field[]; structGroups: readonly string[] | null }[]; meta: unknown },
    project = DEFAULT,
  ): Promise<{ core: TableCore; entry: DatasetEntry; created: boolean }> {
    checkName(project, 'project', project);
    checkName(name, 'dataset', name);
    const find = async (): Promise<DatasetEntry | undefined> => (await this.state()).datasets?.find((d) => d.project === project && d.name === name);
    const open = (e: DatasetEntry): TableCore => new TableCore(this.store, `tables/${e.id}`, e.id, `${project}.${name}`);
    const found = await find();
    if (found) return { core: open(found), entry: found, created: false };
    if (!create) throw new EngineError('table-not-found', `no dataset ${project}.${name}`, { details: { dataset: `${project}.${name}` } });
    const id = newId();
    const core = await Table.createCore(this.store, `tables/${id}`, id, `${project}.${name}`, create.collections, create.meta);
    let raced: DatasetEntry | undefined;
    const entry: DatasetEntry = { project, name, id, createdAt: nowMicros() };
    await this.mutate((_, datasets) => {
      raced = datasets.find((d) => d.project === project && d.name === name);
      if (!raced) datasets.push(entry);
    });
    if (raced) {
      await this.deleteTableData(id);
      return { core: open(raced), entry: raced, created: false };
    }
    return { core, entry, created: true };
  }

  async listDatasets(project?: string): Promise<DatasetEntry[]> {
    return ((await this.state()).datasets ?? []).filter((d) => project === undefined || d.project === project);
  }

  async dropDataset(name: string, project = DEFAULT): Promise<void> {
    const gone = await this.mutate((_, datasets) => {
      const i = datasets.findIndex((d) => d.project === project && d.name === name);
      if (i < 0) throw new EngineError('table-not-found', `no dataset ${project}.${name}`);
      return datasets.splice(i, 1)[0]!;
    });
    await this.deleteTableData(gone.id);
  }

  /**
   * Runs a DuckDB query and streams its result as Arrow RecordBatches (a source for
   * `table.write(...)`, scans and SQL). See README "DuckDB interop".
   */
  async fromDuckDB(connection: DuckDBConnection, sql: string, opts: FromDuckDBOptions = {}): Promise<DuckDBBatches> {
    return (await import('../duckdb/index.js')).fromDuckDB(connection, sql, opts);
  }

  /** Closes the open tables' files. */
  async close(): Promise<void> {
    const ts = [...this.tables.values()];
    this.tables.clear();
    await Promise.all(ts.map(async (p) => (await p.catch(() => null))?.close()));
  }
}

export class Project {
  constructor(
    private readonly db: Database,
    readonly name: string,
  ) {}

  createTable(identifier: string, opts: CreateTableOptions): Promise<Table> {
    return this.db.createTable(identifier, opts, this.name);
  }
  table(identifier: string): Promise<Table> {
    return this.db.table(identifier, this.name);
  }
  listTables(): Promise<(TableEntry & { identifier: string })[]> {
    return this.db.listTables(this.name);
  }
  dropTable(identifier: string): Promise<void> {
    return this.db.dropTable(identifier, this.name);
  }
  renameTable(identifier: string, newName: string): Promise<void> {
    return this.db.renameTable(identifier, newName, this.name);
  }
  moveTable(identifier: string, newDataset: string): Promise<void> {
    return this.db.moveTable(identifier, newDataset, this.name);
  }
}

/**
 * Opens a catalog: a local directory (default `./gyre-data`) or `s3://bucket/prefix`. S3
 * endpoints for S3-compatible servers come from `opts.s3.endpoint` or AWS_ENDPOINT_URL_S3 /
 * AWS_ENDPOINT_URL.
 */
export async function open(root = './gyre-data', opts: OpenOptions = {}): Promise<Database> {
  if (opts.store) return new Database(opts.store);
  const m = /^s3:\/\/([^/]+)\/?(.*)$/.exec(root);
  if (m) {
    const endpoint = opts.s3?.endpoint ?? process.env.AWS_ENDPOINT_URL_S3 ?? process.env.AWS_ENDPOINT_URL;
    return new Database(new S3Store({ ...opts.s3, bucket: m[1]!, prefix: m[2] ?? '', ...(endpoint ? { endpoint } : {}) }));
  }
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(root)) throw new EngineError('invalid-argument', `unsupported catalog root ${JSON.stringify(root)}: use a local path or s3://bucket/prefix`);
  return new Database(new LocalStore(root));
}
