/**
 * A compact s-expression view of any AST node, for snapshots and debugging:
 *
 *   SELECT a + 1 AS b FROM t WHERE x  →  (query (select [(expr-item (binary + (column a) (number 1)) b)] from=[(table t)] where=(column x)))
 *
 * Generic over node shapes: `(kind …)` then the fields in declaration order. Spans are left
 * out, and so are fields at their "nothing" value (null, false, empty list). Clause-like fields
 * print as `field=value`, the rest bare; name paths print dotted; `true` flags print their
 * name (`distinct`, `negated`).
 */

const LABELLED = new Set([
  'from',
  'where',
  'groupBy',
  'having',
  'windows',
  'qualify',
  'orderBy',
  'limit',
  'offset',
  'with',
  'filter',
  'over',
  'partitionBy',
  'frame',
  'start',
  'end',
  'condition',
  'exclude',
  'columns',
  'asOf',
  'escape',
  'low',
  'high',
  'list',
  'whens',
  'else',
  'direction',
  'nulls',
  'base',
  'primaryKey',
  'key',
  'mode',
  'by',
  'size',
  'keys',
  'args',
]);
const PATHS = new Set(['path', 'qualifier', 'name', 'table']);

function atom(s: string): string {
  return s !== '' && !/[\s()[\]"=]/.test(s) ? s : JSON.stringify(s);
}

export function toSexpr(node: unknown): string {
  if (node === null || node === undefined) return 'null';
  if (typeof node === 'string') return atom(node);
  if (typeof node !== 'object') return String(node);
  if (Array.isArray(node)) return `[${node.map(toSexpr).join(' ')}]`;
  const record = node as Record<string, unknown>;
  const entries = Object.entries(record).filter(
    ([key, value]) =>
      key !== 'kind' &&
      key !== 'span' &&
      (key === 'value' || (value !== null && value !== false && !(Array.isArray(value) && value.length === 0))),
  );
  // A kind-less wrapper of one field (a positional function argument): just that field.
  if (typeof record['kind'] !== 'string' && entries.length === 1) return toSexpr(entries[0]![1]);
  const parts: string[] = typeof record['kind'] === 'string' ? [record['kind']] : [];
  for (const [key, value] of entries) {
    let shown: string;
    if (value === true && key !== 'value') shown = key;
    else if (PATHS.has(key) && Array.isArray(value) && value.every((v) => typeof v === 'string'))
      shown = value.map(atom).join('.');
    else shown = toSexpr(value);
    parts.push(LABELLED.has(key) && value !== true ? `${key}=${shown}` : shown);
  }
  return `(${parts.join(' ')})`;
}
