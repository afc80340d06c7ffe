/**
 * gyre: a query engine over tables and trees of collections stored as Vortex files.
 * This is the only entry point users import.
 */
export { VortexFile } from './storage/vortex/vortex-file.js';
export type { ReadOptions, VortexSource, LayoutTree, ScanStats } from './storage/vortex/vortex-file.js';
export type { ByteSource, ByteRange } from './storage/vortex/byte-source.js';
export type { ByteSink, WriteData, WriteOptions, WriteResult, WriteTarget } from './storage/vortex/write.js';
export { LocalFileSource, MemorySource } from './storage/vortex/byte-source.js';
export type { Predicate, Literal } from './storage/vortex/predicate.js';
export { eq, ne, lt, le, gt, ge, isNull, isNotNull, isIn, and, or, not } from './storage/vortex/predicate.js';
export type { VortexDType } from './storage/vortex/dtype.js';
export * from './errors.js';
export { open, Database, Project, parseIdentifier } from './storage/tables/catalog.js';
export type { CreateTableOptions, OpenOptions, KeySchemaInput, TableEntry } from './storage/tables/catalog.js';
export { Table, compactionJobs } from './storage/tables/table.js';
export type { TableScanOptions, CompactOptions, CompactResult, VacuumOptions, VacuumResult, TxnInfo } from './storage/tables/table.js';
export { Key, Snapshot } from './storage/tables/snapshot.js';
export type { ScanOptions, ScanMetrics } from './storage/tables/snapshot.js';
export { Transaction } from './storage/tables/transaction.js';
export type { CommitInfo, KeysInput, WriteInput, TxnWriteOptions } from './storage/tables/transaction.js';
export type { FragmentEntry, TxnSummary } from './storage/tables/manifest.js';
export { formatMicros } from './storage/tables/manifest.js';
export type { ObjectStore, ObjectInfo } from './storage/object-store/object-store.js';
export { LocalStore } from './storage/object-store/local-store.js';
export { S3Store } from './storage/object-store/s3-store.js';
export type { S3StoreOptions } from './storage/object-store/s3-store.js';
// Collections: a dataset's tree, level expressions, scans (issue 5).
export { datasetSchema, keyed, positional, scalar, struct, formatSchema, keyColumns } from './logical/schema.js';
export type { DatasetSchema, CollectionNode, StructNode, ScalarNode, SchemaNode } from './logical/schema.js';
export { ExprRef, timeline, rowOf, refs } from './logical/fluent.js';
export type { CollectionRef, TimelineRef, Operand, ReduceOptions } from './logical/fluent.js';
export { LevelError } from './logical/expr.js';
export type { Expr, Level, ResampleMethod } from './logical/expr.js';
export { Dataset, DatasetScan, NestedWriter } from './physical/dataset.js';
// Scans of collections are planned by the collection rules (optimizer/collections), installed here:
// physical/ does not import optimizer/.
import { installStreamOptimizer } from './physical/planner.js';
import { COLLECTION_RULES, optimizeCollectionPlan } from './optimizer/collections/index.js';
installStreamOptimizer((plan, o) => optimizeCollectionPlan(plan, { disabled: o.disabled, storable: o.storable, ...(o.onStep ? { observer: { onStep: o.onStep } } : {}) }).plan);
export { COLLECTION_RULES };
export type { StreamPlan } from './logical/collection-plan.js';
export type { ScanItem, DatasetScanOptions } from './physical/dataset.js';
export type { PhysicalOperator, Ordering, ExecContext, OperatorMetrics } from './physical/operator.js';
// DuckDB interop (issue 8): table.toDuckDB, scan.toDuckDB, db.fromDuckDB and these; DuckDB's client loads on first use.
export { toDuckDB, fromDuckDB, arrowSource } from './storage/duckdb/api.js';
export type { DuckDBExport, DuckDBBatches, ToDuckDBOptions, FromDuckDBOptions, DuckDBSource, TableViewScan, ViewScan } from './storage/duckdb/index.js';
// SQL (issue 7): `db.sql(text, params)` → SqlResult (toArrow, toRecordBatches, rows, schema). See README "SQL".
import { Database as CatalogDatabase } from './storage/tables/catalog.js';
import { sql } from './sql.js';
import type { SqlResult } from './parser/bind/result.js';
CatalogDatabase.registerFrontEnd(sql);
declare module './storage/tables/catalog.js' {
  interface Database {
    /** Runs SQL statements (`;`-separated); resolves to the last one's result. Parameters `$1`/`?` are bound, never spliced. */
    sql(text: string, params?: readonly unknown[]): Promise<SqlResult>;
  }
}
export { sql };
export { SqlResult } from './parser/bind/result.js';
export type { RunOptions as SqlRunOptions, StatementKind } from './parser/bind/result.js';
export { parseSql } from './parser/parse.js';
