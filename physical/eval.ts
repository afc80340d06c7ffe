/**
 * Scalar expressions compiled once into functions over a RecordBatch (typed arrays inside).
 * Leaves are columns of the batch (the planner names them); results are columns of values:
 * numbers as Float64 (ints are widened), comparisons and logic as Bool with SQL null
 * semantics (null compares to null; and/or are three-valued), strings as Utf8.
 */
import { Bool, type Data, Float64, makeData, type RecordBatch, Type, Utf8, Vector, vectorFromArray } from 'apache-arrow';

import { assertNever, PlanError } from '../errors.js';
import type { BinaryOp, Expr } from '../logical/expr.js';
import { tupleId } from '../logical/collection-plan.js';
import { type Comparable, compare, type CompareOp, holds } from '../storage/vortex/predicate.js';

/** A column of values of one batch: JS values with nulls (null), plus its Arrow type. */
export interface Column {
  readonly kind: 'number' | 'bool' | 'string' | 'other';
  /** Per-row values (null for nulls); unused when `constant` is set. */
  readonly values: ArrayLike<unknown>;
  readonly length: number;
  /** A literal: the same value on every row. */
  readonly constant?: { readonly value: unknown };
}

export type Compiled = (batch: RecordBatch) => Column;

function columnOfData(d: Data, n: number): Column {
  const t = d.type.typeId;
  if (t === Type.Int || t === Type.Float) {
    const raw = d.values as ArrayLike<number | bigint>;
    const off = d.offset;
    const bits = d.nullCount > 0 ? d.nullBitmap : null;
    const isBig = raw instanceof BigInt64Array || raw instanceof BigUint64Array;
    if (!bits && !isBig && !(t === Type.Float && (d.type as unknown as { precision: number }).precision === 0)) {
      // No nulls, plain numbers: the buffer itself.
      // A sliced Data's values buffer is already sliced (only the validity bits use `offset`).
      return { kind: 'number', values: (raw as unknown as Float64Array).subarray(0, n), length: n };
    }
    const out = new Array<number | null>(n);
    const v = t === Type.Float && (d.type as unknown as { precision: number }).precision === 0 ? new Vector([d]) : null;
    for (let i = 0; i < n; i++) {
      const j = off + i;
      if (bits && ((bits[j >> 3]! >> (j & 7)) & 1) === 0) out[i] = null;
      else out[i] = v ? (v.get(i) as number) : Number(raw[i]!);
    }
    return { kind: 'number', values: out, length: n };
  }
  const v = new Vector([d]);
  if (t === Type.Decimal) {
    const out = new Array<number | null>(n);
    for (let i = 0; i < n; i++) {
      const x = v.get(i) as number | bigint | null;
      out[i] = x === null ? null : Number(x);
    }
    return { kind: 'number', values: out, length: n };
  }
  if (t === Type.Bool) return { kind: 'bool', values: v.toArray() as unknown as ArrayLike<unknown>, length: n };
  const out = new Array<unknown>(n);
  for (let i = 0; i < n; i++) out[i] = v.get(i);
  return { kind: t === Type.Utf8 || t === Type.LargeUtf8 ? 'string' : 'other', values: out, length: n };
}

const arith = (op: BinaryOp, a: number, b: number): number | null => {
  switch (op) {
    case '+': return a + b;
    case '-': return a - b;
    case '*': return a * b;
    case '/': return b === 0 ? null : a / b;
    case '%': return b === 0 ? null : a % b;
    default: return null;
  }
};

/** Compares two non-null values of one kind (numbers and bigints mix), as the storage filters do. */
function compareValues(a: unknown, b: unknown): number {
  const num = (x: unknown): boolean => typeof x === 'number' || typeof x === 'bigint';
  if (!(num(a) && num(b)) && typeof a !== typeof b) throw new PlanError('invalid-argument', `cannot compare ${typeof a} with ${typeof b}`);
  if (typeof a === 'object' || typeof b === 'object') throw new PlanError('invalid-argument', `cannot compare ${typeof a} values`);
  return compare(a as Comparable, b as Comparable);
}

/**
 * Compiles `e`; `column(leaf)` names the batch column of a field or key leaf (the planner's
 * naming), and must throw for leaves the batch does not have.
 */
export function compile(e: Expr, column: (leaf: Expr) => string): Compiled {
  switch (e.kind) {
    case 'field':
    case 'key':
    case 'reduce':
    case 'window':
    case 'row':
    case 'resample':
    case 'step_time':
    case 'explode': {
      const name = column(e);
      return (b) => {
        const i = b.schema.fields.findIndex((f) => f.name === name);
        if (i < 0) throw new PlanError('unknown-column', `no column "${name}" in the batch`);
        return columnOfData(b.data.children[i]!, b.numRows);
      };
    }
    case 'literal': {
      const v = typeof e.value === 'bigint' ? Number(e.value) : e.value;
      const kind: Column['kind'] = typeof v === 'number' ? 'number' : typeof v === 'boolean' ? 'bool' : typeof v === 'string' ? 'string' : 'other';
      return (b) => ({ kind, values: [], length: b.numRows, constant: { value: v } });
    }
    case 'unary': {
      const arg = compile(e.arg, column);
      const op = e.op;
      return (b) => {
        const a = arg(b);
        const get = at(a);
        const out = new Array<unknown>(a.length);
        for (let i = 0; i < a.length; i++) {
          const x = get(i);
          switch (op) {
            case 'not': out[i] = x === null ? null : !x; break;
            case 'neg': out[i] = x === null ? null : -(x as number); break;
            case 'is_null': out[i] = x === null; break;
            case 'is_not_null': out[i] = x !== null; break;
            case 'len': out[i] = x === null ? null : (x as { length: number }).length; break;
            default: assertNever(op, 'unary op');
          }
        }
        const kind: Column['kind'] = op === 'neg' || op === 'len' ? 'number' : 'bool';
        return { kind, values: out, length: a.length };
      };
    }
    case 'binary': {
      const l = compile(e.left, column), r = compile(e.right, column);
      const op = e.op;
      return (b) => {
        const a = l(b), c = r(b);
        const ga = at(a), gc = at(c);
        const n = b.numRows;
        const out = new Array<unknown>(n);
        if (op === 'and' || op === 'or') {
          for (let i = 0; i < n; i++) {
            const x = ga(i) as boolean | null, y = gc(i) as boolean | null;
            if (op === 'and') out[i] = x === false || y === false ? false : x === null || y === null ? null : true;
            else out[i] = x === true || y === true ? true : x === null || y === null ? null : false;
          }
          return { kind: 'bool', values: out, length: n };
        }
        if (op === '+' || op === '-' || op === '*' || op === '/' || op === '%') {
          for (let i = 0; i < n; i++) {
            const x = ga(i), y = gc(i);
            out[i] = x === null || y === null ? null : arith(op, Number(x), Number(y));
          }
          return { kind: 'number', values: out, length: n };
        }
        for (let i = 0; i < n; i++) {
          const x = ga(i), y = gc(i);
          out[i] = x === null || y === null ? null : holds(op as CompareOp, compareValues(x, y));
        }
        return { kind: 'bool', values: out, length: n };
      };
    }
    case 'key_in': {
      const parts = e.keys.map((k) => compile(k, column));
      const wanted = new Set(e.tuples.map(tupleId));
      return (b) => {
        const cols = parts.map((p) => at(p(b)));
        const n = b.numRows;
        const out = new Array<boolean>(n);
        const row = new Array<unknown>(cols.length);
        for (let i = 0; i < n; i++) {
          for (let k = 0; k < cols.length; k++) row[k] = cols[k]!(i);
          out[i] = wanted.has(tupleId(row));
        }
        return { kind: 'bool', values: out, length: n };
      };
    }
    default:
      return assertNever(e, 'expression');
  }
}

export { tupleId };

/** Value accessor of a column (constants repeat). */
function at(c: Column): (i: number) => unknown {
  if (c.constant) {
    const v = c.constant.value;
    return () => v;
  }
  const vals = c.values;
  return (i) => {
    const x = vals[i];
    return x === undefined ? null : x;
  };
}

/** The column as Arrow Data (numbers → Float64, bools → Bool, strings → Utf8). */
export function toData(c: Column): Data {
  const get = at(c);
  if (c.kind === 'number') {
    // Straight into a Float64 buffer with a validity bitmap (no builder).
    const n = c.length;
    const values = new Float64Array(n);
    let bits: Uint8Array | null = null;
    let nulls = 0;
    for (let i = 0; i < n; i++) {
      const x = get(i);
      if (x === null) {
        if (!bits) bits = new Uint8Array((n + 7) >> 3).fill(0xff);
        bits[i >> 3]! &= ~(1 << (i & 7));
        nulls++;
      } else values[i] = x as number;
    }
    return makeData({ type: new Float64(), length: n, nullCount: nulls, data: values, ...(bits ? { nullBitmap: bits } : {}) });
  }
  const vals = Array.from({ length: c.length }, (_, i) => get(i));
  if (c.kind === 'bool') return vectorFromArray(vals as (boolean | null)[], new Bool()).data[0]!;
  if (c.kind === 'string') return vectorFromArray(vals as (string | null)[], new Utf8()).data[0]!;
  throw new PlanError('invalid-argument', 'an expression result of this type cannot be materialised yet');
}

/** A keep-mask (true only; null and false drop) of a boolean column. */
export function mask(c: Column): Uint8Array {
  const get = at(c);
  const out = new Uint8Array(c.length);
  for (let i = 0; i < c.length; i++) out[i] = get(i) === true ? 1 : 0;
  return out;
}

