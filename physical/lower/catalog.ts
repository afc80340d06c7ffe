/**
 * The LowerContext for catalog tables: `openTable` reads through storage (TableScanOp) and
 * applies the filters exactly on top; conjuncts `key op constant` on the table's key columns
 * also go to storage as key ranges. Collection scans run through the collection planner
 * (lower/collection-scan.ts) when the table source is a Database.
 */
import { type DataType, type Schema, Type } from 'apache-arrow';

import { PlanError } from '../../errors.js';
import type { Scalar, TableRef } from '../../logical/plan.js';
import { conjuncts } from '../../logical/tree.js';
import type { Database } from '../../storage/tables/catalog.js';
import type { Table } from '../../storage/tables/table.js';
import type { Snapshot } from '../../storage/tables/snapshot.js';
import type { CompareOp, Literal, Predicate } from '../../storage/vortex/predicate.js';
import type { PhysicalOperator } from '../operator.js';
import { physicalSchema } from '../rel/common.js';
import { TableScanOp } from '../rel/table-scan.js';
import { collectionScanOf } from './collection-scan.js';
import { withFilters } from './leaves.js';
import type { CollectionScanNode, LowerContext } from './types.js';

/** Something that opens catalog tables by identifier (storage's Database, a Project). */
export interface TableSource {
  table(identifier: string): Promise<Table>;
}

const FLIP: Record<string, CompareOp> = { '=': '=', '<>': '!=', '<': '>', '<=': '>=', '>': '<', '>=': '<=' };
const OPS: Record<string, CompareOp> = { '=': '=', '<>': '!=', '<': '<', '<=': '<=', '>': '>', '>=': '>=' };

/** A storage literal for a constant of type t, when storage compares it the same way. */
function literalOf(v: unknown, t: DataType): Literal | undefined {
  if (v === null) return undefined;
  switch (t.typeId) {
    case Type.Int:
    case Type.Float:
      return typeof v === 'bigint' || typeof v === 'number' ? v : undefined;
    case Type.Utf8:
      return typeof v === 'string' ? v : undefined;
    case Type.Bool:
      return typeof v === 'boolean' ? v : undefined;
    case Type.Date:
      return (t as unknown as { unit: number }).unit === 0 && typeof v === 'number' ? new Date(v * 86_400_000) : undefined;
    default:
      return undefined;
  }
}

/** `column op constant` conjuncts as storage predicates (column = stored path), by column. */
export function storagePredicates(filters: readonly Scalar[], columns: readonly { column: string; name: string }[]): { column: string; pred: Predicate }[] {
  const out: { column: string; pred: Predicate }[] = [];
  const path = (name: string): string | undefined => columns.find((c) => c.name === name)?.column;
  for (const f of filters.flatMap(conjuncts)) {
    if (f.kind !== 'call' || f.args.length !== 2 || !(f.fn in OPS)) continue;
    const [a, b] = f.args as [Scalar, Scalar];
    const [c, l, op] = a.kind === 'column' && b.kind === 'literal' ? [a, b, OPS[f.fn]!] : b.kind === 'column' && a.kind === 'literal' ? [b, a, FLIP[f.fn]!] : [null, null, null];
    if (!c || !l || c.kind !== 'column' || l.kind !== 'literal') continue;
    const col = path(c.name);
    const lit = literalOf(l.value, c.type);
    if (col === undefined || lit === undefined) continue;
    out.push({ column: col, pred: { op, column: col, value: lit } });
  }
  return out;
}

export interface CatalogContextOptions {
  readonly collectionScan?: (node: CollectionScanNode) => PhysicalOperator;
}

const isDatabase = (t: TableSource): t is Database => typeof (t as Partial<Database>).datasetStorage === 'function';

/** Lowering context over a catalog. */
export function catalogContext(tables: TableSource, opts: CatalogContextOptions = {}): LowerContext {
  return {
    openTable(ref: TableRef, columns, filters, schema: Schema): PhysicalOperator {
      const preds = storagePredicates(filters, columns);
      let keys: string[] = [];
      const open = async (): Promise<Snapshot> => {
        const t = await tables.table(ref.id);
        keys = t.keySchema.fields.map((f) => f.name);
        return t.snapshot(ref.asof ?? undefined);
      };
      const where = (): Predicate | null => {
        const k = preds.filter((p) => keys.includes(p.column)).map((p) => p.pred);
        return k.length === 0 ? null : k.length === 1 ? k[0]! : { op: 'and', args: k };
      };
      const op = new TableScanOp(ref, columns, schema.fields.map((f) => f.type), where, filters, open, physicalSchema(schema));
      return withFilters(op, filters);
    },
    collectionScan:
      opts.collectionScan ??
      ((node) => {
        // A Database (it has datasets) runs collection scans through the collection planner.
        if (isDatabase(tables)) return collectionScanOf(tables)(node);
        throw new PlanError('internal', `collection scans need a Database as the table source (dataset ${node.dataset})`);
      }),
  };
}
