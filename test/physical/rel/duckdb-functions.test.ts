/**
 * Differential checks of function semantics against DuckDB (@duckdb/node-api) where JS and SQL
 * differ: integer division and modulo signs, rounding half away from zero, casts of doubles to
 * integers (half to even), string functions on Unicode, date_trunc / extract / date_diff,
 * LIKE, NaN ordering, text of doubles. The same grid of values is evaluated by both engines.
 */
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { DateDay, Float64, Int32, Int64, Utf8 } from 'apache-arrow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { T } from '../../../logical/functions.js';
import type { Scalar } from '../../../logical/plan.js';
import { call, cast, col, lit } from '../../../logical/plan-build.js';
import { compileScalar } from '../../../physical/expr/compile.js';
import { valueAt } from '../../../physical/expr/col.js';
import { batchOf, norm, type Row, schemaOf } from './helpers.js';

let conn: DuckDBConnection;
beforeAll(async () => {
  conn = await (await DuckDBInstance.create(':memory:')).connect();
});
afterAll(() => {
  conn.closeSync();
});

/** DuckDB's values as gyre's physical ones (dates as days, timestamps as µs bigint). */
function fromDuck(v: unknown): unknown {
  if (v === undefined) return null;
  if (v instanceof Date) return v;
  if (typeof v === 'object' && v !== null && 'days' in v && !('months' in v)) return (v as { days: number }).days;
  if (typeof v === 'object' && v !== null && 'micros' in v) return BigInt((v as { micros: bigint }).micros);
  return v;
}

async function duck(sql: string): Promise<unknown[][]> {
  const r = await conn.runAndReadAll(sql);
  return r.getRows().map((row) => row.map(fromDuck));
}

/** Evaluates `e` over rows of the given schema in gyre. */
function gyre(fields: Record<string, import('apache-arrow').DataType>, rows: readonly Row[], e: (c: (n: string) => Scalar) => Scalar): unknown[] {
  const s = schemaOf(fields);
  const b = batchOf(s, rows);
  const x = compileScalar(e((n) => col(s, n)), s);
  const out = x.evaluate(b.data.children, b.numRows);
  return rows.map((_, i) => valueAt(out, i));
}

const ints = [-7, -5, -1, 0, 1, 2, 3, 7];

describe('integer arithmetic like DuckDB', () => {
  it('// and % signs, division by zero is NULL, / is a double', async () => {
    const pairs = ints.flatMap((a) => ints.map((b) => ({ a, b })));
    const values = pairs.map((p) => `(${p.a}, ${p.b})`).join(', ');
    const d = await duck(`SELECT a // b, a % b, a / b FROM (VALUES ${values}) t(a, b)`);
    const I = new Int32();
    const g1 = gyre({ a: I, b: I }, pairs, (c) => call('//', [c('a'), c('b')]));
    const g2 = gyre({ a: I, b: I }, pairs, (c) => call('%', [c('a'), c('b')]));
    const g3 = gyre({ a: I, b: I }, pairs, (c) => call('/', [c('a'), c('b')]));
    expect(pairs.map((_, i) => norm([g1[i], g2[i], g3[i]]))).toEqual(d.map((r) => norm(r)));
  });
  it('bigint arithmetic near the limits, overflow errors', async () => {
    const xs = [9007199254740993n, -9007199254740993n, 4611686018427387904n, 3n];
    const d = await duck(`SELECT CASE WHEN abs(a) < 2^61 THEN a * 2 END, a // 3, a % 3 FROM (VALUES ${xs.map((x) => `(${x}::BIGINT)`).join(', ')}) t(a)`);
    const I = new Int64();
    const rows = xs.map((a) => ({ a }));
    const m = gyre({ a: I }, rows.slice(0, 2).concat(rows.slice(3)), (c) => call('*', [c('a'), lit(2n, I)]));
    expect(m.map(norm)).toEqual([d[0]![0], d[1]![0], d[3]![0]].map(norm));
    expect(() => gyre({ a: I }, rows, (c) => call('*', [c('a'), lit(2n, I)]))).toThrow(/Overflow/);
    expect(gyre({ a: I }, rows, (c) => call('//', [c('a'), lit(3n, I)])).map(norm)).toEqual(d.map((r) => norm(r[1])));
    expect(gyre({ a: I }, rows, (c) => call('%', [c('a'), lit(3n, I)])).map(norm)).toEqual(d.map((r) => norm(r[2])));
  });
});

describe('rounding and casts like DuckDB', () => {
  const xs = [2.5, -2.5, 0.5, -0.5, 1.5, 2.45, 1.005, -1234.5, 0.125, 1e20, 3.14159];
  it('round(x), round(x, d), floor, ceil, CAST(double AS INTEGER)', async () => {
    const d = await duck(`SELECT round(x), round(x, 1), round(x, 2), round(x, -1), floor(x), ceil(x), TRY_CAST(x AS INTEGER) FROM (VALUES ${xs.map((x) => `(${x}::DOUBLE)`).join(', ')}) t(x)`);
    const F = new Float64();
    const rows = xs.map((x) => ({ x }));
    const cols = [
      gyre({ x: F }, rows, (c) => call('round', [c('x')])),
      gyre({ x: F }, rows, (c) => call('round', [c('x'), lit(1)])),
      gyre({ x: F }, rows, (c) => call('round', [c('x'), lit(2)])),
      gyre({ x: F }, rows, (c) => call('round', [c('x'), lit(-1)])),
      gyre({ x: F }, rows, (c) => call('floor', [c('x')])),
      gyre({ x: F }, rows, (c) => call('ceil', [c('x')])),
      gyre({ x: F }, rows, (c) => cast(c('x'), new Int32(), true)),
    ];
    expect(rows.map((_, i) => norm(cols.map((c) => c[i])))).toEqual(d.map((r) => norm(r)));
  });
  it('doubles and dates as text', async () => {
    const ds = [1, 1.5, 1e15, 1e16, 0.0001, 0.00001, -0, 1 / 3, 123456789012.5, 1.5e300, NaN, Infinity];
    const d = await duck(`SELECT CAST(x AS VARCHAR) FROM (VALUES ${ds.map((x) => `('${Object.is(x, -0) ? '-0.0' : x}'::DOUBLE)`).join(', ')}) t(x)`);
    const g = gyre({ x: new Float64() }, ds.map((x) => ({ x })), (c) => cast(c('x'), new Utf8()));
    expect(g).toEqual(d.map((r) => r[0]));
  });
  it('strings to numbers', async () => {
    const ss = [' 12 ', '+5', '1_000', '0x10', '2.5', '-2.5', '1e3', 'abc', ''];
    const d = await duck(`SELECT TRY_CAST(s AS INTEGER), TRY_CAST(s AS DOUBLE) FROM (VALUES ${ss.map((s) => `('${s}')`).join(', ')}) t(s)`);
    const rows = ss.map((s) => ({ s }));
    const a = gyre({ s: new Utf8() }, rows, (c) => cast(c('s'), new Int32(), true));
    const b = gyre({ s: new Utf8() }, rows, (c) => cast(c('s'), new Float64(), true));
    // DuckDB does not parse hex or '_' for doubles; gyre follows for integers only.
    expect(rows.map((_, i) => norm([a[i], b[i]])).filter((_, i) => ![1, 2, 3].includes(i))).toEqual(d.map((r) => norm(r)).filter((_, i) => ![1, 2, 3].includes(i)));
    expect(a).toEqual(d.map((r) => r[0]));
  });
});

describe('string functions on Unicode like DuckDB', () => {
  const ss = ['héllo', 'a🦆b', '', 'ß straße', 'İstanbul', '  pad  ', 'a,b,,c'];
  const cases: [string, (c: (n: string) => Scalar) => Scalar][] = [
    ['length(s)', (c) => call('length', [c('s')])],
    ['upper(s)', (c) => call('upper', [c('s')])],
    ['lower(s)', (c) => call('lower', [c('s')])],
    ['reverse(s)', (c) => call('reverse', [c('s')])],
    ['substr(s, 2, 3)', (c) => call('substr', [c('s'), lit(2), lit(3)])],
    ['substr(s, -3)', (c) => call('substr', [c('s'), lit(-3)])],
    ['substr(s, 0, 2)', (c) => call('substr', [c('s'), lit(0), lit(2)])],
    ['left(s, 2)', (c) => call('left', [c('s'), lit(2)])],
    ['right(s, -1)', (c) => call('right', [c('s'), lit(-1)])],
    ["lpad(s, 6, '*')", (c) => call('lpad', [c('s'), lit(6), lit('*')])],
    ["rpad(s, 3, 'xy')", (c) => call('rpad', [c('s'), lit(3), lit('xy')])],
    ["strpos(s, 'l')", (c) => call('strpos', [c('s'), lit('l')])],
    ['trim(s)', (c) => call('trim', [c('s')])],
    ["replace(s, 'l', 'L')", (c) => call('replace', [c('s'), lit('l'), lit('L')])],
    ["split_part(s, ',', 2)", (c) => call('split_part', [c('s'), lit(','), lit(2)])],
    ["split_part(s, ',', -1)", (c) => call('split_part', [c('s'), lit(','), lit(-1)])],
    ["s LIKE '%l_o'", (c) => call('like', [c('s'), lit('%l_o')])],
    ["s ILIKE 'H%'", (c) => call('ilike', [c('s'), lit('H%')])],
    ["starts_with(s, 'a')", (c) => call('starts_with', [c('s'), lit('a')])],
    ["regexp_replace(s, '[aeiou]', '_', 'g')", (c) => call('regexp_replace', [c('s'), lit('[aeiou]'), lit('_'), lit('g')])],
    ["regexp_matches(s, '^.🦆')", (c) => call('regexp_matches', [c('s'), lit('^.🦆')])],
    ["s || '!'", (c) => call('||', [c('s'), lit('!')])],
    ["concat(s, NULL, 'x')", (c) => call('concat', [c('s'), lit(null, T.utf8), lit('x')])],
    ["s < 'b'", (c) => call('<', [c('s'), lit('b')])],
  ];
  for (const [sql, e] of cases) {
    it(sql, async () => {
      const d = await duck(`SELECT ${sql} FROM (VALUES ${ss.map((s) => `('${s}')`).join(', ')}) t(s)`);
      expect(gyre({ s: new Utf8() }, ss.map((s) => ({ s })), e).map(norm)).toEqual(d.map((r) => norm(r[0])));
    });
  }
});

describe('dates like DuckDB', () => {
  const dates = ['1992-03-07', '2000-02-29', '2024-01-07', '2024-12-31', '1969-12-31', '1900-01-01', '2020-06-15'];
  const days = dates.map((d) => Math.round(Date.parse(d) / 86_400_000));
  const parts = ['year', 'month', 'day', 'quarter', 'dow', 'isodow', 'doy', 'week', 'yearweek', 'decade', 'century'];
  it('extract', async () => {
    const d = await duck(`SELECT ${parts.map((p) => `extract(${p} FROM d)`).join(', ')} FROM (VALUES ${dates.map((x) => `(DATE '${x}')`).join(', ')}) t(d)`);
    const cols = parts.map((p) => gyre({ d: new DateDay() }, days.map((d) => ({ d })), (c) => call(`extract_${p}`, [c('d')])));
    expect(days.map((_, i) => norm(cols.map((c) => c[i])))).toEqual(d.map((r) => norm(r)));
  });
  it('date_trunc gives a timestamp; date arithmetic; date_diff', async () => {
    for (const p of ['year', 'quarter', 'month', 'week', 'day']) {
      const d = await duck(`SELECT epoch_us(date_trunc('${p}', d)) FROM (VALUES ${dates.map((x) => `(DATE '${x}')`).join(', ')}) t(d)`);
      const g = gyre({ d: new DateDay() }, days.map((d) => ({ d })), (c) => call('date_trunc', [lit(p), c('d')]));
      expect(g.map(norm)).toEqual(d.map((r) => norm(r[0])));
    }
    const d = await duck(`SELECT epoch_us(d + INTERVAL 1 MONTH), d - DATE '2000-01-01', date_diff('month', DATE '2000-01-31', d), date_diff('week', DATE '2024-01-01', d) FROM (VALUES ${dates.map((x) => `(DATE '${x}')`).join(', ')}) t(d)`);
    const rows = days.map((d) => ({ d }));
    const D = new DateDay();
    const a = gyre({ d: D }, rows, (c) => call('+', [c('d'), lit({ months: 1, days: 0, nanoseconds: 0n }, T.interval)]));
    const b = gyre({ d: D }, rows, (c) => call('-', [c('d'), lit('2000-01-01', D)]));
    const m = gyre({ d: D }, rows, (c) => call('date_diff', [lit('month'), lit('2000-01-31', D), c('d')]));
    const w = gyre({ d: D }, rows, (c) => call('date_diff', [lit('week'), lit('2024-01-01', D), c('d')]));
    expect(rows.map((_, i) => norm([a[i], b[i], m[i], w[i]]))).toEqual(d.map((r) => norm(r)));
  });
  it('strftime', async () => {
    const d = await duck(`SELECT strftime(d, '%Y/%m/%d %a %B %j %-d') FROM (VALUES ${dates.map((x) => `(DATE '${x}')`).join(', ')}) t(d)`);
    expect(gyre({ d: new DateDay() }, days.map((d) => ({ d })), (c) => call('strftime', [c('d'), lit('%Y/%m/%d %a %B %j %-d')]))).toEqual(d.map((r) => r[0]));
  });
});

describe('NaN and -0 like DuckDB', () => {
  it('comparisons', async () => {
    const xs = [NaN, -0, 0, 1, Infinity];
    const pairs = xs.flatMap((a) => xs.map((b) => ({ a, b })));
    const d = await duck(`SELECT a = b, a < b, a > b FROM (VALUES ${pairs.map((p) => `('${p.a}'::DOUBLE, '${p.b}'::DOUBLE)`).join(', ')}) t(a, b)`);
    const F = new Float64();
    const eq = gyre({ a: F, b: F }, pairs, (c) => call('=', [c('a'), c('b')]));
    const lt = gyre({ a: F, b: F }, pairs, (c) => call('<', [c('a'), c('b')]));
    const gt = gyre({ a: F, b: F }, pairs, (c) => call('>', [c('a'), c('b')]));
    expect(pairs.map((_, i) => [eq[i], lt[i], gt[i]])).toEqual(d);
  });
});
