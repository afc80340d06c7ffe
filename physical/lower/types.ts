/**
 * The contract of lowering (logical/plan.ts → physical operators): the context callers give,
 * and the signature of the per-node lowering functions in this folder.
 */
import type { Schema } from 'apache-arrow';

import type { Plan, Scalar, TableRef } from '../../logical/plan.js';
import type { PhysicalOperator } from '../operator.js';

export type TableScanNode = Plan & { kind: 'table_scan' };
export type CollectionScanNode = Plan & { kind: 'collection_scan' };

export interface LowerContext {
  /**
   * An operator producing exactly the rows of table `ref` that satisfy every filter (conjuncts
   * over output names), with `columns` (stored path → output name) and the given schema.
   */
  openTable(ref: TableRef, columns: readonly { readonly column: string; readonly name: string }[], filters: readonly Scalar[], schema: Schema): PhysicalOperator;
  /** The operator of a collection scan (level expressions over a dataset). */
  collectionScan(node: CollectionScanNode): PhysicalOperator;
}

/**
 * Lowers a child plan (the dispatcher, passed down to avoid an import cycle). `need`: the
 * child's output columns its parent reads (all when absent); an operator may leave the others
 * out of its schema (inner joins do: they gather only the columns read above them).
 */
export type Recurse = (p: Plan, need?: ReadonlySet<string>) => PhysicalOperator;
