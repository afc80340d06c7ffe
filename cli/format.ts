/**
 * Text output of Arrow tables for the CLI: aligned table, CSV and JSON lines.
 */
import { DataType, MapRow, type Table } from 'apache-arrow';

export type OutputFormat = 'table' | 'csv' | 'json';

function plain(v: unknown): unknown {
  if (v === null || v === undefined) return null;
  if (typeof v === 'bigint') return v.toString();
  if (v instanceof Uint8Array) return Buffer.from(v).toString('hex');
  if (v instanceof MapRow) {
    // A map: an object, or a list of [key, value] pairs when a key repeats (Arrow maps allow it).
    const pairs = [...(v as Iterable<[unknown, unknown]>)].map(([k, x]) => [plain(k), plain(x)] as const);
    const keys = new Set(pairs.map(([k]) => String(k)));
    return keys.size === pairs.length ? Object.fromEntries(pairs.map(([k, x]) => [String(k), x])) : pairs;
  }
  if (typeof v === 'object' && v !== null && 'toJSON' in v && typeof (v as { toJSON: unknown }).toJSON === 'function') {
    return plain((v as { toJSON(): unknown }).toJSON());
  }
  if (Array.isArray(v)) return v.map(plain);
  if (typeof v === 'object' && v !== null && Symbol.iterator in v) return [...(v as Iterable<unknown>)].map(plain);
  if (typeof v === 'object' && v !== null) {
    return Object.fromEntries(Object.entries(v as Record<string, unknown>).map(([k, x]) => [k, plain(x)]));
  }
  return v;
}

function cell(v: unknown): string {
  const p = plain(v);
  if (p === null) return 'null';
  if (typeof p === 'string') return p;
  return typeof p === 'object' ? JSON.stringify(p) : String(p);
}

function truncate(s: string, n: number): string {
  return s.length > n ? `${s.slice(0, n - 1)}…` : s;
}

/** Timestamps and dates print as ISO-8601 (Arrow JS gives epoch milliseconds). */
function temporal(type: DataType, v: unknown): unknown {
  if (typeof v !== 'number' || !Number.isFinite(v)) return v;
  if (DataType.isTimestamp(type)) return new Date(v).toISOString().replace('T', ' ').replace('Z', type.timezone ? ' UTC' : '');
  if (DataType.isDate(type)) return new Date(v).toISOString().slice(0, 10);
  return v;
}

export function formatTable(t: Table, format: OutputFormat, maxWidth = 40): string {
  const names = t.schema.fields.map((f) => f.name);
  const cols = names.map((n) => t.getChild(n)!);
  const types = t.schema.fields.map((f) => f.type as DataType);
  const rows: string[][] = [];
  for (let i = 0; i < t.numRows; i++) rows.push(cols.map((c, k) => cell(temporal(types[k]!, c.get(i)))));
  if (format === 'json') {
    const lines: string[] = [];
    for (let i = 0; i < t.numRows; i++) {
      lines.push(JSON.stringify(Object.fromEntries(names.map((n, k) => [n, plain(temporal(types[k]!, cols[k]!.get(i)))]))));
    }
    return lines.join('\n');
  }
  if (format === 'csv') {
    const esc = (s: string): string => (/[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
    return [names.map(esc).join(','), ...rows.map((r) => r.map(esc).join(','))].join('\n');
  }
  const typeNames = types.map(String);
  const shown = rows.map((r) => r.map((c) => truncate(c, maxWidth)));
  const widths = names.map((n, k) => Math.max(n.length, typeNames[k]!.length, ...shown.map((r) => r[k]!.length)));
  const line = (cells: string[]): string => `│ ${cells.map((c, k) => c.padEnd(widths[k]!)).join(' │ ')} │`;
  const rule = (l: string, m: string, r: string): string => `${l}${widths.map((w) => '─'.repeat(w + 2)).join(m)}${r}`;
  return [
    rule('┌', '┬', '┐'),
    line(names),
    line(typeNames),
    rule('├', '┼', '┤'),
    ...shown.map(line),
    rule('└', '┴', '┘'),
  ].join('\n');
}
