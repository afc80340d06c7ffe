/**
 * Constructors of relational plans and scalar expressions (logical/plan.ts). They are the only
 * way to build nodes: each validates its column references against the input schema, checks
 * that output names are unique, resolves functions through the registry
 * (logical/functions.ts), inserts implicit casts, and derives the node's `schema`.
 *
 *     const l = tableScan({ id: 'tpch.lineitem', asof: null }, [{ column: 'l_quantity', type: f64 }]);
 *     const f = filter(l, call('<', [col(l, 'l_quantity'), lit(24)]));
 *     const a = aggregate(f, [], [aggregateCall('sum', [col(f, 'l_quantity')], 'sum_qty')]);
 *
 * Literal values use the physical representation of their type: Int64/Uint64 as bigint, other
 * numbers as number, DateDay as days since the epoch (number), Timestamp as bigint in its unit,
 * intervals as `{ months, days, nanoseconds: bigint }`, lists as arrays, structs as objects.
 * `lit` converts Date objects and ISO strings for date and timestamp types.
 */
import { type DataType, Field, type RecordBatch, Schema, type Timestamp, Type } from 'apache-arrow';

import { PlanError, type ErrorCode } from '../errors.js';
import type { Expr } from './expr.js';
import {
  canCast,
  canImplicitCast,
  canonicalName,
  closest,
  commonTypeOf,
  DATE_PARTS,
  elementType,
  isDate,
  isInt64,
  isInteger,
  isList,
  isNullType,
  isNumeric,
  isString,
  isTimestamp,
  listType,
  microsToUnit,
  parseDate,
  parseTimestampMicros,
  resolveFunction,
  sameType,
  T,
  typeName,
} from './functions.js';
import type {
  AggregateCall,
  FrameBound,
  JoinType,
  NamedScalar,
  Plan,
  Scalar,
  SortKey,
  TableRef,
  WindowCall,
  WindowFrame,
} from './plan.js';

const err = (code: ErrorCode, msg: string): PlanError => new PlanError(code, msg);

// ─── Scalars ────────────────────────────────────────────────────────────────────────────────

/** A column of `from`'s output (a plan or a schema). Error 'unknown-column' with "did you mean". */
export function col(from: Plan | Schema, name: string): Scalar {
  const schema = from instanceof Schema ? from : from.schema;
  const f = schema.fields.find((x) => x.name === name);
  if (!f) {
    const near = closest(name, schema.fields.map((x) => x.name));
    throw err('unknown-column', `no column "${name}" in (${schema.fields.map((x) => x.name).join(', ')})${near ? `; did you mean "${near}"?` : ''}`);
  }
  return { kind: 'column', name, type: f.type };
}

/** A constant; the type is inferred when omitted (integers: Int32 or Int64, other numbers Float64, Date: timestamp). */
export function lit(value: unknown, type?: DataType): Scalar {
  const t = type ?? inferType(value);
  return { kind: 'literal', value: value === null || value === undefined ? null : normalizeValue(value, t), type: t };
}

function inferType(v: unknown): DataType {
  if (v === null || v === undefined) return T.null;
  if (typeof v === 'boolean') return T.bool;
  if (typeof v === 'bigint') return T.i64;
  if (typeof v === 'number') return Number.isInteger(v) && !Object.is(v, -0) ? (v >= -(2 ** 31) && v < 2 ** 31 ? T.i32 : T.i64) : T.f64;
  if (typeof v === 'string') return T.utf8;
  if (v instanceof Date) return T.timestamp;
  if (Array.isArray(v)) {
    const c = commonTypeOf(v.map(inferType));
    if (!c) throw err('type-mismatch', 'list literal elements have no common type');
    return listType(isNullType(c) ? T.i32 : c);
  }
  throw err('type-mismatch', `cannot infer a type for the literal ${String(v)}`);
}

/** `value` in the physical representation of `t` (see the module comment); 'conversion-error' when it does not fit. */
export function normalizeValue(value: unknown, t: DataType): unknown {
  if (value === null || value === undefined) return null;
  const bad = (): PlanError => err('conversion-error', `${typeof value === 'string' ? JSON.stringify(value) : String(value)} is not a ${typeName(t)} value`);
  switch (t.typeId) {
    case Type.Null:
      throw bad();
    case Type.Bool:
      if (typeof value === 'boolean') return value;
      if (typeof value === 'string' && /^\s*(true|t|false|f)\s*$/i.test(value)) return /^\s*t/i.test(value);
      throw bad();
    case Type.Int: {
      let n: bigint;
      try {
        n = typeof value === 'bigint' ? value : typeof value === 'number' && Number.isInteger(value) ? BigInt(value) : typeof value === 'string' && /^\s*[+-]?\d+\s*$/.test(value) ? BigInt(value.trim()) : NaN as never;
      } catch {
        throw bad();
      }
      if (typeof n !== 'bigint') throw bad();
      const w = (t as unknown as { bitWidth: number }).bitWidth;
      const signed = (t as unknown as { isSigned: boolean }).isSigned;
      const lo = signed ? -(1n << BigInt(w - 1)) : 0n, hi = signed ? (1n << BigInt(w - 1)) - 1n : (1n << BigInt(w)) - 1n;
      if (n < lo || n > hi) throw err('numeric-overflow', `${String(value)} is out of range for ${typeName(t)}`);
      return w === 64 ? n : Number(n);
    }
    case Type.Float:
    case Type.Decimal: {
      const n = typeof value === 'number' ? value : typeof value === 'bigint' ? Number(value) : typeof value === 'string' && value.trim() !== '' ? Number(value) : NaN;
      if (Number.isNaN(n) && !(typeof value === 'number' || /^\s*[+-]?nan\s*$/i.test(String(value)))) throw bad();
      return n;
    }
    case Type.Utf8:
    case Type.LargeUtf8:
      if (typeof value === 'string') return value;
      throw bad();
    case Type.Date: {
      if (typeof value === 'number' && Number.isInteger(value)) return value;
      if (value instanceof Date) return Math.floor(value.getTime() / 86_400_000);
      const d = typeof value === 'string' ? parseDate(value) : null;
      if (d === null) throw bad();
      return d;
    }
    case Type.Timestamp: {
      const { mul, div } = microsToUnit((t as Timestamp).unit);
      if (typeof value === 'bigint') return value;
      if (typeof value === 'number' && Number.isInteger(value)) return BigInt(value);
      const us = value instanceof Date ? BigInt(value.getTime()) * 1000n : typeof value === 'string' ? parseTimestampMicros(value) : null;
      if (us === null) throw bad();
      return floorDiv(us * mul, div);
    }
    case Type.Interval: {
      const o = value as { months?: number; days?: number; nanoseconds?: bigint | number };
      if (typeof o !== 'object') throw bad();
      return { months: o.months ?? 0, days: o.days ?? 0, nanoseconds: BigInt(o.nanoseconds ?? 0) };
    }
    default:
      if (isList(t)) {
        if (!Array.isArray(value)) throw bad();
        return value.map((v) => normalizeValue(v, elementType(t)));
      }
      return value;
  }
}

const floorDiv = (a: bigint, b: bigint): bigint => (a >= 0n || a % b === 0n ? a / b : a / b - 1n);

/** CAST (error on failure) or TRY_CAST (`safe`: null on failure). Literal casts that surely succeed fold. */
export function cast(arg: Scalar, type: DataType, safe = false): Scalar {
  if (sameType(arg.type, type)) return arg;
  if (!canCast(arg.type, type)) throw err('type-mismatch', `cannot cast ${typeName(arg.type)} to ${typeName(type)}`);
  if (arg.kind === 'literal') {
    const folded = foldLiteralCast(arg, type);
    if (folded) return folded;
  }
  return { kind: 'cast', arg, type, safe };
}

export const tryCast = (arg: Scalar, type: DataType): Scalar => cast(arg, type, true);

/** The literal converted at build time, when that is exact and cannot fail at run time differently. */
function foldLiteralCast(a: Scalar & { kind: 'literal' }, to: DataType): Scalar | null {
  if (a.value === null) return { kind: 'literal', value: null, type: to };
  const from = a.type;
  const exactNumeric = isInteger(from) && (isInteger(to) || to.typeId === Type.Float);
  const fromText = isString(from) && (isNumeric(to) || isDate(to) || isTimestamp(to) || to.typeId === Type.Bool) && to.typeId !== Type.Decimal;
  if (!(exactNumeric || fromText || (isDate(from) && isTimestamp(to)))) return null;
  let v: unknown = a.value;
  if (isDate(from)) v = BigInt(v as number) * 86_400_000_000n;
  if (isDate(from) && isTimestamp(to)) {
    const { mul, div } = microsToUnit((to as Timestamp).unit);
    return { kind: 'literal', value: floorDiv((v as bigint) * mul, div), type: to };
  }
  if (isString(from) && isInteger(to) && /[.eE]/.test(String(v))) return null; // '1.5'::int rounds: leave to the kernel
  return { kind: 'literal', value: normalizeValue(v, to), type: to };
}

/** `arg` implicitly converted to `type` (no-op when it already has that type). */
export function coerce(arg: Scalar, type: DataType): Scalar {
  if (sameType(arg.type, type)) return arg;
  if (!canImplicitCast(arg.type, type)) throw err('type-mismatch', `${typeName(arg.type)} does not convert to ${typeName(type)}`);
  return cast(arg, type);
}

const literalValue = (s: Scalar): unknown => (s.kind === 'literal' ? s.value : undefined);

/**
 * A call of the scalar function `fn` (an operator name or function name of the registry; aliases
 * allowed). Arguments are cast to the signature's types. `date_part('x', e)` with a literal part
 * becomes `extract_x(e)`.
 */
export function call(fn: string, args: readonly Scalar[]): Scalar {
  const name = canonicalName(fn);
  if (name === 'date_part' && args.length === 2 && args[0]!.kind === 'literal') {
    return call(`extract_${datePart(args[0]!.value)}`, [args[1]!]);
  }
  const { def, sig } = resolveFunction('scalar', name, args.map((a) => a.type), args.map(literalValue));
  for (const i of def.literalArgs ?? []) {
    const a = args[i];
    if (a && a.kind !== 'literal') throw err('type-mismatch', `${def.name}: argument ${i + 1} must be a constant`);
  }
  if (def.name === 'date_trunc' || def.name === 'date_diff') datePart(args[0]!.kind === 'literal' ? args[0]!.value : null);
  return { kind: 'call', fn: def.name, args: args.map((a, i) => coerce(a, sig.args[i]!)), type: sig.result };
}

function datePart(v: unknown): string {
  const p = typeof v === 'string' ? v.toLowerCase().trim() : '';
  const alias: Record<string, string> = { years: 'year', months: 'month', days: 'day', hours: 'hour', minutes: 'minute', seconds: 'second', dayofweek: 'dow', weekday: 'dow', dayofyear: 'doy', quarters: 'quarter', weeks: 'week', milliseconds: 'millisecond', microseconds: 'microsecond', ms: 'millisecond', us: 'microsecond' };
  const part = alias[p] ?? p;
  if (!(DATE_PARTS as readonly string[]).includes(part)) throw err('type-mismatch', `unknown date part ${JSON.stringify(v)} (one of ${DATE_PARTS.join(', ')})`);
  return part;
}

/** Shorthands for common operators. */
export const and = (...args: Scalar[]): Scalar => (args.length === 1 ? args[0]! : call('and', args));
export const or = (...args: Scalar[]): Scalar => (args.length === 1 ? args[0]! : call('or', args));
export const not = (a: Scalar): Scalar => call('not', [a]);
export const eq = (a: Scalar, b: Scalar): Scalar => call('=', [a, b]);

/** CASE WHEN … THEN … [ELSE …] END: conditions coerced to Bool; results to their common type. */
export function caseWhen(whens: readonly { readonly when: Scalar; readonly then: Scalar }[], otherwise: Scalar | null = null): Scalar {
  if (whens.length === 0) throw err('type-mismatch', 'CASE needs at least one WHEN');
  const t = commonTypeOf([...whens.map((w) => w.then.type), ...(otherwise ? [otherwise.type] : [])]);
  if (!t) throw err('type-mismatch', `CASE results have no common type (${whens.map((w) => typeName(w.then.type)).join(', ')})`);
  return {
    kind: 'case',
    whens: whens.map((w) => ({ when: coerce(w.when, T.bool), then: coerce(w.then, t) })),
    else: otherwise ? coerce(otherwise, t) : null,
    type: t,
  };
}

/** `arg [NOT] IN (list…)`: SQL semantics (NULL when no match and a NULL is involved). */
export function inList(arg: Scalar, list: readonly Scalar[], negated = false): Scalar {
  if (list.length === 0) throw err('type-mismatch', 'IN needs at least one value');
  const t = commonTypeOf([arg.type, ...list.map((x) => x.type)]);
  if (!t) throw err('type-mismatch', `IN: ${typeName(arg.type)} is not comparable with ${list.map((x) => typeName(x.type)).join(', ')}`);
  return { kind: 'in_list', arg: coerce(arg, t), list: list.map((x) => coerce(x, t)), negated, type: T.bool };
}

export function sortKey(expr: Scalar, opts: { descending?: boolean; nullsFirst?: boolean } = {}): SortKey {
  const descending = opts.descending ?? false;
  return { expr, descending, nullsFirst: opts.nullsFirst ?? descending };
}

export interface CallOptions {
  readonly distinct?: boolean;
  readonly filter?: Scalar | null;
  readonly orderBy?: readonly SortKey[];
}

/** An aggregate call named `name` in the output. */
export function aggregateCall(fn: string, args: readonly Scalar[], name: string, opts: CallOptions = {}): AggregateCall {
  const { def, sig } = resolveFunction('aggregate', fn, args.map((a) => a.type), args.map(literalValue));
  return {
    fn: def.name,
    args: args.map((a, i) => coerce(a, sig.args[i]!)),
    distinct: opts.distinct ?? false,
    filter: opts.filter ? coerce(opts.filter, T.bool) : null,
    orderBy: opts.orderBy ?? [],
    name,
    type: sig.result,
  };
}

export interface WindowOptions extends CallOptions {
  readonly partitionBy?: readonly Scalar[];
  readonly frame?: WindowFrame | null;
}

/** A window function call (ranking, navigation, or any aggregate) named `name` in the output. */
export function windowCall(fn: string, args: readonly Scalar[], name: string, opts: WindowOptions = {}): WindowCall {
  const { def, sig } = resolveFunction('window', fn, args.map((a) => a.type), args.map(literalValue));
  if (opts.frame) checkFrame(opts.frame, opts.orderBy ?? []);
  return {
    fn: def.name,
    args: args.map((a, i) => coerce(a, sig.args[i]!)),
    distinct: opts.distinct ?? false,
    filter: opts.filter ? coerce(opts.filter, T.bool) : null,
    partitionBy: opts.partitionBy ?? [],
    orderBy: opts.orderBy ?? [],
    frame: opts.frame ?? null,
    name,
    type: sig.result,
  };
}

/** A frame; offsets are constants (non-negative integers; RANGE offsets numeric or intervals). */
export function frame(mode: WindowFrame['mode'], start: FrameBound, end: FrameBound): WindowFrame {
  return { mode, start, end };
}

function checkFrame(f: WindowFrame, orderBy: readonly SortKey[]): void {
  const rank = (b: FrameBound): number => ['unbounded_preceding', 'preceding', 'current_row', 'following', 'unbounded_following'].indexOf(b.kind);
  if (f.start.kind === 'unbounded_following' || f.end.kind === 'unbounded_preceding' || rank(f.start) > rank(f.end)) {
    throw err('type-mismatch', `invalid window frame ${f.start.kind} to ${f.end.kind}`);
  }
  for (const b of [f.start, f.end]) {
    if (b.kind !== 'preceding' && b.kind !== 'following') continue;
    if (b.offset.kind !== 'literal') throw err('type-mismatch', 'window frame offsets must be constants');
    if (f.mode === 'range') {
      if (orderBy.length !== 1) throw err('type-mismatch', 'RANGE with an offset needs exactly one ORDER BY key');
    } else if (!isInteger(b.offset.type) || Number(b.offset.value) < 0) throw err('type-mismatch', `${f.mode.toUpperCase()} frame offsets must be non-negative integers`);
  }
  if (f.mode === 'groups' && orderBy.length === 0) throw err('type-mismatch', 'GROUPS frames need ORDER BY');
}

// ─── Checks shared by the plan constructors ─────────────────────────────────────────────────

/** Every column reference of `s` names a column of `schema` with the same type. */
export function checkScalar(s: Scalar, schema: Schema, where: string): void {
  switch (s.kind) {
    case 'column': {
      const f = schema.fields.find((x) => x.name === s.name);
      if (!f) {
        const near = closest(s.name, schema.fields.map((x) => x.name));
        throw err('unknown-column', `${where}: no column "${s.name}" in (${schema.fields.map((x) => x.name).join(', ')})${near ? `; did you mean "${near}"?` : ''}`);
      }
      if (!sameType(f.type, s.type)) throw err('type-mismatch', `${where}: column "${s.name}" is ${typeName(f.type)}, the reference says ${typeName(s.type)}`);
      return;
    }
    case 'literal':
      return;
    case 'call':
      for (const a of s.args) checkScalar(a, schema, where);
      return;
    case 'case':
      for (const w of s.whens) {
        checkScalar(w.when, schema, where);
        checkScalar(w.then, schema, where);
      }
      if (s.else) checkScalar(s.else, schema, where);
      return;
    case 'cast':
      checkScalar(s.arg, schema, where);
      return;
    case 'in_list':
      checkScalar(s.arg, schema, where);
      for (const x of s.list) checkScalar(x, schema, where);
      return;
  }
}

function checkUnique(fields: readonly Field[], where: string): Schema {
  const seen = new Set<string>();
  for (const f of fields) {
    if (seen.has(f.name)) throw err('duplicate-column', `${where}: duplicate output column "${f.name}"`);
    seen.add(f.name);
  }
  return new Schema([...fields]);
}

function checkBool(s: Scalar, where: string): Scalar {
  if (s.type.typeId === Type.Bool) return s;
  if (isNullType(s.type)) return coerce(s, T.bool);
  throw err('type-mismatch', `${where} must be BOOLEAN, got ${typeName(s.type)}`);
}

/** The field of an expression's output: a plain column keeps its nullability. */
function fieldOf(name: string, e: Scalar, input: Schema): Field {
  const nullable = e.kind === 'column' ? (input.fields.find((f) => f.name === e.name)?.nullable ?? true) : true;
  return new Field(name, e.type, nullable);
}

// ─── Plans ──────────────────────────────────────────────────────────────────────────────────

export interface ScanColumn {
  /** Stored column path. */
  readonly column: string;
  /** Output name (default: the path). */
  readonly name?: string;
  readonly type: DataType;
  readonly nullable?: boolean;
}

/** A catalog table scan; `filters` are conjuncts over output names. */
export function tableScan(table: TableRef | string, columns: readonly ScanColumn[], filters: readonly Scalar[] = []): Plan {
  const ref = typeof table === 'string' ? { id: table, asof: null } : table;
  const schema = checkUnique(columns.map((c) => new Field(c.name ?? c.column, c.type, c.nullable ?? true)), `scan ${ref.id}`);
  for (const f of filters) checkScalar(checkBool(f, 'scan filter'), schema, `scan ${ref.id} filter`);
  return { kind: 'table_scan', table: ref, columns: columns.map((c) => ({ column: c.column, name: c.name ?? c.column })), filters: filters.map((f) => checkBool(f, 'scan filter')), schema };
}

/** A collection scan; its items' output fields are given by the caller (the collection planner types them). */
export function collectionScan(dataset: string, items: readonly { name: string; expr: Expr }[], fields: readonly Field[], where: Expr | null = null, asof: number | string | null = null): Plan {
  if (fields.length !== items.length) throw err('type-mismatch', `collection scan: ${items.length} items, ${fields.length} fields`);
  const schema = checkUnique(fields.map((f, i) => new Field(items[i]!.name, f.type, f.nullable)), `collection scan ${dataset}`);
  return { kind: 'collection_scan', dataset, items, where, asof, schema };
}

/** Rows of constant expressions; column types are the common type of each column (or `types`). */
export function values(names: readonly string[], rows: readonly (readonly Scalar[])[], types?: readonly DataType[]): Plan {
  const empty = new Schema([]);
  const ts = names.map((n, j) => {
    if (types?.[j]) return types[j];
    const t = commonTypeOf(rows.map((r) => r[j]?.type ?? T.null));
    if (!t) throw err('type-mismatch', `VALUES column ${n}: no common type`);
    return isNullType(t) ? T.i32 : t;
  });
  const out = rows.map((r, i) => {
    if (r.length !== names.length) throw err('type-mismatch', `VALUES row ${i + 1} has ${r.length} values, expected ${names.length}`);
    return r.map((e, j) => {
      checkScalar(e, empty, 'VALUES');
      return coerce(e, ts[j]!);
    });
  });
  return { kind: 'values', rows: out, schema: checkUnique(names.map((n, j) => new Field(n, ts[j]!, true)), 'VALUES') };
}

/** Batches from outside gyre (DuckDB results, Arrow tables). */
export function source(describe: string, schema: Schema, open: (signal?: AbortSignal) => AsyncIterable<RecordBatch>): Plan {
  return { kind: 'source', describe, open, schema: checkUnique(schema.fields, `source ${describe}`) };
}

export function filter(input: Plan, predicate: Scalar): Plan {
  const p = checkBool(predicate, 'filter predicate');
  checkScalar(p, input.schema, 'filter');
  return { kind: 'filter', input, predicate: p, schema: input.schema };
}

export const named = (name: string, expr: Scalar): NamedScalar => ({ name, expr });

export function project(input: Plan, exprs: readonly NamedScalar[]): Plan {
  for (const e of exprs) checkScalar(e.expr, input.schema, `project ${e.name}`);
  return { kind: 'project', input, exprs, schema: checkUnique(exprs.map((e) => fieldOf(e.name, e.expr, input.schema)), 'project') };
}

export interface JoinOptions {
  readonly on?: readonly { readonly left: Scalar; readonly right: Scalar }[];
  readonly residual?: Scalar | null;
  readonly asof?: { readonly left: Scalar; readonly right: Scalar; readonly op: '>=' | '>' | '<=' | '<' } | null;
  /** asof: keep left rows without a match (ASOF LEFT JOIN). */
  readonly asofLeft?: boolean;
  /** mark: name of the Bool column (default 'mark'). */
  readonly mark?: string;
}

/** The output schema of a join of `type` over inputs of schemas `l` and `r`. */
export function joinSchema(type: JoinType, l: Schema, r: Schema, mark: string | null, asofLeft = false): Schema {
  const nullable = (fs: readonly Field[], yes: boolean): Field[] => fs.map((f) => (yes && !f.nullable ? new Field(f.name, f.type, true, f.metadata) : f));
  switch (type) {
    case 'semi':
    case 'anti':
      return l;
    case 'mark':
      return checkUnique([...l.fields, new Field(mark ?? 'mark', T.bool, true)], 'mark join');
    default: {
      const leftNull = type === 'right' || type === 'full';
      const rightNull = type === 'left' || type === 'full' || type === 'single' || (type === 'asof' && asofLeft);
      return checkUnique([...nullable(l.fields, leftNull), ...nullable(r.fields, rightNull)], `${type} join`);
    }
  }
}

export function join(type: JoinType, left: Plan, right: Plan, opts: JoinOptions = {}): Plan {
  const on = (opts.on ?? []).map((k, i) => {
    checkScalar(k.left, left.schema, `join key ${i + 1} (left)`);
    checkScalar(k.right, right.schema, `join key ${i + 1} (right)`);
    const t = commonTypeOf([k.left.type, k.right.type]);
    if (!t) throw err('type-mismatch', `join key ${i + 1}: ${typeName(k.left.type)} and ${typeName(k.right.type)} are not comparable`);
    return { left: coerce(k.left, t), right: coerce(k.right, t) };
  });
  if (type === 'cross' && (on.length > 0 || opts.residual)) throw err('type-mismatch', 'a cross join has no condition');
  const both = new Schema([...left.schema.fields, ...right.schema.fields]);
  const residual = opts.residual ? checkBool(opts.residual, 'join condition') : null;
  if (residual) checkScalar(residual, both, 'join condition');
  let asof: JoinOptions['asof'] = null;
  if (type === 'asof') {
    if (!opts.asof) throw err('type-mismatch', 'an ASOF join needs its inequality');
    checkScalar(opts.asof.left, left.schema, 'asof (left)');
    checkScalar(opts.asof.right, right.schema, 'asof (right)');
    const t = commonTypeOf([opts.asof.left.type, opts.asof.right.type]);
    if (!t) throw err('type-mismatch', 'asof: sides are not comparable');
    asof = { left: coerce(opts.asof.left, t), right: coerce(opts.asof.right, t), op: opts.asof.op };
  } else if (opts.asof) throw err('type-mismatch', 'only ASOF joins take an inequality');
  const mark = type === 'mark' ? (opts.mark ?? 'mark') : null;
  const asofLeft = type === 'asof' && (opts.asofLeft ?? false);
  return {
    kind: 'join', type, left, right, on, residual, asof, mark,
    ...(asofLeft ? { asofLeft } : {}),
    schema: joinSchema(type, left.schema, right.schema, mark, asofLeft),
  };
}

export function aggregate(input: Plan, groups: readonly NamedScalar[], aggs: readonly AggregateCall[]): Plan {
  for (const g of groups) checkScalar(g.expr, input.schema, `group ${g.name}`);
  for (const a of aggs) checkAggregate(a, input.schema);
  const fields = [...groups.map((g) => fieldOf(g.name, g.expr, input.schema)), ...aggs.map((a) => new Field(a.name, a.type, !(a.fn === 'count' || a.fn === 'count_star')))];
  return { kind: 'aggregate', input, groups, aggs, schema: checkUnique(fields, 'aggregate') };
}

function checkAggregate(a: AggregateCall | WindowCall, schema: Schema): void {
  for (const x of a.args) checkScalar(x, schema, a.name);
  if (a.filter) checkScalar(a.filter, schema, `${a.name} FILTER`);
  for (const k of a.orderBy) checkScalar(k.expr, schema, `${a.name} ORDER BY`);
}

export function window(input: Plan, calls: readonly WindowCall[]): Plan {
  for (const c of calls) {
    checkAggregate(c, input.schema);
    for (const p of c.partitionBy) checkScalar(p, input.schema, `${c.name} PARTITION BY`);
  }
  return { kind: 'window', input, calls, schema: checkUnique([...input.schema.fields, ...calls.map((c) => new Field(c.name, c.type, true))], 'window') };
}

export function sort(input: Plan, keys: readonly SortKey[]): Plan {
  for (const k of keys) checkScalar(k.expr, input.schema, 'sort key');
  return { kind: 'sort', input, keys, schema: input.schema };
}

export function limit(input: Plan, count: number | null, offset = 0): Plan {
  if ((count !== null && (!Number.isInteger(count) || count < 0)) || !Number.isInteger(offset) || offset < 0) {
    throw err('type-mismatch', `LIMIT/OFFSET must be non-negative integers (got ${String(count)}, ${offset})`);
  }
  return { kind: 'limit', input, limit: count, offset, schema: input.schema };
}

export function distinct(input: Plan): Plan {
  return { kind: 'distinct', input, schema: input.schema };
}

/** UNION / INTERSECT / EXCEPT [ALL]: columns by position; right types must convert implicitly to left's. */
export function setOp(op: 'union' | 'intersect' | 'except', all: boolean, left: Plan, right: Plan): Plan {
  const l = left.schema.fields, r = right.schema.fields;
  if (l.length !== r.length) throw err('type-mismatch', `${op.toUpperCase()}: ${l.length} columns on the left, ${r.length} on the right`);
  l.forEach((f, i) => {
    if (!canImplicitCast(r[i]!.type, f.type)) throw err('type-mismatch', `${op.toUpperCase()} column ${i + 1}: ${typeName(r[i]!.type)} does not convert to ${typeName(f.type)}`);
  });
  const fields = l.map((f, i) => (r[i]!.nullable && !f.nullable ? new Field(f.name, f.type, true) : f));
  return { kind: 'set_op', op, all, left, right, schema: new Schema(fields) };
}

export function unnest(input: Plan, list: Scalar, as: string, opts: { ordinality?: string | null; outer?: boolean } = {}): Plan {
  checkScalar(list, input.schema, 'unnest');
  if (!isList(list.type)) throw err('type-mismatch', `UNNEST needs a list, got ${typeName(list.type)}`);
  const ordinality = opts.ordinality ?? null;
  const fields = [...input.schema.fields, new Field(as, elementType(list.type), true), ...(ordinality ? [new Field(ordinality, T.i64, false)] : [])];
  return { kind: 'unnest', input, list, as, ordinality, outer: opts.outer ?? false, schema: checkUnique(fields, 'unnest') };
}

/** True when `t` is an Int64-like type whose literal values are bigints. */
export const bigintValued = (t: DataType): boolean => isInt64(t) || isTimestamp(t);
