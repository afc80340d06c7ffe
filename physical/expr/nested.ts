/**
 * List and struct kernels: len, list_element (1-based, negative from the end, NULL out of
 * range), list_contains, list_value, struct_extract (a zero-copy child of the struct), and the
 * builder of nested results (Arrow's builders, from physical values).
 */
import { type Data, type DataType, makeBuilder, makeData, Type } from 'apache-arrow';

import { alignBits, bytesFor } from './bits.js';
import { type Col, constCol, flatCol, fromData } from './col.js';
import { compareValues } from './compare.js';
import { type KernelFactory, perRow, perRowNullable, setNestedBuilder } from './kernel.js';

/** A physical value as Arrow's builders take it (dates as Date objects, intervals as objects). */
function builderValue(type: DataType, v: unknown): unknown {
  if (v === null || v === undefined) return null;
  switch (type.typeId) {
    case Type.Date:
      return new Date(Number(v) * 86_400_000);
    case Type.List:
    case Type.LargeList:
    case Type.FixedSizeList: {
      const el = (type.children[0] as { type: DataType }).type;
      return (v as unknown[]).map((x) => builderValue(el, x));
    }
    case Type.Struct: {
      const o: Record<string, unknown> = {};
      for (const f of type.children as { name: string; type: DataType }[]) o[f.name] = builderValue(f.type, (v as Record<string, unknown>)[f.name]);
      return o;
    }
    default:
      return v;
  }
}

/** A column of nested values. */
export function buildNested(type: DataType, values: readonly unknown[]): Col {
  const b = makeBuilder({ type, nullValues: [null, undefined] });
  for (const v of values) b.append(builderValue(type, v) as never);
  const d = b.finish().flush() as Data;
  return fromData(d);
}
setNestedBuilder(buildNested);

const listLen: KernelFactory = (spec) => (args, n) => {
  const a = args[0]!;
  if (a.isConst) return constCol(spec.result, a.value === null ? null : BigInt((a.value as unknown[]).length), n);
  const d = a.data!;
  const out = new BigInt64Array(n);
  if (d.type.typeId === Type.FixedSizeList) out.fill(BigInt((d.type as unknown as { listSize: number }).listSize));
  else {
    const o = d.valueOffsets as Int32Array;
    for (let i = 0; i < n; i++) out[i] = BigInt(o[i + 1]! - o[i]!);
  }
  return flatCol(spec.result, n, out, a.validity);
};

const listElement: KernelFactory = (spec) =>
  perRow(spec.result, (v) => {
    const xs = v[0] as unknown[];
    const k = Number(v[1]);
    const at = k > 0 ? k - 1 : k < 0 ? xs.length + k : -1;
    return at >= 0 && at < xs.length ? (xs[at] ?? null) : null;
  });

const listContains: KernelFactory = (spec) =>
  perRow(spec.result, (v) => (v[0] as unknown[]).some((x) => x !== null && compareValues(x, v[1]) === 0));

const listValue: KernelFactory = (spec) => perRowNullable(spec.result, (v) => [...v]);

/** struct_extract: the child column, zero-copy (validity combined with the struct's). */
const structExtract: KernelFactory = (spec) => {
  const name = spec.consts[1]?.value as string;
  const idx = (spec.args[0]!.children as { name: string }[]).findIndex((f) => f.name === name);
  return (args, n) => {
    const a = args[0]!;
    if (a.isConst) return constCol(spec.result, a.value === null ? null : ((a.value as Record<string, unknown>)[name] ?? null), n);
    const d = a.data!;
    let child = d.children[idx]!.slice(d.offset, n);
    if (d.nullCount > 0) {
      const parent = alignBits(d.nullBitmap!, d.offset, n);
      const cv = child.nullCount > 0 ? alignBits(child.nullBitmap!, child.offset, n) : null;
      const bm = new Uint8Array(bytesFor(n));
      let nulls = 0;
      for (let j = 0; j < bm.length; j++) bm[j] = parent[j]! & (cv ? cv[j]! : 0xff);
      for (let i = 0; i < n; i++) if (!((bm[i >> 3]! >> (i & 7)) & 1)) nulls++;
      child = makeData({ type: child.type, length: n, nullCount: nulls, nullBitmap: bm, data: child.values, valueOffsets: child.valueOffsets, children: child.children, offset: 0 } as never);
      if (child.type.typeId === Type.Bool || child.type.typeId === Type.Struct) {
        // Bool bits / struct children start at the child's own offset: rebuild through take-free values.
        return perRow(spec.result, (v) => (v[0] as Record<string, unknown>)[name] ?? null)(args, n);
      }
    }
    return fromData(child);
  };
};

export const NESTED_KERNELS: Readonly<Record<string, KernelFactory>> = {
  len: listLen,
  list_element: listElement,
  list_contains: listContains,
  list_value: listValue,
  struct_extract: structExtract,
};

