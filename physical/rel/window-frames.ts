/**
 * Window frames over one sorted partition: peer groups (rows equal on the ORDER BY keys) and,
 * per row, the frame [start, end) in sorted positions for ROWS, RANGE and GROUPS modes. The
 * SQL default frame is RANGE UNBOUNDED PRECEDING .. CURRENT ROW with ORDER BY (the row's peers
 * included), else the whole partition. RANGE offsets need one numeric (or date) ORDER BY key;
 * rows whose key is NULL frame their NULL peers.
 */
import { ExecutionError } from '../../errors.js';
import type { FrameBound, WindowFrame } from '../../logical/plan.js';

export interface Partition {
  /** Sorted positions [start, end). */
  readonly start: number;
  readonly end: number;
  /** Per position: index of the first row of its peer group, and one past its last. */
  readonly peerStart: Int32Array;
  readonly peerEnd: Int32Array;
  /** Per position: peer group number within the partition (0-based). */
  readonly peerIndex: Int32Array;
}

const offsetOf = (b: FrameBound): number => {
  if (b.kind !== 'preceding' && b.kind !== 'following') return 0;
  if (b.offset.kind !== 'literal') throw new ExecutionError('invalid-argument', 'window frame offsets must be constants');
  const v = b.offset.value as number | bigint | { months: number; days: number; nanoseconds: bigint } | null;
  if (v === null) throw new ExecutionError('invalid-argument', 'window frame offsets must not be NULL');
  if (typeof v === 'object') {
    if (v.months) throw new ExecutionError('invalid-argument', 'RANGE offsets in months are not supported');
    return v.days + Number(v.nanoseconds) / 86_400_000_000_000; // in days, for date keys
  }
  const x = Number(v);
  if (x < 0) throw new ExecutionError('invalid-argument', 'window frame offsets must not be negative');
  return x;
};

/** Frame [start, end) of every position of a partition. */
export function frames(
  p: Partition,
  frame: WindowFrame | null,
  hasOrder: boolean,
  /** RANGE with offsets: the (single) order key per sorted position, NaN for NULL, and its direction. */
  rangeKey: { readonly values: Float64Array; readonly descending: boolean; readonly unitsPerDay: number } | null,
): { start: Int32Array; end: Int32Array } {
  const n = p.end - p.start;
  const start = new Int32Array(n), end = new Int32Array(n);
  const ps = p.start, pe = p.end;
  if (!frame) {
    for (let k = ps; k < pe; k++) {
      start[k - ps] = ps;
      end[k - ps] = hasOrder ? p.peerEnd[k - ps]! : pe;
    }
    return { start, end };
  }
  const so = offsetOf(frame.start), eo = offsetOf(frame.end);
  const lastGroup = n ? p.peerIndex[n - 1]! : 0;
  // Group g's first position and one past its last.
  const groupStart: number[] = [], groupEnd: number[] = [];
  for (let k = 0; k < n; k++) {
    const g = p.peerIndex[k]!;
    if (groupStart[g] === undefined) groupStart[g] = ps + k;
    groupEnd[g] = ps + k + 1;
  }
  const bound = (b: FrameBound, o: number, k: number, isStart: boolean): number => {
    const i = k - ps;
    switch (b.kind) {
      case 'unbounded_preceding': return ps;
      case 'unbounded_following': return pe;
      case 'current_row':
        if (frame.mode === 'rows') return isStart ? k : k + 1;
        return isStart ? p.peerStart[i]! : p.peerEnd[i]!;
      case 'preceding':
      case 'following': {
        const sign = b.kind === 'preceding' ? -1 : 1;
        if (frame.mode === 'rows') return Math.min(pe, Math.max(ps, isStart ? k + sign * o : k + sign * o + 1));
        if (frame.mode === 'groups') {
          const g = p.peerIndex[i]! + sign * o;
          if (isStart) return g < 0 ? ps : g > lastGroup ? pe : groupStart[g]!;
          return g < 0 ? ps : g > lastGroup ? pe : groupEnd[g]!;
        }
        return rangeBound(rangeKey!, ps, pe, k, sign * o, isStart, p);
      }
    }
  };
  for (let k = ps; k < pe; k++) {
    const s = bound(frame.start, so, k, true), e = bound(frame.end, eo, k, false);
    start[k - ps] = s;
    end[k - ps] = Math.max(s, e);
  }
  return { start, end };
}

/** RANGE offset bound: first position whose key is ≥ (start) / one past the last ≤ (end) key + delta, in sort direction. */
function rangeBound(key: { values: Float64Array; descending: boolean; unitsPerDay: number }, ps: number, pe: number, k: number, deltaDays: number, isStart: boolean, p: Partition): number {
  const v = key.values;
  const x = v[k]!;
  if (x !== x) return isStart ? p.peerStart[k - ps]! : p.peerEnd[k - ps]!;
  const dir = key.descending ? -1 : 1;
  const target = x + dir * deltaDays * key.unitsPerDay;
  // Positions are sorted by dir·value (NULLs at one end: skip them by treating NaN as outside).
  const before = (y: number): boolean => (y !== y ? false : dir * (y - target) < 0);
  const atMost = (y: number): boolean => (y !== y ? false : dir * (y - target) <= 0);
  let lo = ps, hi = pe;
  // NULL keys sit at the start or end; restrict to the non-null run containing k.
  while (lo < k && v[lo] !== v[lo]) lo++;
  while (hi > k + 1 && v[hi - 1] !== v[hi - 1]) hi--;
  const test = isStart ? before : atMost;
  let a = lo, b = hi;
  while (a < b) {
    const m = (a + b) >> 1;
    if (test(v[m]!)) a = m + 1;
    else b = m;
  }
  return a;
}
