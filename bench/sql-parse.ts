/**
 * SQL front-end speed: the 22 TPC-H queries parsed N times (text → AST), with the time split
 * into lexing, parsing (CST) and AST building. A sanity check, not a timed test: prints
 * queries/s and tokens/s.
 *
 *   node --import tsx bench/sql-parse.ts [N]            # the TypeScript sources (through tsx)
 *   node --import tsx bench/sql-parse.ts [N] --dist     # the compiled dist/parser (after `npm run build`)
 *
 * tsx compiles with esbuild's keepNames, which wraps every closure the grammar creates per rule
 * call; the compiled output (what `gyre` runs) is several times faster than the sources.
 */
import { TPCH_QUERIES } from '../test/parser/tpch-queries.js';

interface ParserModules {
  parseSql(text: string): unknown[];
  tokenize(text: string): { tokens: unknown[] };
}

async function load(dist: boolean): Promise<ParserModules> {
  if (!dist) {
    const [{ parseSql }, { tokenize }] = await Promise.all([
      import('../parser/parse.js'),
      import('../parser/lexer.js'),
    ]);
    return { parseSql, tokenize };
  }
  const root = new URL('../dist/parser/', import.meta.url);
  const parse = (await import(new URL('parse.js', root).href)) as Pick<ParserModules, 'parseSql'>;
  const lexer = (await import(new URL('lexer.js', root).href)) as Pick<ParserModules, 'tokenize'>;
  return { parseSql: parse.parseSql, tokenize: lexer.tokenize };
}

/** CPU microseconds of `rounds` calls of `f` (less sensitive than wall time on a shared machine). */
function cpuMicros(rounds: number, f: () => void): number {
  const start = process.cpuUsage();
  for (let i = 0; i < rounds; i++) f();
  const used = process.cpuUsage(start);
  return used.user + used.system;
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const dist = args.includes('--dist');
  const rounds = Number(args.find((a) => /^\d+$/.test(a)) ?? 200);
  const t0 = performance.now();
  const { parseSql, tokenize } = await load(dist);
  parseSql(TPCH_QUERIES[0]!);
  const firstMs = performance.now() - t0;

  const tokens = TPCH_QUERIES.reduce((n, q) => n + tokenize(q).tokens.length, 0);
  const all = (): void => {
    for (const q of TPCH_QUERIES) parseSql(q);
  };
  cpuMicros(Math.max(5, rounds / 10), all); // warm up the JIT
  const wallStart = performance.now();
  const micros = cpuMicros(rounds, all);
  const wallMs = performance.now() - wallStart;
  const lexMicros = cpuMicros(rounds, () => {
    for (const q of TPCH_QUERIES) tokenize(q);
  });

  const queries = rounds * TPCH_QUERIES.length;
  const perQuery = micros / queries;
  console.log(
    `SQL parse (${dist ? 'dist/ compiled' : 'sources via tsx'}): TPC-H Q1–Q22 × ${rounds}, ${(tokens / TPCH_QUERIES.length).toFixed(0)} tokens per query on average`,
  );
  console.log(`  loading + first parse (grammar analysis): ${firstMs.toFixed(0)} ms`);
  console.log(
    `  ${(1e6 / perQuery).toFixed(0)} queries/s (CPU), ${(queries / (wallMs / 1000)).toFixed(0)} queries/s (wall)`,
  );
  console.log(
    `  ${((tokens * rounds) / (micros / 1e6) / 1e3).toFixed(0)}k tokens/s; ${perQuery.toFixed(0)} µs per query, of which lexing ${(lexMicros / queries).toFixed(0)} µs`,
  );
}

await main();
