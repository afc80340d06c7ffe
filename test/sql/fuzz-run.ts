/**
 * `npm run test:sql-fuzz -- [--queries N] [--seed S] [--per-db M]`: the differential test
 * against DuckDB at any size (default 10,000 queries); prints counts per query shape and every
 * mismatch (shrunk) with the tables it ran on.
 */
import { fuzz } from './fuzz/harness.js';
import { tableSql } from './fuzz/gen.js';

const arg = (name: string, dflt: number): number => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) : dflt;
};
const queries = arg('--queries', 10_000);
const perDatabase = arg('--per-db', 100);
const seed = arg('--seed', 7);
const t0 = performance.now();
const report = await fuzz({
  seed,
  databases: Math.ceil(queries / perDatabase),
  perDatabase,
  onProgress: (n) => {
    if (n % 500 === 0) process.stderr.write(`${n} queries, ${((performance.now() - t0) / 1000).toFixed(0)} s\n`);
  },
});
console.log(`${report.queries} distinct queries in ${((performance.now() - t0) / 1000).toFixed(1)} s; by shape: ${JSON.stringify(report.byShape)}`);
for (const m of report.mismatches) {
  console.log(`\nMISMATCH: ${m.sql}\n  ${m.why}\n  tables:\n${m.tables.flatMap(tableSql).map((s) => `    ${s};`).join('\n')}`);
}
console.log(`${report.mismatches.length} mismatches`);
process.exit(report.mismatches.length ? 1 : 0);
