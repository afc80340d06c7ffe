/**
 * Reducers (seed 002: sum, mean, min, max, count, first, list, any, agg(fn)) as accumulators over
 * runs of rows, shared by GroupBy (groups), Resample (timeline bins) and Window (row windows).
 *
 * An {@link Accumulator} sees a group as one or more `add(values, start, end)` calls (a group may
 * span batches) followed by `close()`, which appends the group's result; `take()` returns the
 * results appended so far as one Arrow column. `take()` is only called between groups (after a
 * `close()`, before the next `add`). Results are built in typed arrays; row-picking reducers
 * (first, last, min, max) and list gather from the input with one take per input batch, so there
 * are no per-row objects.
 *
 * Semantics: nulls are skipped by sum, mean, min, max, count and any; first, last and list see
 * every row (a null first row gives a null first). sum, mean, min and max of a group with no
 * valid value are null; count and countRows are 0 there, list is [] and any is false. Integer
 * sums are exact 64-bit sums (wrapping on int64 overflow); float NaN sorts above every number.
 */
import { Bool, type Data, type DataType, Field, Float64, Int64, List, Type, Uint64, type Vector } from 'apache-arrow';

import { ExecutionError } from '../errors.js';
import { AnyAcc, FnAcc, ListAcc, NumAcc } from './accumulators.js';
import { SelectAcc } from './select-accumulator.js';

export { SelectAcc };

/** How a run of values reduces to one value. */
export type Reducer =
  | 'sum' | 'mean' | 'min' | 'max' | 'count' | 'countRows' | 'first' | 'last' | 'list'
  /** True when the predicate holds for some valid value (mask: one byte per value, or constant). */
  | { readonly any: (values: Vector) => Uint8Array | boolean }
  /** A custom reduction of the run's values (nulls included) to one value of `type`. */
  | { readonly fn: (values: Vector) => unknown; readonly type: DataType; readonly name?: string };

export interface Accumulator {
  readonly type: DataType;
  add(values: Data, start: number, end: number): void;
  close(): void;
  take(): Data;
  /** Input rows and pending results held (bounded-memory metrics). */
  held(): number;
}

export function reducerName(r: Reducer): string {
  return typeof r === 'string' ? r : 'any' in r ? 'any' : (r.name ?? 'agg');
}

const signed = (t: DataType): boolean => (t as unknown as { isSigned: boolean }).isSigned;
const isNumeric = (t: DataType): boolean => t.typeId === Type.Int || (t.typeId === Type.Float && (t as unknown as { precision: number }).precision > 0);
const ORDERED = new Set<Type>([Type.Int, Type.Float, Type.Date, Type.Timestamp, Type.Time, Type.Duration, Type.Utf8, Type.Binary, Type.Bool]);

/** The result type of `r` over values of `input`; 'invalid-argument' when `r` does not apply. */
export function reducerType(r: Reducer, input: DataType, what: string): DataType {
  const bad = (): never => {
    throw new ExecutionError('invalid-argument', `${what}: ${reducerName(r)} does not apply to ${String(input)} values`);
  };
  if (typeof r !== 'string') return 'any' in r ? new Bool() : r.type;
  switch (r) {
    case 'sum':
      if (!isNumeric(input)) return bad();
      return input.typeId === Type.Float ? new Float64() : signed(input) ? new Int64() : new Uint64();
    case 'mean':
      return isNumeric(input) ? new Float64() : bad();
    case 'min':
    case 'max':
      return ORDERED.has(input.typeId) && !(input.typeId === Type.Float && !isNumeric(input)) ? input : bad();
    case 'count':
    case 'countRows':
      return new Int64();
    case 'first':
    case 'last':
      return input;
    case 'list':
      return new List(new Field('item', input, true));
  }
}

/** An accumulator for `r` over values of `input` (checked with {@link reducerType}). */
export function makeAccumulator(r: Reducer, input: DataType, what: string): Accumulator {
  const type = reducerType(r, input, what);
  if (typeof r !== 'string') return 'any' in r ? new AnyAcc(r.any, what) : new FnAcc(r.fn, input, type, what);
  switch (r) {
    case 'first':
    case 'last':
    case 'min':
    case 'max':
      return new SelectAcc(type, r);
    case 'list':
      return new ListAcc(type, input);
    default:
      return new NumAcc(type, r, input);
  }
}
