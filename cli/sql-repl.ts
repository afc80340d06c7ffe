/**
 * The interactive SQL shell: node:readline over any input stream (a terminal gets prompts,
 * line editing and history; a pipe is read line by line without prompts). Lines collect until
 * a statement ends with `;` outside quotes; lines starting with `.` are dot-commands. Each
 * statement prints its result and a timing line.
 */
import { appendFileSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

import { analyzeSql } from '../parser/parse.js';
import type { Database } from '../storage/tables/catalog.js';
import { formatResult } from './sql-format.js';

export interface ReplIO {
  readonly out: (s: string) => void;
  readonly err: (s: string) => void;
  readonly input: NodeJS.ReadableStream & { isTTY?: boolean };
  readonly output: NodeJS.WritableStream;
}

type Mode = 'table' | 'csv' | 'json';

const HELP = `.tables              list tables and datasets
.schema [NAME]       columns of a table (or a dataset's tree); all of them without NAME
.explain on|off      show plans instead of running queries
.mode table|csv|json output format
.timer on|off        print timings (default on)
.quit                leave (also Ctrl-D)
SQL statements end with ';' and may span lines.`;

const historyFile = (): string => process.env['GYRE_HISTORY'] ?? join(homedir(), '.gyre_history');

function loadHistory(): string[] {
  try {
    return readFileSync(historyFile(), 'utf8').split('\n').filter(Boolean).reverse().slice(0, 1000);
  } catch {
    return [];
  }
}

/**
 * A statement as one history line: line comments become block comments (joined into one line,
 * `-- note` would swallow the rest of the statement when it is recalled), newlines spaces.
 */
export function historyLine(text: string): string {
  let out = '';
  let quote: string | null = null;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quote) {
      if (c === quote) quote = null;
      out += c;
    } else if (c === "'" || c === '"') {
      quote = c;
      out += c;
    } else if (c === '-' && text[i + 1] === '-') {
      const nl = text.indexOf('\n', i);
      const end = nl < 0 ? text.length : nl;
      out += `/* ${text.slice(i + 2, end).replace(/\*\//g, '* /').trim()} */`;
      i = end - 1;
    } else out += c;
  }
  return out.replace(/\s*\n\s*/g, ' ');
}

function saveHistory(entry: string): void {
  try {
    appendFileSync(historyFile(), `${historyLine(entry)}\n`);
  } catch {
    // history is a convenience: an unwritable home is not an error
  }
}

/** Whether `text` ends a statement: a `;` last, outside quotes and comments (`--` and block). */
export function statementComplete(text: string): boolean {
  let quote: string | null = null;
  let last = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quote) {
      if (c === quote) quote = null;
      continue;
    }
    if (c === "'" || c === '"') quote = c;
    else if (c === '-' && text[i + 1] === '-') {
      const nl = text.indexOf('\n', i);
      if (nl < 0) break;
      i = nl;
      continue;
    } else if (c === '/' && text[i + 1] === '*') {
      const close = text.indexOf('*/', i + 2);
      if (close < 0) return false;
      i = close + 1;
      continue;
    } else if (!/\s/.test(c)) last = c;
  }
  return quote === null && last === ';';
}

/**
 * The statements of `text` as separate texts, so each prints its own result (text that does
 * not parse stays whole: running it reports the errors with positions in the text as typed).
 */
export function splitStatements(text: string): string[] {
  const { statements, diagnostics } = analyzeSql(text);
  if (diagnostics.length > 0 || statements.length <= 1) return [text];
  return statements.map((st) => text.slice(st.span.start.offset, st.span.end.offset));
}

const rowCount = (n: number): string => `${n.toLocaleString('en-US')} ${n === 1 ? 'row' : 'rows'}`;

export async function repl(db: Database, io: ReplIO & { mode: Mode; root?: string }): Promise<number> {
  const tty = io.input.isTTY === true;
  // Before the interface exists: lines read while nothing iterates them would be lost.
  if (tty) {
    io.out('gyre SQL shell: statements end with ";", .help for commands, Ctrl-D to leave.');
    const n = (await (await db.sql('SHOW TABLES')).rows()).length;
    if (io.root !== undefined) io.out(`catalog ${io.root}: ${n === 0 ? 'no tables yet (CREATE TABLE …, or open another ROOT: gyre sql ROOT)' : `${n} ${n === 1 ? 'table or dataset' : 'tables and datasets'} (.tables lists them)`}`);
  }
  const rl = createInterface({ input: io.input, output: io.output, terminal: tty, historySize: 1000, ...(tty ? { history: loadHistory() } : {}) });
  let mode: Mode = io.mode;
  let explain = false;
  let timer = true;
  let buffer = '';
  const prompt = (): void => {
    if (!tty) return;
    rl.setPrompt(buffer ? '   ...> ' : 'gyre> ');
    rl.prompt();
  };
  rl.on('SIGINT', () => {
    buffer = '';
    io.out('^C');
    prompt();
  });
  const run = async (text: string): Promise<void> => {
    const t0 = performance.now();
    try {
      const r = await db.sql(explain && !/^\s*explain\b/i.test(text) ? `EXPLAIN ${text}` : text);
      const t = await r.toArrow();
      if (r.kind === 'explain') io.out((await r.rows()).map((x) => String(x['explain'])).join('\n'));
      else if (t.schema.fields.length > 0) io.out(formatResult(t, mode));
      else io.out('OK');
      if (timer) io.out(`Run Time: ${((performance.now() - t0) / 1000).toFixed(3)} s${r.kind === 'query' ? `, ${rowCount(t.numRows)}` : ''}`);
    } catch (e) {
      io.err(`Error [${(e as { code?: string }).code ?? 'error'}]: ${(e as Error).message}`);
    }
  };
  const dot = async (line: string): Promise<boolean> => {
    const [cmd = '', ...rest] = line.trim().split(/\s+/);
    const arg = rest.join(' ');
    switch (cmd) {
      case '.quit':
      case '.exit':
        return false;
      case '.help':
        io.out(HELP);
        break;
      case '.tables':
        await run('SHOW TABLES');
        break;
      case '.schema':
        if (arg) await run(`DESCRIBE ${arg}`);
        else {
          for (const t of await (await db.sql('SHOW TABLES')).rows()) {
            io.out(`${String(t['kind'])} ${String(t['name'])}:`);
            await run(`DESCRIBE ${String(t['name'])}`);
          }
        }
        break;
      case '.explain':
        explain = arg !== 'off';
        break;
      case '.timer':
        timer = arg !== 'off';
        break;
      case '.mode':
        if (arg === 'table' || arg === 'csv' || arg === 'json') mode = arg;
        else io.err('usage: .mode table|csv|json');
        break;
      default:
        io.err(`unknown command ${cmd} (.help lists them)`);
    }
    return true;
  };
  prompt();
  for await (const line of rl) {
    if (!buffer && line.trim().startsWith('.')) {
      if (tty) saveHistory(line.trim());
      if (!(await dot(line))) break;
      prompt();
      continue;
    }
    if (!buffer && line.trim() === '') {
      prompt();
      continue;
    }
    buffer = buffer ? `${buffer}\n${line}` : line;
    if (statementComplete(buffer)) {
      const text = buffer;
      buffer = '';
      if (tty) saveHistory(text);
      for (const st of splitStatements(text)) await run(st);
    }
    prompt();
  }
  if (buffer.trim()) for (const st of splitStatements(buffer)) await run(st);
  rl.close();
  return 0;
}
