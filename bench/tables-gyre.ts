/**
 * One gyre measurement of `npm run bench:tables`, in a process of its own (so "cold" means a
 * fresh process: no open files, key indexes or decoded segments cached). Prints one JSON line.
 *
 *   tables-gyre.ts write   ROOT ROWS        create the table and upsert every row in one transaction
 *   tables-gyre.ts compact ROOT
 *   tables-gyre.ts take    ROOT KEYS.json   cold take of set 0, then warm takes of the other sets
 *   tables-gyre.ts scan    ROOT ITERS       full scan of every column, ITERS times (best reported)
 */
import { readFileSync } from 'node:fs';

import { open, type Table } from '../index.js';
import { batches, digest, type Row } from './tables-data.js';

const [cmd, root, arg] = process.argv.slice(2);
const now = (): number => performance.now();

async function fragments(t: Table): Promise<{ fragments: number; bytes: number; levels: string }> {
  const m = (await t.snapshot()).manifests();
  const all = [...m.keySpace, ...m.groups.flatMap((g) => g.fragments)];
  const levels = [...new Set(all.map((f) => `L${f.level}`))].sort().join('+');
  return { fragments: all.length, bytes: all.reduce((s, f) => s + f.size, 0), levels };
}

const db = await open(root!);
let result: Record<string, unknown>;
if (cmd === 'write') {
  const n = Number(arg);
  const data = batches(n);
  const t = await db.createTable('bench', { keySchema: { id: data[0]!.schema.fields[0]!.type } });
  const t0 = now();
  const info = await t.write(data);
  const seconds = (now() - t0) / 1000;
  result = { seconds, rows: n, version: info.version, ...(await fragments(t)) };
} else if (cmd === 'compact') {
  const t = await db.table('bench');
  const t0 = now();
  const r = await t.compact();
  result = { seconds: (now() - t0) / 1000, ...r, ...(await fragments(t)) };
} else if (cmd === 'take') {
  const sets = JSON.parse(readFileSync(arg!, 'utf8')) as number[][];
  const t0 = now();
  const t = await db.table('bench');
  const openMs = now() - t0;
  const times: number[] = [];
  let check = '';
  for (const [k, set] of sets.entries()) {
    const keys = set.map((id) => [BigInt(id)]);
    const s = now();
    const got = await t.take(keys);
    times.push(now() - s);
    if (got.numRows !== set.length) throw new Error(`take returned ${got.numRows} rows for ${set.length} keys`);
    if (k === 0) check = digest(got.toArray().map((r) => r.toJSON() as unknown as Row));
  }
  result = { openMs, coldMs: times[0], warmMs: times.slice(1), check, ...(await fragments(t)) };
} else if (cmd === 'scan') {
  const t = await db.table('bench');
  const all: number[] = [];
  let rows = 0;
  for (let i = 0; i < Number(arg ?? 1); i++) {
    const t0 = now();
    rows = 0;
    for await (const b of t.scan()) rows += b.numRows;
    all.push((now() - t0) / 1000);
  }
  result = { seconds: Math.min(...all), all, rows };
} else throw new Error(`unknown command ${cmd}`);
await db.close();
console.log(JSON.stringify(result));
