/** Running plans through the physical executor over the in-memory tables of the optimizer tests. */
import type { Table } from 'apache-arrow';

import { PlanError } from '../../errors.js';
import { source } from '../../logical/plan-build.js';
import { lower, type LowerContext } from '../../physical/lower.js';
import { withFilters } from '../../physical/lower/leaves.js';
import { rowsOfBatch, split } from '../physical/rel/helpers.js';
import type { Database, Row } from './reference.js';

/** Lowering over in-memory tables: every scan is a source cut into batches, its filters applied on top. */
export function memoryContext(db: Database): LowerContext {
  const ctx: LowerContext = {
    openTable(ref, columns, filters, schema) {
      const rows = (db.get(ref.id) ?? []).map((r) => Object.fromEntries(columns.map((c) => [c.name, r[c.column] ?? null])));
      const batches = split(schema, rows, [2, 0, 3, 1]);
      const scan = source(ref.id, schema, async function* () {
        yield* batches;
      });
      return withFilters(lower(scan, ctx), filters);
    },
    collectionScan() {
      throw new PlanError('internal', 'no collection scans in these plans');
    },
  };
  return ctx;
}

export const tableRows = (t: Table): Row[] => t.batches.flatMap(rowsOfBatch).map((r) => t.schema.fields.map((f) => r[f.name]));

