/**
 * Text of plans and expressions for EXPLAIN and snapshot tests: one line per node, children
 * indented by two spaces, parameters in a fixed order, e.g.
 *
 *     Aggregate groups=[l_returnflag] aggs=[sum(l_quantity) AS sum_qty]
 *       Filter predicate=(l_shipdate <= DATE '1998-09-02')
 *         TableScan table=tpch.lineitem columns=[l_returnflag, l_quantity, l_shipdate]
 *
 * Stable by construction: no object identities, no hash-ordered collections.
 */
import { type DataType, type Timestamp, Type } from 'apache-arrow';

import { assertNever } from '../errors.js';
import { formatExpr } from './expr.js';
import { formatDate, formatTimestampMicros, microsToUnit, typeName } from './functions.js';
import type { AggregateCall, FrameBound, Plan, Scalar, SortKey, WindowCall, WindowFrame } from './plan.js';
import { planChildren } from './tree.js';

const INFIX = new Set(['+', '-', '*', '/', '//', '%', '=', '<>', '<', '<=', '>', '>=', '||', 'like', 'ilike', 'and', 'or']);

/** A literal in SQL-like text. */
export function formatValue(value: unknown, type: DataType): string {
  if (value === null || value === undefined) return 'NULL';
  switch (type.typeId) {
    case Type.Utf8:
    case Type.LargeUtf8:
      return `'${String(value).replace(/'/g, "''")}'`;
    case Type.Date:
      return `DATE '${formatDate(Number(value))}'`;
    case Type.Timestamp: {
      const { mul, div } = microsToUnit((type as Timestamp).unit);
      return `TIMESTAMP '${formatTimestampMicros((BigInt(value as bigint) * div) / mul)}'`;
    }
    case Type.Interval: {
      const v = value as { months: number; days: number; nanoseconds: bigint };
      const parts = [v.months ? `${v.months} months` : '', v.days ? `${v.days} days` : '', v.nanoseconds ? `${v.nanoseconds / 1000n} microseconds` : ''].filter(Boolean);
      return `INTERVAL '${parts.join(' ') || '0 days'}'`;
    }
    default:
      if (Array.isArray(value)) {
        const el = (type as unknown as { children: { type: DataType }[] }).children[0]!.type;
        return `[${value.map((v) => formatValue(v, el)).join(', ')}]`;
      }
      if (typeof value === 'object') return JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? String(v) : v));
      return String(value);
  }
}

/** An expression in SQL-like text; operators infix and parenthesised. */
export function formatScalar(s: Scalar): string {
  switch (s.kind) {
    case 'column':
      return s.name;
    case 'literal':
      return formatValue(s.value, s.type);
    case 'call': {
      const a = s.args.map(formatScalar);
      if (INFIX.has(s.fn) && a.length >= 2) return `(${a.join(` ${s.fn.toUpperCase() === s.fn ? s.fn : s.fn.toUpperCase()} `)})`;
      if (s.fn === 'neg') return `(- ${a[0]})`;
      if (s.fn === 'not') return `(NOT ${a[0]})`;
      if (s.fn === 'is_null') return `(${a[0]} IS NULL)`;
      if (s.fn === 'is_not_null') return `(${a[0]} IS NOT NULL)`;
      if (s.fn.startsWith('extract_')) return `extract(${s.fn.slice(8)} FROM ${a[0]})`;
      return `${s.fn}(${a.join(', ')})`;
    }
    case 'case':
      return `CASE ${s.whens.map((w) => `WHEN ${formatScalar(w.when)} THEN ${formatScalar(w.then)}`).join(' ')}${s.else ? ` ELSE ${formatScalar(s.else)}` : ''} END`;
    case 'cast':
      return `${s.safe ? 'TRY_CAST' : 'CAST'}(${formatScalar(s.arg)} AS ${typeName(s.type)})`;
    case 'in_list':
      return `(${formatScalar(s.arg)} ${s.negated ? 'NOT IN' : 'IN'} (${s.list.map(formatScalar).join(', ')}))`;
    default:
      return assertNever(s, 'scalar');
  }
}

const list = (xs: readonly string[]): string => `[${xs.join(', ')}]`;

export function formatSortKey(k: SortKey): string {
  const dflt = k.nullsFirst === k.descending;
  return `${formatScalar(k.expr)}${k.descending ? ' DESC' : ''}${dflt ? '' : k.nullsFirst ? ' NULLS FIRST' : ' NULLS LAST'}`;
}

const named = (expr: string, name: string): string => (expr === name ? name : `${expr} AS ${name}`);

export function formatAggregate(a: AggregateCall): string {
  const args = a.fn === 'count_star' ? '*' : a.args.map(formatScalar).join(', ');
  const order = a.orderBy.length ? ` ORDER BY ${a.orderBy.map(formatSortKey).join(', ')}` : '';
  const f = a.filter ? ` FILTER (WHERE ${formatScalar(a.filter)})` : '';
  return named(`${a.fn === 'count_star' ? 'count' : a.fn}(${a.distinct ? 'DISTINCT ' : ''}${args}${order})${f}`, a.name);
}

function formatBound(b: FrameBound): string {
  switch (b.kind) {
    case 'unbounded_preceding': return 'UNBOUNDED PRECEDING';
    case 'unbounded_following': return 'UNBOUNDED FOLLOWING';
    case 'current_row': return 'CURRENT ROW';
    case 'preceding': return `${formatScalar(b.offset)} PRECEDING`;
    case 'following': return `${formatScalar(b.offset)} FOLLOWING`;
    default: return assertNever(b, 'frame bound');
  }
}

export const formatFrame = (f: WindowFrame): string => `${f.mode.toUpperCase()} BETWEEN ${formatBound(f.start)} AND ${formatBound(f.end)}`;

export function formatWindow(c: WindowCall): string {
  const over = [
    c.partitionBy.length ? `PARTITION BY ${c.partitionBy.map(formatScalar).join(', ')}` : '',
    c.orderBy.length ? `ORDER BY ${c.orderBy.map(formatSortKey).join(', ')}` : '',
    c.frame ? formatFrame(c.frame) : '',
  ].filter(Boolean);
  const f = c.filter ? ` FILTER (WHERE ${formatScalar(c.filter)})` : '';
  return named(`${c.fn}(${c.distinct ? 'DISTINCT ' : ''}${c.args.map(formatScalar).join(', ')})${f} OVER (${over.join(' ')})`, c.name);
}

/** The name and ordered parameters of one plan node. */
export function planParams(p: Plan): { name: string; params: [string, string][] } {
  switch (p.kind) {
    case 'table_scan':
      return {
        name: 'TableScan',
        params: [
          ['table', p.table.id + (p.table.asof !== null ? ` AS OF ${String(p.table.asof)}` : '')],
          ['columns', list(p.columns.map((c) => named(c.column, c.name)))],
          ...(p.filters.length ? [['filters', list(p.filters.map(formatScalar))] as [string, string]] : []),
        ],
      };
    case 'collection_scan':
      return {
        name: 'CollectionScan',
        params: [
          ['dataset', p.dataset + (p.asof !== null ? ` AS OF ${String(p.asof)}` : '')],
          ['items', list(p.items.map((i) => named(formatExpr(i.expr), i.name)))],
          ...(p.where ? [['where', formatExpr(p.where)] as [string, string]] : []),
        ],
      };
    case 'values':
      return { name: 'Values', params: [['columns', list(p.schema.names as string[])], ['rows', String(p.rows.length)]] };
    case 'source':
      return { name: 'Source', params: [['source', p.describe], ['columns', list(p.schema.names as string[])]] };
    case 'filter':
      return { name: 'Filter', params: [['predicate', formatScalar(p.predicate)]] };
    case 'project':
      return { name: 'Project', params: [['exprs', list(p.exprs.map((e) => named(formatScalar(e.expr), e.name)))]] };
    case 'join':
      return {
        name: 'Join',
        params: [
          ['type', p.type + (p.asofLeft ? ' left' : '')],
          ...(p.on.length ? [['on', list(p.on.map((k) => `${formatScalar(k.left)} = ${formatScalar(k.right)}`))] as [string, string]] : []),
          ...(p.asof ? [['asof', `${formatScalar(p.asof.left)} ${p.asof.op} ${formatScalar(p.asof.right)}`] as [string, string]] : []),
          ...(p.residual ? [['residual', formatScalar(p.residual)] as [string, string]] : []),
          ...(p.mark !== null ? [['mark', p.mark] as [string, string]] : []),
        ],
      };
    case 'aggregate':
      return { name: 'Aggregate', params: [['groups', list(p.groups.map((g) => named(formatScalar(g.expr), g.name)))], ['aggs', list(p.aggs.map(formatAggregate))]] };
    case 'window':
      return { name: 'Window', params: [['calls', list(p.calls.map(formatWindow))]] };
    case 'sort':
      return { name: 'Sort', params: [['keys', list(p.keys.map(formatSortKey))]] };
    case 'limit':
      return { name: 'Limit', params: [['limit', p.limit === null ? 'none' : String(p.limit)], ...(p.offset ? [['offset', String(p.offset)] as [string, string]] : [])] };
    case 'distinct':
      return { name: 'Distinct', params: [] };
    case 'set_op':
      return { name: 'SetOp', params: [['op', `${p.op}${p.all ? ' all' : ''}`]] };
    case 'unnest':
      return {
        name: 'Unnest',
        params: [['list', named(formatScalar(p.list), p.as)], ...(p.ordinality ? [['ordinality', p.ordinality] as [string, string]] : []), ...(p.outer ? [['outer', 'true'] as [string, string]] : [])],
      };
    default:
      return assertNever(p, 'plan');
  }
}

/** One node as one line: `Name key=value key=value`. */
export function formatNode(p: Plan): string {
  const { name, params } = planParams(p);
  return [name, ...params.map(([k, v]) => `${k}=${v}`)].join(' ');
}

export interface FormatOptions {
  /** Append each node's output schema (`schema=[a: INTEGER, …]`). */
  readonly schema?: boolean;
}

/** The whole plan, one line per node, children indented by two spaces. */
export function formatPlan(p: Plan, opts: FormatOptions = {}): string {
  const lines: string[] = [];
  const walk = (n: Plan, depth: number): void => {
    const s = opts.schema ? ` schema=[${n.schema.fields.map((f) => `${f.name}: ${typeName(f.type)}`).join(', ')}]` : '';
    lines.push(`${'  '.repeat(depth)}${formatNode(n)}${s}`);
    for (const c of planChildren(n)) walk(c, depth + 1);
  };
  walk(p, 0);
  return lines.join('\n');
}
