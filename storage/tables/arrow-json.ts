/**
 * Arrow types as JSON, for schemas stored in table manifests. Covers every type a table can
 * hold (the types the Vortex writer stores).
 */
import {
  Binary,
  Bool,
  type DataType,
  DateDay,
  DateMillisecond,
  Decimal,
  Duration,
  Field,
  FixedSizeBinary,
  FixedSizeList,
  Float16,
  Float32,
  Float64,
  Int,
  LargeBinary,
  LargeUtf8,
  List,
  Map_,
  Null,
  Schema,
  Struct,
  Time,
  Timestamp,
  Type,
  Utf8,
} from 'apache-arrow';

import { EngineError } from '../../errors.js';

export type TypeJSON =
  | { readonly t: 'null' | 'bool' | 'utf8' | 'large_utf8' | 'binary' | 'large_binary' | 'date32' | 'date64' }
  | { readonly t: 'int'; readonly bits: number; readonly signed: boolean }
  | { readonly t: 'float'; readonly bits: number }
  | { readonly t: 'fixed_binary'; readonly width: number }
  | { readonly t: 'decimal'; readonly precision: number; readonly scale: number; readonly bits: number }
  | { readonly t: 'time'; readonly unit: number; readonly bits: number }
  | { readonly t: 'timestamp'; readonly unit: number; readonly tz: string | null }
  | { readonly t: 'duration'; readonly unit: number }
  | { readonly t: 'list'; readonly item: FieldJSON }
  | { readonly t: 'fixed_list'; readonly size: number; readonly item: FieldJSON }
  | { readonly t: 'struct'; readonly fields: readonly FieldJSON[] }
  | { readonly t: 'map'; readonly entries: FieldJSON; readonly sorted: boolean };

export interface FieldJSON {
  readonly name: string;
  readonly type: TypeJSON;
  readonly nullable: boolean;
}

export function typeToJSON(t: DataType): TypeJSON {
  const a = t as unknown as Record<string, unknown>;
  switch (t.typeId) {
    case Type.Null:
      return { t: 'null' };
    case Type.Bool:
      return { t: 'bool' };
    case Type.Utf8:
      return { t: 'utf8' };
    case Type.LargeUtf8:
      return { t: 'large_utf8' };
    case Type.Binary:
      return { t: 'binary' };
    case Type.LargeBinary:
      return { t: 'large_binary' };
    case Type.Int:
      return { t: 'int', bits: a.bitWidth as number, signed: a.isSigned as boolean };
    case Type.Float:
      return { t: 'float', bits: [16, 32, 64][a.precision as number]! };
    case Type.FixedSizeBinary:
      return { t: 'fixed_binary', width: a.byteWidth as number };
    case Type.Decimal:
      return { t: 'decimal', precision: a.precision as number, scale: a.scale as number, bits: a.bitWidth as number };
    case Type.Date:
      return { t: (a.unit as number) === 0 ? 'date32' : 'date64' };
    case Type.Time:
      return { t: 'time', unit: a.unit as number, bits: a.bitWidth as number };
    case Type.Timestamp:
      return { t: 'timestamp', unit: a.unit as number, tz: (a.timezone as string | null | undefined) ?? null };
    case Type.Duration:
      return { t: 'duration', unit: a.unit as number };
    case Type.List:
      return { t: 'list', item: fieldToJSON(t.children[0]!) };
    case Type.FixedSizeList:
      return { t: 'fixed_list', size: a.listSize as number, item: fieldToJSON(t.children[0]!) };
    case Type.Struct:
      return { t: 'struct', fields: t.children.map(fieldToJSON) };
    case Type.Map:
      return { t: 'map', entries: fieldToJSON(t.children[0]!), sorted: Boolean(a.keysSorted) };
    default:
      throw new EngineError('vortex-unsupported-type', `tables cannot store columns of type ${String(t)}`);
  }
}

export function fieldToJSON(f: Field): FieldJSON {
  return { name: f.name, type: typeToJSON(f.type), nullable: f.nullable };
}

function bad(what: unknown): never {
  throw new EngineError('table-corrupt', `manifest has an unknown type ${JSON.stringify(what)}`);
}

export function typeFromJSON(j: TypeJSON): DataType {
  switch (j.t) {
    case 'null':
      return new Null();
    case 'bool':
      return new Bool();
    case 'utf8':
      return new Utf8();
    case 'large_utf8':
      return new LargeUtf8();
    case 'binary':
      return new Binary();
    case 'large_binary':
      return new LargeBinary();
    case 'date32':
      return new DateDay();
    case 'date64':
      return new DateMillisecond();
    case 'int':
      return new Int(j.signed, j.bits as 8 | 16 | 32 | 64);
    case 'float':
      return j.bits === 16 ? new Float16() : j.bits === 32 ? new Float32() : new Float64();
    case 'fixed_binary':
      return new FixedSizeBinary(j.width);
    case 'decimal':
      return new Decimal(j.scale, j.precision, j.bits);
    case 'time':
      return new Time(j.unit, j.bits as 32 | 64);
    case 'timestamp':
      return new Timestamp(j.unit, j.tz);
    case 'duration':
      return new Duration(j.unit);
    case 'list':
      return new List(fieldFromJSON(j.item));
    case 'fixed_list':
      return new FixedSizeList(j.size, fieldFromJSON(j.item));
    case 'struct':
      return new Struct(j.fields.map(fieldFromJSON));
    case 'map':
      return new Map_(fieldFromJSON(j.entries) as Field<Struct>, j.sorted);
    default:
      return bad(j);
  }
}

export function fieldFromJSON(j: FieldJSON): Field {
  if (typeof j?.name !== 'string' || typeof j.type !== 'object') bad(j);
  return new Field(j.name, typeFromJSON(j.type), j.nullable);
}

export function schemaToJSON(s: Schema | readonly Field[]): FieldJSON[] {
  return (s instanceof Schema ? s.fields : s).map(fieldToJSON);
}

export function schemaFromJSON(j: readonly FieldJSON[]): Field[] {
  return j.map(fieldFromJSON);
}

/** Type equality by structure (names, types, nullability of children; not metadata). */
export function sameType(a: DataType, b: DataType): boolean {
  return JSON.stringify(typeToJSON(a)) === JSON.stringify(typeToJSON(b));
}
