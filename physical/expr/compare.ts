/**
 * Comparison kernels (= <> < <= > >=, IS [NOT] DISTINCT FROM). Results are Bool bitmaps built
 * eight rows per byte by generated, unrolled loops for number arrays; 64-bit integers and
 * timestamps compare their 32-bit halves (no BigInt); strings compare UTF-8 bytes (code-point
 * order, like DuckDB's binary collation). Floats follow DuckDB: NaN equals NaN and is greater
 * than every other value; -0 equals 0.
 */
import { type DataType, Type } from 'apache-arrow';

import { isString } from '../../logical/functions.js';
import { bytesFor, clearTail, getBit, setBit } from './bits.js';
import { type Col, constCol, flatCol, valueAt, type Values } from './col.js';
import { arrayKind, gen, type Kernel, type KernelFactory, strictValidity } from './kernel.js';
import { encodeUtf8 } from './utf8.js';

export type CmpOp = '=' | '<>' | '<' | '<=' | '>' | '>=';

// Conditions as 0/1 from bitwise operators on booleans: no branch per row (a data-dependent
// branch mispredicts on about half of the rows of a selective filter).
const FLOAT_COND: Record<CmpOp, string> = {
  '=': '((x === y) | ((x !== x) & (y !== y)))',
  '<>': '(1 ^ ((x === y) | ((x !== x) & (y !== y))))',
  '<': '((x < y) | ((y !== y) & (x === x)))',
  '<=': '((x <= y) | (y !== y))',
  '>': '((x > y) | ((x !== x) & (y === y)))',
  '>=': '((x >= y) | (x !== x))',
};
const INT_COND: Record<CmpOp, string> = { '=': '(x === y)', '<>': '(x !== y)', '<': '(x < y)', '<=': '(x <= y)', '>': '(x > y)', '>=': '(x >= y)' };

type BitLoop = (a: unknown, b: unknown, out: Uint8Array, n: number) => void;

function bitLoop(op: CmpOp, float: boolean, aConst: boolean, bConst: boolean, ka: string, kb: string): BitLoop {
  const cond = (float ? FLOAT_COND : INT_COND)[op];
  const X = (i: string): string => (aConst ? 'a' : `a[${i}]`), Y = (i: string): string => (bConst ? 'b' : `b[${i}]`);
  let unrolled = '';
  for (let k = 0; k < 8; k++) unrolled += `{ const x = ${X(`i + ${k}`)}, y = ${Y(`i + ${k}`)}; m |= ${cond} << ${k}; }\n`;
  const body = `const full = n >> 3;
for (let j = 0; j < full; j++) { const i = j << 3; let m = 0;
${unrolled} out[j] = m; }
let m = 0;
for (let i = full << 3; i < n; i++) { const x = ${X('i')}, y = ${Y('i')}; m |= ${cond} << (i & 7); }
if (n & 7) out[full] = m;`;
  return gen<BitLoop>(`cmp|${op}|${float}|${aConst}|${bConst}|${ka}|${kb}`, ['a', 'b', 'out', 'n'], body);
}

const holds = (op: CmpOp, c: number): boolean => (op === '=' ? c === 0 : op === '<>' ? c !== 0 : op === '<' ? c < 0 : op === '<=' ? c <= 0 : op === '>' ? c > 0 : c >= 0);

/** memcmp of two byte ranges: negative, zero or positive. */
export function compareBytes(a: Uint8Array, as: number, ae: number, b: Uint8Array, bs: number, be: number): number {
  const la = ae - as, lb = be - bs;
  const m = la < lb ? la : lb;
  for (let k = 0; k < m; k++) {
    const d = a[as + k]! - b[bs + k]!;
    if (d !== 0) return d;
  }
  return la - lb;
}

/**
 * Rows of a string column equal to a constant (UTF-8 bytes `c`) as bits, eight rows per byte:
 * the length decides most rows; bytes are compared only when it matches. One-byte constants
 * (flags, statuses) compare without a branch per row.
 */
function equalsConstant(v: Uint8Array, o: Int32Array, c: Uint8Array, n: number, out: Uint8Array): void {
  const len = c.length;
  let m = 0;
  if (len === 1) {
    const c0 = c[0]!;
    for (let i = 0; i < n; i++) {
      const s = o[i]!;
      // v[s] past the end (an empty last string) is undefined: not equal.
      m |= (+(o[i + 1]! - s === 1) & +(v[s] === c0)) << (i & 7);
      if ((i & 7) === 7) {
        out[i >> 3] = m;
        m = 0;
      }
    }
  } else {
    for (let i = 0; i < n; i++) {
      const s = o[i]!;
      let eq = 0;
      if (o[i + 1]! - s === len) {
        eq = 1;
        for (let k = 0; k < len; k++) {
          if (v[s + k] !== c[k]) {
            eq = 0;
            break;
          }
        }
      }
      m |= eq << (i & 7);
      if ((i & 7) === 7) {
        out[i >> 3] = m;
        m = 0;
      }
    }
  }
  if (n & 7) out[n >> 3] = m;
}

function stringKernel(op: CmpOp, result: DataType): Kernel {
  return (args, n) => {
    const [a, b] = args as [Col, Col];
    const validity = strictValidity(args, n);
    if (validity === 'all-null') return constCol(result, null, n);
    const out = new Uint8Array(bytesFor(n));
    if ((op === '=' || op === '<>') && a.isConst !== b.isConst) {
      const col = a.isConst ? b : a;
      equalsConstant(col.values as Uint8Array, col.offsets!, encodeUtf8(String((a.isConst ? a : b).value)), n, out);
      if (op === '<>') {
        for (let j = 0; j < out.length; j++) out[j] = ~out[j]! & 0xff;
        clearTail(out, n);
      }
      return flatCol(result, n, out, validity);
    }
    const ca = a.isConst ? encodeUtf8(String(a.value)) : null, cb = b.isConst ? encodeUtf8(String(b.value)) : null;
    const av = (ca ?? a.values) as Uint8Array, bv = (cb ?? b.values) as Uint8Array;
    const ao = a.offsets, bo = b.offsets;
    const eqOnly = op === '=' || op === '<>';
    for (let i = 0; i < n; i++) {
      const as = ao ? ao[i]! : 0, ae = ao ? ao[i + 1]! : ca!.length;
      const bs = bo ? bo[i]! : 0, be = bo ? bo[i + 1]! : cb!.length;
      let c: number;
      if (eqOnly && ae - as !== be - bs) c = 1;
      else c = compareBytes(av, as, ae, bv, bs, be);
      if (holds(op, c)) out[i >> 3]! |= 1 << (i & 7);
    }
    return flatCol(result, n, out, validity);
  };
}

const halves = (v: Values): Int32Array => new Int32Array(v.buffer, v.byteOffset, v.length * 2);

function splitConst(v: bigint, unsigned: boolean): [number, number] {
  const u = BigInt.asUintN(64, v);
  const hi = Number(u >> 32n), lo = Number(u & 0xffffffffn);
  return [unsigned ? hi : hi | 0, lo];
}

function int64Kernel(op: CmpOp, result: DataType, unsigned: boolean): Kernel {
  return (args, n) => {
    const [a, b] = args as [Col, Col];
    const validity = strictValidity(args, n);
    if (validity === 'all-null') return constCol(result, null, n);
    const out = new Uint8Array(bytesFor(n));
    const a32 = a.isConst ? null : halves(a.values!), b32 = b.isConst ? null : halves(b.values!);
    const [cah, cal] = a.isConst ? splitConst(BigInt(a.value as bigint), unsigned) : [0, 0];
    const [cbh, cbl] = b.isConst ? splitConst(BigInt(b.value as bigint), unsigned) : [0, 0];
    for (let i = 0; i < n; i++) {
      let ah = a32 ? a32[2 * i + 1]! : cah, bh = b32 ? b32[2 * i + 1]! : cbh;
      if (unsigned) {
        ah >>>= 0;
        bh >>>= 0;
      }
      let c: number;
      if (ah !== bh) c = ah < bh ? -1 : 1;
      else {
        const al = a32 ? a32[2 * i]! >>> 0 : cal, bl = b32 ? b32[2 * i]! >>> 0 : cbl;
        c = al === bl ? 0 : al < bl ? -1 : 1;
      }
      if (holds(op, c)) out[i >> 3]! |= 1 << (i & 7);
    }
    return flatCol(result, n, out, validity);
  };
}

/** Generic three-way comparison of two physical values of one type (NaN greatest, as DuckDB). */
export function compareValues(x: unknown, y: unknown): number {
  if (typeof x === 'number' && typeof y === 'number') {
    if (x !== x) return y !== y ? 0 : 1;
    if (y !== y) return -1;
    return x < y ? -1 : x > y ? 1 : 0;
  }
  if (typeof x === 'bigint' || typeof y === 'bigint') {
    const a = BigInt(x as bigint), b = BigInt(y as bigint);
    return a < b ? -1 : a > b ? 1 : 0;
  }
  if (typeof x === 'string' && typeof y === 'string') {
    if (x === y) return 0;
    const ex = encodeUtf8(x), ey = encodeUtf8(y);
    return compareBytes(ex, 0, ex.length, ey, 0, ey.length);
  }
  if (typeof x === 'boolean' && typeof y === 'boolean') return x === y ? 0 : x ? 1 : -1;
  if (Array.isArray(x) && Array.isArray(y)) {
    for (let k = 0; k < Math.min(x.length, y.length); k++) {
      if (x[k] === null || y[k] === null) {
        if (x[k] !== y[k]) return x[k] === null ? 1 : -1;
        continue;
      }
      const c = compareValues(x[k], y[k]);
      if (c !== 0) return c;
    }
    return x.length - y.length;
  }
  if (x instanceof Uint8Array && y instanceof Uint8Array) return compareBytes(x, 0, x.length, y, 0, y.length);
  if (typeof x === 'object' && typeof y === 'object' && x && y) {
    if ('months' in x && 'months' in y) return compareValues(intervalMicros(x as never), intervalMicros(y as never));
    const kx = Object.keys(x);
    for (const k of kx) {
      const c = compareValues((x as Record<string, unknown>)[k], (y as Record<string, unknown>)[k]);
      if (c !== 0) return c;
    }
    return 0;
  }
  return x === y ? 0 : String(x) < String(y) ? -1 : 1;
}

/** An interval as comparable microseconds (months as 30 days, as DuckDB normalises). */
export const intervalMicros = (v: { months: number; days: number; nanoseconds: bigint }): bigint =>
  (BigInt(v.months) * 30n + BigInt(v.days)) * 86_400_000_000n + v.nanoseconds / 1000n;

function genericKernel(op: CmpOp, result: DataType): Kernel {
  return (args, n) => {
    const [a, b] = args as [Col, Col];
    const validity = strictValidity(args, n);
    if (validity === 'all-null') return constCol(result, null, n);
    const out = new Uint8Array(bytesFor(n));
    for (let i = 0; i < n; i++) {
      if (validity && !getBit(validity, i)) continue;
      if (holds(op, compareValues(valueAt(a, i), valueAt(b, i)))) setBit(out, i);
    }
    return flatCol(result, n, out, validity);
  };
}

const is64 = (t: DataType): boolean =>
  (t.typeId === Type.Int && (t as unknown as { bitWidth: number }).bitWidth === 64) || t.typeId === Type.Timestamp || (t.typeId === Type.Date && (t as unknown as { unit: number }).unit === 1) || t.typeId === Type.Time && (t as unknown as { bitWidth: number }).bitWidth === 64 || t.typeId === Type.Duration;

/** The comparison kernel for arguments of type `t` (both sides have it). */
export function comparisonKernel(op: CmpOp, t: DataType, result: DataType): Kernel {
  if (isString(t)) return stringKernel(op, result);
  if (is64(t)) return int64Kernel(op, result, t.typeId === Type.Int && !(t as unknown as { isSigned: boolean }).isSigned);
  if (t.typeId === Type.Int || t.typeId === Type.Float || t.typeId === Type.Date || t.typeId === Type.Time) {
    const float = t.typeId === Type.Float;
    return (args, n) => {
      const [a, b] = args as [Col, Col];
      const validity = strictValidity(args, n);
      if (validity === 'all-null') return constCol(result, null, n);
      const out = new Uint8Array(bytesFor(n));
      const f = bitLoop(op, float, a.isConst, b.isConst, arrayKind(a.values), arrayKind(b.values));
      f(a.isConst ? Number(a.value) : a.values, b.isConst ? Number(b.value) : b.values, out, n);
      return flatCol(result, n, out, validity);
    };
  }
  return genericKernel(op, result);
}

const comparison = (op: CmpOp): KernelFactory => (spec) => comparisonKernel(op, spec.args[0]!, spec.result);

/** IS [NOT] DISTINCT FROM: like = / <> but never null (NULL equals NULL). */
const distinct = (negate: boolean): KernelFactory => (spec) => {
  const eq = comparisonKernel('=', spec.args[0]!, spec.result);
  return (args, n) => {
    const [a, b] = args as [Col, Col];
    const nullA = (i: number): boolean => (a.isConst ? a.value === null : a.validity !== null && !getBit(a.validity, i));
    const nullB = (i: number): boolean => (b.isConst ? b.value === null : b.validity !== null && !getBit(b.validity, i));
    const bothValid = (a.isConst && a.value === null) || (b.isConst && b.value === null) ? null : eq(args, n);
    const out = new Uint8Array(bytesFor(n));
    for (let i = 0; i < n; i++) {
      const na = nullA(i), nb = nullB(i);
      const same = na || nb ? na && nb : getBit(bothValid!.values as Uint8Array, i);
      if (same !== negate) setBit(out, i);
    }
    return flatCol(spec.result, n, out, null);
  };
};

export const COMPARE_KERNELS: Readonly<Record<string, KernelFactory>> = {
  '=': comparison('='),
  '<>': comparison('<>'),
  '<': comparison('<'),
  '<=': comparison('<='),
  '>': comparison('>'),
  '>=': comparison('>='),
  is_distinct_from: distinct(true),
  is_not_distinct_from: distinct(false),
};
