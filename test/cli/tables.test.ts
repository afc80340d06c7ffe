/**
 * `gyre tables …` / `gyre txn …`: listings of tables, manifests (fragment counts, key spans,
 * levels before and after compaction) and transactions over a catalog built through the API;
 * CSV import; coded errors; progress bars only on terminals.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { Int64, tableFromArrays, Utf8 } from 'apache-arrow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { open } from 'gyre';

import { Progress } from '../../cli/progress.js';
import { boxTable, humanSize, tablesCommand } from '../../cli/tables.js';

const repo = fileURLToPath(new URL('../..', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'gyre-cli-tables-'));
const root = join(dir, 'db');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs a tables/txn command in-process; progress goes to a non-terminal stream that records writes. */
async function run(...argv: string[]): Promise<{ code: number; out: string; err: string; progress: string }> {
  const out: string[] = [],
    err: string[] = [],
    progress: string[] = [];
  const [group, ...args] = argv;
  const code = await tablesCommand(group!, [...args, '--root', root], {
    out: (s) => out.push(s),
    err: (s) => err.push(s),
    progress: { isTTY: false, write: (s: string) => progress.push(s) },
  });
  return { code, out: out.join('\n'), err: err.join('\n'), progress: progress.join('') };
}

/** The data rows of the box table that follows `heading` in `text`. */
function rowsAfter(text: string, heading: string): string[][] {
  const lines = text.split('\n');
  const at = lines.findIndex((l) => l.startsWith(heading));
  expect(at, heading).toBeGreaterThanOrEqual(0);
  const body = lines.findIndex((l, i) => i >= at && l.startsWith('┡'));
  const rows: string[][] = [];
  for (const l of lines.slice(body + 1)) {
    if (!l.startsWith('│')) break;
    rows.push(
      l
        .slice(1, -1)
        .split('│')
        .map((c) => c.trim()),
    );
  }
  return rows;
}

let tableId = '';

beforeAll(async () => {
  const db = await open(root);
  const t = await db.createTable('shop.orders', { keySchema: { region: new Utf8(), n: new Int64() } });
  tableId = t.id;
  const rows = (region: string[], n: bigint[], amount: number[]) =>
    tableFromArrays({ region, n: BigInt64Array.from(n), amount: Float64Array.from(amount) });
  await t.write(rows(['eu', 'eu', 'us'], [1n, 2n, 7n], [10, 20, 70]));
  await t.write(rows(['eu', 'us'], [2n, 9n], [21, 90]));
  await t.delete([['us', 7n]]);
  await db.createTable('other', { keySchema: { id: new Int64() } });
  await db.close();
});

describe('gyre tables ls', () => {
  it('lists every table with its id, version and fragments', async () => {
    const r = await run('tables', 'ls');
    expect(r.code).toBe(0);
    const rows = rowsAfter(r.out, '┃ Table');
    expect(rows.map((x) => x[0])).toEqual(['default.default.other', 'default.shop.orders']);
    const orders = rows[1]!;
    expect(orders[1]).toBe(tableId);
    expect(orders[2]).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{6}\+00:00$/);
    expect(orders[3]).toBe('4'); // create, two writes, delete
    expect(orders[4]).toBe('6'); // key space and root group: 2 writes + 1 tombstone each
  });
});

describe('gyre tables manifests / compact / txn ls', () => {
  it('shows L0 fragments with key spans, then L1 after compaction, and the transactions', async () => {
    const before = await run('tables', 'manifests', '--table', 'shop.orders');
    expect(before.code, before.err).toBe(0);
    expect(before.out).toMatch(
      /^Key Space manifest {2}3 fragments, total: [\d.]+KB, avg: [\d.]+KB, metadata: [\d.]+KB$/m,
    );
    expect(before.out).toMatch(new RegExp(`^Column Group manifest for ${tableId} {2}3 fragments, total: `, 'm'));
    const ks = rowsAfter(before.out, 'Key Space manifest');
    expect(ks.map((r) => r[3])).toEqual(['("eu", 1)..("us", 7)', '("eu", 2)..("us", 9)', '("us", 7)..("us", 7)']);
    expect(ks.map((r) => r[2])).toEqual(['vortex', 'vortex', 'vortex (tombstones)']);
    expect(ks.map((r) => r[4])).toEqual(['L0', 'L0', 'L0']);
    expect(ks.every((r) => r[6] === 'N/A')).toBe(true);
    expect(ks[0]![1]).toMatch(/^[\d.]+KB \([\d.]+(KB|B)\)$/);

    const c = await run('tables', 'compact', '--table', 'shop.orders');
    expect(c.code, c.err).toBe(0);
    expect(c.out).toMatch(/compacted default\.shop\.orders: 6 fragments → 2, 6 rows rewritten, version 5/);
    expect(c.progress).toBe(''); // not a terminal: no bar

    const after = await run('tables', 'manifests', '--table', 'shop.orders');
    const ks2 = rowsAfter(after.out, 'Key Space manifest');
    expect(ks2).toHaveLength(1);
    expect(ks2[0]!.slice(2, 5)).toEqual(['vortex', '("eu", 1)..("us", 9)', 'L1']);
    expect(ks2[0]![6]).toMatch(/^\d{4}-.*\+00:00$/);
    const g2 = rowsAfter(after.out, `Column Group manifest for ${tableId}`);
    expect(g2.map((r) => r[4])).toEqual(['L1']);

    const tx = await run('txn', 'ls', '--table', 'shop.orders');
    expect(tx.code).toBe(0);
    const txns = rowsAfter(tx.out, '┃ Version');
    expect(txns.map((r) => [r[0], r[2]])).toEqual([
      ['1', 'create'],
      ['2', 'write'],
      ['3', 'write'],
      ['4', 'delete'],
      ['5', 'compact'],
    ]);
    expect(txns[1]!.slice(4, 8)).toEqual(['3', '0', '2', '0']); // rows written, keys deleted, fragments added / removed
    expect(txns[3]!.slice(4, 6)).toEqual(['0', '1']);
    expect(txns[4]!.slice(6, 9)).toEqual(['2', '6', '1']);
  });

  it('prints coded errors as `error [code]: message` with exit code 1', async () => {
    const r = await run('txn', 'ls', '--table', 'shop.nope');
    expect(r.code).toBe(1);
    expect(r.err).toBe('error [table-not-found]: no table default.shop.nope');
    expect((await run('tables', 'manifests')).err).toBe('error [invalid-argument]: --table is required');
    expect((await run('tables', 'frobnicate')).code).toBe(2);
  });
});

describe('gyre tables import', () => {
  it('creates the table from a CSV and upserts it in one transaction', async () => {
    const csv = join(dir, 'people.csv');
    writeFileSync(csv, ['city,id,name', 'paris,2,b', 'oslo,1,a', 'paris,1,c', 'oslo,1,a2'].join('\n'));
    const r = await run('tables', 'import', '--table', 'people', '--key', 'city,id', csv);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/^imported 3 rows into default\.default\.people: version 2 in /); // (oslo, 1) twice: the last wins
    expect(r.progress).toBe('');
    const db = await open(root);
    try {
      const t = await (await db.table('people')).read();
      expect(t.toArray().map((x) => `${String(x.city)}/${String(x.id)}/${String(x.name)}`)).toEqual([
        'oslo/1/a2',
        'paris/1/c',
        'paris/2/b',
      ]);
    } finally {
      await db.close();
    }
    const bad = await run('tables', 'import', '--table', 'people2', '--key', 'nope', csv);
    expect(bad.err).toMatch(/^error \[unknown-column\]: key column "nope"/);
  });
});

describe('cli helpers', () => {
  it('formats sizes and box tables', () => {
    expect([0, 1023, 1536, 30.4 * 1024 ** 2, 2.6 * 1024 ** 3].map(humanSize)).toEqual([
      '0B',
      '1023B',
      '1.5KB',
      '30.4MB',
      '2.6GB',
    ]);
    expect(boxTable(['A', 'Bee'], [['x', '1']], new Set([1])).split('\n')).toEqual([
      '┏━━━┳━━━━━┓',
      '┃ A ┃ Bee ┃',
      '┡━━━╇━━━━━┩',
      '│ x │   1 │',
      '└───┴─────┘',
    ]);
  });

  it('draws a progress bar only on a terminal', () => {
    const writes: string[] = [];
    const tty = new Progress('work', {
      stream: { isTTY: true, columns: 200, write: (s: string) => writes.push(s) },
      total: 100,
      intervalMs: 0,
    });
    tty.update(50);
    tty.finish();
    expect(writes.join('')).toContain('\x1b[2K');
    expect(writes.join('')).toMatch(/50%\s+50\/100 rows/);
    const quiet: string[] = [];
    const p = new Progress('work', {
      stream: { isTTY: false, write: (s: string) => quiet.push(s) },
      total: 100,
      intervalMs: 0,
    });
    p.update(50);
    p.finish();
    expect(quiet).toEqual([]);
  });

  it('prints no escape codes when the real stderr is not a terminal (child process)', () => {
    const csv = join(dir, 'nums.csv');
    writeFileSync(csv, ['k,v', ...Array.from({ length: 5000 }, (_, i) => `${(i * 7919) % 5000},${i}`)].join('\n'));
    const script = "import { main } from './cli/main.ts'; process.exitCode = await main(process.argv.slice(1));";
    const gyre = (...args: string[]) =>
      spawnSync(
        process.execPath,
        ['--import', 'tsx', '--input-type=module', '-e', script, '--', ...args, '--root', root],
        { cwd: repo, encoding: 'utf8', env: { ...process.env, GYRE_ROOT: '' } },
      );
    const imp = gyre('tables', 'import', '--table', 'nums', '--key', 'k', csv);
    expect(imp.status, imp.stderr).toBe(0);
    expect(imp.stdout).toMatch(/imported 5,000 rows/);
    const comp = gyre('tables', 'compact', '--table', 'nums');
    expect(comp.status, comp.stderr).toBe(0);
    for (const r of [imp, comp]) expect(r.stderr).not.toMatch(/\x1b|\r/);
    const err = gyre('tables', 'manifests', '--table', 'missing');
    expect(err.status).toBe(1);
    expect(err.stderr.trim()).toBe('error [table-not-found]: no table default.default.missing');
  });
});
