/**
 * TableScan: a catalog table read through storage's ScanOp, opened lazily on the first pull
 * (lowering is synchronous, opening a table is not). Conjuncts on key columns (`=`, `<`, `<=`,
 * `>`, `>=` against constants) go to storage as its `where`, which turns them into key ranges
 * and zone-map pruning; every filter is still applied exactly, vectorised, by a Filter above
 * (lower/table-scan.ts). Decimal columns become Float64 (the physical type).
 */
import type { DataType, RecordBatch, Schema } from 'apache-arrow';

import { formatScalar } from '../../logical/display.js';
import type { Scalar, TableRef } from '../../logical/plan.js';
import type { Snapshot } from '../../storage/tables/snapshot.js';
import type { Predicate } from '../../storage/vortex/predicate.js';
import { inputCol } from '../expr/compile.js';
import { toData } from '../expr/col.js';
import type { ExecContext, Ordering, PhysicalOperator } from '../operator.js';
import { BaseOperator, list } from '../run.js';
import { ScanOp } from '../scan.js';
import { UNORDERED } from './common.js';
import { batchFrom } from './gather.js';

export class TableScanOp extends BaseOperator {
  readonly name = 'TableScan';

  constructor(
    readonly ref: TableRef,
    readonly columns: readonly { readonly column: string; readonly name: string }[],
    /** Logical types of the columns (declared; never-written columns read as NULL). */
    readonly types: readonly DataType[],
    /** Storage predicate, decided once the table is open (its key columns known). */
    readonly where: () => Predicate | null,
    readonly filters: readonly Scalar[],
    private readonly open: () => Promise<Snapshot>,
    schema: Schema,
  ) {
    super(schema, [], UNORDERED);
  }

  requiredInputOrdering(): readonly (Ordering | null)[] {
    return [];
  }

  maintainsInputOrder(): readonly boolean[] {
    return [];
  }

  displayParams(): readonly (readonly [string, string])[] {
    return [
      ['table', this.ref.id + (this.ref.asof !== null ? ` AS OF ${String(this.ref.asof)}` : '')],
      ['columns', list(this.columns.map((c) => (c.column === c.name ? c.name : `${c.column} AS ${c.name}`)))],
      ...(this.filters.length ? [['pushed', list(this.filters.map(formatScalar))] as const] : []),
    ];
  }

  withChildren(): PhysicalOperator {
    return new TableScanOp(this.ref, this.columns, this.types, this.where, this.filters, this.open, this.schema);
  }

  protected async *run(ctx: ExecContext): AsyncGenerator<RecordBatch, void, undefined> {
    const snapshot = await this.open();
    const where = this.where();
    const scan = new ScanOp(
      snapshot,
      { columns: this.columns.map((c) => c.column), names: this.columns.map((c) => c.name), types: this.types, ...(where ? { where } : {}) },
      [],
      this.ref.id,
    );
    const convert = scan.schema.fields.map((f, i) => String(f.type) !== String(this.schema.fields[i]!.type));
    const it = scan.execute(ctx)[Symbol.asyncIterator]();
    try {
      for (;;) {
        const r = await it.next();
        if (r.done) return;
        const b = r.value;
        this.hold(b.numRows);
        const cols = b.data.children.map((d, i) => (convert[i] ? toData(inputCol(d)) : d));
        yield batchFrom(this.schema, cols, b.numRows);
      }
    } finally {
      await it.return?.();
    }
  }
}
