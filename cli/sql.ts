/**
 * `gyre sql [ROOT] [-c "SQL"] [--format table|csv|json|arrow]`: SQL over the catalog at ROOT
 * (default $GYRE_ROOT, else ./gyre-data).
 *
 *  - with `-c`: runs the statements, prints the last result in the format, exits (1 on error);
 *  - otherwise a shell (cli/sql-repl.ts) on stdin: statements end with `;` and may span lines;
 *    dot-commands `.tables`, `.schema [NAME]`, `.explain on|off`, `.mode table|csv|json`,
 *    `.timer on|off`, `.help`, `.quit`; history in ~/.gyre_history ($GYRE_HISTORY).
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';

import { EngineError } from '../errors.js';
import { open } from '../index.js';
import { repl, type ReplIO } from './sql-repl.js';
import { arrowResult, formatResult, SQL_FORMATS, type SqlFormat } from './sql-format.js';

export const SQL_USAGE = `  gyre sql [ROOT] [-c "SQL"] [--format table|csv|json|arrow]   SQL shell, or one command with -c`;

export interface SqlIO extends ReplIO {
  /** Raw bytes (Arrow output). */
  readonly bytes: (b: Uint8Array) => void;
}

const defaultIO = (): SqlIO => ({
  out: (s) => console.log(s),
  err: (s) => console.error(s),
  bytes: (b) => process.stdout.write(b),
  input: process.stdin,
  output: process.stdout,
});

/** The message of an error as the shell shows it: `Error [code]: message`. */
export function errorText(e: unknown): string {
  if (e instanceof EngineError) return `Error [${e.code}]: ${e.message}`;
  return `Error: ${e instanceof Error ? e.message : String(e)}`;
}

export async function sqlCommand(args: string[], io: SqlIO = defaultIO()): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { command: { type: 'string', short: 'c' }, format: { type: 'string', short: 'f' }, help: { type: 'boolean', short: 'h' } },
  });
  if (values.help) {
    io.out(SQL_USAGE);
    return 0;
  }
  const format = (values.format ?? 'table') as SqlFormat;
  if (!SQL_FORMATS.includes(format)) throw new EngineError('invalid-argument', `unknown format ${format} (${SQL_FORMATS.join(', ')})`);
  const root = positionals[0] ?? process.env['GYRE_ROOT'] ?? './gyre-data';
  const db = await open(root);
  try {
    if (values.command === undefined) return await repl(db, { ...io, mode: format === 'arrow' ? 'table' : format, root: resolve(root) });
    try {
      const r = await db.sql(values.command);
      const t = await r.toArrow();
      if (format === 'arrow') io.bytes(arrowResult(t));
      else if (r.kind === 'explain' && format === 'table') io.out((await r.rows()).map((x) => String(x['explain'])).join('\n'));
      else if (t.schema.fields.length > 0) io.out(formatResult(t, format));
      return 0;
    } catch (e) {
      io.err(errorText(e));
      return 1;
    }
  } finally {
    await db.close();
  }
}
