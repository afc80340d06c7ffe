/**
 * The one key-walking utility of the physical layer. A {@link KeyCursor} pulls a child's batches
 * and encodes the chosen key columns of each batch into normalized keys (storage/tables/
 * key-codec.ts: memcmp order = key order), checking the order as it goes: strictly ascending for
 * a stream that must be unique by those columns, non-decreasing for a stream that is only grouped
 * by them (a key prefix). Because the encoding is a concatenation per column, the first k key
 * columns of a child encode to a byte prefix of its full key, so parents and children compare
 * by encoding the child's first k columns with the parent's codec.
 */
import type { Data, Field, RecordBatch } from 'apache-arrow';

import { ExecutionError } from '../errors.js';
import { compareKeys, compareKeyTo, type KeyBlock, KeyCodec, keyAt } from '../storage/tables/key-codec.js';
import { columnOf } from './batches.js';
import type { ChildInput } from './run.js';

const EMPTY: KeyBlock = { bytes: new Uint8Array(0), offsets: null, width: 1, length: 0 };

/** Encoded keys by the data of their first key column (see KeyCursor.encodeChecked). */
const encoded = new WeakMap<Data, { sig: string; cols: Data[]; keys: KeyBlock; checked: 'strict' | 'grouped' }[]>();

export interface KeyCursorOptions {
  /** Operator name and input role, for error messages ("Zip", "right"). */
  readonly op: string;
  readonly side: string;
  /** True: keys strictly ascending (unique). False: non-decreasing (grouped). */
  readonly strict: boolean;
}

/** Walks a key-sorted child stream batch by batch with encoded keys. */
export class KeyCursor {
  readonly codec: KeyCodec;
  /** Current batch (never empty), or null before the first load and after the end. */
  batch: RecordBatch | null = null;
  /** Encoded keys of the current batch. */
  keys: KeyBlock = EMPTY;
  /** Position in the current batch; operators advance it. */
  row = 0;
  /** True once the child stream is exhausted. */
  done = false;
  private last: Uint8Array | null = null;

  constructor(
    private readonly input: ChildInput,
    readonly fields: readonly Field[],
    private readonly opts: KeyCursorOptions,
  ) {
    this.codec = new KeyCodec(fields);
  }

  /** Rows of the current batch (0 when none). */
  get length(): number {
    return this.batch?.numRows ?? 0;
  }

  /** True when the cursor is on a row of the current batch. */
  get hasRow(): boolean {
    return this.batch !== null && this.row < this.batch.numRows;
  }

  /**
   * Makes sure the cursor is on a row, loading further batches when the current one is used up.
   * False at the end of the stream. Callers that still need the old batch must use it first.
   */
  async ready(): Promise<boolean> {
    while (!this.hasRow) {
      if (!(await this.load())) return false;
    }
    return true;
  }

  /** Loads the next non-empty batch (dropping the current one); false at the end. */
  async load(): Promise<boolean> {
    for (;;) {
      const b = this.done ? null : await this.input.next();
      if (b === null) {
        this.done = true;
        this.batch = null;
        this.keys = EMPTY;
        this.row = 0;
        return false;
      }
      if (b.numRows === 0) continue;
      const cols = this.fields.map((f) => columnOf(b, f.name, this.opts.op));
      const keys = this.encodeChecked(cols);
      this.batch = b;
      this.keys = keys;
      this.row = 0;
      this.last = keyAt(keys, keys.length - 1);
      return true;
    }
  }

  /** Column `name` of the current batch. */
  column(name: string): Data {
    return columnOf(this.batch!, name, this.opts.op);
  }

  /** End of the run of rows equal to row `i` of the current batch (see {@link runEnd}). */
  runEnd(i: number): number {
    return runEnd(this.keys, i);
  }

  /** Compares the cursor's current key with key j of block b. */
  compareTo(b: KeyBlock, j: number): number {
    return compareKeys(this.keys, this.row, b, j);
  }

  /** The current key as bytes. */
  key(): Uint8Array {
    return keyAt(this.keys, this.row);
  }

  /**
   * The encoded keys of key columns `cols`, order-checked. A batch's key columns usually travel
   * unchanged through several operators (scan → joins → project), so the encoding and the
   * in-batch order check are remembered per column data and codec, and done once.
   */
  private encodeChecked(cols: readonly Data[]): KeyBlock {
    const sig = this.signature;
    const strict = this.opts.strict;
    const entries = encoded.get(cols[0]!);
    const hit = entries?.find((e) => e.sig === sig && e.cols.length === cols.length && e.cols.every((d, i) => d === cols[i]));
    if (hit && (hit.checked === 'strict' || (hit.checked === 'grouped' && !strict))) {
      this.checkBoundary(hit.keys);
      return hit.keys;
    }
    const keys = hit?.keys ?? this.codec.encode(cols);
    this.check(keys);
    if (hit) hit.checked = strict ? 'strict' : hit.checked;
    else {
      const list = entries ?? [];
      if (list.length >= 4) list.shift();
      list.push({ sig, cols: [...cols], keys, checked: strict ? 'strict' : 'grouped' });
      if (!entries) encoded.set(cols[0]!, list);
    }
    return keys;
  }

  private get signature(): string {
    return (this.sig ??= this.fields.map((f) => String(f.type)).join('|'));
  }

  private sig: string | undefined;

  private checkBoundary(keys: KeyBlock): void {
    if (this.last === null) return;
    const c = compareKeyTo(keys, 0, this.last);
    if (c < 0 || (this.opts.strict && c === 0)) this.unsorted(this.last, keyAt(keys, 0));
  }

  private check(keys: KeyBlock): void {
    const strict = this.opts.strict;
    this.checkBoundary(keys);
    for (let i = 1; i < keys.length; i++) {
      const c = compareKeys(keys, i - 1, keys, i);
      if (c > 0 || (strict && c === 0)) this.unsorted(keyAt(keys, i - 1), keyAt(keys, i));
    }
  }

  private unsorted(before: Uint8Array, after: Uint8Array): never {
    const names = this.fields.map((f) => f.name).join(', ');
    const how = this.opts.strict ? 'strictly ascending' : 'ascending';
    throw new ExecutionError(
      'unsorted-input',
      `${this.opts.op}: ${this.opts.side} input is not ${how} by (${names}): key (${this.codec.format(after)}) came after (${this.codec.format(before)})`,
      { details: { op: this.opts.op, side: this.opts.side } },
    );
  }
}

/**
 * The first row after `i` whose key differs from key i, in [i+1, end]; keys must be sorted.
 * Gallops then bisects, so long runs cost O(log run) comparisons.
 */
export function runEnd(b: KeyBlock, i: number, end = b.length): number {
  let known = i;
  let step = 1;
  let hi = end;
  for (;;) {
    const probe = known + step;
    if (probe >= end) break;
    if (compareKeys(b, probe, b, i) !== 0) {
      hi = probe;
      break;
    }
    known = probe;
    step *= 2;
  }
  let lo = known + 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (compareKeys(b, mid, b, i) === 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** True when rows [a, a+n) of block A and [b, b+n) of block B hold the same keys. */
export function sameKeyRun(A: KeyBlock, a: number, B: KeyBlock, b: number, n: number): boolean {
  if (n === 0) return true;
  const as = A.offsets ? A.offsets[a]! : a * A.width, ae = A.offsets ? A.offsets[a + n]! : (a + n) * A.width;
  const bs = B.offsets ? B.offsets[b]! : b * B.width, be = B.offsets ? B.offsets[b + n]! : (b + n) * B.width;
  if (ae - as !== be - bs) return false;
  // Each encoded key is self-delimiting, so equal concatenations mean equal key sequences.
  return Buffer.from(A.bytes.buffer, A.bytes.byteOffset + as, ae - as).equals(Buffer.from(B.bytes.buffer, B.bytes.byteOffset + bs, be - bs));
}

/**
 * The first row in [from, a.length) of block `a` whose key is >= key j of block `b` (a.length
 * when none). Gallops from `from`, so a walk that usually moves a few rows stays cheap.
 */
export function seekTo(a: KeyBlock, from: number, b: KeyBlock, j: number): number {
  const n = a.length;
  if (from >= n || compareKeys(a, from, b, j) >= 0) return from;
  let lo = from, step = 1, hi = n;
  for (;;) {
    const probe = lo + step;
    if (probe >= n) break;
    if (compareKeys(a, probe, b, j) >= 0) {
      hi = probe;
      break;
    }
    lo = probe;
    step *= 2;
  }
  let l = lo + 1;
  while (l < hi) {
    const mid = (l + hi) >>> 1;
    if (compareKeys(a, mid, b, j) < 0) l = mid + 1;
    else hi = mid;
  }
  return l;
}
