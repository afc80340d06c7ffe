/**
 * Math kernels. Float functions run as columnar loops over Float64Array; rounding is half away
 * from zero (DuckDB's std::round), `round(x, d)` scales by 10^d first as DuckDB does (so
 * round(2.45, 1) = 2.5 and round(1.005, 2) = 1). sqrt / ln / log of out-of-domain values are
 * errors ('invalid-argument'), as in DuckDB; power of a negative base to a fraction is NULL.
 */
import { ExecutionError } from '../../errors.js';
import { isFloat, isInt64 } from '../../logical/functions.js';
import { clearBit, getBit } from './bits.js';
import { type Col, constCol, flatCol } from './col.js';
import { arrayTypeOf, execError, type KernelFactory, perRow, strictValidity } from './kernel.js';

const roundAway = (x: number): number => (x < 0 ? -Math.round(-x) : Math.round(x));

/** A unary Float64 → Float64 function applied column-wise; `domain` rejects arguments (error text). */
function floatUnary(fn: (x: number) => number, domain?: (x: number) => string | null): KernelFactory {
  return (spec) => (args, n) => {
    const a = args[0]!;
    const check = (x: number): number => {
      const bad = domain?.(x);
      if (bad) throw new ExecutionError('invalid-argument', bad);
      return fn(x);
    };
    if (a.isConst) return constCol(spec.result, a.value === null ? null : check(a.value as number), n);
    const v = a.values as Float64Array, out = new Float64Array(n);
    if (domain) {
      for (let i = 0; i < n; i++) {
        const x = v[i]!;
        if (domain(x) && (!a.validity || getBit(a.validity, i))) check(x);
        out[i] = fn(x);
      }
    } else for (let i = 0; i < n; i++) out[i] = fn(v[i]!);
    return flatCol(spec.result, n, out, a.validity);
  };
}

const logDomain = (x: number): string | null => (x === 0 ? 'cannot take logarithm of zero' : x < 0 ? 'cannot take logarithm of a negative number' : null);

/** A numeric unary that keeps the type (abs, floor, ceil, trunc): identity-like on integers. */
function sameType(floatFn: (x: number) => number, intFn: ((x: number) => number) | null, bigFn: ((x: bigint) => bigint) | null): KernelFactory {
  return (spec) => {
    const t = spec.result;
    if (isFloat(t)) return floatUnary(floatFn)(spec);
    if (isInt64(t)) return bigFn ? perRow(t, (v) => bigFn(v[0] as bigint)) : (args) => args[0]!;
    if (!intFn) return (args) => args[0]!;
    const Out = arrayTypeOf(t);
    return (args, n) => {
      const a = args[0]!;
      if (a.isConst) {
        const r = a.value === null ? null : intFn(a.value as number);
        if (r !== null && r > 2147483647) throw execError('numeric-overflow', `Overflow in ABS of INTEGER (${String(a.value)})`);
        return constCol(t, r, n);
      }
      const v = a.values as Int32Array, out = new Out(n) as Int32Array;
      for (let i = 0; i < n; i++) {
        const r = intFn(v[i]!);
        if (r > 2147483647 && (!a.validity || getBit(a.validity, i))) throw execError('numeric-overflow', `Overflow in ABS of INTEGER (${v[i]})`);
        out[i] = r;
      }
      return flatCol(t, n, out, a.validity);
    };
  };
}

const absBig = (x: bigint): bigint => {
  if (x === -9223372036854775808n) throw execError('numeric-overflow', 'Overflow in ABS of BIGINT');
  return x < 0n ? -x : x;
};

/** round(x [, d]). */
const round: KernelFactory = (spec) => {
  const t = spec.result;
  const roundFloat = (x: number, d: number): number => {
    if (d === 0) return roundAway(x);
    if (d > 0) {
      const f = 10 ** d;
      const r = roundAway(x * f) / f;
      return Number.isFinite(r) ? r : x;
    }
    const f = 10 ** -d;
    return roundAway(x / f) * f;
  };
  if (isFloat(t)) {
    return (args, n) => {
      const [a, dc] = args as [Col, Col | undefined];
      if (!dc || dc.isConst) {
        const d = dc ? Number(dc.value) : 0;
        if (dc && dc.value === null) return constCol(t, null, n);
        if (a.isConst) return constCol(t, a.value === null ? null : roundFloat(a.value as number, d), n);
        const v = a.values as Float64Array, out = new Float64Array(n);
        for (let i = 0; i < n; i++) out[i] = roundFloat(v[i]!, d);
        return flatCol(t, n, out, a.validity);
      }
      return perRow(t, (v) => roundFloat(v[0] as number, Number(v[1])))(args, n);
    };
  }
  // Integers: round to a negative number of digits, else unchanged.
  return perRow(t, (v) => {
    const d = v.length > 1 ? Number(v[1]) : 0;
    if (d >= 0) return v[0];
    const f = 10n ** BigInt(-d);
    const x = BigInt(v[0] as number | bigint);
    const q = x / f, r = x % f;
    const adj = 2n * (r < 0n ? -r : r) >= f ? (x < 0n ? -1n : 1n) : 0n;
    const out = (q + adj) * f;
    return isInt64(t) ? out : Number(out);
  });
};

const sign: KernelFactory = (spec) => perRow(spec.result, (v) => {
  const x = v[0] as number | bigint;
  return x > 0 ? 1 : x < 0 ? -1 : 0;
});

function floatBinary(fn: (x: number, y: number) => number | null): KernelFactory {
  return (spec) => (args, n) => {
    const validity = strictValidity(args, n);
    if (validity === 'all-null') return constCol(spec.result, null, n);
    const [a, b] = args as [Col, Col];
    const out = new Float64Array(n);
    let v = validity;
    for (let i = 0; i < n; i++) {
      const x = a.isConst ? (a.value as number) : (a.values as Float64Array)[i]!;
      const y = b.isConst ? (b.value as number) : (b.values as Float64Array)[i]!;
      const r = fn(x, y);
      if (r === null) {
        v = v ? (v === validity ? v.slice() : v) : new Uint8Array((n + 7) >> 3).fill(0xff);
        clearBit(v, i);
      } else out[i] = r;
    }
    return flatCol(spec.result, n, out, v);
  };
}

const power = floatBinary((x, y) => {
  const r = Math.pow(x, y);
  return Number.isNaN(r) && !Number.isNaN(x) && !Number.isNaN(y) ? null : r;
});

export const MATH_KERNELS: Readonly<Record<string, KernelFactory>> = {
  abs: sameType(Math.abs, Math.abs, absBig),
  floor: sameType(Math.floor, null, null),
  ceil: sameType(Math.ceil, null, null),
  trunc: sameType(Math.trunc, null, null),
  round,
  sign,
  sqrt: floatUnary(Math.sqrt, (x) => (x < 0 ? 'cannot take square root of a negative number' : null)),
  cbrt: floatUnary(Math.cbrt),
  ln: floatUnary(Math.log, logDomain),
  log10: floatUnary(Math.log10, logDomain),
  log2: floatUnary(Math.log2, logDomain),
  log: (spec) => (spec.args.length === 1 ? floatUnary(Math.log10, logDomain)(spec) : floatBinary((b, x) => Math.log(x) / Math.log(b))(spec)),
  exp: floatUnary(Math.exp),
  sin: floatUnary(Math.sin),
  cos: floatUnary(Math.cos),
  tan: floatUnary(Math.tan),
  asin: floatUnary(Math.asin),
  acos: floatUnary(Math.acos),
  atan: floatUnary(Math.atan),
  degrees: floatUnary((x) => (x * 180) / Math.PI),
  radians: floatUnary((x) => (x * Math.PI) / 180),
  power,
  atan2: floatBinary(Math.atan2),
  pi: (spec) => (_a, n) => constCol(spec.result, Math.PI, n),
  random: (spec) => (_a, n): Col => {
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) out[i] = Math.random();
    return flatCol(spec.result, n, out, null);
  },
};

