/**
 * Vortex logical types as the native reader describes them (JSON), and their Arrow mapping.
 */
import {
  Binary, Bool, DataType, DateDay, DateMillisecond, Decimal, Field, FixedSizeList, Float16, Float32, Float64,
  Int8, Int16, Int32, Int64, List, Map_, Null, Struct, TimeMicrosecond, TimeMillisecond, TimeNanosecond, TimeSecond,
  TimeUnit, Timestamp, Uint8, Uint16, Uint32, Uint64, Utf8,
} from 'apache-arrow';

import { NativeError } from '../../errors.js';

export type PTypeName = 'u8' | 'u16' | 'u32' | 'u64' | 'i8' | 'i16' | 'i32' | 'i64' | 'f16' | 'f32' | 'f64';

export type VortexDType =
  | { kind: 'null'; nullable: true }
  | { kind: 'bool' | 'utf8' | 'binary' | 'variant' | 'union'; nullable: boolean }
  | { kind: 'primitive'; nullable: boolean; ptype: PTypeName }
  | { kind: 'decimal'; nullable: boolean; precision: number; scale: number }
  | { kind: 'struct'; nullable: boolean; fields: { name: string; type: VortexDType }[] }
  | { kind: 'list'; nullable: boolean; element: VortexDType }
  | { kind: 'fixed_size_list'; nullable: boolean; element: VortexDType; size: number }
  | { kind: 'map'; nullable: boolean; key: VortexDType; value: VortexDType; keysSorted: boolean }
  | { kind: 'extension'; nullable: boolean; id: string; storage: VortexDType; metadata: number[] };

/** Time units in extension metadata: Nanoseconds=0, Microseconds=1, Milliseconds=2, Seconds=3, Days=4. */
const TIME_UNITS = ['ns', 'us', 'ms', 's', 'D'] as const;

export function timestampTimezone(meta: number[]): string | null {
  const n = (meta[1] ?? 0) | ((meta[2] ?? 0) << 8);
  if (n === 0) return null;
  return Buffer.from(meta.slice(3, 3 + n)).toString('utf8');
}

function primitiveType(p: PTypeName): DataType {
  switch (p) {
    case 'u8': return new Uint8();
    case 'u16': return new Uint16();
    case 'u32': return new Uint32();
    case 'u64': return new Uint64();
    case 'i8': return new Int8();
    case 'i16': return new Int16();
    case 'i32': return new Int32();
    case 'i64': return new Int64();
    case 'f16': return new Float16();
    case 'f32': return new Float32();
    case 'f64': return new Float64();
  }
}

function extensionType(d: Extract<VortexDType, { kind: 'extension' }>): DataType {
  const unit = TIME_UNITS[d.metadata[0] ?? 255];
  switch (d.id) {
    case 'vortex.date':
      if (unit === 'D') return new DateDay();
      if (unit === 'ms') return new DateMillisecond();
      break;
    case 'vortex.time':
      if (unit === 's') return new TimeSecond();
      if (unit === 'ms') return new TimeMillisecond();
      if (unit === 'us') return new TimeMicrosecond();
      if (unit === 'ns') return new TimeNanosecond();
      break;
    case 'vortex.timestamp': {
      const tz = timestampTimezone(d.metadata);
      const u = { s: TimeUnit.SECOND, ms: TimeUnit.MILLISECOND, us: TimeUnit.MICROSECOND, ns: TimeUnit.NANOSECOND }[
        unit as 's' | 'ms' | 'us' | 'ns'
      ];
      if (u !== undefined) return new Timestamp(u, tz);
      break;
    }
    default:
      // Unknown extensions read as their storage type.
      return toArrowType(d.storage);
  }
  throw new NativeError('vortex-corrupt', `extension ${d.id} has unsupported unit metadata [${d.metadata.join(',')}]`);
}

/** The Arrow type gyre produces for a Vortex dtype. */
export function toArrowType(d: VortexDType): DataType {
  switch (d.kind) {
    case 'null': return new Null();
    case 'bool': return new Bool();
    case 'primitive': return primitiveType(d.ptype);
    case 'decimal': return new Decimal(d.scale, d.precision, d.precision <= 38 ? 128 : 256);
    case 'utf8': return new Utf8();
    case 'binary': return new Binary();
    case 'struct': return new Struct(d.fields.map((f) => toArrowField(f.name, f.type)));
    case 'list': return new List(toArrowField('item', d.element));
    case 'fixed_size_list': return new FixedSizeList(d.size, toArrowField('item', d.element));
    case 'map': {
      // Arrow Map layout: one non-nullable `entries` struct child {key, value}.
      const entries = new Struct([toArrowField('key', d.key), toArrowField('value', d.value)]);
      return new Map_(new Field('entries', entries, false), d.keysSorted);
    }
    case 'extension': return extensionType(d);
    case 'variant':
    case 'union':
      throw new NativeError('vortex-unsupported', `dtype ${d.kind} is not supported`);
  }
}

export function toArrowField(name: string, d: VortexDType): Field {
  return new Field(name, toArrowType(d), d.nullable);
}

/** Short text form, e.g. `{a: i64?, b: utf8}`. */
export function dtypeToString(d: VortexDType): string {
  const q = d.nullable && d.kind !== 'null' ? '?' : '';
  switch (d.kind) {
    case 'primitive': return d.ptype + q;
    case 'decimal': return `decimal(${d.precision},${d.scale})${q}`;
    case 'struct': return `{${d.fields.map((f) => `${f.name}: ${dtypeToString(f.type)}`).join(', ')}}${q}`;
    case 'list': return `list<${dtypeToString(d.element)}>${q}`;
    case 'fixed_size_list': return `fixed_size_list<${dtypeToString(d.element)}, ${d.size}>${q}`;
    case 'map': return `map<${dtypeToString(d.key)}, ${dtypeToString(d.value)}${d.keysSorted ? ', sorted' : ''}>${q}`;
    case 'extension': return `${d.id}<${dtypeToString(d.storage)}>`;
    default: return d.kind + q;
  }
}
