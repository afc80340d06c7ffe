/**
 * `npm run test:slt [-- --complete] [files…]`: runs the .slt files (all of test/sql/slt by
 * default, `_slow` ones included); `--complete` rewrites their expected query results.
 */
import { readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';

import { runSltFile } from './slt.js';

const args = process.argv.slice(2);
const complete = args.includes('--complete');
const named = args.filter((a) => !a.startsWith('--'));
const dir = join(import.meta.dirname, 'slt');
const files = named.length ? named.map((f) => resolve(f)) : readdirSync(dir).filter((f) => f.endsWith('.slt')).sort().map((f) => join(dir, f));
let failed = 0, records = 0;
for (const f of files) {
  const r = await runSltFile(f, { complete });
  records += r.records;
  for (const x of r.failures) console.log(`${f}:${x.line}: ${x.message}\n`);
  failed += r.failures.length;
  console.log(`${r.failures.length ? 'FAIL' : 'ok  '} ${f} (${r.records} records)`);
}
console.log(`${files.length} files, ${records} records, ${failed} failures${complete ? ' (completed)' : ''}`);
process.exit(failed ? 1 : 0);
