/**
 * LIKE / ILIKE matchers. A constant pattern compiles once: patterns made of literal segments
 * and '%' (the common case: 'PROMO%', '%BRASS', '%green%') match on UTF-8 bytes without
 * decoding; patterns with '_' (one character) or case-insensitive non-ASCII ones become an
 * anchored RegExp. DuckDB has no default escape character; ESCAPE gives one.
 */
import { ExecutionError } from '../../errors.js';
import { encodeUtf8 } from './utf8.js';

/** Tests bytes[start, end). */
export type ByteMatcher = (bytes: Uint8Array, start: number, end: number) => boolean;

interface Token {
  readonly kind: 'lit' | 'any' | 'one';
  readonly text: string;
}

function tokenize(pattern: string, escape: string | null): Token[] {
  if (escape !== null && [...escape].length !== 1) throw new ExecutionError('invalid-argument', 'the ESCAPE string must be a single character');
  const out: Token[] = [];
  let lit = '';
  const chars = [...pattern];
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i]!;
    if (escape !== null && c === escape) {
      const next = chars[++i];
      if (next === undefined) throw new ExecutionError('invalid-argument', 'LIKE pattern must not end with the escape character');
      lit += next;
    } else if (c === '%' || c === '_') {
      if (lit) out.push({ kind: 'lit', text: lit });
      lit = '';
      if (c === '%' && out[out.length - 1]?.kind === 'any') continue;
      out.push({ kind: c === '%' ? 'any' : 'one', text: c });
    } else lit += c;
  }
  if (lit) out.push({ kind: 'lit', text: lit });
  return out;
}

const reEscape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

/** The matcher of a LIKE (or ILIKE when `caseInsensitive`) pattern. */
export function likeMatcher(pattern: string, escape: string | null, caseInsensitive: boolean): { bytes: ByteMatcher | null; regex: RegExp } {
  const tokens = tokenize(pattern, escape);
  const regex = new RegExp(`^${tokens.map((t) => (t.kind === 'any' ? '[\\s\\S]*' : t.kind === 'one' ? '[\\s\\S]' : reEscape(t.text))).join('')}$`, caseInsensitive ? 'iu' : 'u');
  const ascii = /^[\x00-\x7f]*$/.test(pattern);
  if (tokens.some((t) => t.kind === 'one') || (caseInsensitive && !ascii)) return { bytes: null, regex };
  const fold = caseInsensitive;
  const segs = tokens.map((t) => (t.kind === 'lit' ? encodeUtf8(fold ? t.text.toLowerCase() : t.text) : null));
  const anchoredStart = tokens[0]?.kind === 'lit';
  const anchoredEnd = tokens[tokens.length - 1]?.kind === 'lit';
  const lits = segs.filter((s): s is Uint8Array => s !== null);
  const eqAt = (b: Uint8Array, at: number, s: Uint8Array): boolean => {
    for (let k = 0; k < s.length; k++) {
      let x = b[at + k]!;
      if (fold && x >= 65 && x <= 90) x += 32;
      if (x !== s[k]) return false;
    }
    return true;
  };
  const find = (b: Uint8Array, from: number, end: number, s: Uint8Array): number => {
    const last = end - s.length;
    const first = s[0];
    for (let i = from; i <= last; i++) {
      let x = b[i]!;
      if (fold && x >= 65 && x <= 90) x += 32;
      if (x === first && eqAt(b, i, s)) return i;
    }
    return -1;
  };
  if (tokens.length === 0) return { bytes: (_b, s, e) => s === e, regex };
  const bytes: ByteMatcher = (b, start, end) => {
    let lo = start, hi = end, i = 0, j = lits.length;
    if (anchoredStart) {
      const s = lits[0]!;
      if (end - start < s.length || !eqAt(b, start, s)) return false;
      lo += s.length;
      i = 1;
    }
    if (anchoredEnd && j > i) {
      const s = lits[j - 1]!;
      if (hi - lo < s.length || !eqAt(b, hi - s.length, s)) return false;
      hi -= s.length;
      j--;
    } else if (anchoredEnd && tokens.length === 1) return lo === hi;
    for (; i < j; i++) {
      const s = lits[i]!;
      const at = find(b, lo, hi, s);
      if (at < 0) return false;
      lo = at + s.length;
    }
    // Without a trailing '%', the pattern must consume everything.
    return anchoredEnd || tokens[tokens.length - 1]?.kind === 'any' ? true : lo === hi;
  };
  return { bytes, regex };
}
