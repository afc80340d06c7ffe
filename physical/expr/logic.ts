/**
 * Three-valued logic and null-handling kernels: AND / OR / NOT on bitmaps (a byte = eight
 * rows), IS [NOT] NULL, IS TRUE / FALSE, COALESCE, NULLIF, GREATEST / LEAST, and `[NOT] IN`
 * lists. {@link pickRows} (row i from column choice[i]) serves COALESCE and CASE.
 *
 * AND: false if any argument is false, else null if any is null, else true. OR: dually.
 */
import { type DataType, Type } from 'apache-arrow';

import { bytesFor, clearTail, getBit, setBit } from './bits.js';
import { type Col, constCol, flatCol, isNullAt, valueAt } from './col.js';
import { compareValues, comparisonKernel } from './compare.js';
import { arrayTypeOf, type Kernel, type KernelFactory, perRowNullable, rowWriter } from './kernel.js';
import { StringBuilder } from './utf8.js';

/** Bitmaps of the rows that are true and that are false (null rows in neither). */
function truth(c: Col, n: number): { t: Uint8Array; f: Uint8Array } {
  const nb = bytesFor(n);
  if (c.isConst) {
    const t = new Uint8Array(nb), f = new Uint8Array(nb);
    if (c.value === true) t.fill(0xff);
    else if (c.value === false) f.fill(0xff);
    return { t, f };
  }
  const v = c.values as Uint8Array, valid = c.validity;
  const t = new Uint8Array(nb), f = new Uint8Array(nb);
  for (let j = 0; j < nb; j++) {
    const ok = valid ? valid[j]! : 0xff;
    t[j] = v[j]! & ok;
    f[j] = ~v[j]! & ok;
  }
  return { t, f };
}

/** A bitmap as 32-bit words (a view when aligned, else a padded copy); bits past n are garbage. */
function words(bits: Uint8Array, n: number): Int32Array {
  const nw = (n + 31) >> 5;
  if ((bits.byteOffset & 3) === 0 && bits.byteLength >= nw * 4) return new Int32Array(bits.buffer, bits.byteOffset, nw);
  const w = new Int32Array(nw);
  new Uint8Array(w.buffer).set(bits.subarray(0, Math.min(bits.length, nw * 4)));
  return w;
}

function connective(isAnd: boolean): KernelFactory {
  return (spec) => (args, n) => {
    const nw = (n + 31) >> 5;
    // AND: all = rows true in every argument, other = rows false in some. OR: dually.
    const all = new Int32Array(nw).fill(isAnd ? -1 : 0);
    const other = new Int32Array(nw).fill(isAnd ? 0 : -1);
    for (const a of args) {
      if (a.isConst) {
        const t = a.value === true ? -1 : 0, f = a.value === false ? -1 : 0;
        for (let j = 0; j < nw; j++) {
          if (isAnd) {
            all[j]! &= t;
            other[j]! |= f;
          } else {
            all[j]! |= t;
            other[j]! &= f;
          }
        }
        continue;
      }
      const v = words(a.values as Uint8Array, n), ok = a.validity ? words(a.validity, n) : null;
      if (isAnd) {
        if (ok) for (let j = 0; j < nw; j++) {
          all[j]! &= v[j]! & ok[j]!;
          other[j]! |= ~v[j]! & ok[j]!;
        }
        else for (let j = 0; j < nw; j++) {
          all[j]! &= v[j]!;
          other[j]! |= ~v[j]!;
        }
      } else if (ok) for (let j = 0; j < nw; j++) {
        all[j]! |= v[j]! & ok[j]!;
        other[j]! &= ~v[j]! & ok[j]!;
      }
      else for (let j = 0; j < nw; j++) {
        all[j]! |= v[j]!;
        other[j]! &= ~v[j]!;
      }
    }
    let allValid = true;
    const validity = new Int32Array(nw);
    const full = n >> 5;
    for (let j = 0; j < nw; j++) {
      const x = all[j]! | other[j]!;
      validity[j] = x;
      if (j < full && x !== -1) allValid = false;
    }
    const value = new Uint8Array(all.buffer, 0, bytesFor(n));
    const vbits = new Uint8Array(validity.buffer, 0, bytesFor(n));
    clearTail(value, n);
    clearTail(vbits, n);
    if (allValid && n & 31) {
      for (let i = full << 5; i < n; i++) if (!((vbits[i >> 3]! >> (i & 7)) & 1)) allValid = false;
    }
    return flatCol(spec.result, n, value, allValid ? null : vbits);
  };
}

const not: KernelFactory = (spec) => (args, n) => {
  const a = args[0]!;
  if (a.isConst) return constCol(spec.result, a.value === null ? null : !a.value, n);
  const v = a.values as Uint8Array, nb = bytesFor(n);
  const out = new Uint8Array(nb);
  for (let j = 0; j < nb; j++) out[j] = ~v[j]! & 0xff;
  clearTail(out, n);
  return flatCol(spec.result, n, out, a.validity);
};

const nullTest = (wantNull: boolean): KernelFactory => (spec) => (args, n) => {
  const a = args[0]!;
  if (a.isConst) return constCol(spec.result, (a.value === null) === wantNull, n);
  const nb = bytesFor(n);
  const out = new Uint8Array(nb);
  if (!a.validity) out.fill(wantNull ? 0 : 0xff);
  else for (let j = 0; j < nb; j++) out[j] = (wantNull ? ~a.validity[j]! : a.validity[j]!) & 0xff;
  clearTail(out, n);
  return flatCol(spec.result, n, out, null);
};

const truthTest = (want: boolean): KernelFactory => (spec) => (args, n) => {
  const { t, f } = truth(args[0]!, n);
  const out = want ? t : f;
  clearTail(out, n);
  return flatCol(spec.result, n, out, null);
};

/** Row i of the result is row i of cols[choice[i]]; choice 255 means NULL. */
export function pickRows(type: DataType, cols: readonly Col[], choice: Uint8Array, n: number): Col {
  const validity = new Uint8Array(bytesFor(n));
  let nulls = 0;
  const valid = (i: number): boolean => {
    const k = choice[i]!;
    if (k === 255 || isNullAt(cols[k]!, i)) {
      nulls++;
      return false;
    }
    setBit(validity, i);
    return true;
  };
  switch (type.typeId) {
    case Type.Bool: {
      const out = new Uint8Array(bytesFor(n));
      for (let i = 0; i < n; i++) if (valid(i) && valueAt(cols[choice[i]!]!, i)) setBit(out, i);
      return flatCol(type, n, out, nulls ? validity : null);
    }
    case Type.Utf8: {
      const sb = new StringBuilder(n);
      for (let i = 0; i < n; i++) {
        if (!valid(i)) {
          sb.appendEmpty();
          continue;
        }
        const c = cols[choice[i]!]!;
        if (c.isConst) sb.append(c.value as string);
        else sb.appendBytes(c.values as Uint8Array, c.offsets![i]!, c.offsets![i + 1]!);
      }
      const { offsets, bytes } = sb.finish();
      return flatCol(type, n, bytes, nulls ? validity : null, offsets);
    }
    case Type.Int:
    case Type.Float:
    case Type.Date:
    case Type.Timestamp:
    case Type.Time: {
      const out = new (arrayTypeOf(type))(n) as unknown as unknown[];
      const big = out instanceof BigInt64Array || out instanceof BigUint64Array;
      for (let i = 0; i < n; i++) {
        if (!valid(i)) continue;
        const c = cols[choice[i]!]!;
        out[i] = c.isConst ? (big ? BigInt(c.value as bigint) : c.value) : (c.values as unknown as unknown[])[i];
      }
      return flatCol(type, n, out as never, nulls ? validity : null);
    }
    default: {
      const w = rowWriter(type, n);
      for (let i = 0; i < n; i++) w.set(i, choice[i] === 255 ? null : valueAt(cols[choice[i]!]!, i));
      return w.finish();
    }
  }
}

const coalesce: KernelFactory = (spec) => (args, n) => {
  const choice = new Uint8Array(n).fill(255);
  let open = n;
  for (let k = 0; k < args.length && open > 0; k++) {
    const a = args[k]!;
    if (a.isConst && a.value === null) continue;
    for (let i = 0; i < n; i++) {
      if (choice[i] !== 255) continue;
      if (!isNullAt(a, i)) {
        choice[i] = k;
        open--;
      }
    }
  }
  return pickRows(spec.result, args, choice, n);
};

const nullif: KernelFactory = (spec) => {
  const eq = comparisonKernel('=', spec.args[0]!, spec.result);
  return (args, n) => {
    const [a] = args as [Col, Col];
    const e = eq(args, n);
    const choice = new Uint8Array(n);
    for (let i = 0; i < n; i++) if (!isNullAt(e, i) && getBit(e.values as Uint8Array, i)) choice[i] = 255;
    return pickRows(spec.result, [a], choice, n);
  };
};

const extreme = (sign: 1 | -1): KernelFactory => (spec) =>
  perRowNullable(spec.result, (vals) => {
    let best: unknown = null;
    for (const v of vals) if (v !== null && (best === null || sign * compareValues(v, best) > 0)) best = v;
    return best;
  });

/** `arg [NOT] IN (list)`; list items are compiled children (usually constants). */
export function inListKernel(result: DataType, argType: DataType, negated: boolean): Kernel {
  const eq = comparisonKernel('=', argType, result);
  return (args, n) => {
    const [arg, ...list] = args as [Col, ...Col[]];
    const nb = bytesFor(n);
    const hit = new Uint8Array(nb), unknown = new Uint8Array(nb);
    if (list.every((c) => c.isConst)) {
      const set = new Set<unknown>();
      let sawNull = false;
      for (const c of list) {
        if (c.value === null) sawNull = true;
        else set.add(key(c.value));
      }
      for (let i = 0; i < n; i++) {
        if (isNullAt(arg, i)) {
          setBit(unknown, i);
          continue;
        }
        if (set.has(key(valueAt(arg, i)))) setBit(hit, i);
        else if (sawNull) setBit(unknown, i);
      }
    } else {
      for (const c of list) {
        const e = eq([arg, c], n);
        for (let i = 0; i < n; i++) {
          if (isNullAt(e, i)) setBit(unknown, i);
          else if (getBit(e.values as Uint8Array, i)) setBit(hit, i);
        }
      }
    }
    const out = new Uint8Array(nb), validity = new Uint8Array(nb);
    let nulls = false;
    for (let j = 0; j < nb; j++) {
      const h = hit[j]!, u = unknown[j]! & ~h;
      out[j] = negated ? ~h & ~u & 0xff : h;
      validity[j] = ~u & 0xff;
      if (u) nulls = true;
    }
    clearTail(out, n);
    return flatCol(result, n, out, nulls ? validity : null);
  };
}

/** A Set key with SQL equality: numbers by value (NaN = NaN, -0 = 0), bigints by value, objects by JSON. */
const key = (v: unknown): unknown => (typeof v === 'object' && v !== null ? JSON.stringify(v, (_k, x: unknown) => (typeof x === 'bigint' ? `${x}n` : x)) : v);

export const LOGIC_KERNELS: Readonly<Record<string, KernelFactory>> = {
  and: connective(true),
  or: connective(false),
  not,
  is_null: nullTest(true),
  is_not_null: nullTest(false),
  is_true: truthTest(true),
  is_false: truthTest(false),
  coalesce,
  nullif,
  greatest: extreme(1),
  least: extreme(-1),
};
