/**
 * fast-check generators of random tables and random SQL queries over them, for the
 * differential test against DuckDB. Every table is `tN (id INTEGER PRIMARY KEY, a INTEGER,
 * b INTEGER, f DOUBLE, s VARCHAR, bo BOOLEAN)` with small value domains (so joins, groups and
 * ties happen) and NULLs everywhere but `id`.
 *
 * Queries avoid what the two engines define differently on purpose (test/sql/README.md):
 * decimal literals (gyre reads `1.5` as DOUBLE), division (only by `nullif(x, 0)`), results
 * that depend on row order (LIMIT always follows an ORDER BY of every output column; windows
 * order by the unique `id`; no first/last/string_agg without ORDER BY), and integer overflow
 * (small values, shallow arithmetic).
 */
import fc from 'fast-check';

export const COLUMNS = ['id', 'a', 'b', 'f', 's', 'bo'] as const;

export interface TableData {
  readonly name: string;
  readonly rows: readonly (readonly [number, number | null, number | null, number | null, string | null, boolean | null])[];
}

const nullable = <T>(a: fc.Arbitrary<T>): fc.Arbitrary<T | null> => fc.option(a, { freq: 6, nil: null });
const smallInt = fc.integer({ min: -3, max: 4 });
const floats = fc.constantFrom(-2.5, -1, -0.5, 0, 0.25, 0.5, 1, 1.5, 2, 3.75, 10);
const strings = fc.constantFrom('a', 'b', 'c', 'ab', 'ba', 'abc', '', 'x y');

/** A table named `name` with 0–maxRows rows (ids 1..n). */
export function tableArb(name: string, maxRows = 30): fc.Arbitrary<TableData> {
  const row = fc.tuple(nullable(smallInt), nullable(smallInt), nullable(floats), nullable(strings), nullable(fc.boolean()));
  return fc.array(row, { maxLength: maxRows }).map((rows) => ({ name, rows: rows.map((r, i) => [i + 1, ...r] as const) }));
}

const lit = (v: number | string | boolean | null): string => (v === null ? 'NULL' : typeof v === 'string' ? `'${v.replace(/'/g, "''")}'` : String(v));

/** The statements creating and filling a table (both engines run the same text). */
export function tableSql(t: TableData): string[] {
  const create = `CREATE TABLE ${t.name} (id INTEGER PRIMARY KEY, a INTEGER, b INTEGER, f DOUBLE, s VARCHAR, bo BOOLEAN)`;
  if (t.rows.length === 0) return [create];
  return [create, `INSERT INTO ${t.name} VALUES ${t.rows.map((r) => `(${r.map(lit).join(', ')})`).join(', ')}`];
}

// ─── Expressions ─────────────────────────────────────────────────────────────────────────

type Kind = 'int' | 'float' | 'str' | 'bool';

/** Expressions of each kind over the columns of `aliases`, up to `depth` levels deep. */
export function exprArb(aliases: readonly string[], kind: Kind, depth = 2): fc.Arbitrary<string> {
  const col = (names: readonly string[]): fc.Arbitrary<string> => fc.tuple(fc.constantFrom(...aliases), fc.constantFrom(...names)).map(([t, c]) => `${t}.${c}`);
  const leaf: Record<Kind, fc.Arbitrary<string>> = {
    int: fc.oneof(col(['a', 'b', 'id']), smallInt.map(String), fc.constant('NULL::INTEGER')),
    float: fc.oneof(col(['f']), floats.map((x) => `${x}::DOUBLE`)),
    str: fc.oneof(col(['s']), strings.map((x) => lit(x))),
    bool: fc.oneof(col(['bo']), fc.constantFrom('true', 'false')),
  };
  if (depth <= 0) return leaf[kind];
  const sub = (k: Kind): fc.Arbitrary<string> => exprArb(aliases, k, depth - 1);
  switch (kind) {
    case 'int':
      return fc.oneof(
        { weight: 4, arbitrary: leaf.int },
        fc.tuple(sub('int'), fc.constantFrom('+', '-', '*'), sub('int')).map(([x, op, y]) => `(${x} ${op} ${y})`),
        fc.tuple(sub('int'), sub('int')).map(([x, y]) => `(${x} % nullif(${y}, 0))`),
        sub('int').map((x) => `abs(${x})`),
        fc.tuple(sub('int'), sub('int')).map(([x, y]) => `coalesce(${x}, ${y})`),
        fc.tuple(sub('bool'), sub('int'), sub('int')).map(([p, x, y]) => `CASE WHEN ${p} THEN ${x} ELSE ${y} END`),
        sub('str').map((x) => `length(${x})`),
        fc.tuple(sub('int'), sub('int')).map(([x, y]) => `greatest(${x}, ${y})`),
      );
    case 'float':
      return fc.oneof(
        { weight: 3, arbitrary: leaf.float },
        fc.tuple(sub('float'), fc.constantFrom('+', '-', '*'), fc.oneof(sub('float'), sub('int'))).map(([x, op, y]) => `(${x} ${op} ${y})`),
        fc.tuple(sub('int'), sub('int')).map(([x, y]) => `(${x} / nullif(${y}, 0))`),
        sub('float').map((x) => `abs(${x})`),
        sub('float').map((x) => `round(${x}, 1)`),
        fc.tuple(sub('float'), sub('float')).map(([x, y]) => `coalesce(${x}, ${y})`),
      );
    case 'str':
      return fc.oneof(
        { weight: 3, arbitrary: leaf.str },
        sub('str').map((x) => `upper(${x})`),
        fc.tuple(sub('str'), sub('str')).map(([x, y]) => `(${x} || ${y})`),
        sub('str').map((x) => `substr(${x}, 1, 2)`),
        fc.tuple(sub('str'), sub('str')).map(([x, y]) => `coalesce(${x}, ${y})`),
        sub('int').map((x) => `CAST(${x} AS VARCHAR)`),
        fc.tuple(sub('bool'), sub('str'), sub('str')).map(([p, x, y]) => `CASE WHEN ${p} THEN ${x} ELSE ${y} END`),
      );
    case 'bool':
      return fc.oneof(
        { weight: 2, arbitrary: leaf.bool },
        fc.tuple(sub('int'), fc.constantFrom('=', '<>', '<', '<=', '>', '>='), sub('int')).map(([x, op, y]) => `(${x} ${op} ${y})`),
        fc.tuple(sub('float'), fc.constantFrom('<', '>=', '='), sub('float')).map(([x, op, y]) => `(${x} ${op} ${y})`),
        fc.tuple(sub('str'), fc.constantFrom('=', '<>', '<', '>'), sub('str')).map(([x, op, y]) => `(${x} ${op} ${y})`),
        fc.tuple(fc.oneof(sub('int'), sub('str'), sub('float')), fc.boolean()).map(([x, n]) => `(${x} IS ${n ? 'NOT ' : ''}NULL)`),
        fc.tuple(sub('int'), smallInt, smallInt).map(([x, lo, hi]) => `(${x} BETWEEN ${Math.min(lo, hi)} AND ${Math.max(lo, hi)})`),
        fc.tuple(sub('int'), fc.array(fc.oneof(smallInt.map(String), fc.constant('NULL')), { minLength: 1, maxLength: 3 }), fc.boolean()).map(([x, l, n]) => `(${x} ${n ? 'NOT ' : ''}IN (${l.join(', ')}))`),
        fc.tuple(sub('str'), fc.constantFrom('a%', '%b', '_', '%', 'a_c')).map(([x, p]) => `(${x} LIKE '${p}')`),
        sub('bool').map((x) => `(NOT ${x})`),
        fc.tuple(sub('bool'), fc.constantFrom('AND', 'OR'), sub('bool')).map(([x, op, y]) => `(${x} ${op} ${y})`),
        fc.tuple(sub('int'), sub('int')).map(([x, y]) => `(${x} IS DISTINCT FROM ${y})`),
      );
  }
}

const anyExpr = (aliases: readonly string[], depth = 2): fc.Arbitrary<string> => fc.oneof(...(['int', 'float', 'str', 'bool'] as const).map((k) => exprArb(aliases, k, depth)));

/** Select items `e AS cN`. */
const items = (aliases: readonly string[], min = 1, max = 4): fc.Arbitrary<string[]> =>
  fc.array(anyExpr(aliases), { minLength: min, maxLength: max }).map((xs) => xs.map((x, i) => `${x} AS c${i}`));

const orderAll = (n: number): string => Array.from({ length: n }, (_, i) => `${i + 1}`).join(', ');

// ─── Queries ─────────────────────────────────────────────────────────────────────────────

export interface Shape {
  readonly kind: string;
  readonly sql: string;
}

const shape = (kind: string) => (sql: string): Shape => ({ kind, sql });

/** Random queries over tables `tables` (at least two). */
export function queryArb(tables: readonly string[]): fc.Arbitrary<Shape> {
  const table = fc.constantFrom(...tables);
  const two = fc.tuple(table, table);
  const where = (aliases: readonly string[]): fc.Arbitrary<string> => fc.option(exprArb(aliases, 'bool'), { nil: '' }).map((p) => (p ? ` WHERE ${p}` : ''));

  const projection = fc.tuple(table, fc.boolean()).chain(([t, distinct]) =>
    fc.tuple(items(['x']), where(['x'])).map(([its, w]) => shape('projection')(`SELECT ${distinct ? 'DISTINCT ' : ''}${its.join(', ')} FROM ${t} AS x${w}`)),
  );

  const joinKinds = ['JOIN', 'LEFT JOIN', 'RIGHT JOIN', 'FULL JOIN'] as const;
  const joined = fc.tuple(two, fc.constantFrom(...joinKinds), fc.constantFrom('a', 'b', 'id')).chain(([[l, r], kind, key]) =>
    fc.tuple(items(['x', 'y']), fc.option(exprArb(['x', 'y'], 'bool', 1), { nil: '' }), where(['x', 'y'])).map(([its, extra, w]) =>
      shape('join')(`SELECT ${its.join(', ')} FROM ${l} AS x ${kind} ${r} AS y ON x.${key} = y.${key}${extra ? ` AND ${extra}` : ''}${w}`),
    ),
  );
  const usingJoin = fc.tuple(two, fc.constantFrom('JOIN', 'LEFT JOIN', 'FULL JOIN'), fc.constantFrom('a', 'b', 's')).map(([[l, r], kind, key]) =>
    shape('join-using')(`SELECT ${key}, x.id AS xid, y.id AS yid FROM ${l} AS x ${kind} ${r} AS y USING (${key})`),
  );
  const cross = fc.tuple(two, where(['x', 'y'])).map(([[l, r], w]) => shape('cross')(`SELECT x.id AS xi, y.id AS yi FROM ${l} AS x, ${r} AS y${w}`));

  const aggs = (aliases: readonly string[]): fc.Arbitrary<string> =>
    fc.oneof(
      fc.constant('count(*)'),
      exprArb(aliases, 'int', 1).map((x) => `sum(${x})`),
      exprArb(aliases, 'float', 1).map((x) => `sum(${x})`),
      exprArb(aliases, 'int', 1).map((x) => `count(${x})`),
      exprArb(aliases, 'int', 1).map((x) => `count(DISTINCT ${x})`),
      fc.oneof(exprArb(aliases, 'int', 1), exprArb(aliases, 'float', 1)).map((x) => `avg(${x})`),
      fc.oneof(exprArb(aliases, 'int', 1), exprArb(aliases, 'str', 1), exprArb(aliases, 'float', 1)).map((x) => `min(${x})`),
      fc.oneof(exprArb(aliases, 'int', 1), exprArb(aliases, 'str', 1)).map((x) => `max(${x})`),
      exprArb(aliases, 'bool', 1).map((x) => `bool_or(${x})`),
      fc.tuple(exprArb(aliases, 'int', 1), exprArb(aliases, 'bool', 1)).map(([x, p]) => `sum(${x}) FILTER (WHERE ${p})`),
      fc.constantFrom(...aliases).map((t) => `string_agg(${t}.s, ',' ORDER BY ${t}.s)`),
      exprArb(aliases, 'float', 0).map((x) => `stddev_samp(${x})`),
    );
  const grouped = fc.tuple(table, fc.array(fc.oneof(exprArb(['x'], 'int', 1), exprArb(['x'], 'str', 1), exprArb(['x'], 'bool', 0)), { minLength: 0, maxLength: 2 }), fc.array(aggs(['x']), { minLength: 1, maxLength: 3 }), where(['x']), fc.boolean()).map(
    ([t, keys, as, w, having]) => {
      const sel = [...keys.map((k, i) => `${k} AS g${i}`), ...as.map((a, i) => `${a} AS a${i}`)];
      const gb = keys.length ? ` GROUP BY ${keys.map((_, i) => i + 1).join(', ')}` : '';
      return shape('group-by')(`SELECT ${sel.join(', ')} FROM ${t} AS x${w}${gb}${having && keys.length ? ' HAVING count(*) > 1' : ''}`);
    },
  );
  const joinGroup = fc.tuple(two, fc.constantFrom('a', 'b', 's')).map(([[l, r], k]) =>
    shape('join-group')(`SELECT x.${k}, count(*), sum(y.a), max(y.s) FROM ${l} AS x JOIN ${r} AS y ON x.${k} = y.${k} GROUP BY x.${k}`),
  );

  const winFns = fc.constantFrom('row_number()', 'rank()', 'dense_rank()', 'sum(x.a)', 'count(x.b)', 'avg(x.f)', 'min(x.s)', 'max(x.a)', 'lag(x.a)', 'lead(x.s, 1)', 'first_value(x.b)', 'count(*)');
  const frames = fc.constantFrom('', ' ROWS BETWEEN 1 PRECEDING AND CURRENT ROW', ' ROWS BETWEEN UNBOUNDED PRECEDING AND 1 FOLLOWING', ' ROWS BETWEEN 2 PRECEDING AND 2 FOLLOWING');
  const windowed = fc.tuple(table, winFns, fc.constantFrom('', 'PARTITION BY x.a ', 'PARTITION BY x.s, x.bo '), fc.constantFrom('ORDER BY x.id', 'ORDER BY x.id DESC', ''), frames).map(([t, fn, part, order, frame]) => {
    const ranking = /^(row_number|rank|dense_rank|lag|lead|first_value)/.test(fn);
    const ord = ranking && order === '' ? 'ORDER BY x.id' : order;
    const fr = ord === '' || ranking ? '' : frame;
    return shape('window')(`SELECT x.id, ${fn} OVER (${part}${ord}${fr}) AS w FROM ${t} AS x`);
  });

  const ordered = fc.tuple(table, fc.nat({ max: 6 }), fc.nat({ max: 3 }), fc.boolean()).chain(([t, n, off, desc]) =>
    items(['x'], 1, 3).map((its) => shape('order-limit')(`SELECT ${its.join(', ')} FROM ${t} AS x ORDER BY ${orderAll(its.length)
      .split(', ')
      .map((c) => `${c}${desc ? ' DESC' : ''}`)
      .join(', ')} LIMIT ${n} OFFSET ${off}`)),
  );

  const setOps = fc.tuple(two, fc.constantFrom('UNION', 'UNION ALL', 'INTERSECT', 'INTERSECT ALL', 'EXCEPT', 'EXCEPT ALL'), fc.constantFrom('int', 'str') as fc.Arbitrary<Kind>).chain(([[l, r], op, k]) =>
    fc.tuple(exprArb(['x'], k, 1), exprArb(['x'], k, 1), where(['x'])).map(([x, y, w]) => shape('set-op')(`SELECT ${x} AS v FROM ${l} AS x${w} ${op} SELECT ${y} FROM ${r} AS x`)),
  );

  const subqueries = fc.tuple(two, fc.constantFrom('a', 'b', 's'), fc.integer({ min: 0, max: 5 })).map(([[l, r], k, which]) => {
    switch (which) {
      case 0: return shape('in')(`SELECT x.id FROM ${l} AS x WHERE x.${k} IN (SELECT y.${k} FROM ${r} AS y)`);
      case 1: return shape('not-in')(`SELECT x.id, x.${k} NOT IN (SELECT y.${k} FROM ${r} AS y WHERE y.id > 2) AS m FROM ${l} AS x`);
      case 2: return shape('exists')(`SELECT x.id FROM ${l} AS x WHERE EXISTS (SELECT 1 FROM ${r} AS y WHERE y.${k} = x.${k} AND y.id <> x.id)`);
      case 3: return shape('not-exists')(`SELECT x.id FROM ${l} AS x WHERE NOT EXISTS (SELECT 1 FROM ${r} AS y WHERE y.${k} = x.${k})`);
      case 4: return shape('scalar-corr')(`SELECT x.id, (SELECT count(*) FROM ${r} AS y WHERE y.${k} = x.${k}) AS n, (SELECT max(y.id) FROM ${r} AS y WHERE y.${k} = x.${k}) AS m FROM ${l} AS x`);
      default: return shape('scalar')(`SELECT x.id FROM ${l} AS x WHERE x.a > (SELECT avg(y.a) FROM ${r} AS y)`);
    }
  });

  // Correlation other than one equality (decorrelated per distinct outer value), in SELECT,
  // WHERE, EXISTS, IN, and in a grouped outer query (outer references read its group keys).
  const correlated = fc
    .tuple(two, fc.constantFrom('a', 'b'), fc.constantFrom('<', '<=', '>', '<>', '='), fc.constantFrom('count(*)', 'sum(y.b)', 'max(y.s)', 'min(y.f)', 'avg(y.a)', 'count(DISTINCT y.b)', 'bool_or(y.bo)', 'max(y.a + x.b)'), fc.integer({ min: 0, max: 4 }), exprArb(['x', 'y'], 'bool', 1), exprArb(['y'], 'bool', 1))
    .map(([[l, r], k, op, agg, which, p, q]) => {
      const corr = `y.${k} ${op} x.${k}`;
      switch (which) {
        case 0: return shape('corr-select')(`SELECT x.id, (SELECT ${agg} FROM ${r} AS y WHERE ${corr} AND ${p}) AS v FROM ${l} AS x`);
        case 1: return shape('corr-where')(`SELECT x.id FROM ${l} AS x WHERE x.a >= (SELECT count(*) FROM ${r} AS y WHERE ${corr} AND ${p})`);
        case 2: return shape('corr-grouped')(`SELECT x.${k}, count(*) AS n, (SELECT ${agg.replace('x.b', `x.${k}`)} FROM ${r} AS y WHERE ${corr} AND ${q}) AS v FROM ${l} AS x GROUP BY x.${k}`);
        // One comparison of x and y only: DuckDB 1.5 misses rows of EXISTS correlated by two inequalities (test/sql/README.md).
        case 3: return shape('corr-exists')(`SELECT x.id FROM ${l} AS x WHERE ${op === '=' ? 'NOT ' : ''}EXISTS (SELECT 1 FROM ${r} AS y WHERE ${corr} AND ${q})`);
        default: return shape('corr-in')(`SELECT x.id, x.a IN (SELECT max(y.a) FROM ${r} AS y WHERE ${corr} AND ${q}) AS m FROM ${l} AS x`);
      }
    });

  // Three comma-joined tables (the binder picks the join order) and ORs sharing a join key.
  const threeWay = fc.tuple(fc.constantFrom('a', 'b', 'id'), fc.constantFrom('a', 'b', 's'), fc.option(exprArb(['x', 'y', 'z'], 'bool', 1), { nil: '' })).map(([k1, k2, p]) =>
    shape('join3')(`SELECT x.id AS xi, y.id AS yi, z.id AS zi, x.s FROM ${tables[0]} AS x, ${tables[1]} AS y, ${tables[2]} AS z WHERE x.${k1} = y.${k1} AND y.${k2} = z.${k2}${p ? ` AND ${p}` : ''}`),
  );
  const orFactored = fc.tuple(two, fc.constantFrom('a', 'b'), exprArb(['x', 'y'], 'bool', 1), exprArb(['x', 'y'], 'bool', 1)).map(([[l, r], k, p, q]) =>
    shape('or-join')(`SELECT x.id AS xi, y.id AS yi FROM ${l} AS x, ${r} AS y WHERE (x.${k} = y.${k} AND ${p}) OR (x.${k} = y.${k} AND ${q})`),
  );

  return fc.oneof(
    { weight: 1, arbitrary: threeWay },
    { weight: 1, arbitrary: correlated },
    { weight: 1, arbitrary: orFactored },
    { weight: 3, arbitrary: projection },
    { weight: 3, arbitrary: joined },
    { weight: 1, arbitrary: usingJoin },
    { weight: 1, arbitrary: cross },
    { weight: 3, arbitrary: grouped },
    { weight: 1, arbitrary: joinGroup },
    { weight: 2, arbitrary: windowed },
    { weight: 2, arbitrary: ordered },
    { weight: 2, arbitrary: setOps },
    { weight: 2, arbitrary: subqueries },
  );
}
