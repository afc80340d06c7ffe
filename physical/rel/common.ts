/**
 * Small pieces shared by the relational operators: the "no ordering" contract, physical
 * schemas (decimals execute as Float64), and slicing large outputs into batches.
 */
import { Field, type RecordBatch, Schema } from 'apache-arrow';

import { physicalType } from '../expr/kernel.js';
import type { Ordering } from '../operator.js';

export const UNORDERED: Ordering = { keys: [] };

/** The schema operators produce for a logical schema (decimal columns become Float64). */
export function physicalSchema(s: Schema): Schema {
  let same = true;
  const fields = s.fields.map((f) => {
    const t = physicalType(f.type);
    if (t === f.type) return f;
    same = false;
    return new Field(f.name, t, f.nullable, f.metadata);
  });
  return same ? s : new Schema(fields, s.metadata);
}

/** `b` cut into batches of at most `rows` rows (zero-copy slices). */
export function* chunks(b: RecordBatch, rows: number): Generator<RecordBatch> {
  if (b.numRows <= rows) {
    yield b;
    return;
  }
  for (let at = 0; at < b.numRows; at += rows) yield b.slice(at, Math.min(b.numRows, at + rows));
}

/** Renames the schema of a batch (same columns). */
export function withSchema(b: RecordBatch, schema: Schema): RecordBatch {
  return b.schema === schema ? b : (new (b.constructor as typeof RecordBatch)(schema, b.data) as RecordBatch);
}
