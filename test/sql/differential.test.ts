/**
 * Differential test against DuckDB (@duckdb/node-api): 1,000+ random queries (projections,
 * filters with NULLs, joins of every type, group-bys with aggregates, windows, ORDER BY/LIMIT
 * with deterministic ties, set operations, subqueries) over random tables loaded into both
 * engines; results compared as sorted rows with a float tolerance. A larger run:
 * `npm run test:sql-fuzz -- --queries 10000`.
 */
import { expect, it } from 'vitest';

import { tableSql } from './fuzz/gen.js';
import { fuzz } from './fuzz/harness.js';

it('gyre and DuckDB agree on 1,000 random queries', async () => {
  const report = await fuzz({ seed: 2024, databases: 21, perDatabase: 50 });
  const shown = report.mismatches.map((m) => `${m.sql}\n  ${m.why}\n${m.tables.flatMap(tableSql).join(';\n')}`);
  expect(shown.join('\n\n')).toBe('');
  expect(report.queries).toBeGreaterThanOrEqual(1000);
}, 300_000);
