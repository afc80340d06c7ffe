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
