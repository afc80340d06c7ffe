/**
 * Timeline: for every input row (a parent, e.g. a clip), time steps 0, 1/fps, 2/fps, … below
 * the row's `stop` value. Output: the parent keys, the step (u64, a new key column) and `time`
 * (f64); ordering = parent keys + step. Streaming: one input batch at a time, output batches cut
 * at ctx.batchRows.
 */
import { type Data, Field, Float64, makeData, type RecordBatch, Schema, Uint64, Vector } from 'apache-arrow';

import { ExecutionError } from '../errors.js';
import { takeData } from '../storage/arrow/take.js';
import { batchOf, columnOf } from './batches.js';
import { type ExecContext, fieldsOf, type Ordering, type PhysicalOperator } from './operator.js';
import { BaseOperator, closeAll } from './run.js';

export class TimelineOp extends BaseOperator {
  readonly name = 'Timeline';

  constructor(
    child: PhysicalOperator,
    /** Column of the parent row giving the timeline's end (seconds, exclusive). */
    readonly stop: string,
    readonly fps: number,
    /** Name of the step key column. */
    readonly step: string,
    /** Name of the time column. */
    readonly time = 'time',
  ) {
    const keys = child.ordering.keys;
    super(new Schema([...fieldsOf(child.schema, keys), new Field(step, new Uint64(), false), new Field(time, new Float64(), false)]), [child], { keys: [...keys, step] });
    fieldsOf(child.schema, [stop]);
    if (!(fps > 0)) throw new ExecutionError('invalid-argument', `Timeline: fps must be positive, got ${fps}`);
  }

  requiredInputOrdering(): readonly (Ordering | null)[] {
    return [this.children[0]!.ordering];
  }

  maintainsInputOrder(): readonly boolean[] {
    return [true];
  }

  displayParams(): readonly (readonly [string, string])[] {
    return [['fps', String(this.fps)], ['stop', this.stop]];
  }

  withChildren(children: readonly PhysicalOperator[]): PhysicalOperator {
    if (children.length !== 1) throw new ExecutionError('invalid-argument', 'Timeline takes one child');
    return new TimelineOp(children[0]!, this.stop, this.fps, this.step, this.time);
  }

  protected async *run(ctx: ExecContext): AsyncGenerator<RecordBatch, void, undefined> {
    const input = this.input(0, ctx);
    const keys = this.children[0]!.ordering.keys;
    try {
      for (let b = await input.next(); b !== null; b = await input.next()) {
        if (b.numRows === 0) continue;
        const stops = new Vector([columnOf(b, this.stop, 'Timeline')]);
        // Steps per parent row: ceil(stop * fps) (a null or non-positive stop gives none).
        const counts = new Uint32Array(b.numRows);
        for (let r = 0; r < b.numRows; r++) {
          const s = stops.get(r) as number | bigint | null;
          counts[r] = s === null ? 0 : Math.max(0, Math.ceil(Number(s) * this.fps - 1e-9));
        }
        // Emit in pieces of at most batchRows rows.
        let r = 0, k = 0;
        while (r < b.numRows) {
          const parentIdx: number[] = [], steps: bigint[] = [], times: number[] = [];
          while (r < b.numRows && parentIdx.length < ctx.batchRows) {
            if (k >= counts[r]!) {
              r++;
              k = 0;
              continue;
            }
            parentIdx.push(r);
            steps.push(BigInt(k));
            times.push(k / this.fps);
            k++;
          }
          if (parentIdx.length === 0) continue;
          this.hold(parentIdx.length + b.numRows);
          const idx = Uint32Array.from(parentIdx);
          const cols: Data[] = keys.map((kn) => takeData(columnOf(b, kn, 'Timeline'), idx));
          cols.push(makeData({ type: new Uint64(), length: steps.length, data: BigUint64Array.from(steps) }));
          cols.push(makeData({ type: new Float64(), length: times.length, data: Float64Array.from(times) }));
          yield batchOf(this.schema, cols, idx.length);
        }
      }
    } finally {
      await closeAll([input]);
    }
  }
}
