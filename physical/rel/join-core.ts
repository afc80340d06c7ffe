/**
 * The join-type semantics shared by hash and nested-loop joins. A join produces candidate
 * pairs (left row, right row) — equal keys for a hash join, all pairs for a nested loop —
 * and JoinCore turns them into output:
 *
 *  - the residual condition is evaluated on the gathered pairs (vectorised), keeping TRUE;
 *  - inner/left/right/full/single emit kept pairs; left/full/single then the left rows of the
 *    batch without a kept pair (right columns NULL); right/full, at the end, the right rows
 *    never kept (left columns NULL); single fails on a second kept pair of a left row;
 *  - semi / anti emit left rows with / without a kept pair (NOT EXISTS semantics: NULL keys
 *    never match, so anti keeps them);
 *  - mark emits every left row plus a Bool: TRUE with a kept pair, else NULL when some right
 *    row satisfies the residual while a key comparison is NULL (SQL's `x IN (…)`), else FALSE.
 *    NOT IN is therefore `NOT mark`.
 */
import { type Data, type RecordBatch, type Schema } from 'apache-arrow';

import { ExecutionError } from '../../errors.js';
import type { JoinType } from '../../logical/plan.js';
import { bytesFor, setBit } from '../expr/bits.js';
import type { CompiledPredicate } from '../expr/compile.js';
import { type Col, flatCol, isNullAt, nullColumn, toData, valueAt } from '../expr/col.js';
import { compareValues } from '../expr/compare.js';
import { T } from '../../logical/functions.js';
import { batchFrom, gather, NONE } from './gather.js';

/** Growable Uint32 pair lists. */
export class Pairs {
  left = new Uint32Array(1024);
  right = new Uint32Array(1024);
  length = 0;

  push(l: number, r: number): void {
    if (this.length === this.left.length) {
      const a = new Uint32Array(this.length * 2), b = new Uint32Array(this.length * 2);
      a.set(this.left);
      b.set(this.right);
      this.left = a;
      this.right = b;
    }
    this.left[this.length] = l;
    this.right[this.length++] = r;
  }

  take(): [Uint32Array, Uint32Array] {
    const out: [Uint32Array, Uint32Array] = [this.left.slice(0, this.length), this.right.slice(0, this.length)];
    this.length = 0;
    return out;
  }
}

/** The first row when `idx` is the run first, first + 1, …; else -1. */
function runStart(idx: Uint32Array): number {
  const n = idx.length;
  if (n === 0) return -1;
  const first = idx[0]!;
  if (first === NONE || idx[n - 1]! - first !== n - 1) return -1;
  for (let k = 1; k < n; k++) if (idx[k] !== first + k) return -1;
  return first;
}

export interface JoinCoreOptions {
  readonly type: JoinType;
  /** Output schema (physical). */
  readonly schema: Schema;
  /** Residual over left ++ right columns, or null. */
  readonly residual: CompiledPredicate | null;
  /** Inner joins: output columns as positions in left ++ right (absent: all). */
  readonly keep?: readonly number[];
  /** Left key columns and right key columns (for mark joins' NULL rules). */
  readonly markKeys?: { readonly left: (b: RecordBatch) => readonly Col[]; readonly right: readonly Col[] };
}

export class JoinCore {
  private rightCols: readonly Data[] = [];
  private rightRows = 0;
  private rightMatched: Uint8Array = new Uint8Array(0);
  private batch: RecordBatch | null = null;
  private matched: Uint8Array = new Uint8Array(0);
  private unknown: Uint8Array = new Uint8Array(0);
  private readonly leftWidth: number;

  constructor(private readonly o: JoinCoreOptions, leftWidth: number) {
    this.leftWidth = leftWidth;
  }

  /** The whole right (build) side. */
  setRight(cols: readonly Data[], rows: number): void {
    this.rightCols = cols;
    this.rightRows = rows;
    this.rightMatched = new Uint8Array(this.o.type === 'right' || this.o.type === 'full' ? rows : 0);
  }

  /** Starts a left batch. */
  startLeft(b: RecordBatch): void {
    this.batch = b;
    this.matched = new Uint8Array(b.numRows);
    this.unknown = new Uint8Array(this.o.type === 'mark' ? b.numRows : 0);
  }

  /**
   * Left ++ right columns with the rows of the pairs; only the columns in `want` (null: all)
   * are gathered. A side whose rows are a contiguous run (every probe row of a chunk matched
   * once) is sliced, not copied.
   */
  private combined(li: Uint32Array, ri: Uint32Array, want: ReadonlySet<number> | null): Data[] {
    const b = this.batch!;
    const out: Data[] = [];
    const l = runStart(li), r = runStart(ri);
    const take = (d: Data, idx: Uint32Array, at: number): Data => (at >= 0 ? d.slice(at, idx.length) : gather(d, idx));
    for (let k = 0; k < this.leftWidth; k++) out.push(!want || want.has(k) ? take(b.data.children[k]!, li, l) : b.data.children[k]!);
    this.rightCols.forEach((c, k) => out.push(!want || want.has(this.leftWidth + k) ? take(c, ri, r) : c));
    return out;
  }

  /** Candidate pairs → kept pairs; returns output rows for pair-emitting join types (or null). */
  consume(li: Uint32Array, ri: Uint32Array): RecordBatch | null {
    if (li.length === 0) return null;
    const t = this.o.type;
    const emits = t === 'inner' || t === 'left' || t === 'right' || t === 'full' || t === 'single' || t === 'cross';
    let cols: Data[] | null = null;
    const keep = this.o.keep;
    if (this.o.residual) {
      const inputs = this.o.residual.inputs;
      // Emitting joins gather their output columns with the residual's (all without `keep`).
      const want = emits ? (keep ? new Set([...keep, ...inputs]) : null) : new Set(inputs);
      cols = this.combined(li, ri, want);
      const sel = this.o.residual.select(cols, li.length);
      if (sel !== null) {
        const keepL = new Uint32Array(sel.length), keepR = new Uint32Array(sel.length);
        for (let k = 0; k < sel.length; k++) {
          keepL[k] = li[sel[k]!]!;
          keepR[k] = ri[sel[k]!]!;
        }
        if (emits) cols = cols.map((c, k) => (!want || want.has(k) ? gather(c, sel) : c));
        li = keepL;
        ri = keepR;
      }
    }
    for (let k = 0; k < li.length; k++) {
      const l = li[k]!;
      if (t === 'single' && this.matched[l]) throw new ExecutionError('cardinality-violation', 'More than one row returned by a subquery used as an expression');
      this.matched[l] = 1;
    }
    if (this.rightMatched.length) for (let k = 0; k < ri.length; k++) this.rightMatched[ri[k]!] = 1;
    if (!emits || li.length === 0) return null;
    cols ??= this.combined(li, ri, keep ? new Set(keep) : null);
    return batchFrom(this.o.schema, keep ? keep.map((k) => cols[k]!) : cols, li.length);
  }

  /**
   * Mark joins: candidate pairs whose key comparison involves a NULL; those satisfying the
   * residual make an unmatched left row's mark NULL.
   */
  considerUnknown(li: Uint32Array, ri: Uint32Array, leftKeys: readonly Col[], rightKeys: readonly Col[]): void {
    const keep: number[] = [];
    for (let k = 0; k < li.length; k++) {
      const l = li[k]!, r = ri[k]!;
      if (this.matched[l] || this.unknown[l]) continue;
      let possible = true, sawNull = false;
      for (let c = 0; c < leftKeys.length && possible; c++) {
        const a = leftKeys[c]!, b = rightKeys[c]!;
        if (isNullAt(a, l) || isNullAt(b, r)) sawNull = true;
        else if (compareValues(valueAt(a, l), valueAt(b, r)) !== 0) possible = false;
      }
      if (possible && sawNull) keep.push(k);
    }
    if (keep.length === 0) return;
    let L = Uint32Array.from(keep, (k) => li[k]!), R = Uint32Array.from(keep, (k) => ri[k]!);
    if (this.o.residual) {
      const sel = this.o.residual.select(this.combined(L, R, new Set(this.o.residual.inputs)), L.length);
      if (sel !== null) {
        L = Uint32Array.from(sel, (k) => L[k]!);
        R = Uint32Array.from(sel, (k) => R[k]!);
      }
    }
    for (const l of L) this.unknown[l] = 1;
  }

  /** Output of the left batch after all its candidates were consumed. */
  finishLeft(): RecordBatch | null {
    const b = this.batch!;
    const n = b.numRows;
    const t = this.o.type;
    const pick = (want: number): Uint32Array => {
      let c = 0;
      for (let i = 0; i < n; i++) if (this.matched[i] === want) c++;
      const idx = new Uint32Array(c);
      c = 0;
      for (let i = 0; i < n; i++) if (this.matched[i] === want) idx[c++] = i;
      return idx;
    };
    switch (t) {
      case 'left':
      case 'full':
      case 'single':
      case 'asof': {
        const idx = pick(0);
        if (idx.length === 0) return null;
        const none = new Uint32Array(idx.length).fill(NONE);
        const cols = [...b.data.children.map((c) => gather(c, idx)), ...this.rightCols.map((c) => gather(c, none, true))];
        return batchFrom(this.o.schema, cols, idx.length);
      }
      case 'semi':
      case 'anti': {
        const idx = pick(t === 'semi' ? 1 : 0);
        if (idx.length === 0) return null;
        if (idx.length === n) return batchFrom(this.o.schema, b.data.children, n);
        return batchFrom(this.o.schema, b.data.children.map((c) => gather(c, idx)), idx.length);
      }
      case 'mark': {
        const bits = new Uint8Array(bytesFor(n)), valid = new Uint8Array(bytesFor(n));
        let nulls = 0;
        for (let i = 0; i < n; i++) {
          if (this.matched[i]) {
            setBit(bits, i);
            setBit(valid, i);
          } else if (this.unknown[i]) nulls++;
          else setBit(valid, i);
        }
        const mark = toData(flatCol(T.bool, n, bits, nulls ? valid : null));
        return batchFrom(this.o.schema, [...b.data.children, mark], n);
      }
      default:
        return null;
    }
  }

  /** Right rows never matched (right / full joins), left columns NULL. */
  finishRight(): RecordBatch | null {
    if (!this.rightMatched.length) return null;
    let c = 0;
    for (let r = 0; r < this.rightRows; r++) if (!this.rightMatched[r]) c++;
    if (c === 0) return null;
    const idx = new Uint32Array(c);
    c = 0;
    for (let r = 0; r < this.rightRows; r++) if (!this.rightMatched[r]) idx[c++] = r;
    const left = this.o.schema.fields.slice(0, this.leftWidth).map((f) => nullColumn(f.type, idx.length));
    const cols = [...left, ...this.rightCols.map((d) => gather(d, idx))];
    return batchFrom(this.o.schema, cols, idx.length);
  }
}
