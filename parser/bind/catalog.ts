/**
 * What the binder knows about the catalog: tables (their columns and keys) and datasets (their
 * collection trees). Binding is synchronous; the session resolves every name a statement uses
 * beforehand (storage reads are async) and hands the binder this read-only view.
 */
import type { DataType } from 'apache-arrow';

import type { DatasetSchema } from '../../logical/schema.js';

export interface CatalogColumn {
  readonly name: string;
  readonly type: DataType;
  readonly nullable: boolean;
  /** False for a declared column no write has stored yet (it reads as NULL). */
  readonly stored: boolean;
  /** Not part of `*` (the hidden `_rowid` key of tables created without a PRIMARY KEY). */
  readonly hidden?: boolean;
}

export interface CatalogTable {
  /** Catalog identifier (`project.dataset.table`). */
  readonly id: string;
  /** Columns in order: key columns first. */
  readonly columns: readonly CatalogColumn[];
  readonly keyColumns: readonly string[];
  /** Rows stored (an estimate: fragments may overlap), for the join order of FROM lists. */
  readonly rows?: number;
}

export interface CatalogDataset {
  /** Name as the catalog knows it (table paths `name.collection…` start with it). */
  readonly name: string;
  readonly schema: DatasetSchema;
}

/** A time-travel read: AS OF VERSION n (number) or AS OF a timestamp (ISO text). */
export type AsOfValue = number | string | null;

export interface BindCatalog {
  /** The table at a name path (`t`, `ds.t`, `project.ds.t`) read at `asof`, if it exists. */
  table(path: readonly string[], asof: AsOfValue): CatalogTable | undefined;
  /** The dataset named by the first one or two parts of a collection path, if it exists. */
  dataset(path: readonly string[]): { readonly dataset: CatalogDataset; readonly rest: readonly string[] } | undefined;
  /** Names for "did you mean" (tables and datasets, short and full forms). */
  names(): readonly string[];
}

/** A catalog with nothing in it (statements without tables). */
export const EMPTY_CATALOG: BindCatalog = { table: () => undefined, dataset: () => undefined, names: () => [] };
