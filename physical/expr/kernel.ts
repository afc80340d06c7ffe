/**
 * The kernel contract: a factory, called once when an expression is compiled (with the
 * argument and result types and the constant arguments), returns a closure evaluating the
 * function on whole columns. Also the shared pieces kernels build results with: the physical
 * type mapping (decimals execute as Float64), null propagation, a per-row writer for the
 * functions that have no column-at-a-time form (strings, dates), and `gen` for generated loops.
 */
import { type DataType, Field, Float64, List, Struct, Type } from 'apache-arrow';

import { ExecutionError, type ErrorCode } from '../../errors.js';
import { isDecimal, isList, isStruct } from '../../logical/functions.js';
import { andAll, bytesFor, setBit } from './bits.js';
import { type Col, constCol, flatCol, isNullAt, valueAt, type Values } from './col.js';
import { StringBuilder } from './utf8.js';

export interface KernelContext {
  /** The query's start time (current_date, current_timestamp). */
  readonly now: Date;
}

export interface KernelSpec {
  readonly name: string;
  /** Physical argument types. */
  readonly args: readonly DataType[];
  /** Physical result type. */
  readonly result: DataType;
  /** Constant arguments (null where the argument varies per row). */
  readonly consts: readonly (Col | null)[];
  readonly ctx: KernelContext;
}

export type Kernel = (args: readonly Col[], n: number) => Col;
export type KernelFactory = (spec: KernelSpec) => Kernel;

/** The type a value of logical type `t` has during execution: decimals become Float64 (also inside lists and structs). */
export function physicalType(t: DataType): DataType {
  if (isDecimal(t)) return new Float64();
  if (isList(t) && t.typeId === Type.List) {
    const c = (t as List).children[0]!;
    const p = physicalType(c.type);
    return p === c.type ? t : new List(new Field(c.name, p, c.nullable));
  }
  if (isStruct(t)) {
    const fs = (t as Struct).children;
    const ps = fs.map((f) => physicalType(f.type));
    return ps.every((p, i) => p === fs[i]!.type) ? t : new Struct(fs.map((f, i) => new Field(f.name, ps[i]!, f.nullable)));
  }
  return t;
}

export const execError = (code: ErrorCode, msg: string): ExecutionError => new ExecutionError(code, msg);

/** Validity of a strict function's result: valid where every argument is (constants: null ⇒ all null). */
export function strictValidity(args: readonly Col[], n: number): Uint8Array | null | 'all-null' {
  const bms: (Uint8Array | null)[] = [];
  for (const a of args) {
    if (a.isConst) {
      if (a.value === null) return 'all-null';
      continue;
    }
    bms.push(a.validity);
  }
  return andAll(bms, n);
}

/** TypedArray constructor for a fixed-width physical type. */
export function arrayTypeOf(t: DataType): new (n: number) => Values {
  const C = (t as unknown as { ArrayType?: new (n: number) => Values }).ArrayType;
  if (!C) throw execError('internal', `no array type for ${String(t)}`);
  return C;
}

/**
 * Writes results row by row for kernels without a columnar form. `set(i, v)` with v in the
 * physical representation; null for NULL.
 */
export interface RowWriter {
  set(i: number, v: unknown): void;
  finish(): Col;
}

export function rowWriter(type: DataType, n: number): RowWriter {
  const validity = new Uint8Array(bytesFor(n));
  let nulls = 0;
  switch (type.typeId) {
    case Type.Utf8: {
      const sb = new StringBuilder(n);
      return {
        set(_i, v) {
          if (v === null || v === undefined) {
            nulls++;
            sb.appendEmpty();
            return;
          }
          setBit(validity, sb.count);
          sb.append(v as string);
        },
        finish() {
          const { offsets, bytes } = sb.finish();
          return flatCol(type, n, bytes, nulls ? validity : null, offsets);
        },
      };
    }
    case Type.Bool: {
      const bits = new Uint8Array(bytesFor(n));
      return {
        set(i, v) {
          if (v === null || v === undefined) return void nulls++;
          setBit(validity, i);
          if (v) setBit(bits, i);
        },
        finish: () => flatCol(type, n, bits, nulls ? validity : null),
      };
    }
    default: {
      if (isList(type) || isStruct(type)) return nestedWriter(type, n);
      const C = arrayTypeOf(type);
      const out = new C(n);
      const big = out instanceof BigInt64Array || out instanceof BigUint64Array;
      return {
        set(i, v) {
          if (v === null || v === undefined) return void nulls++;
          setBit(validity, i);
          (out as unknown as unknown[])[i] = big ? BigInt(v as bigint) : (v as number);
        },
        finish: () => flatCol(type, n, out, nulls ? validity : null),
      };
    }
  }
}

let nestedBuilder: ((type: DataType, values: readonly unknown[]) => Col) | null = null;
/** @internal nested.ts registers how nested values are built (keeps this module free of builders). */
export function setNestedBuilder(f: (type: DataType, values: readonly unknown[]) => Col): void {
  nestedBuilder = f;
}

function nestedWriter(type: DataType, n: number): RowWriter {
  const vals: unknown[] = new Array<unknown>(n).fill(null);
  return {
    set(i, v) {
      vals[i] = v ?? null;
    },
    finish: () => nestedBuilder!(type, vals),
  };
}

/**
 * A per-row kernel: `f` gets the argument values of a row (never null: strict null handling)
 * and returns the result (null allowed). Used where no columnar form exists.
 */
export function perRow(result: DataType, f: (vals: unknown[], i: number) => unknown): Kernel {
  return (args, n) => {
    if (args.some((a) => a.isConst && a.value === null)) return constCol(result, null, n);
    const w = rowWriter(result, n);
    const vals = new Array<unknown>(args.length);
    outer: for (let i = 0; i < n; i++) {
      for (let k = 0; k < args.length; k++) {
        const a = args[k]!;
        if (isNullAt(a, i)) {
          w.set(i, null);
          continue outer;
        }
        vals[k] = valueAt(a, i);
      }
      w.set(i, f(vals, i));
    }
    return w.finish();
  };
}

/** Like perRow, but `f` also sees nulls (for functions with their own null handling). */
export function perRowNullable(result: DataType, f: (vals: unknown[], i: number) => unknown): Kernel {
  return (args, n) => {
    const w = rowWriter(result, n);
    const vals = new Array<unknown>(args.length);
    for (let i = 0; i < n; i++) {
      for (let k = 0; k < args.length; k++) vals[k] = valueAt(args[k]!, i);
      w.set(i, f(vals, i));
    }
    return w.finish();
  };
}

const generated = new Map<string, unknown>();

/**
 * A generated function (cached by `key`): each distinct key gets its own function object, so
 * the loop inside stays monomorphic for the typed-array types it is used with. Bodies are
 * built from fixed templates only (no user values are spliced into source text).
 */
export function gen<F>(key: string, params: readonly string[], body: string): F {
  let f = generated.get(key);
  if (!f) {
    f = new Function(...params, body);
    generated.set(key, f);
  }
  return f as F;
}

/** A short key of a values array's element type, for `gen` cache keys. */
export const arrayKind = (v: Values | null): string => (v ? v.constructor.name : 'none');
