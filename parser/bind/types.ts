/**
 * SQL type names (the parser's TypeName) → Arrow DataTypes, with DuckDB's names and aliases:
 * INTEGER/INT/INT4 → Int32, BIGINT → Int64, DOUBLE → Float64, REAL/FLOAT → Float32,
 * DECIMAL(p, s) → Decimal128 (executed as Float64, logical/functions.ts), VARCHAR → Utf8,
 * BLOB → Binary, DATE → Date32, TIMESTAMP → Timestamp(µs), INTERVAL → IntervalMonthDayNano,
 * `T[]` → List, `T[n]` → FixedSizeList, STRUCT(…) → Struct, MAP(K, V) → Map.
 */
import {
  Binary,
  Bool,
  type DataType,
  DateDay,
  Decimal,
  Field,
  FixedSizeList,
  Float32,
  Float64,
  Int16,
  Int32,
  Int64,
  Int8,
  Map_,
  Struct,
  Timestamp,
  TimeUnit,
  Uint16,
  Uint32,
  Uint64,
  Uint8,
  Utf8,
} from 'apache-arrow';

import type { TypeName } from '../ast.js';
import { listType, T } from '../../logical/functions.js';
import { BindError, unknownName } from './diagnostics.js';

const SIMPLE: Readonly<Record<string, () => DataType>> = {
  BOOLEAN: () => new Bool(), BOOL: () => new Bool(), LOGICAL: () => new Bool(),
  TINYINT: () => new Int8(), INT1: () => new Int8(),
  SMALLINT: () => new Int16(), INT2: () => new Int16(), SHORT: () => new Int16(),
  INTEGER: () => new Int32(), INT: () => new Int32(), INT4: () => new Int32(), SIGNED: () => new Int32(),
  BIGINT: () => new Int64(), INT8: () => new Int64(), LONG: () => new Int64(),
  UTINYINT: () => new Uint8(), USMALLINT: () => new Uint16(), UINTEGER: () => new Uint32(), UBIGINT: () => new Uint64(),
  HUGEINT: () => new Decimal(0, 38, 128),
  DOUBLE: () => new Float64(), FLOAT8: () => new Float64(),
  REAL: () => new Float32(), FLOAT: () => new Float32(), FLOAT4: () => new Float32(),
  VARCHAR: () => new Utf8(), TEXT: () => new Utf8(), STRING: () => new Utf8(), CHAR: () => new Utf8(), BPCHAR: () => new Utf8(), NVARCHAR: () => new Utf8(),
  BLOB: () => new Binary(), BYTEA: () => new Binary(), BINARY: () => new Binary(), VARBINARY: () => new Binary(),
  DATE: () => new DateDay(),
  TIMESTAMP: () => new Timestamp(TimeUnit.MICROSECOND), DATETIME: () => new Timestamp(TimeUnit.MICROSECOND),
  TIMESTAMP_US: () => new Timestamp(TimeUnit.MICROSECOND),
  TIMESTAMP_MS: () => new Timestamp(TimeUnit.MILLISECOND),
  TIMESTAMP_S: () => new Timestamp(TimeUnit.SECOND),
  TIMESTAMP_NS: () => new Timestamp(TimeUnit.NANOSECOND),
  'TIMESTAMP WITH TIME ZONE': () => new Timestamp(TimeUnit.MICROSECOND, 'UTC'),
  TIMESTAMPTZ: () => new Timestamp(TimeUnit.MICROSECOND, 'UTC'),
  'TIMESTAMP WITHOUT TIME ZONE': () => new Timestamp(TimeUnit.MICROSECOND),
  INTERVAL: () => T.interval,
};

const NAMES = [...Object.keys(SIMPLE), 'DECIMAL', 'NUMERIC'];

/** The Arrow type of a SQL type name; 'sql-type-mismatch' for names no type has. */
export function arrowType(t: TypeName): DataType {
  switch (t.kind) {
    case 'simple-type': {
      if (t.name === 'DECIMAL' || t.name === 'NUMERIC' || t.name === 'DEC') {
        const [p = 18, s = 3] = t.params;
        if (p < 1 || p > 38 || s < 0 || s > p) throw new BindError('sql-type-mismatch', `DECIMAL(${p}, ${s}): the width must be 1–38 and the scale 0–width`, t.span);
        return new Decimal(s, p, 128);
      }
      const make = SIMPLE[t.name];
      if (!make) {
        throw unknownName('sql-type-mismatch', `unknown type ${t.name}`, t.name, NAMES, t.span);
      }
      return make();
    }
    case 'list-type':
      return listType(arrowType(t.element));
    case 'array-type':
      return new FixedSizeList(t.size, new Field('item', arrowType(t.element), true));
    case 'struct-type':
      return new Struct(t.fields.map((f) => new Field(f.name, arrowType(f.type), true)));
    case 'map-type':
      return new Map_(new Field('entries', new Struct([new Field('key', arrowType(t.key), false), new Field('value', arrowType(t.value), true)]) as never, false));
  }
}
