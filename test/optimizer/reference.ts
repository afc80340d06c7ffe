/**
 * A naive reference interpreter of relational plans (logical/plan.ts) over JS arrays, with SQL
 * NULL semantics: the oracle of the optimizer's property test. Written for clarity, not speed:
 * nested-loop joins, sort-based everything, one row at a time. Values use the literal
 * representation of plan-build.ts (Int64 as bigint, Int32/Float64 as number, Utf8 as string).
 *
 * Supports every plan node but CollectionScan and Source; the scalar functions the random
 * plans use (arithmetic, comparisons, three-valued logic, IS [NOT] NULL / DISTINCT FROM,
 * COALESCE, CASE, CAST between numbers and strings, IN, ||); the aggregates count(*), count,
 * sum, min, max, avg, bool_and, bool_or (DISTINCT and FILTER included); window functions
 * row_number, rank, dense_rank and aggregates over the default frame.
 */
import { type DataType, Type } from 'apache-arrow';

import type { AggregateCall, Plan, Scalar, SortKey, WindowCall } from '../../logical/plan.js';

export type Row = readonly unknown[];

/** Stored tables: id → rows as objects keyed by stored column path. */
export type Database = ReadonlyMap<string, readonly Readonly<Record<string, unknown>>[]>;

/** An error the query itself raises (overflow, a single join matching twice): the plan has no result. */
export class QueryFailed extends Error {}

// ─── Values ─────────────────────────────────────────────────────────────────────────────────

/** Three-way comparison of two non-null values of one type (numbers, bigints, strings, booleans). */
export function cmp(a: unknown, b: unknown): number {
  if (typeof a === 'bigint' && typeof b === 'bigint') return a < b ? -1 : a > b ? 1 : 0;
  if (typeof a === 'number' && typeof b === 'number') {
    if (Number.isNaN(a) || Number.isNaN(b)) return Number.isNaN(a) ? (Number.isNaN(b) ? 0 : 1) : -1;
    return a < b ? -1 : a > b ? 1 : 0;
  }
  if (typeof a === 'string' && typeof b === 'string') {
    const x = [...a].map((c) => c.codePointAt(0)!), y = [...b].map((c) => c.codePointAt(0)!);
    for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return x[i]! < y[i]! ? -1 : 1;
    return x.length - y.length;
  }
  if (typeof a === 'boolean' && typeof b === 'boolean') return Number(a) - Number(b);
  if (typeof a === 'number' && typeof b === 'bigint') return cmp(BigInt(a), b);
  if (typeof a === 'bigint' && typeof b === 'number') return cmp(a, BigInt(b));
  throw new Error(`reference: cannot compare ${typeof a} with ${typeof b}`);
}

/** A canonical key of a value (GROUP BY / DISTINCT / set operations treat NULLs as equal). */
export const valueKey = (v: unknown): string =>
  v === null ? 'N' : typeof v === 'bigint' ? `i${v}` : typeof v === 'number' ? (Number.isNaN(v) ? 'nan' : Number.isInteger(v) ? `i${v + 0}` : `f${v}`) : typeof v === 'string' ? `s${JSON.stringify(v)}` : `o${JSON.stringify(v)}`;
export const rowKey = (r: Row): string => r.map(valueKey).join('|');

const isInt = (t: DataType): boolean => t.typeId === Type.Int;
const bits = (t: DataType): number => (t as unknown as { bitWidth: number }).bitWidth;

/** A non-null value converted to `to` (CAST). */
function castValue(v: unknown, to: DataType, safe: boolean): unknown {
  if (v === null) return null;
  const fail = (): unknown => {
    if (safe) return null;
    throw new QueryFailed(`cast of ${String(v)} failed`);
  };
  if (isInt(to)) {
    let n: bigint;
    if (typeof v === 'bigint') n = v;
    else if (typeof v === 'number') n = BigInt(Math.round(v));
    else if (typeof v === 'boolean') n = v ? 1n : 0n;
    else if (typeof v === 'string' && /^\s*[+-]?\d+\s*$/.test(v)) n = BigInt(v.trim());
    else return fail();
    const w = bits(to);
    if (n < -(1n << BigInt(w - 1)) || n >= 1n << BigInt(w - 1)) return fail();
    return w === 64 ? n : Number(n);
  }
  if (to.typeId === Type.Float) return typeof v === 'string' ? (Number.isNaN(Number(v)) ? fail() : Number(v)) : Number(v);
  if (to.typeId === Type.Utf8) return typeof v === 'boolean' ? String(v) : String(v);
  if (to.typeId === Type.Bool) return typeof v === 'string' ? (/^t(rue)?$/i.test(v) ? true : /^f(alse)?$/i.test(v) ? false : fail()) : Number(v) !== 0;
  throw new Error(`reference: no cast to ${String(to)}`);
}

// ─── Scalars ────────────────────────────────────────────────────────────────────────────────

type Env = ReadonlyMap<string, number>;

const I32 = [-(2 ** 31), 2 ** 31 - 1] as const;

function arith(fn: string, a: unknown, b: unknown, t: DataType): unknown {
  if (a === null || b === null) return null;
  if (fn === '/') return Number(b) === 0 ? null : Number(a) / Number(b);
  if (typeof a === 'bigint' && typeof b === 'bigint') {
    if ((fn === '//' || fn === '%') && b === 0n) return null;
    const r = fn === '+' ? a + b : fn === '-' ? a - b : fn === '*' ? a * b : fn === '//' ? a / b : a % b;
    if (r < -(1n << 63n) || r >= 1n << 63n) throw new QueryFailed('overflow');
    return r;
  }
  const x = a as number, y = b as number;
  if ((fn === '//' || fn === '%') && y === 0) return null;
  const r = fn === '+' ? x + y : fn === '-' ? x - y : fn === '*' ? x * y : fn === '//' ? (isInt(t) ? Math.trunc(x / y) : x / y) : x % y;
  if (isInt(t) && (r < I32[0] || r > I32[1])) throw new QueryFailed('overflow');
  return isInt(t) ? r + 0 : r;
}

function compare(fn: string, a: unknown, b: unknown): boolean | null {
  if (a === null || b === null) return null;
  const c = cmp(a, b);
  return fn === '=' ? c === 0 : fn === '<>' ? c !== 0 : fn === '<' ? c < 0 : fn === '<=' ? c <= 0 : fn === '>' ? c > 0 : c >= 0;
}

function callFn(s: Scalar & { kind: 'call' }, row: Row, env: Env): unknown {
  const arg = (i: number): unknown => evalScalar(s.args[i]!, row, env);
  switch (s.fn) {
    case '+': case '-': case '*': case '/': case '//': case '%':
      return arith(s.fn, arg(0), arg(1), s.type);
    case 'neg': {
      const v = arg(0);
      return v === null ? null : arith('-', typeof v === 'bigint' ? 0n : 0, v, s.type);
    }
    case '=': case '<>': case '<': case '<=': case '>': case '>=':
      return compare(s.fn, arg(0), arg(1));
    case 'and': {
      let sawNull = false;
      for (let i = 0; i < s.args.length; i++) {
        const v = arg(i);
        if (v === false) return false;
        if (v === null) sawNull = true;
      }
      return sawNull ? null : true;
    }
    case 'or': {
      let sawNull = false;
      for (let i = 0; i < s.args.length; i++) {
        const v = arg(i);
        if (v === true) return true;
        if (v === null) sawNull = true;
      }
      return sawNull ? null : false;
    }
    case 'not': {
      const v = arg(0);
      return v === null ? null : !v;
    }
    case 'is_null': return arg(0) === null;
    case 'is_not_null': return arg(0) !== null;
    case 'is_true': return arg(0) === true;
    case 'is_false': return arg(0) === false;
    case 'is_distinct_from': case 'is_not_distinct_from': {
      const a = arg(0), b = arg(1);
      const same = a === null || b === null ? a === b : cmp(a, b) === 0;
      return s.fn === 'is_distinct_from' ? !same : same;
    }
    case 'coalesce':
      for (let i = 0; i < s.args.length; i++) {
        const v = arg(i);
        if (v !== null) return v;
      }
      return null;
    case '||': {
      const a = arg(0), b = arg(1);
      return a === null || b === null ? null : String(a) + String(b);
    }
    case 'list_value':
      return s.args.map((_, i) => arg(i));
    case 'abs': {
      const v = arg(0);
      return v === null ? null : typeof v === 'bigint' ? (v < 0n ? -v : v) : Math.abs(v as number);
    }
    default:
      throw new Error(`reference: function ${s.fn} not implemented`);
  }
}

export function evalScalar(s: Scalar, row: Row, env: Env): unknown {
  switch (s.kind) {
    case 'column': {
      const i = env.get(s.name);
      if (i === undefined) throw new Error(`reference: no column ${s.name}`);
      return row[i];
    }
    case 'literal': return s.value;
    case 'call': return callFn(s, row, env);
    case 'case': {
      for (const w of s.whens) if (evalScalar(w.when, row, env) === true) return evalScalar(w.then, row, env);
      return s.else ? evalScalar(s.else, row, env) : null;
    }
    case 'cast': return castValue(evalScalar(s.arg, row, env), s.type, s.safe);
    case 'in_list': {
      const v = evalScalar(s.arg, row, env);
      if (v === null) return null;
      let sawNull = false;
      for (const x of s.list) {
        const w = evalScalar(x, row, env);
        if (w === null) sawNull = true;
        else if (cmp(v, w) === 0) return !s.negated;
      }
      return sawNull ? null : s.negated;
    }
  }
}

// ─── Plans ──────────────────────────────────────────────────────────────────────────────────

const envOf = (p: Plan): Env => new Map(p.schema.fields.map((f, i) => [f.name, i]));
const truthy = (s: Scalar, row: Row, env: Env): boolean => evalScalar(s, row, env) === true;

function sortRows(rows: Row[], keys: readonly SortKey[], env: Env): Row[] {
  const decorated = rows.map((r, i) => ({ r, i, k: keys.map((k) => evalScalar(k.expr, r, env)) }));
  decorated.sort((x, y) => {
    for (let j = 0; j < keys.length; j++) {
      const a = x.k[j], b = y.k[j], key = keys[j]!;
      if (a === null || b === null) {
        if (a === b) continue;
        return (a === null) === key.nullsFirst ? -1 : 1;
      }
      const c = cmp(a, b);
      if (c !== 0) return key.descending ? -c : c;
    }
    return x.i - y.i;
  });
  return decorated.map((d) => d.r);
}

function aggregateValue(a: AggregateCall | WindowCall, rows: readonly Row[], env: Env): unknown {
  const picked = a.filter ? rows.filter((r) => truthy(a.filter!, r, env)) : rows;
  if (a.fn === 'count_star') return BigInt(picked.length);
  let vals: unknown[] = picked.map((r) => evalScalar(a.args[0]!, r, env)).filter((v) => v !== null);
  if (a.distinct) {
    const seen = new Map<string, unknown>();
    for (const v of vals) if (!seen.has(valueKey(v))) seen.set(valueKey(v), v);
    vals = [...seen.values()];
  }
  switch (a.fn) {
    case 'count': return BigInt(vals.length);
    case 'sum':
      if (vals.length === 0) return null;
      if (a.type.typeId === Type.Int) return vals.reduce<bigint>((s, v) => s + BigInt(v as number | bigint), 0n);
      return vals.reduce<number>((s, v) => s + Number(v), 0);
    case 'avg':
      return vals.length === 0 ? null : vals.reduce<number>((s, v) => s + Number(v), 0) / vals.length;
    case 'min': case 'max':
      if (vals.length === 0) return null;
      return vals.reduce((m, v) => ((a.fn === 'min' ? cmp(v, m) < 0 : cmp(v, m) > 0) ? v : m));
    case 'bool_and': return vals.length === 0 ? null : vals.every((v) => v === true);
    case 'bool_or': return vals.length === 0 ? null : vals.some((v) => v === true);
    default:
      throw new Error(`reference: aggregate ${a.fn} not implemented`);
  }
}

function groupBy(rows: readonly Row[], keyOf: (r: Row) => Row): Map<string, { key: Row; rows: Row[] }> {
  const groups = new Map<string, { key: Row; rows: Row[] }>();
  for (const r of rows) {
    const key = keyOf(r);
    const k = rowKey(key);
    let g = groups.get(k);
    if (!g) groups.set(k, (g = { key, rows: [] }));
    g.rows.push(r);
  }
  return groups;
}

function windowValues(c: WindowCall, rows: readonly Row[], env: Env): unknown[] {
  if (c.frame) throw new Error('reference: explicit window frames not implemented');
  const out = new Array<unknown>(rows.length);
  const indexed = rows.map((r, i) => ({ r, i }));
  const parts = groupBy(indexed.map((x) => [x.i, ...x.r]), (r) => c.partitionBy.map((e) => evalScalar(e, r.slice(1), env)));
  for (const { rows: part } of parts.values()) {
    const env1 = new Map([...env].map(([k, v]) => [k, v + 1]));
    const ordered = sortRows(part, c.orderBy.map((k) => ({ ...k })), env1);
    const orderKey = (r: Row): string => rowKey(c.orderBy.map((k) => evalScalar(k.expr, r, env1)));
    let rank = 0, dense = 0, prev: string | null = null;
    ordered.forEach((r, pos) => {
      const k = orderKey(r);
      if (k !== prev) {
        rank = pos + 1;
        dense++;
        prev = k;
      }
      const idx = r[0] as number;
      switch (c.fn) {
        case 'row_number': out[idx] = BigInt(pos + 1); break;
        case 'rank': out[idx] = BigInt(rank); break;
        case 'dense_rank': out[idx] = BigInt(dense); break;
        default: {
          const frame = c.orderBy.length === 0 ? ordered : ordered.filter((x, j) => j <= pos || orderKey(x) === k);
          out[idx] = aggregateValue(c, frame.map((x) => x.slice(1)), env);
        }
      }
    });
  }
  return out;
}

function joinRows(p: Plan & { kind: 'join' }, db: Database): Row[] {
  const L = evaluate(p.left, db), R = evaluate(p.right, db);
  const lEnv = envOf(p.left), rEnv = envOf(p.right);
  const bothEnv = new Map([...lEnv, ...[...rEnv].map(([k, v]) => [k, v + p.left.schema.fields.length] as const)]);
  const nullsL = p.left.schema.fields.map(() => null), nullsR = p.right.schema.fields.map(() => null);
  /** three-valued ON condition */
  const cond = (l: Row, r: Row): boolean | null => {
    let sawNull = false;
    for (const k of p.on) {
      const c = compare('=', evalScalar(k.left, l, lEnv), evalScalar(k.right, r, rEnv));
      if (c === false) return false;
      if (c === null) sawNull = true;
    }
    if (p.residual) {
      const v = evalScalar(p.residual, [...l, ...r], bothEnv);
      if (v === false) return false;
      if (v === null) sawNull = true;
    }
    return sawNull ? null : true;
  };
  const out: Row[] = [];
  switch (p.type) {
    case 'cross':
    case 'inner':
      for (const l of L) for (const r of R) if (cond(l, r) === true) out.push([...l, ...r]);
      return out;
    case 'left':
    case 'single':
      for (const l of L) {
        const m = R.filter((r) => cond(l, r) === true);
        if (p.type === 'single' && m.length > 1) throw new QueryFailed('single join: more than one match');
        if (m.length === 0) out.push([...l, ...nullsR]);
        else for (const r of m) out.push([...l, ...r]);
      }
      return out;
    case 'right':
      for (const r of R) {
        const m = L.filter((l) => cond(l, r) === true);
        if (m.length === 0) out.push([...nullsL, ...r]);
        else for (const l of m) out.push([...l, ...r]);
      }
      return out;
    case 'full': {
      const matched = new Set<number>();
      for (const l of L) {
        let any = false;
        R.forEach((r, j) => {
          if (cond(l, r) === true) {
            any = true;
            matched.add(j);
            out.push([...l, ...r]);
          }
        });
        if (!any) out.push([...l, ...nullsR]);
      }
      R.forEach((r, j) => matched.has(j) || out.push([...nullsL, ...r]));
      return out;
    }
    case 'semi': return L.filter((l) => R.some((r) => cond(l, r) === true));
    case 'anti': return L.filter((l) => !R.some((r) => cond(l, r) === true));
    case 'mark':
      // SQL's `x IN (…)`: TRUE with a matching pair; else NULL when a right row satisfies the
      // residual while a key comparison is NULL; else FALSE (a NULL residual never satisfies).
      return L.map((l) => {
        const unknown = R.some((r) => {
          const keys = p.on.map((k) => compare('=', evalScalar(k.left, l, lEnv), evalScalar(k.right, r, rEnv)));
          const res = p.residual ? evalScalar(p.residual, [...l, ...r], bothEnv) : true;
          return !keys.includes(false) && keys.includes(null) && res === true;
        });
        return [...l, R.some((r) => cond(l, r) === true) ? true : unknown ? null : false];
      });
    case 'asof': {
      const a = p.asof!;
      for (const l of L) {
        const lv = evalScalar(a.left, l, lEnv);
        const cands = R.filter((r) => {
          if (cond(l, r) !== true) return false;
          const rv = evalScalar(a.right, r, rEnv);
          return lv !== null && rv !== null && compare(a.op, lv, rv) === true;
        });
        // the closest right value; among ties the first in input order (SQL picks any: the
        // optimizer keeps the right input's order, and pruning its columns must not change the pick)
        const best = cands.reduce<Row | null>((m, r) => {
          if (!m) return r;
          const c = cmp(evalScalar(a.right, r, rEnv), evalScalar(a.right, m, rEnv));
          return (a.op === '>=' || a.op === '>' ? c > 0 : c < 0) ? r : m;
        }, null);
        if (best) out.push([...l, ...best]);
        else if (p.asofLeft) out.push([...l, ...nullsR]);
      }
      return out;
    }
  }
}

function setOpRows(p: Plan & { kind: 'set_op' }, db: Database): Row[] {
  const L = evaluate(p.left, db);
  const R = evaluate(p.right, db).map((r) => r.map((v, i) => castValue(v, p.schema.fields[i]!.type, false)));
  const counts = (rows: readonly Row[]): Map<string, { row: Row; n: number }> => {
    const m = new Map<string, { row: Row; n: number }>();
    for (const r of rows) {
      const k = rowKey(r);
      const e = m.get(k);
      if (e) e.n++;
      else m.set(k, { row: r, n: 1 });
    }
    return m;
  };
  const repeat = (row: Row, n: number): Row[] => Array.from({ length: Math.max(0, n) }, () => row);
  const lc = counts(L), rc = counts(R);
  switch (p.op) {
    case 'union':
      return p.all ? [...L, ...R] : [...counts([...L, ...R]).values()].map((e) => e.row);
    case 'intersect':
      return [...lc].flatMap(([k, e]) => (rc.has(k) ? repeat(e.row, p.all ? Math.min(e.n, rc.get(k)!.n) : 1) : []));
    case 'except':
      return [...lc].flatMap(([k, e]) => (p.all ? repeat(e.row, e.n - (rc.get(k)?.n ?? 0)) : rc.has(k) ? [] : [e.row]));
  }
}

/** The rows of `plan` (values in schema order). Throws QueryFailed when the query itself fails. */
export function evaluate(plan: Plan, db: Database): Row[] {
  switch (plan.kind) {
    case 'table_scan': {
      const rows = db.get(plan.table.id);
      if (!rows) throw new Error(`reference: no table ${plan.table.id}`);
      const env = envOf(plan);
      return rows.map((r) => plan.columns.map((c) => r[c.column] ?? null)).filter((r) => plan.filters.every((f) => truthy(f, r, env)));
    }
    case 'values': return plan.rows.map((r) => r.map((s) => evalScalar(s, [], new Map())));
    case 'collection_scan':
    case 'source':
      throw new Error(`reference: ${plan.kind} not supported`);
    case 'filter': {
      const env = envOf(plan.input);
      return evaluate(plan.input, db).filter((r) => truthy(plan.predicate, r, env));
    }
    case 'project': {
      const env = envOf(plan.input);
      return evaluate(plan.input, db).map((r) => plan.exprs.map((e) => evalScalar(e.expr, r, env)));
    }
    case 'join': return joinRows(plan, db);
    case 'aggregate': {
      const env = envOf(plan.input);
      const rows = evaluate(plan.input, db);
      const groups = groupBy(rows, (r) => plan.groups.map((g) => evalScalar(g.expr, r, env)));
      if (plan.groups.length === 0 && groups.size === 0) groups.set('', { key: [], rows: [] });
      return [...groups.values()].map((g) => [...g.key, ...plan.aggs.map((a) => aggregateValue(a, g.rows, env))]);
    }
    case 'window': {
      const env = envOf(plan.input);
      const rows = evaluate(plan.input, db);
      const cols = plan.calls.map((c) => windowValues(c, rows, env));
      return rows.map((r, i) => [...r, ...cols.map((c) => c[i])]);
    }
    case 'sort': {
      const rows = sortRows(evaluate(plan.input, db), plan.keys, envOf(plan.input));
      return plan.fetch === undefined ? rows : rows.slice(0, plan.fetch);
    }
    case 'limit': {
      const rows = evaluate(plan.input, db);
      return rows.slice(plan.offset, plan.limit === null ? undefined : plan.offset + plan.limit);
    }
    case 'distinct': return [...groupBy(evaluate(plan.input, db), (r) => r).values()].map((g) => g.key);
    case 'set_op': return setOpRows(plan, db);
    case 'unnest': {
      const env = envOf(plan.input);
      return evaluate(plan.input, db).flatMap((r) => {
        const list = evalScalar(plan.list, r, env) as unknown[] | null;
        const ord = (i: number): unknown[] => (plan.ordinality ? [BigInt(i + 1)] : []);
        // OUTER keeps the row with a NULL element; its ordinality is 1 (plan-build declares the column NOT NULL)
        if (!list || list.length === 0) return plan.outer ? [[...r, null, ...ord(0)]] : [];
        return list.map((v, i) => [...r, v, ...ord(i)]);
      });
    }
  }
}

/** Rows as a sorted list of canonical keys: equal lists mean equal multisets. */
export const multiset = (rows: readonly Row[]): string[] => rows.map(rowKey).sort();
