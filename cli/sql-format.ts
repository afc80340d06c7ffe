/**
 * SQL results as text for the shell: an aligned box table (DuckDB-like: names, types, numbers
 * right-aligned, long results elided in the middle), CSV, JSON lines, or Arrow IPC bytes.
 */
import { type Data, type DataType, type Table, tableToIPC, Type } from 'apache-arrow';

import { typeName } from '../logical/functions.js';
import { cellText, plainValue } from '../parser/bind/result-values.js';

export type SqlFormat = 'table' | 'csv' | 'json' | 'arrow';
export const SQL_FORMATS: readonly SqlFormat[] = ['table', 'csv', 'json', 'arrow'];

const numeric = (t: DataType): boolean => t.typeId === Type.Int || t.typeId === Type.Float || t.typeId === Type.Decimal;

/** Each column's Data chunks with row offsets, for random access by row. */
function cells(t: Table): (row: number, col: number) => string {
  const chunks = t.schema.fields.map((_, j) => t.getChildAt(j)!.data as Data[]);
  return (row, col) => {
    let r = row;
    for (const d of chunks[col]!) {
      if (r < d.length) return cellText(d, r);
      r -= d.length;
    }
    return '';
  };
}

function truncate(s: string, n: number): string {
  const one = s.replace(/\n/g, '\\n');
  return one.length > n ? `${one.slice(0, n - 1)}…` : one;
}

/** An aligned table; at most `maxRows` rows (the first and last halves) with a row count below. */
export function boxResult(t: Table, maxRows = 40, maxWidth = 40): string {
  const fields = t.schema.fields;
  if (fields.length === 0) return '';
  const cell = cells(t);
  const n = t.numRows;
  const shownIdx = n <= maxRows ? [...Array(n).keys()] : [...Array(maxRows / 2).keys(), -1, ...Array.from({ length: maxRows / 2 }, (_, i) => n - maxRows / 2 + i)];
  const rows = shownIdx.map((i) => (i < 0 ? fields.map(() => '·') : fields.map((_, j) => truncate(cell(i, j), maxWidth))));
  const names = fields.map((f) => truncate(f.name, maxWidth));
  const types = fields.map((f) => typeName(f.type).toLowerCase());
  const w = fields.map((_, j) => Math.max(names[j]!.length, types[j]!.length, ...rows.map((r) => r[j]!.length)));
  const center = (s: string, k: number): string => {
    const pad = w[k]! - s.length;
    return ' '.repeat(Math.floor(pad / 2)) + s + ' '.repeat(Math.ceil(pad / 2));
  };
  const line = (cs: string[]): string => `│ ${cs.join(' │ ')} │`;
  const rule = (l: string, m: string, r: string): string => `${l}${w.map((x) => '─'.repeat(x + 2)).join(m)}${r}`;
  const body = rows.map((r) => line(r.map((c, k) => (numeric(fields[k]!.type) ? c.padStart(w[k]!) : c.padEnd(w[k]!)))));
  const out = [rule('┌', '┬', '┐'), line(names.map(center)), line(types.map(center)), rule('├', '┼', '┤'), ...body, rule('└', '┴', '┘')];
  if (n > maxRows || n === 0) out.push(`${n.toLocaleString('en-US')} rows${n > maxRows ? ` (${maxRows} shown)` : ''}`);
  return out.join('\n');
}

export function csvResult(t: Table): string {
  const cell = cells(t);
  const esc = (s: string): string => (/[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
  const lines = [t.schema.fields.map((f) => esc(f.name)).join(',')];
  for (let i = 0; i < t.numRows; i++) lines.push(t.schema.fields.map((_, j) => { const c = cell(i, j); return c === 'NULL' && nullAt(t, i, j) ? '' : esc(c); }).join(','));
  return lines.join('\n');
}

function nullAt(t: Table, row: number, col: number): boolean {
  return t.getChildAt(col)!.get(row) === null;
}

function jsonValue(v: unknown): unknown {
  if (v === null || v === undefined) return null;
  if (typeof v === 'bigint') return Number.isSafeInteger(Number(v)) ? Number(v) : v.toString();
  if (v instanceof Date) return v.toISOString();
  if (v instanceof Uint8Array) return Buffer.from(v).toString('base64');
  if (Array.isArray(v)) return v.map(jsonValue);
  if (typeof v === 'object') return Object.fromEntries(Object.entries(v as Record<string, unknown>).map(([k, x]) => [k, jsonValue(x)]));
  if (typeof v === 'number' && !Number.isFinite(v)) return String(v);
  return v;
}

/** One JSON object per row (BIGINT beyond 2^53 as strings, BLOB as base64, times as ISO text). */
export function jsonResult(t: Table): string {
  const lines: string[] = [];
  for (const b of t.batches) {
    for (let i = 0; i < b.numRows; i++) {
      lines.push(JSON.stringify(Object.fromEntries(b.schema.fields.map((f, j) => [f.name, jsonValue(plainValue(b.data.children[j]!, i))]))));
    }
  }
  return lines.join('\n');
}

export function formatResult(t: Table, format: Exclude<SqlFormat, 'arrow'>): string {
  return format === 'table' ? boxResult(t) : format === 'csv' ? csvResult(t) : jsonResult(t);
}

/** The result as an Arrow IPC stream. */
export const arrowResult = (t: Table): Uint8Array => tableToIPC(t, 'stream');
