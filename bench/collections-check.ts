/**
 * Order-independent checksums of the two query results of `npm run bench:collections`, computed
 * the same way from Arrow batches (gyre, polars) and by SQL aggregates over the query (DuckDB).
 * Integer-valued sums must agree exactly; float sums (whose rounding depends on the order of
 * addition) within a relative 1e-9.
 *
 * Arrow JS slices the value and offset buffers of a sliced Data (only the validity bitmap keeps
 * `offset`), so values are indexed from 0 here.
 *
 * Strings and binaries contribute their count, total length and the sums of their last and
 * second-to-last bytes (the ids, frame and chunk numbers sit at the end of every payload).
 */
import { type Data, type RecordBatch, Type } from 'apache-arrow';

export type Checksum = Record<string, number>;

/**
 * Float sums and their relative tolerance: sums of f64 values 1e-9; the sum of per-clip means of
 * f32 confidences 1e-6 (polars averages f32 values in f32).
 */
const FLOAT: Record<string, number> = { conf_sum: 1e-6, det_conf: 1e-9, det_ts: 1e-9 };

export function sameChecksum(a: Checksum, b: Checksum): string[] {
  const bad: string[] = [];
  for (const k of new Set([...Object.keys(a), ...Object.keys(b)])) {
    const x = a[k], y = b[k];
    if (x === undefined || y === undefined) bad.push(`${k}: ${x} vs ${y}`);
    else if (k in FLOAT ? Math.abs(x - y) > FLOAT[k]! * Math.max(1, Math.abs(x), Math.abs(y)) : x !== y) bad.push(`${k}: ${x} vs ${y}`);
  }
  return bad;
}

const valid = (d: Data, i: number): boolean => !d.nullBitmap || d.nullCount === 0 || ((d.nullBitmap[(d.offset + i) >> 3]! >> ((d.offset + i) & 7)) & 1) === 1;

/** Value i of a utf8/binary view column (polars' strings) as [bytes, start, end]. */
function viewAt(d: Data, i: number): [Uint8Array, number, number] {
  const v = d.values as Uint8Array;
  const at = i * 16;
  const w = new DataView(v.buffer, v.byteOffset + at, 16);
  const len = w.getInt32(0, true);
  if (len <= 12) return [v, at + 4, at + 4 + len];
  const buf = (d as unknown as { variadicBuffers: Uint8Array[] }).variadicBuffers[w.getInt32(8, true)]!;
  const off = w.getInt32(12, true);
  return [buf, off, off + len];
}

/** Adds count / length / last / last2 of a utf8 or binary column (large and view variants too). */
function bytesSum(cs: Checksum, name: string, d: Data, nonEmpty = false): void {
  const views = d.type.typeId === Type.Utf8View || d.type.typeId === Type.BinaryView;
  const off = d.valueOffsets as Int32Array | BigInt64Array;
  let n = 0, len = 0, last = 0, last2 = 0, ne = 0;
  for (let i = 0; i < d.length; i++) {
    if (!valid(d, i)) continue;
    let bytes = d.values as Uint8Array, s: number, e: number;
    if (views) [bytes, s, e] = viewAt(d, i);
    else {
      s = Number(off[i]!);
      e = Number(off[i + 1]!);
    }
    n++;
    len += e - s;
    if (e - s >= 1) {
      last += bytes[e - 1]!;
      ne++;
    }
    if (e - s >= 2) last2 += bytes[e - 2]!;
  }
  cs[`${name}_n`] = (cs[`${name}_n`] ?? 0) + (nonEmpty ? ne : n);
  cs[`${name}_len`] = (cs[`${name}_len`] ?? 0) + len;
  cs[`${name}_last`] = (cs[`${name}_last`] ?? 0) + last;
  cs[`${name}_last2`] = (cs[`${name}_last2`] ?? 0) + last2;
}

/** Σ round(x · scale) over valid values (float columns holding exact multiples). */
function scaledSum(cs: Checksum, name: string, d: Data, scale: number): void {
  const v = d.values as Float32Array | Float64Array;
  let s = 0;
  for (let i = 0; i < d.length; i++) if (valid(d, i)) s += Math.round(v[i]! * scale);
  cs[name] = (cs[name] ?? 0) + s;
}

function floatSum(cs: Checksum, name: string, d: Data): { n: number } {
  const v = d.values as Float32Array | Float64Array;
  let s = 0, n = 0;
  for (let i = 0; i < d.length; i++) {
    if (!valid(d, i)) continue;
    s += v[i]!;
    n++;
  }
  cs[name] = (cs[name] ?? 0) + s;
  return { n };
}

const col = (b: RecordBatch, name: string): Data => {
  const i = b.schema.fields.findIndex((f) => f.name === name);
  if (i < 0) throw new Error(`result has no column ${name}: ${b.schema.fields.map((f) => f.name).join(', ')}`);
  return b.data.children[i]!;
};

/** Query A: brightness, camera, duration, location, confidence_mean per frame. */
export function addA(cs: Checksum, b: RecordBatch): void {
  cs.rows = (cs.rows ?? 0) + b.numRows;
  scaledSum(cs, 'brightness256', col(b, 'brightness'), 256);
  scaledSum(cs, 'duration10', col(b, 'duration'), 10);
  bytesSum(cs, 'camera', col(b, 'camera'));
  bytesSum(cs, 'location', col(b, 'location'));
  const { n } = floatSum(cs, 'conf_sum', col(b, 'confidence_mean'));
  cs.conf_n = (cs.conf_n ?? 0) + n;
}

/** Query B: _id, time, rgb, detections (list of structs), pcm per timeline step. */
export function addB(cs: Checksum, b: RecordBatch): void {
  cs.rows = (cs.rows ?? 0) + b.numRows;
  bytesSum(cs, 'id', col(b, '_id'));
  scaledSum(cs, 'time10', col(b, 'time'), 10);
  bytesSum(cs, 'rgb', col(b, 'rgb'));
  bytesSum(cs, 'pcm', col(b, 'pcm'), true);
  const dets = col(b, 'detections');
  if (dets.type.typeId !== Type.List && dets.type.typeId !== Type.LargeList) throw new Error(`detections is ${String(dets.type)}, not a list`);
  const off = dets.valueOffsets as Int32Array;
  const s = Number(off[0]!), e = Number(off[dets.length]!);
  cs.det_n = (cs.det_n ?? 0) + (e - s);
  const items = dets.children[0]!.slice(s, e - s);
  const field = (name: string): Data => {
    const i = (items.type.children as { name: string }[]).findIndex((f) => f.name === name);
    return items.children[i]!;
  };
  floatSum(cs, 'det_conf', field('confidence'));
  floatSum(cs, 'det_ts', field('ts'));
  const lab: Checksum = {};
  bytesSum(lab, 'l', field('label'));
  cs.det_label_len = (cs.det_label_len ?? 0) + lab.l_len!;
}

/** The DuckDB aggregate terms of a varchar/blob column (same keys as `bytesSum`). */
function sqlBytes(name: string, x: string, nonEmpty = false): string {
  const v = `CAST(${x} AS VARCHAR)`;
  return [
    nonEmpty ? `count(CASE WHEN length(${v}) >= 1 THEN 1 END) AS ${name}_n` : `count(${x}) AS ${name}_n`,
    `coalesce(sum(length(${v})), 0) AS ${name}_len`,
    `coalesce(sum(CASE WHEN length(${v}) >= 1 THEN unicode(right(${v}, 1)) ELSE 0 END), 0) AS ${name}_last`,
    `coalesce(sum(CASE WHEN length(${v}) >= 2 THEN unicode(left(right(${v}, 2), 1)) ELSE 0 END), 0) AS ${name}_last2`,
  ].join(', ');
}

export function sqlChecksumA(query: string): string {
  return `SELECT count(*) AS rows, sum(round(brightness * 256)) AS brightness256, sum(round(duration * 10)) AS duration10,
    ${sqlBytes('camera', 'camera')}, ${sqlBytes('location', 'location')},
    coalesce(sum(confidence_mean), 0) AS conf_sum, count(confidence_mean) AS conf_n
  FROM (${query}) q`;
}

export function sqlChecksumB(query: string): string {
  return `SELECT count(*) AS rows, ${sqlBytes('id', '_id')}, sum(round(time * 10)) AS time10, ${sqlBytes('rgb', 'rgb')}, ${sqlBytes('pcm', 'pcm', true)},
    sum(len(detections)) AS det_n,
    coalesce(sum(list_sum(list_transform(detections, x -> CAST(x.confidence AS DOUBLE)))), 0) AS det_conf,
    coalesce(sum(list_sum(list_transform(detections, x -> x.ts))), 0) AS det_ts,
    coalesce(sum(list_sum(list_transform(detections, x -> length(x.label)))), 0) AS det_label_len
  FROM (${query}) q`;
}
