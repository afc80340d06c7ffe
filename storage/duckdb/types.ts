/**
 * Arrow ⇄ DuckDB types. Each Arrow type maps to the DuckDB type that holds its values exactly;
 * each DuckDB type maps back to one canonical Arrow type. Where DuckDB has no exact twin, the
 * round trip keeps the values but widens the type (see WIDENED); `conformData` (conform.ts)
 * narrows such columns back when a target schema is given.
 *
 * | Arrow                                   | DuckDB                       | back as              |
 * | --------------------------------------- | ---------------------------- | -------------------- |
 * | Bool, Int8…64, Uint8…64                 | BOOLEAN, TINYINT…UBIGINT     | same                 |
 * | Float16 / Float32 / Float64             | FLOAT / FLOAT / DOUBLE       | Float32 for Float16  |
 * | Decimal(p ≤ 38, s), any bit width       | DECIMAL(p, s)                | Decimal128           |
 * | Utf8, LargeUtf8 / Binary, LargeBinary, FixedSizeBinary | VARCHAR / BLOB | Utf8 / Binary     |
 * | DateDay, DateMillisecond                | DATE                         | DateDay              |
 * | Time s / ms / µs ; Time ns              | TIME ; TIME_NS               | Time µs ; Time ns    |
 * | Timestamp s / ms / µs / ns, no zone     | TIMESTAMP_S / _MS / TIMESTAMP / TIMESTAMP_NS | same |
 * | Timestamp s / ms / µs with a zone       | TIMESTAMPTZ (UTC instants)   | Timestamp µs 'UTC'   |
 * | List, LargeList / FixedSizeList / Struct / Map | LIST / ARRAY / STRUCT / MAP | List / FixedSizeList / Struct / Map |
 * | Dictionary                              | its value type               | the value type       |
 * | Null                                    | INTEGER (all NULL)           | Int32                |
 *
 * DuckDB's HUGEINT (what sums of integers give) reads as Decimal128(38, 0), same bits.
 *
 * DuckDB cannot hold (`duckdb-unsupported-type`): Timestamp ns with a zone (TIMESTAMPTZ is µs),
 * decimals wider than 38 digits, unions, durations and intervals. From DuckDB, UHUGEINT, UUID, INTERVAL, TIME WITH TIME ZONE, BIT, BIGNUM, UNION, VARIANT and GEOMETRY are
 * refused with a hint to CAST them in the query.
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
  Int8,
  Int16,
  Int32,
  Int64,
  List,
  Map_,
  Null,
  Struct,
  TimeMicrosecond,
  TimeNanosecond,
  TimestampMicrosecond,
  TimestampMillisecond,
  TimestampNanosecond,
  TimestampSecond,
  TimeUnit,
  Type,
  Uint8,
  Uint16,
  Uint32,
  Uint64,
  Utf8,
} from 'apache-arrow';
import {
  ARRAY,
  BIGINT,
  BLOB,
  BOOLEAN,
  DATE,
  DECIMAL,
  DOUBLE,
  type DuckDBType,
  DuckDBTypeId,
  FLOAT,
  INTEGER,
  LIST,
  MAP,
  SMALLINT,
  STRUCT,
  TIME,
  TIME_NS,
  TIMESTAMP,
  TIMESTAMP_MS,
  TIMESTAMP_NS,
  TIMESTAMP_S,
  TIMESTAMPTZ,
  TINYINT,
  UBIGINT,
  UINTEGER,
  USMALLINT,
  UTINYINT,
  VARCHAR,
} from '@duckdb/node-api';

import { EngineError } from '../../errors.js';
export { typesEqual } from './arrow-types.js';

function unsupported(column: string, what: string, hint: string): EngineError {
  return new EngineError('duckdb-unsupported-type', `column "${column}": ${what} ${hint}`, { details: { column, type: what } });
}

/** The DuckDB type holding the values of an Arrow column (`column` names it in errors). */
export function duckdbTypeOf(type: DataType, column: string): DuckDBType {
  const t = type as DataType & { bitWidth?: number; isSigned?: boolean; precision?: number; scale?: number; unit?: TimeUnit; timezone?: string | null };
  switch (type.typeId) {
    case Type.Null:
      return INTEGER;
    case Type.Bool:
      return BOOLEAN;
    case Type.Int: {
      const w = t.bitWidth!;
      if (t.isSigned) return w === 8 ? TINYINT : w === 16 ? SMALLINT : w === 32 ? INTEGER : BIGINT;
      return w === 8 ? UTINYINT : w === 16 ? USMALLINT : w === 32 ? UINTEGER : UBIGINT;
    }
    case Type.Float:
      return t.precision === 2 ? DOUBLE : FLOAT;
    case Type.Decimal:
      if (t.precision! > 38) throw unsupported(column, String(type), 'has more than 38 digits, the most a DuckDB DECIMAL holds');
      return DECIMAL(t.precision!, t.scale!);
    case Type.Utf8:
    case Type.LargeUtf8:
    case Type.Utf8View:
      return VARCHAR;
    case Type.Binary:
    case Type.LargeBinary:
    case Type.BinaryView:
    case Type.FixedSizeBinary:
      return BLOB;
    case Type.Date:
      return DATE;
    case Type.Time:
      return t.unit === TimeUnit.NANOSECOND ? TIME_NS : TIME;
    case Type.Timestamp:
      if (t.timezone) {
        if (t.unit === TimeUnit.NANOSECOND) {
          throw unsupported(column, String(type), 'needs nanoseconds with a time zone; DuckDB TIMESTAMPTZ holds microseconds (use a Timestamp without zone, or µs)');
        }
        return TIMESTAMPTZ;
      }
      return [TIMESTAMP_S, TIMESTAMP_MS, TIMESTAMP, TIMESTAMP_NS][t.unit!]!;
    case Type.List:
    case Type.LargeList:
      return LIST(duckdbTypeOf(type.children[0]!.type as DataType, `${column}[]`));
    case Type.FixedSizeList:
      return ARRAY(duckdbTypeOf(type.children[0]!.type as DataType, `${column}[]`), (type as FixedSizeList).listSize);
    case Type.Struct: {
      if (type.children.length === 0) throw unsupported(column, String(type), 'has no fields; DuckDB structs need at least one');
      const entries: Record<string, DuckDBType> = {};
      for (const f of type.children) {
        if (f.name in entries) throw unsupported(column, String(type), `repeats the field "${f.name}"`);
        entries[f.name] = duckdbTypeOf(f.type as DataType, `${column}.${f.name}`);
      }
      return STRUCT(entries);
    }
    case Type.Map: {
      const [k, v] = (type.children[0]!.type as DataType).children;
      return MAP(duckdbTypeOf(k!.type as DataType, `${column}.key`), duckdbTypeOf(v!.type as DataType, `${column}.value`));
    }
    case Type.Dictionary:
      return duckdbTypeOf((type as unknown as { dictionary: DataType }).dictionary, column);
    default:
      throw unsupported(column, String(type), 'has no DuckDB equivalent gyre can copy exactly');
  }
}

/** The canonical Arrow type of a DuckDB column. */
export function arrowTypeOf(type: DuckDBType, column: string): DataType {
  switch (type.typeId) {
    case DuckDBTypeId.SQLNULL:
      return new Null();
    case DuckDBTypeId.BOOLEAN:
      return new Bool();
    case DuckDBTypeId.TINYINT:
      return new Int8();
    case DuckDBTypeId.SMALLINT:
      return new Int16();
    case DuckDBTypeId.INTEGER:
      return new Int32();
    case DuckDBTypeId.BIGINT:
      return new Int64();
    case DuckDBTypeId.UTINYINT:
      return new Uint8();
    case DuckDBTypeId.USMALLINT:
      return new Uint16();
    case DuckDBTypeId.UINTEGER:
      return new Uint32();
    case DuckDBTypeId.UBIGINT:
      return new Uint64();
    case DuckDBTypeId.FLOAT:
      return new Float32();
    case DuckDBTypeId.DOUBLE:
      return new Float64();
    case DuckDBTypeId.DECIMAL:
      return new Decimal(type.scale, type.width, 128);
    case DuckDBTypeId.HUGEINT:
      // Sums of integers. The 128-bit two's complement bits are Decimal128's; values beyond 38
      // digits keep their bits (Arrow readers may print them oddly).
      return new Decimal(0, 38, 128);
    case DuckDBTypeId.VARCHAR:
      return new Utf8();
    case DuckDBTypeId.BLOB:
      return new Binary();
    case DuckDBTypeId.DATE:
      return new DateDay();
    case DuckDBTypeId.TIME:
      return new TimeMicrosecond();
    case DuckDBTypeId.TIME_NS:
      return new TimeNanosecond();
    case DuckDBTypeId.TIMESTAMP_S:
      return new TimestampSecond();
    case DuckDBTypeId.TIMESTAMP_MS:
      return new TimestampMillisecond();
    case DuckDBTypeId.TIMESTAMP:
      return new TimestampMicrosecond();
    case DuckDBTypeId.TIMESTAMP_NS:
      return new TimestampNanosecond();
    case DuckDBTypeId.TIMESTAMP_TZ:
      return new TimestampMicrosecond('UTC');
    case DuckDBTypeId.LIST:
      return new List(new Field('item', arrowTypeOf(type.valueType, `${column}[]`), true));
    case DuckDBTypeId.ARRAY:
      return new FixedSizeList(type.length, new Field('item', arrowTypeOf(type.valueType, `${column}[]`), true));
    case DuckDBTypeId.STRUCT:
      return new Struct(type.entryNames.map((n, i) => new Field(n, arrowTypeOf(type.entryTypes[i]!, `${column}.${n}`), true)));
    case DuckDBTypeId.MAP: {
      const entries = new Struct([
        new Field('key', arrowTypeOf(type.keyType, `${column}.key`), false),
        new Field('value', arrowTypeOf(type.valueType, `${column}.value`), true),
      ]);
      return new Map_(new Field('entries', entries, false));
    }
    default:
      throw unsupported(column, type.toString(), 'has no Arrow type gyre reads; CAST it in the query (e.g. to VARCHAR or DECIMAL(38, 0))');
  }
}

/** A SQL identifier, quoted. */
export function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** A SQL string literal. */
export function quoteString(s: string): string {
  return `'${s.replaceAll("'", "''")}'`;
}
