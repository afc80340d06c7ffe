/**
 * Resample: aligns a source collection to a timeline (seed 002: "a streaming outer merge driven
 * by a monotonic binning function"). The timeline drives: the output has exactly its rows, in its
 * order, each with the source rows of the same parent aggregated over the step's bin.
 *
 * Bins: step i of a parent covers [time_i, time_{i+1}); the parent's last step covers
 * [time_last, time_last + w) where w is `lastWidth` if given, else the width of the step before
 * it, else (a parent with one step) unbounded. `ffill` ignores bins: step i takes the most recent
 * source row of its parent with `on <= time_i` (its value even when null), carried across steps.
 * Source rows whose `on` is null or NaN are ignored; `on` must not decrease within a parent
 * ('unsorted-input'). Source parents without timeline steps are skipped; steps without source
 * rows get nulls (list: [], count: 0).
 */
import { type Data, type DataType, Field, type RecordBatch, Schema, Type } from 'apache-arrow';

import { ExecutionError } from '../errors.js';
import { takeData } from '../storage/arrow/take.js';
import { compareKeys, type KeyBlock, keyAt } from '../storage/tables/key-codec.js';
import { type Accumulator, makeAccumulator, type Reducer, reducerName, reducerType, SelectAcc } from './aggregates.js';
import { batchOf, bitSet, columnOf, Emitter, validityBits } from './batches.js';
import { KeyCursor, seekTo } from './key-cursor.js';
import { type ExecContext, fieldsOf, isPrefix, type Ordering, type PhysicalOperator } from './operator.js';
import { BaseOperator, closeAll, list } from './run.js';

export type ResampleMethod = Reducer | 'ffill';

export interface ResampleSpec {
  /** The parent keys the timeline and the source share (a prefix of both orderings). */
  readonly prefixKeys: readonly string[];
  /** Source column (Float64) placing each source row on the timeline's time axis. */
  readonly on: string;
  readonly method: ResampleMethod;
  /** Source columns to resample; default every source column that is neither a key nor `on`. */
  readonly columns?: readonly string[];
  /** Timeline column (Float64) with each step's start time; default `time`. */
  readonly time?: string;
  /** Width of each parent's last bin (see the module comment). */
  readonly lastWidth?: number;
}

/** A timeline row whose bin end is not known yet (the last row of a batch). */
interface Pending {
  readonly key: KeyBlock;
  readonly cols: readonly Data[];
  readonly time: number;
  /** Time of the previous step of the same parent, NaN when this is the parent's first step. */
  readonly prev: number;
}

const f64 = (t: DataType): boolean => t.typeId === Type.Float && (t as unknown as { precision: number }).precision === 2;

export class ResampleOp extends BaseOperator {
  readonly name = 'Resample';
  private readonly columns: readonly string[];
  private readonly time: string;
  private readonly ffill: boolean;

  /**
   * @param timeline rows keyed by the prefix keys + a step key, with a Float64 time column
   * @param source   rows keyed by the prefix keys + their own key, with a Float64 `on` column
   * Output: the timeline's columns, then one column per resampled source column (same name);
   * ordering = the timeline's.
   */
  constructor(
    timeline: PhysicalOperator,
    source: PhysicalOperator,
    readonly spec: ResampleSpec,
  ) {
    const p = spec.prefixKeys;
    const time = spec.time ?? 'time';
    if (p.length === 0 || !isPrefix(p, timeline.ordering.keys) || !isPrefix(p, source.ordering.keys)) {
      throw new ExecutionError('invalid-argument', `Resample: ${list(p)} must be a non-empty prefix of the timeline keys ${list(timeline.ordering.keys)} and the source keys ${list(source.ordering.keys)}`);
    }
    const onField = fieldsOf(source.schema, [spec.on])[0]!;
    const timeField = fieldsOf(timeline.schema, [time])[0]!;
    if (!f64(onField.type as DataType) || !f64(timeField.type as DataType)) {
      throw new ExecutionError('invalid-argument', `Resample: "${spec.on}" (${String(onField.type)}) and "${time}" (${String(timeField.type)}) must be Float64`);
    }
    if (spec.lastWidth !== undefined && !(spec.lastWidth >= 0)) throw new ExecutionError('invalid-argument', `Resample: lastWidth must be >= 0, got ${spec.lastWidth}`);
    const columns = spec.columns ?? source.schema.fields.map((f) => f.name).filter((n) => n !== spec.on && !source.ordering.keys.includes(n));
    const method = spec.method;
    const out = fieldsOf(source.schema, columns).map((f) => {
      if (timeline.schema.fields.some((g) => g.name === f.name)) throw new ExecutionError('invalid-argument', `Resample: the timeline already has a column "${f.name}"`);
      const type = method === 'ffill' ? (f.type as DataType) : reducerType(method, f.type as DataType, `Resample "${f.name}"`);
      return new Field(f.name, type, true);
    });
    super(new Schema([...timeline.schema.fields, ...out]), [timeline, source], timeline.ordering);
    this.columns = columns;
    this.time = time;
    this.ffill = method === 'ffill';
  }

  requiredInputOrdering(): readonly (Ordering | null)[] {
    return [this.children[0]!.ordering, this.children[1]!.ordering];
  }

  maintainsInputOrder(): readonly boolean[] {
    return [true, false];
  }

  displayParams(): readonly (readonly [string, string])[] {
    const ps: [string, string][] = [
      ['by', list(this.spec.prefixKeys)],
      ['on', this.spec.on],
      ['time', this.time],
      ['method', this.spec.method === 'ffill' ? 'ffill' : reducerName(this.spec.method)],
      ['columns', list(this.columns)],
    ];
    if (this.spec.lastWidth !== undefined) ps.push(['lastWidth', String(this.spec.lastWidth)]);
    return ps;
  }

  withChildren(children: readonly PhysicalOperator[]): PhysicalOperator {
    if (children.length !== 2) throw new ExecutionError('invalid-argument', 'Resample takes two children');
    return new ResampleOp(children[0]!, children[1]!, this.spec);
  }

  protected async *run(ctx: ExecContext): AsyncGenerator<RecordBatch, void, undefined> {
    const [tl, src] = this.children as [PhysicalOperator, PhysicalOperator];
    const ti = this.input(0, ctx), si = this.input(1, ctx);
    const p = this.spec.prefixKeys;
    const T = new KeyCursor(ti, fieldsOf(tl.schema, p), { op: 'Resample', side: 'timeline', strict: false });
    const S = new KeyCursor(si, fieldsOf(src.schema, p), { op: 'Resample', side: 'source', strict: false });
    const types = fieldsOf(src.schema, this.columns).map((f) => f.type as DataType);
    const m = this.spec.method;
    const accs: Accumulator[] = types.map((t, k) => (m === 'ffill' ? new SelectAcc(t, 'last', true) : makeAccumulator(m, t, `Resample "${this.columns[k]!}"`)));
    const tlNames = tl.schema.fields.map((f) => f.name);
    const out = new Emitter(ctx.batchRows);
    const width = (t: number, prev: number): number => this.spec.lastWidth ?? (Number.isNaN(prev) ? Infinity : t - prev);
    const unsortedTime = (): never => {
      throw new ExecutionError('unsorted-input', `Resample: timeline times decrease within a parent (column "${this.time}")`);
    };
    const piece = (cols: readonly Data[], n: number): void => out.push(batchOf(this.schema, [...cols, ...accs.map((a) => a.take())], n));
    const walker = new SourceWalker(S, this.spec.on, this.columns, accs, this.ffill);
    let pend: Pending | null = null;
    try {
      while (await T.ready()) {
        const K = T.keys, n = T.length, tb = T.batch!;
        const tcol = T.column(this.time);
        if (tcol.nullCount > 0) throw new ExecutionError('invalid-argument', `Resample: the timeline column "${this.time}" has nulls`);
        const tv = tcol.values as Float64Array;
        let prev = NaN;
        if (pend) {
          const same = compareKeys(pend.key, 0, K, 0) === 0;
          if (same && tv[0]! < pend.time) unsortedTime();
          await walker.step(pend.key, 0, pend.time, same ? tv[0]! : pend.time + width(pend.time, pend.prev), Number.isNaN(pend.prev));
          piece(pend.cols, 1);
          if (same) prev = pend.time;
        }
        for (let i = 0; i < n - 1; i++) {
          const sameNext = compareKeys(K, i, K, i + 1) === 0;
          if (sameNext && tv[i + 1]! < tv[i]!) unsortedTime();
          const wait = walker.step(K, i, tv[i]!, sameNext ? tv[i + 1]! : tv[i]! + width(tv[i]!, prev), Number.isNaN(prev));
          if (wait) await wait;
          prev = sameNext ? tv[i]! : NaN;
        }
        if (n > 1) piece(tlNames.map((c) => columnOf(tb, c, 'Resample').slice(0, n - 1)), n - 1);
        const last = Uint32Array.of(n - 1);
        const key = keyAt(K, n - 1);
        pend = { key: { bytes: key, offsets: null, width: key.length, length: 1 }, cols: tlNames.map((c) => takeData(columnOf(tb, c, 'Resample'), last)), time: tv[n - 1]!, prev };
        T.row = n;
        this.hold(n + S.length + out.heldRows + Math.max(0, ...accs.map((a) => a.held())));
        yield* out.drain();
      }
      if (pend) {
        await walker.step(pend.key, 0, pend.time, pend.time + width(pend.time, pend.prev), Number.isNaN(pend.prev));
        piece(pend.cols, 1);
      }
      out.flush();
      yield* out.drain();
    } finally {
      await closeAll([ti, si]);
    }
  }
}

/** The source side: walks the source forward, feeding each step's rows to the accumulators. */
class SourceWalker {
  private onPrev = -Infinity;
  private colsOf: RecordBatch | null = null;
  private cols: Data[] = [];
  private onData: Data | null = null;
  /** The run of equal parent keys [runFrom, runTo) of batch runBatch last found. */
  private runBatch: RecordBatch | null = null;
  private runFrom = 0;
  private runTo = 0;

  constructor(
    private readonly S: KeyCursor,
    private readonly on: string,
    private readonly columns: readonly string[],
    private readonly accs: readonly Accumulator[],
    private readonly ffill: boolean,
  ) {}

  /**
   * One timeline step of parent PK[pr] with bin [a, b); `first`: the parent's first step. Returns a
   * promise only when the source must load a batch first (most steps need none: no await per step).
   */
  step(PK: KeyBlock, pr: number, a: number, b: number, first: boolean): Promise<void> | undefined {
    if (first) {
      this.onPrev = -Infinity;
      if (this.ffill) for (const acc of this.accs) (acc as SelectAcc).reset();
    }
    return this.walk(PK, pr, a, b) ? undefined : this.stepAfterLoad(PK, pr, a, b);
  }

  private async stepAfterLoad(PK: KeyBlock, pr: number, a: number, b: number): Promise<void> {
    do await this.S.load();
    while (!this.walk(PK, pr, a, b));
  }

  /** Walks the source through one step and closes it; false when the next source batch is needed first. */
  private walk(PK: KeyBlock, pr: number, a: number, b: number): boolean {
    const S = this.S;
    for (;;) {
      if (!S.hasRow) {
        if (S.done) break;
        return false;
      }
      const c = compareKeys(S.keys, S.row, PK, pr);
      if (c < 0) {
        S.row = seekTo(S.keys, S.row, PK, pr);
        continue;
      }
      if (c > 0) break;
      // A parent's rows are one run: its end is found once, not again for every step.
      if (this.runBatch !== S.batch || S.row < this.runFrom || S.row >= this.runTo) {
        this.runBatch = S.batch;
        this.runFrom = S.row;
        this.runTo = S.runEnd(S.row);
      }
      const e = this.runTo;
      if (this.scan(S.row, e, a, b) < e || e < S.length) break;
    }
    for (const acc of this.accs) acc.close();
    return true;
  }

  /** Consumes rows [from, e) of the current source batch that belong to the step; returns where it stopped. */
  private scan(from: number, e: number, a: number, b: number): number {
    const S = this.S, batch = S.batch!;
    if (this.colsOf !== batch) {
      this.cols = this.columns.map((c) => S.column(c));
      this.onData = S.column(this.on);
      this.colsOf = batch;
    }
    const onData = this.onData!;
    const on = onData.values as Float64Array;
    const bm = validityBits(onData), off = onData.offset;
    let j = from, r0 = from;
    for (; j < e; j++) {
      const x = on[j]!;
      if ((bm && !bitSet(bm, off + j)) || x !== x) {
        this.feed(r0, j);
        r0 = j + 1;
        continue;
      }
      if (x < this.onPrev) {
        throw new ExecutionError('unsorted-input', `Resample: source column "${this.on}" decreases within a parent (${this.onPrev} then ${x})`);
      }
      if (this.ffill ? x > a : x >= b) break;
      this.onPrev = x;
      if (!this.ffill && x < a) r0 = j + 1;
    }
    this.feed(r0, j);
    S.row = j;
    return j;
  }

  private feed(s: number, e: number): void {
    if (e > s) for (let k = 0; k < this.accs.length; k++) this.accs[k]!.add(this.cols[k]!, s, e);
  }
}
