/**
 * The function registry of relational plans: every scalar, aggregate and window function a
 * `call` / AggregateCall / WindowCall may name, with its arity and its type rule (argument
 * coercion and result type). The builders of logical/plan-build.ts resolve calls here and wrap
 * arguments in explicit casts, so the physical layer sees exactly the argument types declared
 * by the signature.
 *
 * Type conventions (documented deviations from DuckDB):
 *  - numeric arithmetic computes in one of Int32, Int64, Float64: small ints widen to Int32,
 *    Uint32 to Int64, Float32 and DECIMAL to Float64. **Decimals are computed as Float64**
 *    (sum/avg/arithmetic of decimals return Float64).
 *  - `/` is DuckDB's: always Float64 (`5 / 2 = 2.5`), IEEE at zero (±Infinity, NaN); `//` is
 *    integer division (truncating), NULL at zero; `%` takes the dividend's sign, NULL at zero
 *    for integers (NaN for doubles).
 *  - integer overflow of Int32/Int64 arithmetic is an error ('numeric-overflow').
 *  - sum(int) is Int64 (DuckDB: HUGEINT for BIGINT input), avg and statistics are Float64.
 */
import { Bool, type DataType, DateDay, Field, Float64, Int32, Int64, IntervalMonthDayNano, List, Null, type Struct, Timestamp, TimeUnit, Type, Utf8 } from 'apache-arrow';

import { PlanError } from '../errors.js';

// ─── Type helpers ───────────────────────────────────────────────────────────────────────────

export const T = {
  bool: new Bool(),
  i32: new Int32(),
  i64: new Int64(),
  f64: new Float64(),
  utf8: new Utf8(),
  date: new DateDay(),
  timestamp: new Timestamp(TimeUnit.MICROSECOND),
  interval: new IntervalMonthDayNano(),
  null: new Null(),
} as const;

export const listType = (elem: DataType): List => new List(new Field('item', elem, true));

const bitWidth = (t: DataType): number => (t as unknown as { bitWidth: number }).bitWidth;
const signed = (t: DataType): boolean => (t as unknown as { isSigned: boolean }).isSigned;

export const isNullType = (t: DataType): boolean => t.typeId === Type.Null;
export const isBool = (t: DataType): boolean => t.typeId === Type.Bool;
export const isInteger = (t: DataType): boolean => t.typeId === Type.Int;
export const isFloat = (t: DataType): boolean => t.typeId === Type.Float;
export const isDecimal = (t: DataType): boolean => t.typeId === Type.Decimal;
export const isNumeric = (t: DataType): boolean => isInteger(t) || isFloat(t) || isDecimal(t);
export const isString = (t: DataType): boolean => t.typeId === Type.Utf8 || t.typeId === Type.LargeUtf8;
export const isDate = (t: DataType): boolean => t.typeId === Type.Date;
export const isTimestamp = (t: DataType): boolean => t.typeId === Type.Timestamp;
export const isTemporal = (t: DataType): boolean => isDate(t) || isTimestamp(t);
export const isInterval = (t: DataType): boolean => t.typeId === Type.Interval;
export const isList = (t: DataType): boolean => t.typeId === Type.List || t.typeId === Type.LargeList || t.typeId === Type.FixedSizeList;
export const isStruct = (t: DataType): boolean => t.typeId === Type.Struct;
/** Int64 or Uint64: values that need 64-bit exact arithmetic. */
export const isInt64 = (t: DataType): boolean => isInteger(t) && bitWidth(t) === 64;

/** Same Arrow type (names of list items and nullability aside). */
export function sameType(a: DataType, b: DataType): boolean {
  return typeKey(a) === typeKey(b);
}

/** A canonical string of a type (list item names dropped). */
export function typeKey(t: DataType): string {
  if (isList(t)) return `List<${typeKey(elementType(t))}>`;
  if (isStruct(t)) return `Struct<{${(t as Struct).children.map((c) => `${c.name}:${typeKey(c.type)}`).join(', ')}}>`;
  return String(t);
}

/** A SQL-ish name of a type for messages and EXPLAIN. */
export function typeName(t: DataType): string {
  switch (t.typeId) {
    case Type.Null: return 'NULL';
    case Type.Bool: return 'BOOLEAN';
    case Type.Int: {
      const names: Record<number, string> = { 8: 'TINYINT', 16: 'SMALLINT', 32: 'INTEGER', 64: 'BIGINT' };
      return (signed(t) ? '' : 'U') + (names[bitWidth(t)] ?? 'INT');
    }
    case Type.Float: return bitWidth(t) === 32 || (t as unknown as { precision: number }).precision === 1 ? 'FLOAT' : 'DOUBLE';
    case Type.Decimal: return `DECIMAL(${(t as unknown as { precision: number }).precision},${(t as unknown as { scale: number }).scale})`;
    case Type.Utf8: case Type.LargeUtf8: return 'VARCHAR';
    case Type.Binary: case Type.LargeBinary: return 'BLOB';
    case Type.Date: return 'DATE';
    case Type.Timestamp: return 'TIMESTAMP';
    case Type.Interval: return 'INTERVAL';
    default:
      if (isList(t)) return `${typeName(elementType(t))}[]`;
      if (isStruct(t)) return `STRUCT(${(t as Struct).children.map((c) => `${c.name} ${typeName(c.type)}`).join(', ')})`;
      return String(t).toUpperCase();
  }
}

/** The element type of a list type. */
export function elementType(t: DataType): DataType {
  const c = (t as unknown as { children?: Field[] }).children?.[0];
  if (!isList(t) || !c) throw new PlanError('type-mismatch', `expected a list, got ${typeName(t)}`);
  return c.type;
}

/** The type arithmetic on `t` computes in (Int32, Int64 or Float64); null when not numeric. */
export function computeType(t: DataType): DataType | null {
  if (isInteger(t)) {
    const w = bitWidth(t);
    if (w < 32 || (w === 32 && signed(t))) return T.i32;
    return T.i64;
  }
  if (isFloat(t) || isDecimal(t)) return T.f64;
  if (isNullType(t)) return T.i32;
  return null;
}

/** The smallest numeric compute type holding both (Int32 < Int64 < Float64). */
function numericSuper(a: DataType, b: DataType): DataType | null {
  const x = computeType(a), y = computeType(b);
  if (!x || !y) return null;
  const rank = (t: DataType): number => (isFloat(t) ? 2 : bitWidth(t) === 64 ? 1 : 0);
  return rank(x) >= rank(y) ? x : y;
}

/**
 * The type both `a` and `b` implicitly cast to, or null. Strings cast to the other side's type
 * (as DuckDB does for string literals); dates widen to timestamps; numbers to the wider
 * compute type (equal numeric types stay as they are).
 */
export function commonType(a: DataType, b: DataType): DataType | null {
  if (sameType(a, b)) return a;
  if (isNullType(a)) return b;
  if (isNullType(b)) return a;
  if (isNumeric(a) && isNumeric(b)) return numericSuper(a, b);
  if (isString(a) && isString(b)) return T.utf8;
  if (isTemporal(a) && isTemporal(b)) return isTimestamp(a) ? a : b;
  if (isString(a) && !isList(b) && !isStruct(b)) return b;
  if (isString(b) && !isList(a) && !isStruct(a)) return a;
  if (isList(a) && isList(b)) {
    const e = commonType(elementType(a), elementType(b));
    return e ? listType(e) : null;
  }
  return null;
}

/** commonType over several types (null when some pair has none). */
export function commonTypeOf(types: readonly DataType[]): DataType | null {
  let t: DataType = T.null;
  for (const x of types) {
    const c = commonType(t, x);
    if (!c) return null;
    t = c;
  }
  return t;
}

/** Whether a value of `from` may be cast to `to` (explicit CAST / TRY_CAST). */
export function canCast(from: DataType, to: DataType): boolean {
  if (sameType(from, to) || isNullType(from)) return true;
  const scalarish = (t: DataType): boolean => isNumeric(t) || isString(t) || isBool(t) || isTemporal(t) || isInterval(t);
  if (isString(to)) return true;
  if (isString(from)) return scalarish(to) || isList(to);
  if (isNumeric(from) && (isNumeric(to) || isBool(to))) return true;
  if (isBool(from) && isNumeric(to)) return true;
  if (isTemporal(from) && isTemporal(to)) return true;
  if (isList(from) && isList(to)) return canCast(elementType(from), elementType(to));
  return false;
}

// ─── Signatures ─────────────────────────────────────────────────────────────────────────────

/** The resolved signature of a call: argument types after coercion, and the result type. */
export interface Signature {
  readonly args: readonly DataType[];
  readonly result: DataType;
}

/**
 * A type rule: from the argument types (and literal argument values where a rule needs them,
 * e.g. struct_extract's field name; undefined when an argument is not a literal) to a
 * signature, or an error message.
 */
export type TypeRule = (args: readonly DataType[], literals: readonly unknown[]) => Signature | string;

export interface FunctionDef {
  readonly name: string;
  readonly kind: 'scalar' | 'aggregate' | 'window';
  readonly minArgs: number;
  readonly maxArgs: number;
  readonly resolve: TypeRule;
  /** Arguments that must be literals (indices), e.g. date_trunc's part. */
  readonly literalArgs?: readonly number[];
  /** Short description for docs and errors. */
  readonly doc: string;
}

const fail = (fn: string, args: readonly DataType[]): string => `no signature ${fn}(${args.map(typeName).join(', ')})`;

/** All arguments to one fixed type each (implicit casts when allowed). */
const fixed = (params: readonly DataType[], result: DataType): TypeRule => (args) => ({ args: args.map((_, i) => params[Math.min(i, params.length - 1)]!), result });

/** All arguments to their common type; the result from it. */
const unify = (result: (common: DataType) => DataType | string, accept: (t: DataType) => boolean = () => true): TypeRule => (args) => {
  const c = commonTypeOf(args);
  if (!c || !accept(c)) return `arguments of types ${args.map(typeName).join(', ')} have no common type`;
  const r = result(c);
  return typeof r === 'string' ? r : { args: args.map(() => c), result: r };
};

const numericUnify = (result: (c: DataType) => DataType): TypeRule => (args) => {
  let c: DataType | null = T.i32;
  for (const a of args) c = c && numericSuper(c, a);
  if (!c) return `expected numbers, got ${args.map(typeName).join(', ')}`;
  const cc = c;
  return { args: args.map(() => cc), result: result(cc) };
};

const registry = new Map<string, FunctionDef>();
const aliases = new Map<string, string>();

function def(kind: FunctionDef['kind'], name: string, arity: [number, number], resolve: TypeRule, doc: string, literalArgs?: readonly number[]): void {
  registry.set(`${kind}:${name}`, { name, kind, minArgs: arity[0], maxArgs: arity[1], resolve, doc, ...(literalArgs ? { literalArgs } : {}) });
}
const scalarFn = (name: string, arity: [number, number], resolve: TypeRule, doc: string, literalArgs?: readonly number[]): void => def('scalar', name, arity, resolve, doc, literalArgs);
const alias = (from: string, to: string): void => void aliases.set(from, to);
const MANY = Number.POSITIVE_INFINITY;

// Arithmetic, with date/time forms of + and -.
const plusMinus = (op: '+' | '-'): TypeRule => (args) => {
  const [a, b] = args as [DataType, DataType];
  if (isDate(a) && computeType(b) && !isFloat(b) && !isDecimal(b)) return { args: [a, T.i32], result: T.date };
  if (op === '+' && isDate(b) && computeType(a) && !isFloat(a) && !isDecimal(a)) return { args: [T.i32, b], result: T.date };
  if (isTemporal(a) && isInterval(b)) return { args: [a, T.interval], result: isTimestamp(a) ? a : T.timestamp };
  if (op === '+' && isInterval(a) && isTemporal(b)) return { args: [T.interval, b], result: isTimestamp(b) ? b : T.timestamp };
  if (isInterval(a) && isInterval(b)) return { args: [a, b], result: T.interval };
  if (op === '-' && isDate(a) && isDate(b)) return { args: [a, b], result: T.i64 };
  if (op === '-' && isTemporal(a) && isTemporal(b)) {
    const c = commonType(a, b)!;
    return { args: [c, c], result: T.interval };
  }
  if (isString(a) && isTemporal(b)) return plusMinus(op)([b, b], []) as Signature;
  return numericUnify((c) => c)(args, []);
};
scalarFn('+', [2, 2], plusMinus('+'), 'addition (numbers; date + int days; date/timestamp + interval)');
scalarFn('-', [2, 2], plusMinus('-'), 'subtraction (date - date = days; timestamp - timestamp = interval)');
scalarFn('*', [2, 2], numericUnify((c) => c), 'multiplication');
scalarFn('/', [2, 2], numericUnify(() => T.f64), 'division, always Float64 (DuckDB); IEEE at zero (±Infinity, NaN)');
scalarFn('//', [2, 2], numericUnify((c) => c), 'integer division truncating toward zero (floor of the quotient for floats); NULL on division by zero');
scalarFn('%', [2, 2], numericUnify((c) => c), 'remainder with the sign of the dividend; integers: NULL at zero; doubles: NaN');
alias('mod', '%');
scalarFn('neg', [1, 1], (args) => (isInterval(args[0]!) ? { args, result: T.interval } : numericUnify((c) => c)(args, [])), 'negation');

// Comparisons and logic.
const comparable = (c: DataType): boolean => !isList(c) && !isStruct(c);
for (const op of ['=', '<>', '<', '<=', '>', '>=']) scalarFn(op, [2, 2], unify(() => T.bool, comparable), `comparison ${op}`);
alias('!=', '<>');
alias('==', '=');
scalarFn('is_distinct_from', [2, 2], unify(() => T.bool), 'null-safe inequality (NULL IS DISTINCT FROM NULL is false)');
scalarFn('is_not_distinct_from', [2, 2], unify(() => T.bool), 'null-safe equality');
scalarFn('and', [2, MANY], fixed([T.bool], T.bool), 'three-valued AND');
scalarFn('or', [2, MANY], fixed([T.bool], T.bool), 'three-valued OR');
scalarFn('not', [1, 1], fixed([T.bool], T.bool), 'three-valued NOT');
scalarFn('is_null', [1, 1], (args) => ({ args, result: T.bool }), 'IS NULL');
scalarFn('is_not_null', [1, 1], (args) => ({ args, result: T.bool }), 'IS NOT NULL');
scalarFn('is_true', [1, 1], fixed([T.bool], T.bool), 'IS TRUE (never null)');
scalarFn('is_false', [1, 1], fixed([T.bool], T.bool), 'IS FALSE (never null)');
scalarFn('like', [2, 3], fixed([T.utf8], T.bool), 'LIKE with % and _ (optional escape character)');
scalarFn('ilike', [2, 3], fixed([T.utf8], T.bool), 'case-insensitive LIKE');
scalarFn('||', [2, 2], fixed([T.utf8], T.utf8), 'string concatenation (NULL if either is NULL)');
scalarFn('coalesce', [1, MANY], unify((c) => c), 'first non-null argument');
alias('ifnull', 'coalesce');
scalarFn('nullif', [2, 2], unify((c) => c), 'NULL when both are equal, else the first');
scalarFn('greatest', [1, MANY], unify((c) => c, comparable), 'largest non-null argument');
scalarFn('least', [1, MANY], unify((c) => c, comparable), 'smallest non-null argument');

// Math.
const sameNumeric: TypeRule = numericUnify((c) => c);
const toFloat: TypeRule = (args) => (args.every((a) => computeType(a)) ? { args: args.map(() => T.f64), result: T.f64 } : `expected numbers, got ${args.map(typeName).join(', ')}`);
scalarFn('abs', [1, 1], sameNumeric, 'absolute value');
scalarFn('sign', [1, 1], (args) => (computeType(args[0]!) ? { args: [computeType(args[0]!)!], result: T.i32 } : fail('sign', args)), 'sign: -1, 0 or 1');
scalarFn('round', [1, 2], (args) => {
  const c = computeType(args[0]!);
  if (!c || (args[1] && !isInteger(args[1]) && !isNullType(args[1]))) return fail('round', args);
  return { args: args.length === 2 ? [c, T.i32] : [c], result: c };
}, 'round half away from zero to the given decimals (default 0)');
scalarFn('floor', [1, 1], sameNumeric, 'largest integer not above');
scalarFn('ceil', [1, 1], sameNumeric, 'smallest integer not below');
alias('ceiling', 'ceil');
scalarFn('trunc', [1, 1], sameNumeric, 'truncate toward zero');
for (const f of ['sqrt', 'cbrt', 'ln', 'log10', 'log2', 'exp', 'sin', 'cos', 'tan', 'asin', 'acos', 'atan', 'degrees', 'radians']) scalarFn(f, [1, 1], toFloat, `${f}(x) as Float64`);
scalarFn('log', [1, 2], toFloat, 'log(x) is base 10; log(b, x) base b');
scalarFn('power', [2, 2], toFloat, 'x raised to y');
alias('pow', 'power');
scalarFn('atan2', [2, 2], toFloat, 'atan2(y, x)');
scalarFn('pi', [0, 0], () => ({ args: [], result: T.f64 }), 'π');
scalarFn('random', [0, 0], () => ({ args: [], result: T.f64 }), 'uniform in [0, 1)');

// Strings. Positions and lengths count Unicode code points, as in DuckDB.
const str = (n: number, result: DataType, ...rest: DataType[]): TypeRule => (args) => ({ args: args.map((_, i) => (i < n ? T.utf8 : rest[i - n] ?? T.i64)), result });
scalarFn('lower', [1, 1], str(1, T.utf8), 'lower case');
alias('lcase', 'lower');
scalarFn('upper', [1, 1], str(1, T.utf8), 'upper case');
alias('ucase', 'upper');
scalarFn('length', [1, 1], (args) => (isList(args[0]!) ? { args, result: T.i64 } : { args: [T.utf8], result: T.i64 }), 'number of characters (or list elements)');
alias('char_length', 'length');
alias('character_length', 'length');
scalarFn('octet_length', [1, 1], str(1, T.i64), 'number of UTF-8 bytes');
scalarFn('substr', [2, 3], str(1, T.utf8, T.i64, T.i64), 'substr(s, start (1-based), length?)');
alias('substring', 'substr');
for (const f of ['trim', 'ltrim', 'rtrim']) scalarFn(f, [1, 2], str(2, T.utf8), `${f}(s, characters = ' ')`);
scalarFn('replace', [3, 3], str(3, T.utf8), 'replace every occurrence');
scalarFn('strpos', [2, 2], str(2, T.i64), '1-based position of the first occurrence, 0 if none');
alias('instr', 'strpos');
alias('position', 'strpos');
scalarFn('contains', [2, 2], (args) => (isList(args[0]!) ? listContains(args) : { args: [T.utf8, T.utf8], result: T.bool }), 'substring (or list element) test');
scalarFn('starts_with', [2, 2], str(2, T.bool), 'prefix test');
alias('prefix', 'starts_with');
scalarFn('ends_with', [2, 2], str(2, T.bool), 'suffix test');
alias('suffix', 'ends_with');
scalarFn('concat', [1, MANY], (args) => ({ args: args.map(() => T.utf8), result: T.utf8 }), 'concatenation skipping NULLs');
scalarFn('concat_ws', [2, MANY], (args) => ({ args: args.map(() => T.utf8), result: T.utf8 }), 'concatenation with a separator, skipping NULLs');
scalarFn('left', [2, 2], str(1, T.utf8, T.i64), 'first n characters (negative: all but the last -n)');
scalarFn('right', [2, 2], str(1, T.utf8, T.i64), 'last n characters (negative: all but the first -n)');
scalarFn('lpad', [3, 3], str(1, T.utf8, T.i64, T.utf8), 'pad on the left to n characters (truncates when longer)');
scalarFn('rpad', [3, 3], str(1, T.utf8, T.i64, T.utf8), 'pad on the right to n characters (truncates when longer)');
scalarFn('reverse', [1, 1], str(1, T.utf8), 'characters reversed');
scalarFn('repeat', [2, 2], str(1, T.utf8, T.i64), 'the string n times');
scalarFn('ascii', [1, 1], str(1, T.i32), 'code point of the first character');
scalarFn('chr', [1, 1], fixed([T.i32], T.utf8), 'the character of a code point');
scalarFn('regexp_matches', [2, 3], str(3, T.bool), 'whether the regular expression matches anywhere (flags: i, s, m)', [1, 2]);
scalarFn('regexp_full_match', [2, 3], str(3, T.bool), 'whether the regular expression matches the whole string', [1, 2]);
scalarFn('regexp_replace', [3, 4], str(4, T.utf8), 'replace the first match (flag g: all matches); \\1 refers to groups', [1, 3]);
scalarFn('regexp_extract', [2, 3], str(2, T.utf8, T.i32), 'the match (or group n) of the regular expression, "" if none', [1, 2]);
scalarFn('split_part', [3, 3], str(2, T.utf8, T.i64), 'the n-th (1-based; negative from the end) part, "" when out of range');
scalarFn('string_split', [2, 2], str(2, listType(T.utf8)), 'the parts as a list');
alias('str_split', 'string_split');

// Dates and times. Dates are Int32 days since 1970-01-01; timestamps Int64 in their unit.
export const DATE_PARTS = ['year', 'month', 'day', 'hour', 'minute', 'second', 'millisecond', 'microsecond', 'dow', 'isodow', 'doy', 'epoch', 'quarter', 'week', 'yearweek', 'decade', 'century'] as const;
export type DatePart = (typeof DATE_PARTS)[number];
const temporal1: (result: DataType) => TypeRule = (result) => (args) => {
  const a = args[0]!;
  if (isTemporal(a)) return { args: [a], result };
  if (isString(a) || isNullType(a)) return { args: [T.timestamp], result };
  return fail('extract', args);
};
for (const p of DATE_PARTS) scalarFn(`extract_${p}`, [1, 1], temporal1(p === 'epoch' ? T.f64 : T.i64), `EXTRACT(${p.toUpperCase()} FROM x)`);
scalarFn('date_part', [2, 2], (args) => (isTemporal(args[1]!) ? { args: [T.utf8, args[1]!], result: T.i64 } : fail('date_part', args)), "date_part('part', x): plan-build rewrites it to extract_<part>", [0]);
scalarFn('date_trunc', [2, 2], (args) => {
  const a = args[1]!;
  if (isTimestamp(a)) return { args: [T.utf8, a], result: a };
  if (isDate(a)) return { args: [T.utf8, a], result: T.timestamp };
  return fail('date_trunc', args);
}, 'truncate to year|quarter|month|week|day|hour|minute|second|millisecond (a date gives a timestamp, as in DuckDB)', [0]);
scalarFn('date_add', [2, 2], plusMinus('+'), 'date/timestamp + interval (same as +)');
scalarFn('date_sub', [2, 2], plusMinus('-'), 'date/timestamp - interval (same as -)');
scalarFn('date_diff', [3, 3], (args) => {
  const c = commonType(args[1]!, args[2]!);
  if (!c || !isTemporal(c)) return fail('date_diff', args);
  return { args: [T.utf8, c, c], result: T.i64 };
}, "date_diff('part', start, end): number of part boundaries crossed", [0]);
alias('datediff', 'date_diff');
scalarFn('make_date', [3, 3], fixed([T.i64], T.date), 'make_date(year, month, day)');
scalarFn('make_timestamp', [6, 6], (args) => ({ args: args.map((_, i) => (i === 5 ? T.f64 : T.i64)), result: T.timestamp }), 'make_timestamp(y, m, d, h, min, sec)');
scalarFn('strftime', [2, 2], (args) => (isTemporal(args[0]!) ? { args: [args[0]!, T.utf8], result: T.utf8 } : fail('strftime', args)), 'format with %Y %m %d %H %M %S %f %j %a %A %b %B %y %p %I %%');
scalarFn('current_date', [0, 0], () => ({ args: [], result: T.date }), 'the date when the query started (UTC)');
scalarFn('current_timestamp', [0, 0], () => ({ args: [], result: T.timestamp }), 'the time when the query started');
alias('now', 'current_timestamp');
scalarFn('to_days', [1, 1], fixed([T.i32], T.interval), 'an interval of n days');
scalarFn('to_months', [1, 1], fixed([T.i32], T.interval), 'an interval of n months');
scalarFn('epoch_ms', [1, 1], fixed([T.i64], T.timestamp), 'timestamp from milliseconds since the epoch');

// Lists and structs.
function listContains(args: readonly DataType[]): Signature | string {
  const e = isList(args[0]!) ? elementType(args[0]!) : null;
  const c = e && commonType(e, args[1]!);
  if (!c) return fail('list_contains', args);
  return { args: [listType(c), c], result: T.bool };
}
scalarFn('len', [1, 1], (args) => (isList(args[0]!) ? { args, result: T.i64 } : { args: [T.utf8], result: T.i64 }), 'number of list elements (or characters)');
alias('array_length', 'len');
scalarFn('list_element', [2, 2], (args) => (isList(args[0]!) ? { args: [args[0]!, T.i64], result: elementType(args[0]!) } : fail('list_element', args)), 'the 1-based element (negative from the end), NULL out of range');
alias('list_extract', 'list_element');
alias('array_extract', 'list_element');
scalarFn('list_contains', [2, 2], (args) => listContains(args), 'whether the list holds the value');
alias('list_has', 'list_contains');
alias('array_contains', 'list_contains');
scalarFn('list_value', [0, MANY], (args) => {
  const c = commonTypeOf(args);
  return c ? { args: args.map(() => c), result: listType(isNullType(c) ? T.i32 : c) } : fail('list_value', args);
}, 'a list of the arguments');
scalarFn('struct_extract', [2, 2], (args, lits) => {
  const s = args[0]!;
  const f = isStruct(s) ? (s as Struct).children.find((c) => c.name === lits[1]) : undefined;
  if (!f) return isStruct(s) ? `struct ${typeName(s)} has no field ${JSON.stringify(lits[1])}` : fail('struct_extract', args);
  return { args: [s, T.utf8], result: f.type };
}, "struct_extract(s, 'field')", [1]);

// ─── Aggregates ─────────────────────────────────────────────────────────────────────────────

const aggFn = (name: string, arity: [number, number], resolve: TypeRule, doc: string): void => def('aggregate', name, arity, resolve, doc);
const sumRule: TypeRule = (args) => {
  const c = computeType(args[0]!);
  if (!c) return isInterval(args[0]!) ? { args, result: T.interval } : fail('sum', args);
  return { args: [c], result: isFloat(c) ? T.f64 : T.i64 };
};
const sameArg: TypeRule = (args) => ({ args, result: args[0]! });
aggFn('count_star', [0, 0], () => ({ args: [], result: T.i64 }), 'COUNT(*)');
aggFn('count', [1, 1], (args) => ({ args, result: T.i64 }), 'non-null values');
aggFn('sum', [1, 1], sumRule, 'sum (Int64 for integers, Float64 otherwise); NULL when no values');
aggFn('avg', [1, 1], toFloat, 'mean as Float64');
alias('mean', 'avg');
aggFn('min', [1, 1], sameArg, 'smallest value');
aggFn('max', [1, 1], sameArg, 'largest value');
aggFn('first', [1, 1], sameArg, 'first value (nulls included) in input or ORDER BY order');
alias('arbitrary', 'first');
aggFn('last', [1, 1], sameArg, 'last value (nulls included)');
aggFn('any_value', [1, 1], sameArg, 'first non-null value');
aggFn('list', [1, 1], (args) => ({ args, result: listType(isNullType(args[0]!) ? T.i32 : args[0]!) }), 'values as a list (nulls included)');
alias('array_agg', 'list');
aggFn('string_agg', [1, 2], fixed([T.utf8], T.utf8), "non-null strings joined by the separator (default ',')");
alias('group_concat', 'string_agg');
aggFn('bool_and', [1, 1], fixed([T.bool], T.bool), 'every non-null value is true');
aggFn('bool_or', [1, 1], fixed([T.bool], T.bool), 'some non-null value is true');
for (const f of ['stddev_samp', 'stddev_pop', 'var_samp', 'var_pop']) aggFn(f, [1, 1], toFloat, `${f} (Welford)`);
alias('stddev', 'stddev_samp');
alias('variance', 'var_samp');
aggFn('arg_min', [2, 2], (args) => ({ args, result: args[0]! }), 'the first argument at the smallest second argument');
aggFn('arg_max', [2, 2], (args) => ({ args, result: args[0]! }), 'the first argument at the largest second argument');
alias('argmin', 'arg_min');
alias('argmax', 'arg_max');
alias('min_by', 'arg_min');
alias('max_by', 'arg_max');

// ─── Window functions ───────────────────────────────────────────────────────────────────────

const winFn = (name: string, arity: [number, number], resolve: TypeRule, doc: string): void => def('window', name, arity, resolve, doc);
winFn('row_number', [0, 0], () => ({ args: [], result: T.i64 }), 'row number from 1 within the partition');
winFn('rank', [0, 0], () => ({ args: [], result: T.i64 }), 'rank with gaps');
winFn('dense_rank', [0, 0], () => ({ args: [], result: T.i64 }), 'rank without gaps');
winFn('percent_rank', [0, 0], () => ({ args: [], result: T.f64 }), '(rank - 1) / (rows - 1)');
winFn('cume_dist', [0, 0], () => ({ args: [], result: T.f64 }), 'rows up to the last peer / rows');
winFn('ntile', [1, 1], fixed([T.i64], T.i64), 'bucket 1..n');
const lagLead: TypeRule = (args) => {
  const t = args[2] ? commonType(args[0]!, args[2]) : args[0]!;
  if (!t) return fail('lag', args);
  return { args: args.map((_, i) => (i === 1 ? T.i64 : t)), result: t };
};
winFn('lag', [1, 3], lagLead, 'value offset rows before (default 1), or the default');
winFn('lead', [1, 3], lagLead, 'value offset rows after (default 1), or the default');
winFn('first_value', [1, 1], sameArg, 'first value of the frame');
winFn('last_value', [1, 1], sameArg, 'last value of the frame');
winFn('nth_value', [2, 2], (args) => ({ args: [args[0]!, T.i64], result: args[0]! }), 'n-th (1-based) value of the frame');

// ─── Lookup ─────────────────────────────────────────────────────────────────────────────────

/** The canonical name of a function (aliases resolved, lower case). */
export function canonicalName(name: string): string {
  const n = name.toLowerCase();
  return aliases.get(n) ?? n;
}

/** The definition of a function of `kind`; window lookups fall back to aggregates. */
export function lookupFunction(kind: FunctionDef['kind'], name: string): FunctionDef | undefined {
  const n = canonicalName(name);
  return registry.get(`${kind}:${n}`) ?? (kind === 'window' ? registry.get(`aggregate:${n}`) : undefined);
}

export const isScalarFunction = (name: string): boolean => lookupFunction('scalar', name) !== undefined;
export const isAggregateFunction = (name: string): boolean => lookupFunction('aggregate', name) !== undefined;
export const isWindowFunction = (name: string): boolean => lookupFunction('window', name) !== undefined;

/** Every registered function (for docs, completion and "did you mean"). */
export function listFunctions(): readonly FunctionDef[] {
  return [...registry.values()];
}

/**
 * Resolves a call: the canonical name and the signature. Errors: 'unknown-function' (with the
 * closest names), 'type-mismatch' (arity or argument types).
 */
export function resolveFunction(kind: FunctionDef['kind'], name: string, argTypes: readonly DataType[], literals: readonly unknown[] = []): { def: FunctionDef; sig: Signature } {
  const d = lookupFunction(kind, name);
  if (!d) {
    const near = closest(canonicalName(name), [...registry.values()].filter((x) => x.kind === kind || (kind === 'window' && x.kind === 'aggregate')).map((x) => x.name));
    throw new PlanError('unknown-function', `unknown ${kind} function ${name}${near ? ` (did you mean ${near}?)` : ''}`, { details: { name, kind } });
  }
  if (argTypes.length < d.minArgs || argTypes.length > d.maxArgs) {
    const want = d.minArgs === d.maxArgs ? `${d.minArgs}` : d.maxArgs === MANY ? `at least ${d.minArgs}` : `${d.minArgs} to ${d.maxArgs}`;
    throw new PlanError('type-mismatch', `${d.name} takes ${want} argument(s), got ${argTypes.length}`);
  }
  const sig = d.resolve(argTypes, literals);
  if (typeof sig === 'string') throw new PlanError('type-mismatch', `${d.name}: ${sig}`, { details: { name: d.name, args: argTypes.map(typeName) } });
  for (let i = 0; i < argTypes.length; i++) {
    const from = argTypes[i]!, to = sig.args[i]!;
    if (!sameType(from, to) && !canImplicitCast(from, to)) {
      throw new PlanError('type-mismatch', `${d.name}: argument ${i + 1} of type ${typeName(from)} does not convert to ${typeName(to)}`);
    }
  }
  return { def: d, sig };
}

/** Implicit casts: numeric widening (and decimal/float to Float64), strings to anything scalar, dates to timestamps, NULL to anything. */
export function canImplicitCast(from: DataType, to: DataType): boolean {
  if (sameType(from, to) || isNullType(from)) return true;
  if (isNumeric(from) && isNumeric(to)) return true;
  if (isString(from)) return canCast(from, to);
  if (isString(to)) return !isList(from) && !isStruct(from);
  if (isDate(from) && isTimestamp(to)) return true;
  if (isTimestamp(from) && isTimestamp(to)) return true;
  if (isList(from) && isList(to)) return canImplicitCast(elementType(from), elementType(to));
  return false;
}

/** The name closest to `name` by edit distance (at most 2 edits), if any. */
export function closest(name: string, names: readonly string[]): string | undefined {
  let best: string | undefined, bestD = 3;
  for (const n of names) {
    const d = editDistance(name, n);
    if (d < bestD) {
      best = n;
      bestD = d;
    }
  }
  return best;
}

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = cur;
  }
  return prev[b.length]!;
}


// ─── Date values (shared by literal building and the physical kernels) ─────────────────────

/** Days since 1970-01-01 of a proleptic Gregorian date (month 1–12). */
export function daysFromCivil(y: number, m: number, d: number): number {
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

const DATE_RE = /^\s*(-?\d{1,6})-(\d{1,2})-(\d{1,2})/;
const TIME_RE = /^[T ](\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?\s*$/i;

const daysInMonth = (y: number, m: number): number => (m === 2 ? ((y % 4 === 0 && y % 100 !== 0) || y % 400 === 0 ? 29 : 28) : [4, 6, 9, 11].includes(m) ? 30 : 31);

/** Days since the epoch of 'YYYY-MM-DD' (time of day ignored when `allowTime`), or null when malformed. */
export function parseDate(text: string, allowTime = false): number | null {
  const m = DATE_RE.exec(text);
  if (!m) return null;
  const rest = text.slice(m[0].length);
  if (rest.trim() !== '' && !(allowTime && TIME_RE.test(rest))) return null;
  const y = Number(m[1]), mo = Number(m[2]), d = Number(m[3]);
  if (mo < 1 || mo > 12 || d < 1 || d > daysInMonth(y, mo)) return null;
  return daysFromCivil(y, mo, d);
}

/** Microseconds since the epoch of 'YYYY-MM-DD[ T]HH:MM[:SS[.ffffff]][Z|±hh:mm]' (UTC), or null. */
export function parseTimestampMicros(text: string): bigint | null {
  const m = DATE_RE.exec(text);
  if (!m) return null;
  const days = parseDate(m[0]);
  if (days === null) return null;
  const rest = text.slice(m[0].length);
  if (rest.trim() === '') return BigInt(days) * 86_400_000_000n;
  const t = TIME_RE.exec(rest);
  if (!t) return null;
  const h = Number(t[1]), mi = Number(t[2]), s = Number(t[3] ?? 0);
  if (h > 24 || mi > 59 || s > 60) return null;
  const frac = t[4] ? Number((t[4] + '000000').slice(0, 6)) : 0;
  let offsetMin = 0;
  const z = t[5];
  if (z && z.toUpperCase() !== 'Z') {
    const sign = z[0] === '-' ? -1 : 1;
    const digits = z.slice(1).replace(':', '');
    offsetMin = sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2) || 0));
  }
  const micros = ((h * 60 + mi - offsetMin) * 60 + s) * 1_000_000 + frac;
  return BigInt(days) * 86_400_000_000n + BigInt(micros);
}

/** Multiplier from microseconds to a timestamp unit (unit as arrow's TimeUnit). */
export function microsToUnit(unit: TimeUnit): { mul: bigint; div: bigint } {
  switch (unit) {
    case TimeUnit.SECOND: return { mul: 1n, div: 1_000_000n };
    case TimeUnit.MILLISECOND: return { mul: 1n, div: 1000n };
    case TimeUnit.MICROSECOND: return { mul: 1n, div: 1n };
    case TimeUnit.NANOSECOND: return { mul: 1000n, div: 1n };
  }
}

/** [year, month (1–12), day] of days since the epoch. */
export function civilFromDays(days: number): [number, number, number] {
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp + (mp < 10 ? 3 : -9);
  return [yoe + era * 400 + (m <= 2 ? 1 : 0), m, d];
}

const pad = (n: number, w = 2): string => String(n).padStart(w, '0');

/** 'YYYY-MM-DD' of days since the epoch (years beyond 9999 or before 0 as DuckDB prints them). */
export function formatDate(days: number): string {
  const [y, m, d] = civilFromDays(days);
  return `${y < 0 ? `${pad(-y, 4)} (BC)` : pad(y, 4)}-${pad(m)}-${pad(d)}`.replace(/^(\d+) \(BC\)-(.*)$/, '$1-$2 (BC)');
}

/** 'YYYY-MM-DD HH:MM:SS[.ffffff]' of microseconds since the epoch (UTC). */
export function formatTimestampMicros(us: bigint): string {
  const day = us >= 0n ? us / 86_400_000_000n : -((-us + 86_399_999_999n) / 86_400_000_000n);
  const rest = Number(us - day * 86_400_000_000n);
  const secs = Math.floor(rest / 1_000_000), frac = rest % 1_000_000;
  const time = `${pad(Math.floor(secs / 3600))}:${pad(Math.floor(secs / 60) % 60)}:${pad(secs % 60)}`;
  return `${formatDate(Number(day))} ${time}${frac ? `.${pad(frac, 6).replace(/0+$/, '')}` : ''}`;
}
