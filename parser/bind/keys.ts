/**
 * Structural keys of scalar expressions: two expressions with the same key compute the same
 * value on the same row (used to match SELECT expressions with GROUP BY keys, to deduplicate
 * aggregates and to match ORDER BY expressions with select items).
 */
import { typeKey } from '../../logical/functions.js';
import type { Scalar } from '../../logical/plan.js';

const value = (v: unknown): string => JSON.stringify(v, (_, x: unknown) => (typeof x === 'bigint' ? `${x}n` : x));

export function scalarKey(s: Scalar): string {
  switch (s.kind) {
    case 'column':
      return `col(${s.name})`;
    case 'literal':
      return `lit(${value(s.value)}:${typeKey(s.type)})`;
    case 'call':
      return `${s.fn}(${s.args.map(scalarKey).join(',')})`;
    case 'case':
      return `case(${s.whens.map((w) => `${scalarKey(w.when)}?${scalarKey(w.then)}`).join(';')}:${s.else ? scalarKey(s.else) : ''})`;
    case 'cast':
      return `${s.safe ? 'try_' : ''}cast(${scalarKey(s.arg)}:${typeKey(s.type)})`;
    case 'in_list':
      return `in(${scalarKey(s.arg)}${s.negated ? '!' : ''}:${s.list.map(scalarKey).join(',')})`;
  }
}
