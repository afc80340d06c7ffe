/**
 * Engine bugs found through SQL, each with the minimal fix made in the engine's files:
 *  - physical/expr/col.ts: a constant INTERVAL column could not be built (Arrow's setter takes
 *    the four Int32 words of a month-day-nano value, not the `{ months, days, nanoseconds }` object);
 *  - physical/rel/accumulators.ts, window-functions.ts: arg_min/arg_max took a NULL argument
 *    at the extreme key; DuckDB skips rows whose argument is NULL.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, expect, it } from 'vitest';

import { type Database, open } from '../../index.js';

let dir: string;
let db: Database;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'gyre-fixes-'));
  db = await open(dir);
});
afterAll(async () => {
  await db.close();
  rmSync(dir, { recursive: true, force: true });
});

it('a constant interval column', async () => {
  const rows = await (await db.sql("SELECT INTERVAL '1 year 2 months 3 days' AS i")).rows();
  expect(rows).toEqual([{ i: { months: 14, days: 3, nanoseconds: 0n } }]);
});

it('arg_max / arg_min skip rows whose argument is NULL (aggregate and window)', async () => {
  const q = 'FROM (VALUES (1, 2.5), (2, 3.5), (NULL, 9.0)) AS v (x, y)';
  expect(await (await db.sql(`SELECT arg_max(x, y) AS a, arg_min(x, y) AS b ${q}`)).rows()).toEqual([{ a: 2, b: 1 }]);
  expect(await (await db.sql(`SELECT arg_max(x, y) OVER () AS a ${q} LIMIT 1`)).rows()).toEqual([{ a: 2 }]);
});

it('window results of string type land on their own rows (physical/rel/window.ts)', async () => {
  const q = "SELECT id, min(s) OVER (PARTITION BY g) AS m, lead(s) OVER (PARTITION BY g ORDER BY id) AS l FROM (VALUES (1, 0, 'abc'), (2, -2, 'ab'), (3, 0, 'b')) AS v (id, g, s) ORDER BY id";
  expect(await (await db.sql(q)).rows()).toEqual([
    { id: 1, m: 'abc', l: 'b' },
    { id: 2, m: 'ab', l: null },
    { id: 3, m: 'abc', l: null },
  ]);
});

it('min / max of a constant argument (physical/rel/accumulators.ts)', async () => {
  expect(await (await db.sql('SELECT min(1) AS a, max(2.5) AS b FROM (VALUES (1), (2)) AS v (x)')).rows()).toEqual([{ a: 1, b: 2.5 }]);
});
