/**
 * Small helpers over scalar expressions shared by the rules: boolean literals, conjunctions,
 * column substitution, a structural key for deduplication and the volatility test.
 */
import type { DataType } from 'apache-arrow';

import { T, typeKey } from '../../logical/functions.js';
import type { Scalar } from '../../logical/plan.js';
import * as b from '../../logical/plan-build.js';
import { changed, columnsOf, conjuncts, transformUp, unchanged, visit } from '../../logical/tree.js';

export const TRUE: Scalar = { kind: 'literal', value: true, type: T.bool };
export const FALSE: Scalar = { kind: 'literal', value: false, type: T.bool };

export const boolLit = (v: boolean | null): Scalar => ({ kind: 'literal', value: v, type: T.bool });
export const nullOf = (type: DataType): Scalar => ({ kind: 'literal', value: null, type });

export const isLiteral = (s: Scalar): s is Scalar & { kind: 'literal' } => s.kind === 'literal';
export const isTrueLit = (s: Scalar): boolean => s.kind === 'literal' && s.value === true;
export const isFalseLit = (s: Scalar): boolean => s.kind === 'literal' && s.value === false;
export const isNullLit = (s: Scalar): boolean => s.kind === 'literal' && s.value === null;
/** A literal that a filter rejects (false or NULL). */
export const isRejectingLit = (s: Scalar): boolean => isFalseLit(s) || isNullLit(s);

export { columnsOf, conjuncts };

/** The AND of `parts` (flattened); null when there are none. */
export function conjunction(parts: readonly Scalar[]): Scalar | null {
  const flat = parts.flatMap(conjuncts);
  if (flat.length === 0) return null;
  return flat.length === 1 ? flat[0]! : b.call('and', flat);
}

/** Column references of `s` replaced by `map` (the replacement must have the column's type). */
export function replaceColumns(s: Scalar, map: ReadonlyMap<string, Scalar>): Scalar {
  return transformUp(s, (n) => {
    if (n.kind !== 'column') return unchanged(n);
    const r = map.get(n.name);
    return r ? changed(r) : unchanged(n);
  }).node;
}

/** Names of the columns read by any of `exprs`. */
export function columnsOfAll(exprs: readonly Scalar[]): Set<string> {
  const out = new Set<string>();
  for (const e of exprs) columnsOf(e, out);
  return out;
}

/** Functions whose result differs between two evaluations on the same row. */
const VOLATILE = new Set(['random', 'uuid', 'gen_random_uuid', 'nextval', 'setseed']);

/** True when `s` calls a volatile function: it may not be duplicated, moved across row-changing nodes or removed from where it is evaluated once per row. */
export function isVolatile(s: Scalar): boolean {
  return visit(s, (n) => (n.kind === 'call' && VOLATILE.has(n.fn) ? 'stop' : undefined)) === 'stop';
}

const valueKey = (v: unknown): string => JSON.stringify(v, (_k, x: unknown) => (typeof x === 'bigint' ? `${x}n` : x)) ?? 'undefined';

/** A structural key: equal keys mean equal expressions (types included). */
export function scalarKey(s: Scalar): string {
  switch (s.kind) {
    case 'column':
      return `c:${s.name}`;
    case 'literal':
      return `l:${valueKey(s.value)}:${typeKey(s.type)}`;
    case 'call':
      return `f:${s.fn}:${typeKey(s.type)}(${s.args.map(scalarKey).join(',')})`;
    case 'case':
      return `case:${typeKey(s.type)}(${s.whens.map((w) => `${scalarKey(w.when)}=>${scalarKey(w.then)}`).join(',')};${s.else ? scalarKey(s.else) : ''})`;
    case 'cast':
      return `cast${s.safe ? '?' : ''}:${typeKey(s.type)}(${scalarKey(s.arg)})`;
    case 'in_list':
      return `in${s.negated ? '!' : ''}(${scalarKey(s.arg)};${s.list.map(scalarKey).join(',')})`;
  }
}

/** `parts` without structural duplicates (first occurrence kept). */
export function dedupe(parts: readonly Scalar[]): Scalar[] {
  const seen = new Set<string>();
  return parts.filter((p) => {
    const k = scalarKey(p);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

/** How many times each column is referenced in `exprs` (every occurrence counts). */
export function columnUses(exprs: readonly Scalar[], out = new Map<string, number>()): Map<string, number> {
  for (const e of exprs) {
    visit(e, (n) => {
      if (n.kind === 'column') out.set(n.name, (out.get(n.name) ?? 0) + 1);
      return undefined;
    });
  }
  return out;
}
