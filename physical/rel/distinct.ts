/**
 * Distinct: the first occurrence of every distinct row (all columns; NULLs equal), streamed:
 * each batch emits the rows that introduce a new key into a {@link KeyTable}. Keeps input
 * order; memory is the distinct rows seen (peakRowsHeld).
 */
import type { RecordBatch } from 'apache-arrow';

import { inputCol } from '../expr/compile.js';
import type { ExecContext, Ordering, PhysicalOperator } from '../operator.js';
import { BaseOperator, closeAll } from '../run.js';
import { gatherBatch } from './gather.js';
import { groupTable, type GroupTable } from './key-table.js';

/** Rows of `b` that add a new key to `table` (their indices, in order). */
export function newRows(table: GroupTable, b: RecordBatch): Uint32Array {
  const n = b.numRows;
  const cols = b.data.children.map(inputCol);
  const before = table.size;
  const ids = new Int32Array(n);
  table.insert(cols, n, ids);
  const out = new Uint32Array(table.size - before);
  let next = before, k = 0;
  for (let i = 0; i < n; i++) {
    if (ids[i] === next) {
      out[k++] = i;
      next++;
    }
  }
  return out;
}

export class DistinctOp extends BaseOperator {
  readonly name = 'Distinct';

  constructor(child: PhysicalOperator) {
    super(child.schema, [child], child.ordering);
  }

  requiredInputOrdering(): readonly (Ordering | null)[] {
    return [null];
  }

  maintainsInputOrder(): readonly boolean[] {
    return [true];
  }

  displayParams(): readonly (readonly [string, string])[] {
    return [];
  }

  withChildren(children: readonly PhysicalOperator[]): PhysicalOperator {
    return new DistinctOp(children[0]!);
  }

  protected async *run(ctx: ExecContext): AsyncGenerator<RecordBatch, void, undefined> {
    const table = groupTable(this.schema.fields.map((f) => f.type), true);
    const input = this.input(0, ctx);
    try {
      for (let b = await input.next(); b; b = await input.next()) {
        if (b.numRows === 0) continue;
        const idx = newRows(table, b);
        this.hold(table.size + b.numRows);
        if (idx.length === b.numRows) yield b;
        else if (idx.length) yield gatherBatch(b, idx, this.schema);
      }
    } finally {
      await closeAll([input]);
    }
  }
}
