/**
 * SetOp: UNION / INTERSECT / EXCEPT, distinct or ALL (multiset semantics), columns matched by
 * position (the right input already has the left's types; the planner casts). NULLs compare
 * equal, as in SQL set operations.
 *
 *  - UNION ALL streams left then right; UNION adds a streaming distinct.
 *  - INTERSECT / EXCEPT read the right input into a KeyTable with a count per key, then
 *    stream the left: a left row whose key occurred k times so far (k = 1 for its first
 *    occurrence) is emitted by INTERSECT ALL when k ≤ right count, EXCEPT ALL when
 *    k > right count, INTERSECT when k = 1 and right count > 0, EXCEPT when k = 1 and right
 *    count = 0. Output keeps the left order.
 */
import type { RecordBatch, Schema } from 'apache-arrow';

import { inputCol } from '../expr/compile.js';
import type { ExecContext, Ordering, PhysicalOperator } from '../operator.js';
import { BaseOperator, closeAll } from '../run.js';
import { UNORDERED, withSchema } from './common.js';
import { newRows } from './distinct.js';
import { gatherBatch } from './gather.js';
import { groupTable } from './key-table.js';

export class SetOpOp extends BaseOperator {
  readonly name = 'SetOp';

  constructor(
    left: PhysicalOperator,
    right: PhysicalOperator,
    readonly op: 'union' | 'intersect' | 'except',
    readonly all: boolean,
    schema: Schema,
  ) {
    super(schema, [left, right], UNORDERED);
  }

  requiredInputOrdering(): readonly (Ordering | null)[] {
    return [null, null];
  }

  maintainsInputOrder(): readonly boolean[] {
    return [true, this.op === 'union'];
  }

  displayParams(): readonly (readonly [string, string])[] {
    return [['op', `${this.op}${this.all ? ' all' : ''}`]];
  }

  withChildren(children: readonly PhysicalOperator[]): PhysicalOperator {
    return new SetOpOp(children[0]!, children[1]!, this.op, this.all, this.schema);
  }

  protected async *run(ctx: ExecContext): AsyncGenerator<RecordBatch, void, undefined> {
    const left = this.input(0, ctx), right = this.input(1, ctx);
    const table = groupTable(this.schema.fields.map((f) => f.type), true);
    try {
      if (this.op === 'union') {
        for (const inp of [left, right]) {
          for (let b = await inp.next(); b; b = await inp.next()) {
            if (b.numRows === 0) continue;
            const rb = withSchema(b, this.schema);
            if (this.all) {
              this.hold(b.numRows);
              yield rb;
              continue;
            }
            const idx = newRows(table, rb);
            this.hold(table.size + b.numRows);
            if (idx.length === b.numRows) yield rb;
            else if (idx.length) yield gatherBatch(rb, idx, this.schema);
          }
        }
        return;
      }
      let rightCount = new Float64Array(1024);
      for (let b = await right.next(); b; b = await right.next()) {
        const n = b.numRows;
        if (n === 0) continue;
        const cols = b.data.children.map(inputCol);
        const ids = new Int32Array(n);
        table.insert(cols, n, ids);
        if (table.size > rightCount.length) rightCount = grow(rightCount, table.size);
        for (let i = 0; i < n; i++) rightCount[ids[i]!]!++;
        this.hold(table.size);
      }
      await right.close();
      let leftCount = new Float64Array(rightCount.length);
      for (let b = await left.next(); b; b = await left.next()) {
        const n = b.numRows;
        if (n === 0) continue;
        const cols = b.data.children.map(inputCol);
        const ids = new Int32Array(n);
        table.insert(cols, n, ids);
        if (table.size > leftCount.length) leftCount = grow(leftCount, table.size);
        if (table.size > rightCount.length) rightCount = grow(rightCount, table.size);
        this.hold(table.size + n);
        const keep: number[] = [];
        for (let i = 0; i < n; i++) {
          const g = ids[i]!;
          const k = ++leftCount[g]!, rc = rightCount[g]!;
          const yes = this.op === 'intersect' ? (this.all ? k <= rc : k === 1 && rc > 0) : this.all ? k > rc : k === 1 && rc === 0;
          if (yes) keep.push(i);
        }
        if (keep.length === n) yield withSchema(b, this.schema);
        else if (keep.length) yield gatherBatch(b, Uint32Array.from(keep), this.schema);
      }
    } finally {
      await closeAll([left, right]);
    }
  }
}

function grow(a: Float64Array<ArrayBuffer>, n: number): Float64Array<ArrayBuffer> {
  const b = new Float64Array(Math.max(n, a.length * 2));
  b.set(a);
  return b;
}
