/**
 * Arrow schema → Vortex dtype, the mapping the official Python writer uses (vortex-format.md
 * §2.2): string/binary views and large variants become utf8/binary, dictionaries their value type, dates/times/timestamps become the `vortex.date` /
 * `vortex.time` / `vortex.timestamp` extensions. Types Vortex cannot store raise
 * `vortex-unsupported-type` naming the column, before anything is written.
 */
import { type DataType, type Field, type Schema, DateUnit, Precision, TimeUnit, Type } from 'apache-arrow';

import { StorageError } from '../../errors.js';
import type { PTypeName, VortexDType } from './dtype.js';

/** Time unit codes of the temporal extensions' metadata (Nanoseconds=0 … Days=4). */
const UNIT_CODE: Record<TimeUnit, number> = {
  [TimeUnit.NANOSECOND]: 0,
  [TimeUnit.MICROSECOND]: 1,
  [TimeUnit.MILLISECOND]: 2,
  [TimeUnit.SECOND]: 3,
};

function primitive(ptype: PTypeName, nullable: boolean): VortexDType {
  return { kind: 'primitive', ptype, nullable };
}

function extension(id: string, storage: PTypeName, nullable: boolean, metadata: number[]): VortexDType {
  return { kind: 'extension', id, storage: primitive(storage, nullable), metadata, nullable };
}

function timestampMetadata(unit: TimeUnit, tz: string | null | undefined): number[] {
  const zone = Buffer.from(tz ?? '', 'utf8');
  if (zone.length > 0xffff) throw new StorageError('vortex-unsupported-type', `time zone name too long: ${tz}`);
  return [UNIT_CODE[unit], zone.length & 0xff, zone.length >> 8, ...zone];
}

function unsupported(path: string, type: DataType, why = ''): never {
  throw new StorageError(
    'vortex-unsupported-type',
    `column ${JSON.stringify(path)} has Arrow type ${String(type)}, which Vortex files cannot store${why}`,
    { details: { column: path, type: String(type) } },
  );
}

/** The Vortex dtype of an Arrow type; `path` names the column in errors. */
export function vortexType(type: DataType, nullable: boolean, path: string): VortexDType {
  const t = type as DataType & Record<string, unknown>;
  switch (type.typeId) {
    case Type.Null: return { kind: 'null', nullable: true };
    case Type.Bool: return { kind: 'bool', nullable };
    case Type.Int: {
      const bits = t.bitWidth as 8 | 16 | 32 | 64;
      return primitive(`${t.isSigned ? 'i' : 'u'}${bits}` as PTypeName, nullable);
    }
    case Type.Float: {
      const p = t.precision as Precision;
      return primitive(p === Precision.HALF ? 'f16' : p === Precision.SINGLE ? 'f32' : 'f64', nullable);
    }
    case Type.Utf8:
    case Type.LargeUtf8:
    case Type.Utf8View: return { kind: 'utf8', nullable };
    case Type.Binary:
    case Type.LargeBinary:
    case Type.BinaryView: return { kind: 'binary', nullable };
    case Type.Decimal: {
      const precision = t.precision as number, scale = t.scale as number;
      if (precision < 1 || precision > 76) unsupported(path, type, ' (precision must be 1..76)');
      return { kind: 'decimal', precision, scale, nullable };
    }
    case Type.Date:
      return t.unit === DateUnit.DAY
        ? extension('vortex.date', 'i32', nullable, [4])
        : extension('vortex.date', 'i64', nullable, [2]);
    case Type.Time: {
      const unit = t.unit as TimeUnit;
      const wide = unit === TimeUnit.MICROSECOND || unit === TimeUnit.NANOSECOND;
      return extension('vortex.time', wide ? 'i64' : 'i32', nullable, [UNIT_CODE[unit]]);
    }
    case Type.Timestamp:
      return extension('vortex.timestamp', 'i64', nullable, timestampMetadata(t.unit as TimeUnit, t.timezone as string | null));
    case Type.List:
    case Type.LargeList: {
      const f = type.children[0] as Field;
      return { kind: 'list', element: vortexType(f.type as DataType, f.nullable, `${path}.${f.name}`), nullable };
    }
    case Type.FixedSizeList: {
      const f = type.children[0] as Field;
      const element = vortexType(f.type as DataType, f.nullable, `${path}.${f.name}`);
      return { kind: 'fixed_size_list', element, size: t.listSize as number, nullable };
    }
    case Type.Struct: {
      const fields = (type.children as Field[]).map((f) => ({
        name: f.name,
        type: vortexType(f.type as DataType, f.nullable, `${path}.${f.name}`),
      }));
      return { kind: 'struct', fields, nullable };
    }
    case Type.Dictionary: return vortexType(t.dictionary as DataType, nullable, path);
    default: return unsupported(path, type);
  }
}

/** The file dtype of a schema: a non-nullable struct of its fields (names must be unique). */
export function schemaDType(schema: Schema): Extract<VortexDType, { kind: 'struct' }> {
  const seen = new Set<string>();
  const fields = schema.fields.map((f) => {
    if (seen.has(f.name)) throw new StorageError('invalid-argument', `duplicate column name ${JSON.stringify(f.name)}`);
    seen.add(f.name);
    return { name: f.name, type: vortexType(f.type as DataType, f.nullable, f.name) };
  });
  return { kind: 'struct', fields, nullable: false };
}
