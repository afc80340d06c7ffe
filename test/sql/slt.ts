/**
 * A small sqllogictest runner for gyre's SQL (STYLE point 19). A `.slt` file starts with
 * `# name:` and `# description:` lines, then records separated by blank lines:
 *
 *     statement ok                    statement error sql-unknown-column     query ITR rowsort
 *     CREATE TABLE t (…)              SELECT nme FROM t                      SELECT a, b, c FROM t
 *                                                                            ----
 *                                                                            1	x	0.500
 *
 * `statement error` takes an error code or a substring of the message (or nothing: any error).
 * `query` takes one type letter per column (I integer, R real printed with 3 decimals, T text,
 * B boolean, D date/time) and an optional sort mode: `nosort` (default), `rowsort` (rows
 * sorted as text) or `valuesort` (all values sorted). NULL prints as `NULL`, the empty string as
 * `(empty)`. Lines starting with `#` outside records are comments. `complete` rewrites every
 * query's expected rows from what gyre returns (`npm run test:slt -- --complete`).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { Type } from 'apache-arrow';

import { open } from '../../index.js';
import { cellText, plainValue } from '../../parser/bind/result-values.js';

export type SltRecord =
  | { readonly kind: 'statement'; readonly line: number; readonly sql: string; readonly expect: 'ok' | { readonly error: string } }
  | { readonly kind: 'query'; readonly line: number; readonly sql: string; readonly types: string; readonly sort: 'nosort' | 'rowsort' | 'valuesort'; readonly expected: readonly string[]; readonly header: string };

export interface SltFile {
  readonly name: string;
  readonly description: string;
  readonly records: readonly SltRecord[];
  /** The text between records (comments, headers), kept for `--complete`. */
  readonly text: string;
}

export function parseSlt(text: string): SltFile {
  const lines = text.split('\n');
  const records: SltRecord[] = [];
  let name = '', description = '';
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const m = /^#\s*(name|description):\s*(.*)$/.exec(line);
    if (m?.[1] === 'name') name = m[2]!;
    else if (m?.[1] === 'description') description = m[2]!;
    if (line.trim() === '' || line.startsWith('#')) continue;
    const start = i;
    const header = line.trim();
    const body: string[] = [];
    while (i + 1 < lines.length && lines[i + 1]!.trim() !== '' && lines[i + 1] !== '----') body.push(lines[++i]!);
    if (header.startsWith('statement')) {
      const rest = header.slice('statement'.length).trim();
      const expect = rest === 'ok' ? 'ok' : { error: rest.replace(/^error\s*/, '') };
      records.push({ kind: 'statement', line: start + 1, sql: body.join('\n'), expect });
    } else if (header.startsWith('query')) {
      const [, types = '', sort = 'nosort'] = header.split(/\s+/);
      const expected: string[] = [];
      if (lines[i + 1] === '----') {
        i++;
        while (i + 1 < lines.length && lines[i + 1]!.trim() !== '') expected.push(lines[++i]!);
      }
      records.push({ kind: 'query', line: start + 1, sql: body.join('\n'), types, sort: sort as 'nosort', expected, header });
    } else throw new Error(`line ${start + 1}: unknown record "${header}"`);
  }
  return { name, description, records, text };
}

/** One value as the runner prints it for a column of type letter `t`. */
function cell(data: import('apache-arrow').Data, i: number, t: string): string {
  const v = plainValue(data, i);
  if (v === null) return 'NULL';
  if (t === 'R' && (typeof v === 'number' || typeof v === 'bigint')) {
    const n = Number(v);
    return Number.isFinite(n) ? (Object.is(Math.round(n * 1000) / 1000, -0) ? '0.000' : n.toFixed(3)) : cellText(data, i);
  }
  if (t === 'I' && typeof v === 'number' && data.typeId === Type.Float) return String(Math.trunc(v));
  const s = cellText(data, i);
  return s === '' ? '(empty)' : s;
}

export interface SltFailure {
  readonly line: number;
  readonly message: string;
}

/** Runs a file in a fresh catalog; failures are collected (with `complete`, queries are rewritten). */
export async function runSlt(file: SltFile, opts: { complete?: boolean } = {}): Promise<{ failures: SltFailure[]; completed: string; records: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'gyre-slt-'));
  const db = await open(dir);
  const failures: SltFailure[] = [];
  const rewritten = new Map<number, string[]>();
  try {
    for (const r of file.records) {
      if (r.kind === 'statement') {
        let err: unknown = null;
        try {
          await (await db.sql(r.sql)).toArrow();
        } catch (e) {
          err = e;
        }
        if (r.expect === 'ok' && err) failures.push({ line: r.line, message: `statement failed: ${(err as Error).message}` });
        if (r.expect !== 'ok') {
          const want = r.expect.error;
          const code = (err as { code?: string } | null)?.code;
          if (!err) failures.push({ line: r.line, message: `statement succeeded, expected error ${want}` });
          else if (want && code !== want && !(err as Error).message.includes(want)) failures.push({ line: r.line, message: `expected error ${want}, got [${code}] ${(err as Error).message}` });
        }
        continue;
      }
      let rows: string[][];
      try {
        const t = await (await db.sql(r.sql)).toArrow();
        rows = [];
        for (const b of t.batches) {
          for (let i = 0; i < b.numRows; i++) rows.push(b.data.children.map((c, j) => cell(c, i, r.types[j] ?? 'T')));
        }
        if (rows[0] && rows[0].length !== r.types.length) failures.push({ line: r.line, message: `query returns ${rows[0].length} columns, the header says ${r.types.length}` });
      } catch (e) {
        failures.push({ line: r.line, message: `query failed: ${(e as Error).message}` });
        continue;
      }
      let out: string[];
      if (r.sort === 'valuesort') out = rows.flat().sort();
      else {
        const lines = rows.map((x) => x.join('\t'));
        out = r.sort === 'rowsort' ? lines.sort() : lines;
      }
      if (opts.complete) rewritten.set(r.line, out);
      else if (out.join('\n') !== r.expected.join('\n')) {
        failures.push({ line: r.line, message: `wrong result for\n${r.sql}\nexpected:\n${r.expected.join('\n')}\ngot:\n${out.join('\n')}` });
      }
    }
  } finally {
    await db.close();
    rmSync(dir, { recursive: true, force: true });
  }
  return { failures, completed: opts.complete ? complete(file, rewritten) : file.text, records: file.records.length };
}

/** The file's text with each query's expected rows replaced. */
function complete(file: SltFile, results: ReadonlyMap<number, string[]>): string {
  const lines = file.text.split('\n');
  const out: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    out.push(lines[i]!);
    const rows = results.get(i + 1);
    if (!rows) continue;
    while (i + 1 < lines.length && lines[i + 1]!.trim() !== '' && lines[i + 1] !== '----') out.push(lines[++i]!);
    if (lines[i + 1] === '----') {
      i++;
      while (i + 1 < lines.length && lines[i + 1]!.trim() !== '') i++;
    }
    out.push('----', ...rows);
  }
  return out.join('\n');
}

export function runSltFile(path: string, opts: { complete?: boolean } = {}): Promise<{ failures: SltFailure[]; records: number }> {
  const file = parseSlt(readFileSync(path, 'utf8'));
  return runSlt(file, opts).then((r) => {
    if (opts.complete && r.completed !== file.text) writeFileSync(path, r.completed);
    return r;
  });
}
