/**
 * The `gyre` command line.
 *   gyre demo                      write (or copy) a sample dataset, inspect it and query it
 *   gyre vortex inspect FILE       schema, layout tree with every chunk's encodings, sizes, zone maps
 *   gyre vortex cat FILE [--columns a,b] [--limit N] [--format table|csv|json]
 *   gyre vortex write IN OUT.vortex [--chunk-rows N] [--compression default|none]   (IN: Arrow IPC or CSV)
 *   gyre tables ls|manifests|import|compact …, gyre txn ls …   tables in a catalog (see cli/tables.ts)
 *   gyre sql [ROOT] [-c "SQL"] [--format table|csv|json|arrow]  SQL shell or one command (see cli/sql.ts)
 *   gyre explain [ROOT] [--verbose|--analyze|--data] [--format text|json] "SQL"   EXPLAIN (cli/explain.ts)
 */
import { EngineError } from '../errors.js';
import { demo } from './demo.js';
import { EXPLAIN_USAGE, explainCommand } from './explain.js';
import { SQL_USAGE, sqlCommand } from './sql.js';
import { TABLES_USAGE, tablesCommand } from './tables.js';
import { cat, inspect } from './vortex.js';
import { writeCommand } from './write.js';
import type { OutputFormat } from './format.js';

const USAGE = `usage:
  gyre demo [DIR]
  gyre vortex inspect FILE
  gyre vortex cat FILE [--columns a,b] [--limit N] [--format table|csv|json]
  gyre vortex write IN OUT.vortex [--chunk-rows N] [--compression default|none]
${TABLES_USAGE}
${SQL_USAGE}
${EXPLAIN_USAGE}`;

function flag(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  if (i < 0) return undefined;
  const v = args[i + 1];
  if (v === undefined) throw new EngineError('invalid-argument', `${name} needs a value`);
  args.splice(i, 2);
  return v;
}

export async function main(argv: string[]): Promise<number> {
  const args = [...argv];
  const cmd = args.shift();
  if (cmd === 'demo') {
    await demo(args[0]);
    return 0;
  }
  if (cmd === 'tables' || cmd === 'txn') return tablesCommand(cmd, args);
  if (cmd === 'sql') return sqlCommand(args);
  if (cmd === 'explain') return explainCommand(args);
  if (cmd === 'vortex') {
    const sub = args.shift();
    if (sub === 'inspect' && args[0]) {
      await inspect(args[0]);
      return 0;
    }
    if (sub === 'write') {
      const chunkRows = flag(args, '--chunk-rows');
      const compression = (flag(args, '--compression') ?? 'default') as 'default' | 'none';
      if (!args[0] || !args[1]) throw new EngineError('invalid-argument', 'write needs IN and OUT');
      await writeCommand(args[0], args[1], { compression, ...(chunkRows !== undefined ? { chunkRows: Number(chunkRows) } : {}) });
      return 0;
    }
    if (sub === 'cat') {
      const columns = flag(args, '--columns')?.split(',');
      const limit = flag(args, '--limit');
      const format = (flag(args, '--format') ?? 'table') as OutputFormat;
      if (!['table', 'csv', 'json'].includes(format)) throw new EngineError('invalid-argument', `unknown format ${format}`);
      if (!args[0]) throw new EngineError('invalid-argument', 'cat needs a FILE');
      await cat(args[0], {
        ...(columns ? { columns } : {}),
        ...(limit !== undefined ? { limit: Number(limit) } : {}),
        format,
      });
      return 0;
    }
  }
  console.error(USAGE);
  return 2;
}
