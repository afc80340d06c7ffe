/**
 * Running operators: {@link BaseOperator} (the shared execute loop that keeps metrics, checks
 * cancellation between batches and closes children), {@link ChildInput} (a child's stream pulled
 * one batch at a time, its time kept out of the parent's own time) and {@link collect}.
 */
import { type RecordBatch, type Schema, Table } from 'apache-arrow';

import {
  checkAbort,
  defaultContext,
  type ExecContext,
  newMetrics,
  type OperatorMetrics,
  isPrefix,
  type Ordering,
  type PhysicalOperator,
  type SeekBound,
} from './operator.js';

/** Runs `op` to the end and returns all its rows as one Arrow Table of the operator's schema. */
export async function collect(op: PhysicalOperator, ctx: ExecContext = defaultContext()): Promise<Table> {
  const batches: RecordBatch[] = [];
  for await (const b of op.execute(ctx)) batches.push(b);
  return new Table(op.schema, batches);
}

/** A child's batches, pulled on demand. Counts rows into the owner and times the pulls. */
export class ChildInput {
  private readonly it: AsyncIterator<RecordBatch>;
  private finished = false;

  constructor(
    child: PhysicalOperator,
    private readonly ctx: ExecContext,
    private readonly owner: BaseOperator,
  ) {
    this.it = child.execute(ctx)[Symbol.asyncIterator]();
  }

  /** The next batch (possibly empty), or null at the end of the stream. */
  async next(): Promise<RecordBatch | null> {
    if (this.finished) return null;
    checkAbort(this.ctx);
    const t0 = performance.now();
    try {
      const r = await this.it.next();
      if (r.done) {
        this.finished = true;
        return null;
      }
      this.owner.metrics.rowsIn += r.value.numRows;
      return r.value;
    } finally {
      this.owner.addChildTime(performance.now() - t0);
    }
  }

  /** Releases the child (its `finally` blocks run). Safe to call more than once. */
  async close(): Promise<void> {
    if (this.finished) return;
    this.finished = true;
    await this.it.return?.();
  }
}

/** Closes every input, reporting the first failure after all were tried. */
export async function closeAll(inputs: readonly (ChildInput | null | undefined)[]): Promise<void> {
  let failure: unknown = null;
  for (const i of inputs) {
    try {
      await i?.close();
    } catch (e) {
      failure ??= e;
    }
  }
  if (failure !== null) throw failure;
}

/**
 * The shared part of every operator. Subclasses implement {@link BaseOperator.run}; `execute`
 * wraps it: nothing runs before the first pull, `ctx.signal` is checked between batches, empty
 * batches are dropped, and rows, batches and own time (children's pulls excluded) are counted.
 */
export abstract class BaseOperator implements PhysicalOperator {
  abstract readonly name: string;
  readonly metrics: OperatorMetrics = newMetrics();
  private childMs = 0;

  constructor(
    readonly schema: Schema,
    readonly children: readonly PhysicalOperator[],
    readonly ordering: Ordering,
  ) {}

  abstract requiredInputOrdering(): readonly (Ordering | null)[];
  abstract maintainsInputOrder(): readonly boolean[];
  abstract displayParams(): readonly (readonly [string, string])[];
  abstract withChildren(children: readonly PhysicalOperator[]): PhysicalOperator;

  /** The operator's own stream; `execute` adds metrics and cancellation around it. */
  protected abstract run(ctx: ExecContext): AsyncGenerator<RecordBatch, void, undefined>;

  execute(ctx: ExecContext): AsyncIterable<RecordBatch> {
    return this.instrumented(ctx);
  }

  /** @internal ChildInput reports the time spent in a child's pull here. */
  addChildTime(ms: number): void {
    this.childMs += ms;
  }

  /** Child `i` as an input pulled by this operator. */
  protected input(i: number, ctx: ExecContext): ChildInput {
    return new ChildInput(this.children[i]!, ctx, this);
  }

  /**
   * Seeks forward: by default forwarded to every child ordered by the bound's key columns (its
   * rows with smaller keys can only make output rows with smaller keys). Operators whose output
   * rows need other rows of their input override this (or ignore seeks).
   */
  seek(bound: SeekBound): void {
    for (const c of this.children) if (isPrefix(bound.keys, c.ordering.keys)) c.seek(bound);
  }

  /** Records that `rows` rows are held at once (bounded-memory evidence). */
  protected hold(rows: number): void {
    if (rows > this.metrics.peakRowsHeld) this.metrics.peakRowsHeld = rows;
  }

  private async *instrumented(ctx: ExecContext): AsyncGenerator<RecordBatch, void, undefined> {
    const m = this.metrics;
    const it = this.run(ctx);
    try {
      for (;;) {
        checkAbort(ctx);
        const t0 = performance.now();
        const c0 = this.childMs;
        let r: IteratorResult<RecordBatch, void>;
        try {
          r = await it.next();
        } finally {
          m.elapsedMs += performance.now() - t0 - (this.childMs - c0);
        }
        if (r.done) return;
        if (r.value.numRows === 0) continue;
        m.rowsOut += r.value.numRows;
        m.batchesOut++;
        yield r.value;
      }
    } finally {
      await it.return();
    }
  }
}

/** EXPLAIN helper: a list of names as one parameter value. */
export const list = (names: readonly string[]): string => `[${names.join(', ')}]`;
