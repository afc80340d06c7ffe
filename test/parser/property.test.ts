import fc from 'fast-check';
import { describe, expect, test } from 'vitest';

import { formatExpr, formatSql } from '../../parser/format-ast.js';
import { parseSql } from '../../parser/parse.js';
import { expression, statement } from './ast-arbitrary.js';
import { withoutSpans } from './helpers.js';

/** Print, parse back: the AST must come out as it went in (spans aside). */
function reparses(statements: readonly import('../../parser/ast.js').Statement[]): void {
  const text = formatSql(statements);
  let parsed;
  try {
    parsed = parseSql(text);
  } catch (e) {
    throw new Error(`printed SQL does not parse:\n${text}\n${(e as Error).message}`);
  }
  expect(withoutSpans(parsed), text).toEqual(withoutSpans(statements));
}

describe('random ASTs print as SQL that parses back to the same AST', () => {
  test('expressions', () => {
    fc.assert(
      fc.property(expression, (e) => {
        const text = `SELECT ${formatExpr(e)}`;
        const [parsed] = parseSql(text);
        expect(
          parsed?.kind === 'query' && parsed.body.kind === 'select' && withoutSpans(parsed.body.items[0]),
          text,
        ).toEqual(withoutSpans({ kind: 'expr-item', expr: e, alias: null }));
      }),
      { numRuns: 1500 },
    );
  });

  test('statements (queries, DDL, DML, EXPLAIN), several per text', () => {
    fc.assert(fc.property(fc.array(statement, { minLength: 1, maxLength: 3 }), reparses), { numRuns: 800 });
  });
});
