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
.schema NAME         columns of a table (or a dataset's tree)
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

function saveHistory(entry: string): void {
  try {
    appendFileSync(historyFile(), `${entry.replace(/\n/g, ' ')}\n`);
  } catch {
    // history is a convenience: an unwritable home is not an error
  }
}

/** Whether `text` ends a statement: a `;` last, outside quotes and comments. */
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
    } else if (!/\s/.test(c)) last = c;
  }
  return quote === null && last === ';';
}

export async function repl(db: Database, io: ReplIO & { mode: Mode }): Promise<number> {
  const tty = io.input.isTTY === true;
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
  if (tty) io.out('gyre SQL shell: statements end with ";", .help for commands, Ctrl-D to leave.');
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
      if (timer) io.out(`Run Time: ${((performance.now() - t0) / 1000).toFixed(3)} s${r.kind === 'query' ? `, ${t.numRows.toLocaleString('en-US')} rows` : ''}`);
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
        if (!arg) io.err('usage: .schema NAME');
        else await run(`DESCRIBE ${arg}`);
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
      await run(text);
    }
    prompt();
  }
  if (buffer.trim()) await run(buffer);
  rl.close();
  return 0;
}
