/**
 * fast-check arbitraries of SQL ASTs in the parser's canonical form: the shapes `parseSql`
 * can produce (e.g. a set operation's right operand at the same precedence is always a
 * parenthesised `query`, a column path is never the operand of a `field`, VALUES rows have
 * one width). Spans are a fixed dummy: tests compare ASTs without spans.
 */
import fc from 'fast-check';

import type * as Ast from '../../parser/ast.js';

const P = { line: 1, column: 1, offset: 0 };
export const SPAN: Ast.SourceSpan = { start: P, end: P };
const span = { span: SPAN };

/** Names: plain, mixed case, keywords (reserved and not), and ones that need quotes. */
export const name = fc.oneof(
  { weight: 6, arbitrary: fc.stringMatching(/^[a-z_][a-z0-9_]{0,6}$/) },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      'A',
      'Mixed',
      'select',
      'FROM',
      'date',
      'key',
      'range',
      'rows',
      'first',
      'left',
      'partition',
      'version',
      'Z9',
      'distinct',
      'all',
      'on',
      'as',
    ),
  },
  { weight: 1, arbitrary: fc.constantFrom('a b', 'x"y', "it's", 'é', '1a', 'a-b', '$x', '*') },
);
const path = fc.array(name, { minLength: 1, maxLength: 3 });
const numberText = fc.oneof(
  fc.nat({ max: 100_000 }).map(String),
  fc.tuple(fc.nat(999), fc.nat(999)).map(([a, b]) => `${a}.${b}`),
  fc.nat(999).map((b) => `.${b}`),
  fc.tuple(fc.nat(99), fc.constantFrom('e', 'E', 'e-', 'E+'), fc.nat(30)).map(([a, e, x]) => `${a}${e}${x}`),
);
const unit = fc.constantFrom<Ast.IntervalUnit | null>(
  null,
  'year',
  'month',
  'week',
  'day',
  'hour',
  'minute',
  'second',
  'millisecond',
  'microsecond',
);
const binaryOp = fc.constantFrom<Ast.BinaryOp>(
  'or',
  'and',
  '=',
  '<>',
  '<',
  '<=',
  '>',
  '>=',
  '||',
  '+',
  '-',
  '*',
  '/',
  '%',
);

export const typeName: fc.Arbitrary<Ast.TypeName> = fc.letrec<{ type: Ast.TypeName }>((tie) => ({
  type: fc.oneof(
    { depthSize: 'small', withCrossShrink: true, maxDepth: 3 },
    fc.oneof(
      fc
        .constantFrom(
          'INTEGER',
          'BIGINT',
          'VARCHAR',
          'DOUBLE',
          'DATE',
          'TIMESTAMP',
          'TIMESTAMP WITH TIME ZONE',
          'TIME',
          'BLOB',
          'BOOLEAN',
        )
        .map((n): Ast.TypeName => ({ kind: 'simple-type', name: n, params: [], ...span })),
      fc
        .tuple(
          fc.constantFrom('DECIMAL', 'VARCHAR', 'TIMESTAMP WITH TIME ZONE'),
          fc.array(fc.nat(40), { minLength: 1, maxLength: 2 }),
        )
        .map(([n, params]): Ast.TypeName => ({ kind: 'simple-type', name: n, params, ...span })),
    ),
    tie('type').map((element): Ast.TypeName => ({ kind: 'list-type', element, ...span })),
    fc
      .tuple(tie('type'), fc.nat(16))
      .map(([element, size]): Ast.TypeName => ({ kind: 'array-type', element, size, ...span })),
    fc
      .array(fc.record({ name, type: tie('type') }), { minLength: 1, maxLength: 3 })
      .map((fields): Ast.TypeName => ({ kind: 'struct-type', fields, ...span })),
    fc.tuple(tie('type'), tie('type')).map(([key, value]): Ast.TypeName => ({ kind: 'map-type', key, value, ...span })),
  ),
})).type;

type Cte = { name: string; columns: string[]; query: Ast.Query };

// A type alias, not an interface: fc.letrec's typed overload needs an index-compatible record.
type Arbs = {
  expr: Ast.Expr;
  query: Ast.Query;
  body: Ast.QueryBody;
  primaryBody: Ast.QueryBody;
  intersect: Ast.QueryBody;
  select: Ast.Select;
  relation: Ast.Relation;
  factor: Ast.Relation;
  window: Ast.WindowSpec;
  orderItem: Ast.OrderItem;
};

const maybe = <T>(a: fc.Arbitrary<T>): fc.Arbitrary<T | null> => fc.option(a, { nil: null, freq: 2 });
const few = <T>(a: fc.Arbitrary<T>, max = 3): fc.Arbitrary<T[]> => fc.array(a, { maxLength: max });
const some = <T>(a: fc.Arbitrary<T>, max = 3): fc.Arbitrary<T[]> => fc.array(a, { minLength: 1, maxLength: max });

/** One depth budget for all mutually recursive node kinds: at the limit each picks its first (least recursive) choice. */
const depth = {
  depthIdentifier: fc.createDepthIdentifier(),
  depthSize: 'small',
  maxDepth: 4,
  withCrossShrink: true,
} as const;

const arbs = fc.letrec<Arbs>((tie) => {
  const expr = tie('expr');
  const query = tie('query');
  const leaf = fc.oneof(
    path.map((p): Ast.Expr => ({ kind: 'column', path: p, ...span })),
    numberText.map((text): Ast.Expr => ({ kind: 'number', text, ...span })),
    fc.string({ maxLength: 6 }).map((value): Ast.Expr => ({ kind: 'string', value, ...span })),
    fc.boolean().map((value): Ast.Expr => ({ kind: 'boolean', value, ...span })),
    fc.constant<Ast.Expr>({ kind: 'null', ...span }),
    fc
      .tuple(fc.string({ maxLength: 6 }), unit)
      .map(([value, u]): Ast.Expr => ({ kind: 'interval', value, unit: u, ...span })),
    fc.integer({ min: 1, max: 20 }).map((index): Ast.Expr => ({ kind: 'parameter', index, ...span })),
  );
  const arg = fc.record({ name: fc.constant(null), value: expr });
  const named = fc.record({ name: name.map((n): string | null => n), value: expr });
  const call = fc
    .record({
      name,
      args: fc.tuple(few(arg), few(named, 2)).map(([a, b]) => [...a, ...b]),
      star: fc.boolean(),
      distinct: fc.boolean(),
      orderBy: few(tie('orderItem'), 2),
      filter: maybe(expr),
      over: maybe(tie('window')),
    })
    .map((c): Ast.Expr => {
      const star = c.star && c.args.length === 0;
      const args = star ? [] : c.args;
      return {
        kind: 'call',
        name: c.name,
        args,
        star,
        distinct: args.length > 0 && c.distinct,
        orderBy: args.length > 0 ? c.orderBy : [],
        filter: c.filter,
        over: c.over,
        ...span,
      };
    });
  const w = <T>(weight: number, arbitrary: fc.Arbitrary<T>): fc.WeightedArbitrary<T> => ({ weight, arbitrary });
  return {
    expr: fc.oneof(
      depth,
      w(4, leaf),
      w(
        2,
        fc
          .tuple(fc.constantFrom<Ast.Unary['op']>('-', '+', 'not'), expr)
          .map(([op, operand]): Ast.Expr => ({ kind: 'unary', op, operand, ...span })),
      ),
      w(
        8,
        fc
          .tuple(binaryOp, expr, expr)
          .map(([op, left, right]): Ast.Expr => ({ kind: 'binary', op, left, right, ...span })),
      ),
      w(
        1,
        fc
          .tuple(expr, fc.boolean())
          .map(([operand, negated]): Ast.Expr => ({ kind: 'is-null', operand, negated, ...span })),
      ),
      w(
        1,
        fc
          .tuple(expr, expr, fc.boolean())
          .map(([left, right, negated]): Ast.Expr => ({ kind: 'is-distinct-from', left, right, negated, ...span })),
      ),
      w(
        1,
        fc.tuple(expr, expr, expr, fc.boolean()).map(([operand, low, high, negated]): Ast.Expr => ({
          kind: 'between',
          operand,
          low,
          high,
          negated,
          ...span,
        })),
      ),
      w(
        1,
        fc
          .tuple(expr, some(expr), fc.boolean())
          // `x IN ((SELECT …))` reads as IN (subquery): a one-subquery list is not canonical.
          .filter(([, list]) => !(list.length === 1 && list[0]!.kind === 'subquery'))
          .map(([operand, list, negated]): Ast.Expr => ({ kind: 'in-list', operand, list, negated, ...span })),
      ),
      w(
        1,
        fc
          .tuple(expr, query, fc.boolean())
          .map(([operand, q, negated]): Ast.Expr => ({ kind: 'in-subquery', operand, query: q, negated, ...span })),
      ),
      w(
        1,
        fc
          .tuple(expr, expr, maybe(expr), fc.boolean(), fc.boolean())
          .map(([operand, pattern, escape, negated, caseInsensitive]): Ast.Expr => ({
            kind: 'like',
            operand,
            pattern,
            escape,
            negated,
            caseInsensitive,
            ...span,
          })),
      ),
      w(
        1,
        query.map((q): Ast.Expr => ({ kind: 'exists', query: q, ...span })),
      ),
      w(
        1,
        query.map((q): Ast.Expr => ({ kind: 'subquery', query: q, ...span })),
      ),
      w(
        1,
        fc
          .tuple(maybe(expr), some(fc.record({ when: expr, then: expr })), maybe(expr))
          .map(([operand, whens, otherwise]): Ast.Expr => ({ kind: 'case', operand, whens, else: otherwise, ...span })),
      ),
      w(
        1,
        fc
          .tuple(expr, typeName, fc.boolean())
          .map(([operand, type, t]): Ast.Expr => ({ kind: 'cast', operand, type, try: t, ...span })),
      ),
      w(1, call),
      w(
        1,
        fc.tuple(expr, name).map(([operand, field]): Ast.Expr => ({ kind: 'field', operand, field, ...span })),
      ),
      w(
        1,
        fc.tuple(expr, expr).map(([operand, index]): Ast.Expr => ({ kind: 'index', operand, index, ...span })),
      ),
      w(
        1,
        few(expr).map((elements): Ast.Expr => ({ kind: 'array', elements, ...span })),
      ),
    ),

    orderItem: fc
      .record({ expr, direction: fc.constantFrom(null, 'asc', 'desc'), nulls: fc.constantFrom(null, 'first', 'last') })
      .map((o): Ast.OrderItem => ({ kind: 'order-item', ...o, ...span })),

    window: fc
      .record({
        base: maybe(name),
        partitionBy: few(expr, 2),
        orderBy: few(tie('orderItem'), 2),
        frame: maybe(
          fc.record({
            units: fc.constantFrom<Ast.WindowFrame['units']>('rows', 'range', 'groups'),
            start: frameBound(expr),
            end: maybe(frameBound(expr)),
          }),
        ),
      })
      .map((w): Ast.WindowSpec => ({
        kind: 'window',
        ...w,
        frame: w.frame && { kind: 'frame', ...w.frame, ...span },
        ...span,
      })),

    query: fc
      .record({
        // WITH recurses through records only: the oneof gives it the shared depth budget.
        with: fc.oneof(depth, fc.constant<Cte[]>([]), few(fc.record({ name, columns: few(name, 2), query }), 2)),
        recursive: fc.boolean(),
        body: tie('body'),
        orderBy: few(tie('orderItem'), 2),
        limit: maybe(expr),
        offset: maybe(expr),
      })
      .map((q): Ast.Query => ({
        kind: 'query',
        with: q.with.map((c): Ast.CommonTableExpression => ({ kind: 'cte', ...c, ...span })),
        recursive: q.with.length > 0 && q.recursive,
        body: q.body,
        orderBy: q.orderBy,
        limit: q.limit,
        offset: q.offset,
        ...span,
      })),

    // UNION / EXCEPT: left anything at this level, right an INTERSECT term.
    body: fc.oneof(
      depth,
      tie('intersect'),
      fc
        .tuple(fc.constantFrom<'union' | 'except'>('union', 'except'), fc.boolean(), tie('body'), tie('intersect'))
        .map(([op, all, left, right]): Ast.QueryBody => ({ kind: 'set-operation', op, all, left, right, ...span })),
    ),
    intersect: fc.oneof(
      depth,
      tie('primaryBody'),
      fc.tuple(fc.boolean(), tie('intersect'), tie('primaryBody')).map(([all, left, right]): Ast.QueryBody => ({
        kind: 'set-operation',
        op: 'intersect',
        all,
        left,
        right,
        ...span,
      })),
    ),
    primaryBody: fc.oneof(
      depth,
      tie('select'),
      fc
        .tuple(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 2 }))
        .chain(([width, height]) =>
          fc.array(fc.array(expr, { minLength: width, maxLength: width }), { minLength: height, maxLength: height }),
        )
        .map((rows): Ast.QueryBody => ({ kind: 'values', rows, ...span })),
      query,
    ),

    select: fc
      .record({
        distinct: fc.boolean(),
        items: some(
          fc.oneof(
            fc.record({ expr, alias: maybe(name) }).map((i): Ast.SelectItem => ({ kind: 'expr-item', ...i, ...span })),
            fc
              .record({ qualifier: few(name, 2), exclude: few(name, 2) })
              .map((i): Ast.SelectItem => ({ kind: 'star', ...i, ...span })),
          ),
        ),
        from: few(tie('relation'), 2),
        where: maybe(expr),
        groupBy: maybe(
          fc.oneof(
            fc.constant<Ast.GroupBy>({ kind: 'group-by-all', ...span }),
            some(expr).map((keys): Ast.GroupBy => ({ kind: 'group-by', keys, ...span })),
          ),
        ),
        having: maybe(expr),
        windows: few(
          fc
            .record({ name, window: tie('window') })
            .map((w): Ast.NamedWindow => ({ kind: 'named-window', ...w, ...span })),
          2,
        ),
        qualify: maybe(expr),
      })
      .map((s): Ast.Select => ({ kind: 'select', ...s, ...span })),

    relation: fc.oneof(
      depth,
      tie('factor'),
      fc
        .tuple(
          fc.constantFrom<Ast.JoinType>('inner', 'left', 'right', 'full', 'cross'),
          fc.boolean(),
          tie('relation'),
          tie('relation'),
          fc.oneof(
            expr.map((e): Ast.JoinCondition => ({ kind: 'on', expr: e, ...span })),
            some(name).map((columns): Ast.JoinCondition => ({ kind: 'using', columns, ...span })),
          ),
        )
        .map(([type, asof, left, right, condition]): Ast.Relation => ({
          kind: 'join',
          type,
          asof: asof && (type === 'inner' || type === 'left'),
          left,
          right,
          condition: type === 'cross' ? null : condition,
          ...span,
        })),
    ),
    factor: fc.oneof(
      depth,
      fc
        .record({
          path,
          asOf: maybe(fc.record({ by: fc.constantFrom<Ast.AsOf['by']>('version', 'timestamp'), value: expr })),
          alias: maybe(alias()),
        })
        .map((t): Ast.Relation => ({
          kind: 'table',
          path: t.path,
          asOf: t.asOf && { kind: 'as-of', ...t.asOf, ...span },
          alias: t.alias,
          ...span,
        })),
      fc
        .record({ name: path, args: few(arg), alias: maybe(alias()) })
        .map((t): Ast.Relation => ({ kind: 'table-function', ...t, ...span })),
      fc
        .record({ query, alias: maybe(alias()) })
        .map((t): Ast.Relation => ({ kind: 'subquery-relation', ...t, ...span })),
    ),
  };
});

function alias(): fc.Arbitrary<Ast.TableAlias> {
  return fc.record({ name, columns: few(name, 2) }).map((a): Ast.TableAlias => ({ kind: 'alias', ...a, ...span }));
}

function frameBound(expr: fc.Arbitrary<Ast.Expr>): fc.Arbitrary<Ast.FrameBound> {
  return fc.oneof(
    fc.constantFrom<Ast.FrameBound>(
      { kind: 'unbounded-preceding', ...span },
      { kind: 'current-row', ...span },
      { kind: 'unbounded-following', ...span },
    ),
    fc
      .tuple(fc.constantFrom<'preceding' | 'following'>('preceding', 'following'), expr)
      .map(([kind, offset]): Ast.FrameBound => ({ kind, offset, ...span })),
  );
}

export const expression = arbs.expr;
export const query = arbs.query;

/** Column definitions of CREATE TABLE / DATASET (no PRIMARY KEY flag: see `createTable`). */
const column = fc
  .record({ name, type: typeName, notNull: fc.boolean() })
  .map((c): Ast.ColumnDefinition => ({ kind: 'column-definition', ...c, primaryKey: false, ...span }));

const uniqueMembers = <T extends { readonly name: string }>(a: fc.Arbitrary<T>, min: number): fc.Arbitrary<T[]> =>
  fc.uniqueArray(a, { minLength: min, maxLength: 3, selector: (m) => m.name.toLowerCase() });

const collection: fc.Arbitrary<Ast.CollectionDefinition> = fc.letrec<{ collection: Ast.CollectionDefinition }>(
  (tie) => ({
    collection: fc
      .record({
        name,
        key: maybe(typeName),
        members: uniqueMembers(fc.oneof({ depthSize: 'small', maxDepth: 2 }, column, tie('collection')), 1),
      })
      .map((c): Ast.CollectionDefinition => ({ kind: 'collection-definition', ...c, ...span })),
  }),
).collection;

const qualified = fc.array(name, { minLength: 1, maxLength: 2 });

/** Any statement but EXPLAIN's argument cannot be an EXPLAIN. */
const plainStatement: fc.Arbitrary<Ast.Statement> = fc.oneof(
  { weight: 6, arbitrary: query },
  {
    weight: 1,
    arbitrary: fc
      .record({
        name: qualified,
        ifNotExists: fc.boolean(),
        columns: some(column),
        primaryKey: maybe(some(name)),
        inlineKey: fc.boolean(),
      })
      .map(({ inlineKey, ...t }): Ast.Statement => ({
        kind: 'create-table',
        ...t,
        // One PRIMARY KEY at most: either on the first column or after the columns.
        columns:
          inlineKey && t.primaryKey === null
            ? t.columns.map((c, i) => (i === 0 ? { ...c, primaryKey: true } : c))
            : t.columns,
        ...span,
      })),
  },
  {
    weight: 1,
    arbitrary: fc
      .record({ name: qualified, ifNotExists: fc.boolean(), query })
      .map((t): Ast.Statement => ({ kind: 'create-table-as', ...t, ...span })),
  },
  {
    weight: 1,
    arbitrary: fc
      .record({ name: qualified, ifNotExists: fc.boolean(), members: uniqueMembers(collection, 1) })
      .map((d): Ast.Statement => ({ kind: 'create-dataset', ...d, ...span })),
  },
  {
    weight: 1,
    arbitrary: fc
      .record({ table: qualified, columns: maybe(some(name)), source: query })
      .map((i): Ast.Statement => ({ kind: 'insert', ...i, ...span })),
  },
  {
    weight: 1,
    arbitrary: fc
      .record({ table: qualified, where: maybe(expression) })
      .map((d): Ast.Statement => ({ kind: 'delete', ...d, ...span })),
  },
  {
    weight: 1,
    arbitrary: fc
      .record({
        object: fc.constantFrom<Ast.Drop['object']>('table', 'dataset'),
        name: qualified,
        ifExists: fc.boolean(),
      })
      .map((d): Ast.Statement => ({ kind: 'drop', ...d, ...span })),
  },
  { weight: 1, arbitrary: fc.constant<Ast.Statement>({ kind: 'show-tables', ...span }) },
  { weight: 1, arbitrary: qualified.map((n): Ast.Statement => ({ kind: 'describe', name: n, ...span })) },
);

export const statement: fc.Arbitrary<Ast.Statement> = fc.oneof(
  { weight: 8, arbitrary: plainStatement },
  {
    weight: 1,
    arbitrary: fc
      .tuple(fc.constantFrom<Ast.ExplainMode>('plain', 'verbose', 'analyze', 'data', 'data-analyze'), plainStatement)
      .map(([mode, s]): Ast.Statement => ({ kind: 'explain', mode, statement: s, ...span })),
  },
);
