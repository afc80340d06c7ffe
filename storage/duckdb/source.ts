/**
 * What `toDuckDB` copies or views: anything with a schema and batches. A lazy view also needs
 * `reopen`, the plain-data recipe a worker thread rebuilds the source from (scan-host.ts).
 */
import type { RecordBatch, Schema } from 'apache-arrow';

import type { ReopenSpec } from './scan-host.js';

export interface DuckDBSource {
  /** Name of the DuckDB view or table when none is given. */
  readonly defaultName: string;
  /** The top-level columns the source yields. */
  schema(): Promise<Schema>;
  /** Batches of these top-level columns (all when omitted), read on this thread. */
  batches(columns?: readonly string[]): AsyncIterable<RecordBatch>;
  /** How a worker reopens this source, or why it cannot (then only `materialize` works). */
  reopen(): Promise<ReopenSpec | string>;
}
