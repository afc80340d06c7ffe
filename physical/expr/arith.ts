/**
 * Arithmetic kernels: + - * / // % and negation on Int32, Int64 and Float64 columns (the
 * compute types logical/functions.ts coerces to). Loops are generated per operator and array
 * type (monomorphic) and run over whole columns; nulls are handled by ANDing validity bitmaps,
 * never per row. Int32 overflow is detected in the loop and reported ('numeric-overflow')
 * only when it happens on a valid row. Int64 runs on the 32-bit halves with an exact
 * double fast path for values below 2^53, falling back to BigInt per row otherwise.
 * As DuckDB: `/` follows IEEE (x / 0 = ±Infinity, 0 / 0 = NaN); `//` by zero and integer `%`
 * by zero give NULL; `%` on doubles by zero is NaN; `//` on floats is plain division.
 */
import type { DataType } from 'apache-arrow';

import { isFloat, isInt64 } from '../../logical/functions.js';
import { bytesFor, clearBit, getBit } from './bits.js';
import { type Col, constCol, flatCol, type Values } from './col.js';
import { arrayKind, arrayTypeOf, execError, gen, type Kernel, type KernelFactory, strictValidity } from './kernel.js';

type Op = '+' | '-' | '*' | '/' | '//' | '%';
type Loop = (a: unknown, b: unknown, out: Values, n: number) => number;

const I32_MIN = -2147483648, I32_MAX = 2147483647;

function expr(op: Op, float: boolean, a: string, b: string): string {
  switch (op) {
    case '+': case '-': case '*': return `${a} ${op} ${b}`;
    case '/': return `${a} / ${b}`;
    case '//': return float ? `${a} / ${b}` : `Math.trunc(${a} / ${b})`;
    case '%': return `${a} % ${b}`;
  }
}

/** The generated loop for `op` over the given operand shapes; returns 1 when an Int32 result overflowed. */
function loop(op: Op, float: boolean, aConst: boolean, bConst: boolean, ka: string, kb: string, ko: string): Loop {
  const A = aConst ? 'a' : 'a[i]', B = bConst ? 'b' : 'b[i]';
  const e = expr(op, float, A, B);
  const check = float ? '' : `if (r > ${I32_MAX} || r < ${I32_MIN}) bad = 1;`;
  const body = `let bad = 0; for (let i = 0; i < n; i++) { const r = ${e}; out[i] = r; ${check} } return bad;`;
  return gen<Loop>(`arith|${op}|${float}|${aConst}|${bConst}|${ka}|${kb}|${ko}`, ['a', 'b', 'out', 'n'], body);
}

const operand = (c: Col): unknown => (c.isConst ? Number(c.value) : c.values);

/** Clears validity where the divisor is zero; returns the (owned) validity. */
function nullOnZero(b: Col, validity: Uint8Array | null, n: number): Uint8Array | null {
  const v = b.values as ArrayLike<number | bigint>;
  let out = validity;
  let owned = false;
  for (let i = 0; i < n; i++) {
    if (v[i] == 0) {
      if (!owned) {
        out = out ? out.slice() : new Uint8Array(bytesFor(n)).fill(0xff);
        owned = true;
      }
      clearBit(out!, i);
    }
  }
  return out;
}

function numberKernel(op: Op, result: DataType): Kernel {
  const float = isFloat(result);
  const Out = arrayTypeOf(result);
  return (args, n) => {
    const [a, b] = args as [Col, Col];
    let validity = strictValidity(args, n);
    if (validity === 'all-null') return constCol(result, null, n);
    const divides = op === '//' || (op === '%' && !float);
    if (b.isConst && divides && Number(b.value) === 0) return constCol(result, null, n);
    const out = new Out(n);
    const f = loop(op, float || op === '/', a.isConst, b.isConst, arrayKind(a.values), arrayKind(b.values), out.constructor.name);
    const bad = f(operand(a), operand(b), out, n);
    if (divides && !b.isConst) validity = nullOnZero(b, validity, n);
    if (bad && !float) checkOverflow(a, b, op, validity, n);
    return flatCol(result, n, out, validity);
  };
}

function checkOverflow(a: Col, b: Col, op: Op, validity: Uint8Array | null, n: number): void {
  const at = (c: Col, i: number): number => (c.isConst ? Number(c.value) : (c.values as Int32Array)[i]!);
  for (let i = 0; i < n; i++) {
    if (validity && !getBit(validity, i)) continue;
    const x = at(a, i), y = at(b, i);
    const r = op === '+' ? x + y : op === '-' ? x - y : op === '*' ? x * y : op === '//' ? Math.trunc(x / y) : x % y;
    if (r > I32_MAX || r < I32_MIN) throw execError('numeric-overflow', `Overflow in ${opName(op)} of INTEGER (${x} ${op} ${y})`);
  }
}

const opName = (op: Op): string => ({ '+': 'addition', '-': 'subtraction', '*': 'multiplication', '/': 'division', '//': 'division', '%': 'modulo' })[op];

// ─── Int64 ──────────────────────────────────────────────────────────────────────────────────

const TWO32 = 4294967296;
const SAFE = 9007199254740991;
const HI_SAFE = 2097152; // |hi| below 2^21 ⇒ |value| < 2^53

const halves = (v: Values): Int32Array => new Int32Array(v.buffer, v.byteOffset, v.length * 2);

function int64Kernel(op: Op, result: DataType): Kernel {
  return (args, n) => {
    const [a, b] = args as [Col, Col];
    let validity = strictValidity(args, n);
    if (validity === 'all-null') return constCol(result, null, n);
    const divides = op === '//' || op === '%';
    if (divides && b.isConst && BigInt(b.value as bigint) === 0n) return constCol(result, null, n);
    const out = new BigInt64Array(n);
    const o = halves(out);
    const a32 = a.isConst ? null : halves(a.values!), b32 = b.isConst ? null : halves(b.values!);
    const ab = a.isConst ? BigInt(a.value as bigint) : 0n, bb = b.isConst ? BigInt(b.value as bigint) : 0n;
    const an = Number(ab), bn = Number(bb);
    const aFast = !a32 && Number.isSafeInteger(an), bFast = !b32 && Number.isSafeInteger(bn);
    const av = a.values as BigInt64Array, bv = b.values as BigInt64Array;
    if (divides && !b.isConst) validity = nullOnZero(b, validity, n);
    for (let i = 0; i < n; i++) {
      if (!divides) {
        let x = an, y = bn, fast = true;
        if (a32) {
          const h = a32[2 * i + 1]!;
          if (h >= -HI_SAFE && h < HI_SAFE) x = h * TWO32 + (a32[2 * i]! >>> 0);
          else fast = false;
        } else fast = aFast;
        if (b32) {
          const h = b32[2 * i + 1]!;
          if (h >= -HI_SAFE && h < HI_SAFE) y = h * TWO32 + (b32[2 * i]! >>> 0);
          else fast = false;
        } else fast &&= bFast;
        if (fast) {
          const r = op === '+' ? x + y : op === '-' ? x - y : x * y;
          if (r >= -SAFE && r <= SAFE) {
            const hi = Math.floor(r / TWO32);
            o[2 * i + 1] = hi;
            o[2 * i] = r - hi * TWO32;
            continue;
          }
        }
      }
      if (validity && !getBit(validity, i)) continue;
      const x = a32 ? av[i]! : ab, y = b32 ? bv[i]! : bb;
      out[i] = int64Slow(op, x, y);
    }
    return flatCol(result, n, out, validity);
  };
}

function int64Slow(op: Op, x: bigint, y: bigint): bigint {
  let r: bigint;
  switch (op) {
    case '+': r = x + y; break;
    case '-': r = x - y; break;
    case '*': r = x * y; break;
    case '//': case '/': r = x / y; break;
    case '%': r = x % y; break;
  }
  if (r !== BigInt.asIntN(64, r)) throw execError('numeric-overflow', `Overflow in ${opName(op)} of BIGINT (${x} ${op} ${y})`);
  return r;
}

export const arithmetic = (op: Op): KernelFactory => (spec) => {
  const [ta] = spec.args as [DataType, DataType];
  if (isInt64(ta) && op !== '/') return int64Kernel(op, spec.result);
  if (isInt64(ta)) {
    // BIGINT / BIGINT is Float64: convert both sides to doubles first.
    return (args, n) => numberKernel('/', spec.result)(args.map((c) => toFloat(c, n)), n);
  }
  return numberKernel(op, spec.result);
};

function toFloat(c: Col, n: number): Col {
  if (c.isConst) return { ...c, value: c.value === null ? null : Number(c.value) };
  const v = c.values as BigInt64Array;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = Number(v[i]!);
  return flatCol(c.type, n, out, c.validity);
}

export const negate: KernelFactory = (spec) => {
  const t = spec.result;
  if (isInt64(t)) {
    return (args, n) => {
      const a = args[0]!;
      if (a.isConst) return constCol(t, a.value === null ? null : int64Slow('-', 0n, BigInt(a.value as bigint)), n);
      const v = a.values as BigInt64Array, out = new BigInt64Array(n);
      for (let i = 0; i < n; i++) {
        const x = v[i]!;
        if (x === -9223372036854775808n && (!a.validity || getBit(a.validity, i))) throw execError('numeric-overflow', 'Overflow in negation of BIGINT');
        out[i] = -x;
      }
      return flatCol(t, n, out, a.validity);
    };
  }
  if (isFloat(t)) {
    return (args, n) => {
      const a = args[0]!;
      if (a.isConst) return constCol(t, a.value === null ? null : -(a.value as number), n);
      const v = a.values as Float64Array, out = new Float64Array(n);
      for (let i = 0; i < n; i++) out[i] = -v[i]!;
      return flatCol(t, n, out, a.validity);
    };
  }
  return (args, n) => numberKernel('-', t)([constCol(t, 0, n), args[0]!], n);
};


export const ARITH_KERNELS: Readonly<Record<string, KernelFactory>> = {
  '+': arithmetic('+'),
  '-': arithmetic('-'),
  '*': arithmetic('*'),
  '/': arithmetic('/'),
  '//': arithmetic('//'),
  '%': arithmetic('%'),
  neg: negate,
};
