/**
 * `gyre explain [ROOT] [--verbose | --analyze | --data [--analyze]] [--format text|json] "SQL"`:
 * EXPLAIN of one query over the catalog at ROOT (default $GYRE_ROOT, else ./gyre-data), as the
 * SQL `EXPLAIN [VERBOSE | ANALYZE | DATA [ANALYZE]]` statement gives it. JSON splits the text
 * into its sections (`logical_plan`, `physical_plan`, a collection scan's plans, …), each a
 * list of lines.
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';

import { EngineError } from '../errors.js';
import { open } from '../index.js';

export const EXPLAIN_USAGE = `  gyre explain [ROOT] [--verbose | --analyze | --data [--analyze]] [--format text|json] "SQL"`;

/** Text sections: a line at column 0 ending in ':' opens one; the lines below belong to it. */
export function explainSections(text: string): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  let cur = 'plan';
  for (const line of text.split('\n')) {
    const head = /^(\S[^:]*):\s*$/.exec(line);
    if (head) {
      cur = head[1]!.trim().replace(/\s+/g, '_');
      out[cur] ??= [];
      continue;
    }
    (out[cur] ??= []).push(line);
  }
  return out;
}

export async function explainCommand(args: string[], out: (s: string) => void = console.log): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { verbose: { type: 'boolean' }, analyze: { type: 'boolean' }, data: { type: 'boolean' }, format: { type: 'string', default: 'text' } },
  });
  const query = positionals.length > 1 ? positionals[1]! : positionals[0];
  const root = positionals.length > 1 ? positionals[0]! : (process.env['GYRE_ROOT'] ?? 'gyre-data');
  if (!query) throw new EngineError('invalid-argument', `explain needs a query\nusage:\n${EXPLAIN_USAGE}`);
  if (values.format !== 'text' && values.format !== 'json') throw new EngineError('invalid-argument', `unknown format ${values.format} (text, json)`);
  if (values.verbose && (values.analyze || values.data)) throw new EngineError('invalid-argument', '--verbose does not combine with --analyze or --data');
  const mode = values.data ? (values.analyze ? 'DATA ANALYZE' : 'DATA') : values.analyze ? 'ANALYZE' : values.verbose ? 'VERBOSE' : '';
  const db = await open(resolve(root));
  try {
    const r = await db.sql(`EXPLAIN ${mode} ${query}`);
    const text = (await r.rows()).map((x) => String(x['explain'])).join('\n');
    if (values.format === 'json') out(JSON.stringify({ query, mode: mode.toLowerCase() || 'plain', ...explainSections(text) }, null, 2));
    else out(text);
    return 0;
  } finally {
    await db.close();
  }
}
