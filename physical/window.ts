/**
 * Window: a rolling aggregate per row within its parent partition (seed 002: "Windows never
 * cross parent boundaries"). Row r's window is rows [r - before, r + after] of r's partition,
 * clipped at the partition's ends. Streaming: the operator keeps the last `before` rows already
 * emitted (context) and the rows whose window is not complete yet (at most `after` of them), so
 * it holds at most before + after + one input batch rows. Each window is re-aggregated (cost per
 * row O(before + after)), which suits the small windows rolling is for.
 */
import { type DataType, Field, type RecordBatch, Schema } from 'apache-arrow';

import { ExecutionError } from '../errors.js';
import { KeyCodec } from '../storage/tables/key-codec.js';
import { type Accumulator, makeAccumulator, type Reducer, reducerName, reducerType } from './aggregates.js';
import { batchOf, columnOf, concatRecordBatches } from './batches.js';
import { KeyCursor, runEnd } from './key-cursor.js';
import { type ExecContext, fieldsOf, isPrefix, type Ordering, type PhysicalOperator, type SeekBound } from './operator.js';
import { BaseOperator, closeAll, list } from './run.js';

export interface WindowSpec {
  readonly column: string;
  /** Rows before the current row in its window (default 0). */
  readonly before?: number;
  /** Rows after the current row in its window (default 0). */
  readonly after?: number;
  /** Default 'list'. */
  readonly agg?: Reducer;
  /** Output column name; default `<column>_<agg>`. */
  readonly as?: string;
}

export class WindowOp extends BaseOperator {
  readonly name = 'Window';
  private readonly before: number;
  private readonly after: number;
  private readonly agg: Reducer;
  private readonly inputType: DataType;

  /**
   * @param child         a stream sorted by keys that start with `partitionKeys`
   * @param partitionKeys the parent keys windows stay within ([]: the whole stream is one partition)
   * Output: the child's columns, then the window column; ordering = the child's.
   */
  constructor(
    child: PhysicalOperator,
    readonly partitionKeys: readonly string[],
    readonly spec: WindowSpec,
  ) {
    const before = spec.before ?? 0, after = spec.after ?? 0;
    if (!Number.isSafeInteger(before) || !Number.isSafeInteger(after) || before < 0 || after < 0) {
      throw new ExecutionError('invalid-argument', `Window: before and after must be non-negative integers, got ${before} and ${after}`);
    }
    if (!isPrefix(partitionKeys, child.ordering.keys)) {
      throw new ExecutionError('invalid-argument', `Window: ${list(partitionKeys)} must be a prefix of the input keys ${list(child.ordering.keys)}`);
    }
    const agg = spec.agg ?? 'list';
    const inputType = fieldsOf(child.schema, [spec.column])[0]!.type as DataType;
    const name = spec.as ?? `${spec.column}_${reducerName(agg)}`;
    if (child.schema.fields.some((f) => f.name === name)) throw new ExecutionError('invalid-argument', `Window: the input already has a column "${name}"`);
    const out = new Field(name, reducerType(agg, inputType, `Window "${name}"`), true);
    super(new Schema([...child.schema.fields, out]), [child], child.ordering);
    this.before = before;
    this.after = after;
    this.agg = agg;
    this.inputType = inputType;
  }

  /** A seek inside a partition would drop rows earlier windows need: only partition-aligned bounds pass. */
  override seek(bound: SeekBound): void {
    if (bound.keys.length <= this.partitionKeys.length) super.seek(bound);
  }

  requiredInputOrdering(): readonly (Ordering | null)[] {
    return [{ keys: this.partitionKeys }];
  }

  maintainsInputOrder(): readonly boolean[] {
    return [true];
  }

  displayParams(): readonly (readonly [string, string])[] {
    return [
      ['partition', list(this.partitionKeys)],
      ['column', this.spec.column],
      ['before', String(this.before)],
      ['after', String(this.after)],
      ['agg', reducerName(this.agg)],
    ];
  }

  withChildren(children: readonly PhysicalOperator[]): PhysicalOperator {
    if (children.length !== 1) throw new ExecutionError('invalid-argument', 'Window takes one child');
    return new WindowOp(children[0]!, this.partitionKeys, this.spec);
  }

  protected async *run(ctx: ExecContext): AsyncGenerator<RecordBatch, void, undefined> {
    const child = this.children[0]!;
    const input = this.input(0, ctx);
    const fields = fieldsOf(child.schema, this.partitionKeys);
    // The cursor checks the partition order across batches; the buffer is re-encoded per batch.
    const C = fields.length > 0 ? new KeyCursor(input, fields, { op: 'Window', side: 'input', strict: false }) : null;
    const codec = C?.codec ?? null;
    const acc = makeAccumulator(this.agg, this.inputType, `Window "${this.spec.column}"`);
    let buf: RecordBatch | null = null;
    let emitted = 0;
    try {
      for (;;) {
        let b: RecordBatch | null;
        if (C) {
          b = (await C.ready()) ? C.batch : null;
          if (C.batch) C.row = C.length;
        } else {
          b = await input.next();
          if (b?.numRows === 0) continue;
        }
        const final = b === null;
        if (b) buf = buf ? concatRecordBatches(child.schema, [buf, b]) : b;
        if (!buf) break;
        this.hold(buf.numRows + acc.held());
        const emitEnd = this.aggregate(buf, codec, emitted, final, acc);
        if (emitEnd > emitted) {
          const cols = [...buf.data.children.map((c) => c.slice(emitted, emitEnd - emitted)), acc.take()];
          yield batchOf(this.schema, cols, emitEnd - emitted);
        }
        if (final) break;
        const keep = Math.max(0, emitEnd - this.before);
        buf = buf.slice(keep, buf.numRows);
        emitted = emitEnd - keep;
      }
    } finally {
      await closeAll([input]);
    }
  }

  /** Aggregates the windows of the rows from `emitted` whose window is complete; returns the end of them. */
  private aggregate(buf: RecordBatch, codec: KeyCodec | null, emitted: number, final: boolean, acc: Accumulator): number {
    const n = buf.numRows;
    const keys = codec ? codec.encode(this.partitionKeys.map((k) => columnOf(buf, k, 'Window'))) : null;
    // Rows of partitions that end inside the buffer are complete, and so are rows with `after` rows behind them.
    let lastStart = 0;
    if (keys) for (let s = 0; s < n; s = runEnd(keys, s)) lastStart = s;
    const end = final ? n : Math.max(emitted, Math.min(n, Math.max(n - this.after, lastStart)));
    const values = columnOf(buf, this.spec.column, 'Window');
    for (let s = 0; s < end; ) {
      const e = keys ? runEnd(keys, s) : n;
      for (let r = Math.max(s, emitted); r < Math.min(e, end); r++) {
        acc.add(values, Math.max(s, r - this.before), Math.min(e, r + this.after + 1));
        acc.close();
      }
      s = e;
    }
    return end;
  }
}
