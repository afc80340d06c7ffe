/** DuckDB interop, both ways (see README "DuckDB interop"). */
export { toDuckDB, DuckDBExport } from './to-duckdb.js';
export type { ToDuckDBOptions } from './to-duckdb.js';
export { fromDuckDB, DuckDBBatches } from './from-duckdb.js';
export type { FromDuckDBOptions } from './from-duckdb.js';
export { tableSource } from './table-source.js';
export type { TableViewScan } from './table-source.js';
export type { DuckDBSource } from './source.js';
export type { ReopenSpec, ScanMetrics } from './scan-host.js';
export { stopScanWorker } from './scan-host.js';
export type { ViewScan } from './view.js';
export { arrowTypeOf, duckdbTypeOf } from './types.js';
export { describeStore } from './store-spec.js';
export type { StoreSpec } from './store-spec.js';
export { arrowSource } from './arrow-source.js';
