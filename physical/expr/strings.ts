/**
 * String kernels. Lengths and positions count Unicode code points (DuckDB). Byte-level
 * columnar paths where they matter: LIKE / prefix / suffix / contains with constant
 * patterns, `||`, length, ASCII lower/upper; the rest decode per row.
 */
import type { DataType } from 'apache-arrow';

import { ExecutionError } from '../../errors.js';
import { bytesFor, setBit } from './bits.js';
import { type Col, constCol, flatCol, valueAt } from './col.js';
import { type Kernel, type KernelFactory, type KernelSpec, perRow, strictValidity } from './kernel.js';
import { likeMatcher } from './like.js';
import { codePointCount, encodeUtf8, StringBuilder } from './utf8.js';

const constString = (spec: KernelSpec, i: number): string | null | undefined => {
  const c = spec.consts[i];
  return c ? (c.value as string | null) : undefined;
};

/** Applies a byte predicate to every row of a string column (bitmap result). */
function bytePredicate(result: DataType, pred: (b: Uint8Array, s: number, e: number) => boolean): Kernel {
  return (args, n) => {
    const a = args[0]!;
    const validity = strictValidity(args, n);
    if (validity === 'all-null') return constCol(result, null, n);
    if (a.isConst) {
      const b = encodeUtf8(a.value as string);
      return constCol(result, pred(b, 0, b.length), n);
    }
    const bytes = a.values as Uint8Array, offs = a.offsets!;
    const out = new Uint8Array(bytesFor(n));
    for (let i = 0; i < n; i++) if (pred(bytes, offs[i]!, offs[i + 1]!)) out[i >> 3]! |= 1 << (i & 7);
    return flatCol(result, n, out, validity);
  };
}

const cache = new Map<string, ReturnType<typeof likeMatcher>>();
function cachedLike(pattern: string, escape: string | null, ci: boolean): ReturnType<typeof likeMatcher> {
  const k = `${ci ? 'i' : 'c'}${escape ?? ''}\u0000${pattern}`;
  let m = cache.get(k);
  if (!m) {
    m = likeMatcher(pattern, escape, ci);
    if (cache.size > 1000) cache.clear();
    cache.set(k, m);
  }
  return m;
}

const like = (ci: boolean): KernelFactory => (spec) => {
  const pattern = constString(spec, 1), escape = constString(spec, 2);
  if (pattern !== undefined && escape !== undefined || (pattern !== undefined && spec.args.length === 2)) {
    if (pattern === null || escape === null) return (_a, n) => constCol(spec.result, null, n);
    const m = cachedLike(pattern, escape ?? null, ci);
    if (m.bytes) return bytePredicate(spec.result, m.bytes);
    const re = m.regex;
    return perRow(spec.result, (v) => re.test(v[0] as string));
  }
  return perRow(spec.result, (v) => cachedLike(v[1] as string, (v[2] as string | undefined) ?? null, ci).regex.test(v[0] as string));
};

function indexOfBytes(h: Uint8Array, hs: number, he: number, needle: Uint8Array): number {
  const last = he - needle.length;
  outer: for (let i = hs; i <= last; i++) {
    for (let k = 0; k < needle.length; k++) if (h[i + k] !== needle[k]) continue outer;
    return i;
  }
  return -1;
}

const affix = (kind: 'prefix' | 'suffix' | 'contains'): KernelFactory => (spec) => {
  const test = (h: Uint8Array, s: number, e: number, nd: Uint8Array): boolean => {
    if (e - s < nd.length) return false;
    if (kind === 'contains') return indexOfBytes(h, s, e, nd) >= 0;
    const at = kind === 'prefix' ? s : e - nd.length;
    for (let k = 0; k < nd.length; k++) if (h[at + k] !== nd[k]) return false;
    return true;
  };
  const c = constString(spec, 1);
  if (c !== undefined) {
    if (c === null) return (_a, n) => constCol(spec.result, null, n);
    const nd = encodeUtf8(c);
    return bytePredicate(spec.result, (h, s, e) => test(h, s, e, nd));
  }
  return perRow(spec.result, (v) => {
    const h = encodeUtf8(v[0] as string);
    return test(h, 0, h.length, encodeUtf8(v[1] as string));
  });
};

/** `a || b` on bytes. */
const concatOp: KernelFactory = (spec) => (args, n) => {
  const validity = strictValidity(args, n);
  if (validity === 'all-null') return constCol(spec.result, null, n);
  const parts = args.map((a) => (a.isConst ? { c: encodeUtf8(a.value as string), b: null, o: null } : { c: null, b: a.values as Uint8Array, o: a.offsets! }));
  const sb = new StringBuilder(n);
  for (let i = 0; i < n; i++) {
    for (const p of parts) {
      if (p.c) sb.pushBytes(p.c, 0, p.c.length);
      else sb.pushBytes(p.b!, p.o![i]!, p.o![i + 1]!);
    }
    sb.endRow();
  }
  const { offsets, bytes } = sb.finish();
  return flatCol(spec.result, n, bytes, validity, offsets);
};

const lengthKernel: KernelFactory = (spec) => (args, n) => {
  const a = args[0]!;
  if (a.isConst) return constCol(spec.result, a.value === null ? null : BigInt([...(a.value as string)].length), n);
  const out = new BigInt64Array(n);
  const bytes = a.values as Uint8Array, offs = a.offsets!;
  for (let i = 0; i < n; i++) out[i] = BigInt(codePointCount(bytes, offs[i]!, offs[i + 1]!));
  return flatCol(spec.result, n, out, a.validity);
};

const caseMap = (upper: boolean): KernelFactory => (spec) => (args, n) => {
  const a = args[0]!;
  if (a.isConst) return constCol(spec.result, a.value === null ? null : mapCase(a.value as string, upper), n);
  const bytes = a.values as Uint8Array, offs = a.offsets!;
  const s0 = offs[0]!, s1 = offs[n]!;
  let ascii = true;
  for (let k = s0; k < s1; k++) if (bytes[k]! >= 0x80) {
    ascii = false;
    break;
  }
  if (ascii) {
    const out = bytes.slice(s0, s1);
    const lo = upper ? 97 : 65, hi = upper ? 122 : 90, d = upper ? -32 : 32;
    for (let k = 0; k < out.length; k++) {
      const c = out[k]!;
      if (c >= lo && c <= hi) out[k] = c + d;
    }
    const o = new Int32Array(n + 1);
    for (let i = 0; i <= n; i++) o[i] = offs[i]! - s0;
    return flatCol(spec.result, n, out, a.validity, o);
  }
  return perRow(spec.result, (v) => mapCase(v[0] as string, upper))(args, n);
};

/** Code point by code point, as DuckDB (utf8proc): one code point maps to one ('ß' → 'ẞ', 'İ' → 'i'). */
function mapCase(s: string, upper: boolean): string {
  let out = '';
  for (const ch of s) {
    const m = upper ? ch.toUpperCase() : ch.toLowerCase();
    if ([...m].length === 1) out += m;
    else if (upper && ch === 'ß') out += 'ẞ';
    else out += upper ? ch : [...m][0]!;
  }
  return out;
}

const hasSurrogates = (s: string): boolean => /[\uD800-\uDFFF]/.test(s);
const chars = (s: string): string[] => (hasSurrogates(s) ? Array.from(s) : (s.split('')));
const cpLength = (s: string): number => (hasSurrogates(s) ? Array.from(s).length : s.length);

/** substr with DuckDB's rules: 1-based start; start ≤ 0 counts from before the string; negative start from the end. */
export function substr(s: string, start: number, len?: number): string {
  const cs = chars(s);
  const n = cs.length;
  let from: number;
  if (start > 0) from = start - 1;
  else if (start < 0) from = n + start;
  else from = -1;
  let to = len === undefined ? n : from + len;
  if (len !== undefined && len < 0) {
    to = from;
    from = from + len;
  }
  from = Math.max(0, from);
  to = Math.min(n, to);
  return to <= from ? '' : cs.slice(from, to).join('');
}

function trimChars(s: string, set: string, left: boolean, right: boolean): string {
  const cs = chars(s), drop = new Set(chars(set));
  let a = 0, b = cs.length;
  if (left) while (a < b && drop.has(cs[a]!)) a++;
  if (right) while (b > a && drop.has(cs[b - 1]!)) b--;
  return cs.slice(a, b).join('');
}

function pad(s: string, len: number, fill: string, left: boolean): string {
  const cs = chars(s);
  if (len <= cs.length) return cs.slice(0, Math.max(0, len)).join('');
  const f = chars(fill);
  if (f.length === 0) return s;
  const need = len - cs.length;
  const p: string[] = [];
  for (let k = 0; k < need; k++) p.push(f[k % f.length]!);
  return left ? p.join('') + s : s + p.join('');
}

const regexCache = new Map<string, RegExp>();
/** A RegExp from an RE2-style pattern and DuckDB option letters (i: case-insensitive, g: global, s: dot matches newline). */
export function regex(pattern: string, options = '', extraFlags = ''): RegExp {
  const k = `${options}/${extraFlags}/${pattern}`;
  let r = regexCache.get(k);
  if (!r) {
    let flags = 'u' + extraFlags;
    if (options.includes('i')) flags += 'i';
    if (options.includes('g') && !flags.includes('g')) flags += 'g';
    if (options.includes('s')) flags += 's';
    if (options.includes('m')) flags += 'm';
    try {
      r = new RegExp(pattern.replace(/\(\?P</g, '(?<'), flags);
    } catch (e) {
      throw new ExecutionError('invalid-argument', `invalid regular expression ${JSON.stringify(pattern)}: ${(e as Error).message}`);
    }
    if (regexCache.size > 1000) regexCache.clear();
    regexCache.set(k, r);
  }
  r.lastIndex = 0;
  return r;
}

const re2Replacement = (r: string): string => r.replace(/\$/g, '$$$$').replace(/\\(\d)/g, '$$$1').replace(/\\\\/g, '\\');

const I = (v: unknown): number => Number(v);
const S = (v: unknown): string => v as string;

const f = (result: (spec: KernelSpec) => DataType, fn: (v: unknown[]) => unknown): KernelFactory => (spec) => perRow(result(spec), fn);
const r = (spec: KernelSpec): DataType => spec.result;

export const STRING_KERNELS: Readonly<Record<string, KernelFactory>> = {
  like: like(false),
  ilike: like(true),
  starts_with: affix('prefix'),
  ends_with: affix('suffix'),
  contains: affix('contains'),
  '||': concatOp,
  length: lengthKernel,
  lower: caseMap(false),
  upper: caseMap(true),
  octet_length: f(r, (v) => BigInt(encodeUtf8(S(v[0])).length)),
  substr: f(r, (v) => substr(S(v[0]), I(v[1]), v.length > 2 ? I(v[2]) : undefined)),
  trim: f(r, (v) => trimChars(S(v[0]), v.length > 1 ? S(v[1]) : ' ', true, true)),
  ltrim: f(r, (v) => trimChars(S(v[0]), v.length > 1 ? S(v[1]) : ' ', true, false)),
  rtrim: f(r, (v) => trimChars(S(v[0]), v.length > 1 ? S(v[1]) : ' ', false, true)),
  replace: f(r, (v) => (S(v[1]) === '' ? S(v[0]) : S(v[0]).split(S(v[1])).join(S(v[2])))),
  strpos: f(r, (v) => {
    const i = S(v[0]).indexOf(S(v[1]));
    return BigInt(i < 0 ? 0 : cpLength(S(v[0]).slice(0, i)) + 1);
  }),
  concat: (spec) => (args, n) => {
    const sb = new StringBuilder(n);
    for (let i = 0; i < n; i++) {
      for (const a of args) {
        const v = valueAt(a, i);
        if (v !== null) sb.pushBytes(...bytesOf(a, i, v as string));
      }
      sb.endRow();
    }
    const { offsets, bytes } = sb.finish();
    return flatCol(spec.result, n, bytes, null, offsets);
  },
  concat_ws: (spec) => (args, n) => {
    const out = new StringBuilder(n);
    const validity = new Uint8Array(bytesFor(n));
    let nulls = 0;
    for (let i = 0; i < n; i++) {
      const sep = valueAt(args[0]!, i);
      if (sep === null) {
        nulls++;
        out.appendEmpty();
        continue;
      }
      setBit(validity, i);
      out.append(args.slice(1).map((a) => valueAt(a, i)).filter((x) => x !== null).join(sep as string));
    }
    const { offsets, bytes } = out.finish();
    return flatCol(spec.result, n, bytes, nulls ? validity : null, offsets);
  },
  left: f(r, (v) => {
    const cs = chars(S(v[0])), k = I(v[1]);
    return cs.slice(0, k >= 0 ? k : Math.max(0, cs.length + k)).join('');
  }),
  right: f(r, (v) => {
    const cs = chars(S(v[0])), k = I(v[1]);
    return k >= 0 ? cs.slice(Math.max(0, cs.length - k)).join('') : cs.slice(Math.min(cs.length, -k)).join('');
  }),
  lpad: f(r, (v) => pad(S(v[0]), I(v[1]), S(v[2]), true)),
  rpad: f(r, (v) => pad(S(v[0]), I(v[1]), S(v[2]), false)),
  reverse: f(r, (v) => chars(S(v[0])).reverse().join('')),
  repeat: f(r, (v) => S(v[0]).repeat(Math.max(0, I(v[1])))),
  ascii: f(r, (v) => S(v[0]).codePointAt(0) ?? 0),
  chr: f(r, (v) => {
    const c = I(v[0]);
    if (c < 0 || c > 0x10ffff) throw new ExecutionError('invalid-argument', `chr: invalid code point ${c}`);
    return String.fromCodePoint(c);
  }),
  regexp_matches: f(r, (v) => regex(S(v[1]), v.length > 2 ? S(v[2]) : '').test(S(v[0]))),
  regexp_full_match: f(r, (v) => {
    const m = regex(`^(?:${S(v[1])})$`, v.length > 2 ? S(v[2]) : '');
    return m.test(S(v[0]));
  }),
  regexp_replace: f(r, (v) => {
    const opts = v.length > 3 ? S(v[3]) : '';
    return S(v[0]).replace(regex(S(v[1]), opts), re2Replacement(S(v[2])));
  }),
  regexp_extract: f(r, (v) => {
    const m = regex(S(v[1])).exec(S(v[0]));
    return m ? (m[v.length > 2 ? I(v[2]) : 0] ?? '') : '';
  }),
  split_part: f(r, (v) => {
    const s = S(v[0]), sep = S(v[1]), k = I(v[2]);
    const parts = sep === '' ? [s] : s.split(sep);
    const at = k > 0 ? k - 1 : k < 0 ? parts.length + k : -1;
    return at >= 0 && at < parts.length ? parts[at]! : '';
  }),
  string_split: f(r, (v) => (S(v[1]) === '' ? chars(S(v[0])) : S(v[0]).split(S(v[1])))),
};

function bytesOf(c: Col, i: number, v: string): [Uint8Array, number, number] {
  if (c.isConst) {
    const b = encodeUtf8(v);
    return [b, 0, b.length];
  }
  return [c.values as Uint8Array, c.offsets![i]!, c.offsets![i + 1]!];
}
