/**
 * Expression simplification used by the simplify-expressions rule and by the null-rejection
 * test: constant folding (expr/fold.ts), three-valued boolean logic, CASE/COALESCE/CAST/IN on
 * constants, widening integer casts unwrapped from comparisons with constants. Every rewrite keeps the expression's type and its value on every row, NULL
 * included; the extra rewrites that are only right where NULL and FALSE mean the same (a
 * filter, a join condition, a CASE WHEN condition) are in `simplifyPredicate`.
 *
 * Not done (illegal with NULLs): `x = x → true`, `x AND NOT x → false`, `x OR NOT x → true`,
 * `x AND NULL → false` outside a predicate.
 */
import { type DataType, type Schema, Type } from 'apache-arrow';

import { sameType } from '../../logical/functions.js';
import type { Scalar } from '../../logical/plan.js';
import * as b from '../../logical/plan-build.js';
import { changed, transformUp, unchanged } from '../../logical/tree.js';
import { foldCall } from './fold.js';
import { boolLit, dedupe, FALSE, isFalseLit, isNullLit, isTrueLit, nullOf, TRUE } from './scalars.js';
import { compareValues, FLIP, INVERSE } from './values.js';

/** What the simplifier may assume about columns: `nonNull(name)` when the column never holds NULL. */
export interface SimplifyEnv {
  readonly nonNull: (name: string) => boolean;
}

export const NO_FACTS: SimplifyEnv = { nonNull: () => false };

/** Facts from the input schema(s) of a node: columns declared not nullable. */
export function envOf(...schemas: readonly Schema[]): SimplifyEnv {
  const nonNull = new Set<string>();
  for (const s of schemas) for (const f of s.fields) if (!f.nullable) nonNull.add(f.name);
  return { nonNull: (n) => nonNull.has(n) };
}

const isCall = (s: Scalar, fn: string): s is Scalar & { kind: 'call' } => s.kind === 'call' && s.fn === fn;

/** Never NULL on any row. */
function neverNull(s: Scalar, env: SimplifyEnv): boolean {
  if (s.kind === 'literal') return s.value !== null;
  if (s.kind === 'column') return env.nonNull(s.name);
  return s.kind === 'call' && ['is_null', 'is_not_null', 'is_true', 'is_false', 'is_distinct_from', 'is_not_distinct_from'].includes(s.fn);
}

function simplifyAndOr(s: Scalar & { kind: 'call' }): Scalar {
  const isAnd = s.fn === 'and';
  const absorbing = isAnd ? isFalseLit : isTrueLit;
  const neutral = isAnd ? isTrueLit : isFalseLit;
  const flat = s.args.flatMap((a) => (isCall(a, s.fn) ? a.args : [a]));
  if (flat.some(absorbing)) return isAnd ? FALSE : TRUE;
  const args = dedupe(flat.filter((a) => !neutral(a)));
  if (args.length === 0) return isAnd ? TRUE : FALSE;
  if (args.length === 1) return args[0]!;
  return args.length === s.args.length && args.every((a, i) => a === s.args[i]) ? s : { ...s, args };
}

function simplifyNot(s: Scalar & { kind: 'call' }): Scalar {
  const a = s.args[0]!;
  if (a.kind === 'literal') return boolLit(a.value === null ? null : !(a.value as boolean));
  if (a.kind === 'in_list') return { ...a, negated: !a.negated };
  if (a.kind !== 'call') return s;
  if (a.fn === 'not') return a.args[0]!;
  const inv = INVERSE[a.fn];
  if (inv) return b.call(inv, a.args);
  const swap: Record<string, string> = { is_null: 'is_not_null', is_not_null: 'is_null', is_distinct_from: 'is_not_distinct_from', is_not_distinct_from: 'is_distinct_from' };
  const other = swap[a.fn];
  return other ? b.call(other, a.args) : s;
}

const intRange = (t: DataType): [bigint, bigint] | null => {
  if (t.typeId !== Type.Int) return null;
  const { bitWidth: w, isSigned } = t as unknown as { bitWidth: number; isSigned: boolean };
  return isSigned ? [-(1n << BigInt(w - 1)), (1n << BigInt(w - 1)) - 1n] : [0n, (1n << BigInt(w)) - 1n];
};

/**
 * `CAST(x AS wider int) op c` → `x op c'` when the cast only widens an integer and the constant
 * fits x's type (same answer on every row, NULL included). The binder's implicit casts
 * otherwise hide `column op constant` from storage's key ranges and zone maps.
 */
function unwrapCast(s: Scalar & { kind: 'call' }): Scalar {
  const [a, c] = s.args as [Scalar, Scalar];
  const flipped = a.kind === 'literal';
  const [castSide, litSide] = flipped ? [c, a] : [a, c];
  if (castSide.kind !== 'cast' || litSide.kind !== 'literal' || litSide.value === null) return s;
  const from = intRange(castSide.arg.type), to = intRange(castSide.type);
  if (!from || !to || from[0] < to[0] || from[1] > to[1]) return s;
  const v = litSide.value;
  if (typeof v !== 'bigint' && !(typeof v === 'number' && Number.isInteger(v))) return s;
  const big = BigInt(v);
  if (big < from[0] || big > from[1]) return s;
  const narrowed: Scalar = { kind: 'literal', value: (castSide.arg.type as unknown as { bitWidth: number }).bitWidth === 64 ? big : Number(big), type: castSide.arg.type };
  return b.call(flipped ? FLIP[s.fn]! : s.fn, [castSide.arg, narrowed]);
}

function simplifyCall(s: Scalar & { kind: 'call' }, env: SimplifyEnv): Scalar {
  const folded = foldCall(s);
  if (folded) return folded;
  switch (s.fn) {
    case '=': case '<>': case '<': case '<=': case '>': case '>=':
      return unwrapCast(s);
    case 'and':
    case 'or':
      return simplifyAndOr(s);
    case 'not':
      return simplifyNot(s);
    case 'is_null':
      return neverNull(s.args[0]!, env) ? FALSE : s;
    case 'is_not_null':
      return neverNull(s.args[0]!, env) ? TRUE : s;
    case 'coalesce': {
      const args: Scalar[] = [];
      for (const a of s.args) {
        if (isNullLit(a)) continue;
        args.push(a);
        if (neverNull(a, env)) break;
      }
      if (args.length === 0) return nullOf(s.type);
      if (args.length === 1) return args[0]!;
      return args.length === s.args.length ? s : { ...s, args };
    }
    default:
      return s;
  }
}

function simplifyCase(s: Scalar & { kind: 'case' }): Scalar {
  const whens: { when: Scalar; then: Scalar }[] = [];
  let otherwise = s.else;
  for (const w of s.whens) {
    const when = inPredicate(w.when);
    if (isFalseLit(when)) continue;
    if (isTrueLit(when)) {
      otherwise = w.then;
      break;
    }
    whens.push(when === w.when ? w : { when, then: w.then });
  }
  if (whens.length === 0) return otherwise ?? nullOf(s.type);
  const same = whens.length === s.whens.length && whens.every((w, i) => w === s.whens[i]) && otherwise === s.else;
  return same ? s : { ...s, whens, else: otherwise };
}

function simplifyCast(s: Scalar & { kind: 'cast' }): Scalar {
  const a = s.arg;
  if (a.kind !== 'literal') return s;
  if (a.value === null) return nullOf(s.type);
  try {
    const r = b.cast(a, s.type, s.safe);
    return r.kind === 'literal' ? r : s;
  } catch {
    return s; // a failing CAST fails at run time, on the rows that reach it
  }
}

function simplifyInList(s: Scalar & { kind: 'in_list' }): Scalar {
  if (s.list.length === 1) return b.call(s.negated ? '<>' : '=', [s.arg, s.list[0]!]);
  if (s.arg.kind !== 'literal' || !s.list.every((x) => x.kind === 'literal')) return s;
  if (s.arg.value === null) return nullOf(s.type);
  let sawNull = false;
  for (const x of s.list as readonly (Scalar & { kind: 'literal' })[]) {
    if (x.value === null) {
      sawNull = true;
      continue;
    }
    const c = compareValues(s.arg.value, x.value, s.arg.type);
    if (c === undefined) return s;
    if (c === 0) return boolLit(!s.negated);
  }
  return boolLit(sawNull ? null : s.negated);
}

/** One node, its children already simplified. */
function simplifyNode(s: Scalar, env: SimplifyEnv): Scalar {
  switch (s.kind) {
    case 'column':
    case 'literal':
      return s;
    case 'call':
      return simplifyCall(s, env);
    case 'case':
      return simplifyCase(s);
    case 'cast':
      return sameType(s.arg.type, s.type) ? s.arg : simplifyCast(s);
    case 'in_list':
      return simplifyInList(s);
  }
}

/** `s` simplified; the same object when nothing changed. */
export function simplifyScalar(s: Scalar, env: SimplifyEnv = NO_FACTS): Scalar {
  return transformUp(s, (n) => {
    const r = simplifyNode(n, env);
    return r === n ? unchanged(n) : changed(r);
  }).node;
}

/** Rewrites only legal where NULL means FALSE: NULL literals on the AND/OR spine become FALSE. */
function inPredicate(s: Scalar): Scalar {
  if (isNullLit(s)) return FALSE;
  if (s.kind !== 'call' || (s.fn !== 'and' && s.fn !== 'or')) return s;
  const args = s.args.map(inPredicate);
  if (args.every((a, i) => a === s.args[i])) return s;
  return simplifyAndOr({ ...s, args });
}

/** A filter or join condition simplified (NULL and FALSE both reject a row there). */
export function simplifyPredicate(s: Scalar, env: SimplifyEnv = NO_FACTS): Scalar {
  return inPredicate(simplifyScalar(s, env));
}
