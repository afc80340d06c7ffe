/**
 * Evaluation of one window call over one sorted partition. Ranking and navigation functions
 * read the peer groups and positions; aggregates read their frame. sum / count / avg use
 * prefix sums (O(1) per row for any frame); min / max a monotonic deque when the frame bounds
 * only move forward (every ROWS / RANGE / GROUPS frame with constant offsets); other
 * aggregates, and DISTINCT ones, recompute each frame (O(rows × frame)).
 */
import { ExecutionError } from '../../errors.js';
import { compareValues } from '../expr/compare.js';
import type { Partition } from './window-frames.js';

export interface CallInput {
  readonly fn: string;
  readonly distinct: boolean;
  /** Argument values per sorted position (physical values; null = NULL). */
  readonly args: readonly (readonly unknown[])[];
  /** Per sorted position: the FILTER passed (or no filter). */
  readonly keep: (k: number) => boolean;
}

const RANKING = new Set(['row_number', 'rank', 'dense_rank', 'percent_rank', 'cume_dist', 'ntile', 'lag', 'lead']);
export const isRankingOrNavigation = (fn: string): boolean => RANKING.has(fn);

/** Values of a ranking / navigation function for positions of the partition (out[k - p.start]). */
export function rankingValues(c: CallInput, p: Partition): unknown[] {
  const n = p.end - p.start;
  const out = new Array<unknown>(n);
  for (let i = 0; i < n; i++) {
    const k = p.start + i;
    switch (c.fn) {
      case 'row_number': out[i] = BigInt(i + 1); break;
      case 'rank': out[i] = BigInt(p.peerStart[i]! - p.start + 1); break;
      case 'dense_rank': out[i] = BigInt(p.peerIndex[i]! + 1); break;
      case 'percent_rank': out[i] = n > 1 ? (p.peerStart[i]! - p.start) / (n - 1) : 0; break;
      case 'cume_dist': out[i] = (p.peerEnd[i]! - p.start) / n; break;
      case 'ntile': {
        const b = c.args[0]![k];
        if (b === null || b === undefined) {
          out[i] = null;
          break;
        }
        const buckets = Number(b);
        if (buckets <= 0) throw new ExecutionError('invalid-argument', 'ntile: the number of buckets must be positive');
        const size = Math.floor(n / buckets), rem = n % buckets;
        const big = rem * (size + 1);
        out[i] = BigInt(i < big ? Math.floor(i / (size + 1)) + 1 : Math.floor((i - big) / Math.max(1, size)) + rem + 1);
        break;
      }
      case 'lag':
      case 'lead': {
        const off = c.args[1] ? c.args[1][k] : 1n;
        if (off === null || off === undefined) {
          out[i] = null;
          break;
        }
        const j = i + (c.fn === 'lag' ? -1 : 1) * Number(off);
        out[i] = j >= 0 && j < n ? c.args[0]![p.start + j] : c.args[2] ? c.args[2][k] : null;
        break;
      }
    }
  }
  return out;
}

/** One aggregate over a list of argument tuples (already filtered), SQL semantics. */
export function aggregate(fn: string, rows: readonly (readonly unknown[])[]): unknown {
  const xs = rows.map((r) => r[0]);
  const nonNull = xs.filter((x) => x !== null && x !== undefined);
  switch (fn) {
    case 'count_star': return BigInt(rows.length);
    case 'count': return BigInt(nonNull.length);
    case 'sum': {
      if (!nonNull.length) return null;
      if (typeof nonNull[0] === 'bigint' || Number.isInteger(nonNull[0])) {
        if (nonNull.every((x) => typeof x === 'bigint' || Number.isInteger(x))) return nonNull.reduce<bigint>((s, x) => s + BigInt(x as number), 0n);
      }
      return nonNull.reduce<number>((s, x) => s + Number(x), 0);
    }
    case 'avg': return nonNull.length ? nonNull.reduce<number>((s, x) => s + Number(x), 0) / nonNull.length : null;
    case 'min':
    case 'max': {
      let best: unknown = null;
      for (const x of nonNull) if (best === null || (fn === 'max' ? 1 : -1) * compareValues(x, best) > 0) best = x;
      return best;
    }
    case 'first': case 'first_value': return xs.length ? xs[0] : null;
    case 'last': case 'last_value': return xs.length ? xs[xs.length - 1] : null;
    case 'any_value': return nonNull.length ? nonNull[0] : null;
    case 'list': return xs.length ? xs : null;
    case 'string_agg': {
      const parts = rows.filter((r) => r[0] !== null);
      return parts.length ? parts.map((r, k) => (k === 0 ? '' : String(r[1] ?? ',')) + String(r[0])).join('') : null;
    }
    case 'bool_and': return nonNull.length ? nonNull.every((x) => x === true) : null;
    case 'bool_or': return nonNull.length ? nonNull.some((x) => x === true) : null;
    case 'stddev_samp': case 'stddev_pop': case 'var_samp': case 'var_pop': {
      const k = nonNull.length;
      const div = fn.endsWith('samp') ? k - 1 : k;
      if (div <= 0) return null;
      const mean = nonNull.reduce<number>((s, x) => s + Number(x), 0) / k;
      const v = nonNull.reduce<number>((s, x) => s + (Number(x) - mean) ** 2, 0) / div;
      return fn.startsWith('stddev') ? Math.sqrt(v) : v;
    }
    case 'arg_min':
    case 'arg_max': {
      let best: readonly unknown[] | null = null;
      for (const r of rows) if (r[0] !== null && r[1] !== null && (best === null || (fn === 'arg_max' ? 1 : -1) * compareValues(r[1], best[1]) > 0)) best = r;
      return best ? best[0] : null;
    }
    default:
      throw new ExecutionError('invalid-argument', `${fn} cannot be used as a window function`);
  }
}

/** Aggregate (or first/last/nth_value) values per position for frames [start, end). */
export function frameValues(c: CallInput, p: Partition, start: Int32Array, end: Int32Array): unknown[] {
  const n = p.end - p.start;
  const out = new Array<unknown>(n);
  const arg = c.args[0];
  if (c.fn === 'first_value' || c.fn === 'last_value' || c.fn === 'nth_value') {
    for (let i = 0; i < n; i++) {
      const s = start[i]!, e = end[i]!;
      const nth = c.fn === 'nth_value' ? c.args[1]![p.start + i] : 1;
      if (nth === null || nth === undefined) {
        out[i] = null;
        continue;
      }
      const at = c.fn === 'first_value' ? s : c.fn === 'last_value' ? e - 1 : s + Number(nth) - 1;
      out[i] = at >= s && at < e ? arg![at] : null;
    }
    return out;
  }
  if (!c.distinct && (c.fn === 'sum' || c.fn === 'count' || c.fn === 'count_star' || c.fn === 'avg')) return prefixValues(c, p, start, end);
  if (!c.distinct && (c.fn === 'min' || c.fn === 'max') && monotone(start, end)) return dequeValues(c, p, start, end);
  for (let i = 0; i < n; i++) {
    const rows: unknown[][] = [];
    const seen = c.distinct ? new Set<string>() : null;
    for (let k = start[i]!; k < end[i]!; k++) {
      if (!c.keep(k)) continue;
      const r = c.args.map((a) => a[k]);
      if (seen) {
        if (r[0] === null) continue;
        const key = JSON.stringify(r, (_k, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v));
        if (seen.has(key)) continue;
        seen.add(key);
      }
      rows.push(r);
    }
    out[i] = aggregate(c.fn, rows);
  }
  return out;
}

const monotone = (s: Int32Array, e: Int32Array): boolean => {
  for (let i = 1; i < s.length; i++) if (s[i]! < s[i - 1]! || e[i]! < e[i - 1]!) return false;
  return true;
};

function prefixValues(c: CallInput, p: Partition, start: Int32Array, end: Int32Array): unknown[] {
  const n = p.end - p.start;
  const sum = new Float64Array(n + 1), cnt = new Float64Array(n + 1), rowsIn = new Float64Array(n + 1);
  let bigSum: bigint[] | null = null;
  const arg = c.args[0];
  const ints = c.fn === 'sum' && arg !== undefined && arg.some((x) => typeof x === 'bigint');
  if (ints) bigSum = new Array<bigint>(n + 1).fill(0n);
  for (let i = 0; i < n; i++) {
    const k = p.start + i;
    const kept = c.keep(k);
    const x = arg ? arg[k] : 1;
    const has = kept && x !== null && x !== undefined;
    rowsIn[i + 1] = rowsIn[i]! + (kept ? 1 : 0);
    cnt[i + 1] = cnt[i]! + (has ? 1 : 0);
    sum[i + 1] = sum[i]! + (has ? Number(x) : 0);
    if (bigSum) bigSum[i + 1] = bigSum[i]! + (has ? BigInt(x as bigint) : 0n);
  }
  const out = new Array<unknown>(n);
  for (let i = 0; i < n; i++) {
    const s = start[i]! - p.start, e = end[i]! - p.start;
    const k = cnt[e]! - cnt[s]!;
    switch (c.fn) {
      case 'count_star': out[i] = BigInt(rowsIn[e]! - rowsIn[s]!); break;
      case 'count': out[i] = BigInt(k); break;
      case 'avg': out[i] = k ? (sum[e]! - sum[s]!) / k : null; break;
      default: out[i] = k ? (bigSum ? bigSum[e]! - bigSum[s]! : sum[e]! - sum[s]!) : null;
    }
  }
  return out;
}

function dequeValues(c: CallInput, p: Partition, start: Int32Array, end: Int32Array): unknown[] {
  const n = p.end - p.start;
  const arg = c.args[0]!;
  const sign = c.fn === 'max' ? 1 : -1;
  const dq = new Int32Array(n);
  let head = 0, tail = 0, next = p.start;
  const out = new Array<unknown>(n);
  for (let i = 0; i < n; i++) {
    const s = start[i]!, e = end[i]!;
    for (; next < e; next++) {
      const x = arg[next];
      if (!c.keep(next) || x === null || x === undefined) continue;
      while (tail > head && sign * compareValues(arg[dq[tail - 1]!], x) <= 0) tail--;
      dq[tail++] = next;
    }
    while (tail > head && dq[head]! < s) head++;
    out[i] = tail > head ? arg[dq[head]!] : null;
  }
  return out;
}
