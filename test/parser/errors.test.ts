import { describe, expect, test } from 'vitest';

import { isErrorCode, ParseError } from '../../errors.js';
import { analyzeSql, parseSql } from '../../parser/parse.js';
import { formatDiagnostic } from '../../parser/diagnostics.js';
import { diagnosticsFor, errorOf, parseErrorOf } from './helpers.js';

describe('syntax errors: position, caret, plain words', () => {
  test('a misspelled keyword swallowed as an alias is reported where it is, with a suggestion', () => {
    expect(errorOf('SELECT a, b FORM t')).toMatchInlineSnapshot(`
      "1:13: expected FROM or a comma after the select list, found 'FORM' (did you mean FROM?)
        SELECT a, b FORM t
                    ^^^^"
    `);
    const [d] = diagnosticsFor('SELECT a, b FORM t');
    expect(d).toMatchObject({
      code: 'sql-syntax',
      suggestion: 'FROM',
      span: { start: { line: 1, column: 13, offset: 12 }, end: { column: 17, offset: 16 } },
    });
  });

  test('the ParseError carries code, span and diagnostics', () => {
    const e = parseErrorOf('SELECT 1\nFROM t\nWHERE a = = 1');
    expect(e).toBeInstanceOf(ParseError);
    expect(isErrorCode(e, 'sql-syntax')).toBe(true);
    expect(e.span).toEqual({ line: 3, column: 11, offset: 26, length: 1 });
    expect(e.details['diagnostics']).toHaveLength(1);
    expect(e.message).toMatchInlineSnapshot(`
      "3:11: expected an expression after '=', found '='
        WHERE a = = 1
                  ^"
    `);
  });

  test('misspelled keywords get "did you mean" wherever they are expected', () => {
    const suggestions = [
      'SELCT 1',
      'SELECT * FROM t WHER a = 1',
      'SELECT a FROM t GRUOP BY a',
      'SELECT a FROM t ODER BY a',
      'SELECT a FROM t LIMT 1',
      'SELECT * FROM a JION b ON a.x = b.x',
      'SELECT * FROM a LEFT JION b USING (x)',
      'CREATE TABEL t (a INT)',
      'SELECT a FROM t ORDER BUY a',
      'SELECT a FROM t ORDER BY a NULLS FRIST',
      'SELECT rank() OVER (PARTITON BY a) FROM t',
      'DELET FROM t',
      'SELECT 1 UNOIN SELECT 2',
      'SELECT a FROM t GROUP BY a HAVNG count(*) > 1',
    ].map((q) => `${q} → ${diagnosticsFor(q)[0]?.suggestion ?? '-'}`);
    expect(suggestions).toMatchInlineSnapshot(`
      [
        "SELCT 1 → SELECT",
        "SELECT * FROM t WHER a = 1 → WHERE",
        "SELECT a FROM t GRUOP BY a → GROUP",
        "SELECT a FROM t ODER BY a → ORDER",
        "SELECT a FROM t LIMT 1 → LIMIT",
        "SELECT * FROM a JION b ON a.x = b.x → JOIN",
        "SELECT * FROM a LEFT JION b USING (x) → JOIN",
        "CREATE TABEL t (a INT) → TABLE",
        "SELECT a FROM t ORDER BUY a → BY",
        "SELECT a FROM t ORDER BY a NULLS FRIST → FIRST",
        "SELECT rank() OVER (PARTITON BY a) FROM t → PARTITION",
        "DELET FROM t → DELETE",
        "SELECT 1 UNOIN SELECT 2 → UNION",
        "SELECT a FROM t GROUP BY a HAVNG count(*) > 1 → HAVING",
      ]
    `);
  });

  test('what was expected, in words', () => {
    const messages = [
      'SELECT FROM t',
      'SELECT a FROM WHERE x',
      'SELECT a FROM t WHERE',
      'SELECT (a + 1 FROM t',
      'SELECT CASE WHEN a THEN b FROM t',
      'SELECT a FROM t ORDER x',
      'SELECT f(a b) FROM t',
      'SELECT a FROM t WHERE a IN (1 2)',
      'SELECT a FROM t WHERE a IN ()',
      'SELECT CAST(a AS) FROM t',
      'INSERT INTO t VALUES (1, 2',
      'SELECT * FROM t JOIN u',
      'SELECT x::DECIMAL(12 2)',
      'SELECT x FROM t WHERE EXISTS SELECT 1',
      'SELECT 1 2',
      'DROP t',
      'CREATE TABLE t (',
      'SELECT x::',
      'SELECT a FROM t WINDOW',
      'WITH',
    ].map((q) => diagnosticsFor(q)[0]!.message);
    expect(messages).toMatchInlineSnapshot(`
      [
        "expected an expression or '*' after 'SELECT', found 'FROM'",
        "expected a table name after 'FROM', found 'WHERE'",
        "expected an expression after 'WHERE', found the end of the text",
        "expected ')' after '1', found 'FROM'",
        "expected WHEN, ELSE or END after 'b', found 'FROM'",
        "expected BY after 'ORDER', found 'x'",
        "expected ')' or a comma in the argument list, found 'b'",
        "expected ')' or a comma in the IN list, found '2'",
        "expected an expression after '(', found ')'",
        "expected a type after 'AS', found ')'",
        "expected ')' or a comma in a VALUES row, found the end of the text",
        "expected ON or USING after 'u', found the end of the text",
        "expected ')' or a comma in the type parameters, found '2'",
        "expected '(' after 'EXISTS', found 'SELECT'",
        "expected FROM or a comma after the select list, found '2'",
        "expected TABLE or DATASET after 'DROP', found 't'",
        "expected a column name or PRIMARY KEY after '(', found the end of the text",
        "expected a type after '::', found the end of the text",
        "expected a name after 'WINDOW', found the end of the text",
        "expected a name for the WITH query or RECURSIVE after 'WITH', found the end of the text",
      ]
    `);
  });
});

test('a reserved word written as a name gets a hint to quote it (not when written in capitals)', () => {
  const messages = ['SELECT order FROM t', 'SELECT a FROM select', 'CREATE TABLE t (from INT)', 'SELECT FROM t'].map(
    (q) => diagnosticsFor(q)[0]!.message,
  );
  expect(messages).toMatchInlineSnapshot(`
    [
      "expected an expression or '*' after 'SELECT', found 'order' (ORDER is a reserved word: to use it as a name, quote it: "order")",
      "expected a table name after 'FROM', found 'select' (SELECT is a reserved word: to use it as a name, quote it: "select")",
      "expected a column name or PRIMARY KEY after '(', found 'from' (FROM is a reserved word: to use it as a name, quote it: "from")",
      "expected an expression or '*' after 'SELECT', found 'FROM'",
    ]
  `);
});

describe('several diagnostics', () => {
  test('one per statement, in text order, at most five', () => {
    const diags = diagnosticsFor('SELEC 1; SELECT 2; SELECT a FRM t; SELECT (1; SELECT 3 +; DELETE t; SELECT ,');
    expect(diags.map((d) => `${d.span.start.line}:${d.span.start.column} ${d.message}`)).toMatchInlineSnapshot(`
      [
        "1:1 expected SELECT, found 'SELEC'",
        "1:29 expected FROM or a comma after the select list, found 'FRM'",
        "1:45 expected ')' after '1', found ';'",
        "1:57 expected an expression after '+', found ';'",
        "1:66 expected FROM after 'DELETE', found 't'",
      ]
    `);
  });

  test('the error message lists them all with their carets', () => {
    expect(errorOf('SELECT a FRM t;\nSELECT (1')).toMatchInlineSnapshot(`
      "2 errors in SQL:
      1:10: expected FROM or a comma after the select list, found 'FRM' (did you mean FROM?)
        SELECT a FRM t;
                 ^^^
      2:10: expected ')' after '1', found the end of the text
        SELECT (1
                 ^"
    `);
  });

  test('analyzeSql returns diagnostics without throwing', () => {
    const { statements, diagnostics } = analyzeSql('SELECT 1; SELECT FROM');
    expect(statements).toEqual([]);
    expect(diagnostics).toHaveLength(1);
    expect(analyzeSql('SELECT 1; SELECT 2').statements).toHaveLength(2);
  });
});

describe('lexical errors', () => {
  test('stray characters, unterminated strings, names and comments', () => {
    expect(errorOf('SELECT a # b FROM t')).toMatchInlineSnapshot(`
      "1:10: unexpected character '#'
        SELECT a # b FROM t
                 ^"
    `);
    expect(errorOf("SELECT 'abc FROM t")).toMatchInlineSnapshot(`
      "1:8: unterminated string: the ' here is never closed
        SELECT 'abc FROM t
               ^"
    `);
    expect(errorOf('SELECT "abc FROM t')).toMatchInlineSnapshot(`
      "1:8: unterminated quoted name: the " here is never closed
        SELECT "abc FROM t
               ^"
    `);
    expect(errorOf('SELECT 1 /* never closed')).toMatchInlineSnapshot(`
      "1:10: unterminated comment: the /* here is never closed by */
        SELECT 1 /* never closed
                 ^"
    `);
    expect(parseErrorOf('SELECT a # b').code).toBe('sql-lex');
  });

  test('lexing goes on after a stray character, so later syntax errors are reported too', () => {
    expect(diagnosticsFor('SELECT a ^ b; SELECT FROM').map((d) => `${d.code} ${d.message}`)).toMatchInlineSnapshot(`
      [
        "sql-lex unexpected character '^'",
        "sql-syntax expected an expression or '*' after 'SELECT', found 'FROM'",
      ]
    `);
  });
});

describe('checks after parsing', () => {
  test('type parameters, arguments, keys, VALUES rows, parameters', () => {
    const messages = [
      'SELECT x::STRUCT(INT)',
      'SELECT x::LIST(INT, INT)',
      'SELECT x::MAP(INT)',
      'SELECT x::DECIMAL(1.5)',
      'SELECT x::INT WITH TIME ZONE',
      'SELECT x::VARCHAR PRECISION',
      'SELECT f(a => 1, 2)',
      'SELECT trim(x FROM y)',
      'SELECT extract(1 + 2 FROM d)',
      'SELECT INTERVAL 3',
      'SELECT $0',
      'SELECT $1, ?',
      'VALUES (1, 2), (3)',
      'EXPLAIN EXPLAIN SELECT 1',
      'SELECT * FROM range(3) AS OF VERSION 2',
      'CREATE TABLE t (a INT PRIMARY KEY, b INT, PRIMARY KEY (b))',
      'CREATE TABLE t (a INT, PRIMARY KEY (a), PRIMARY KEY (a))',
      'CREATE DATASET d (s COLLECTION KEY (id VARCHAR) (a INT))',
      'CREATE DATASET d (b INT)',
      'CREATE DATASET d (s COLLECTION (a INT, A INT))',
      'CREATE DATASET d (s COLLECTION (a INT PRIMARY KEY))',
    ].map((q) => `${q} → ${diagnosticsFor(q)[0]!.message}`);
    expect(messages).toMatchInlineSnapshot(`
      [
        "SELECT x::STRUCT(INT) → STRUCT takes named fields: STRUCT(a INTEGER, b VARCHAR)",
        "SELECT x::LIST(INT, INT) → LIST takes one element type: LIST(INTEGER)",
        "SELECT x::MAP(INT) → MAP takes a key type and a value type: MAP(VARCHAR, INTEGER)",
        "SELECT x::DECIMAL(1.5) → expected a whole number, found '1.5'",
        "SELECT x::INT WITH TIME ZONE → WITH/WITHOUT TIME ZONE only follows TIME or TIMESTAMP, not INT",
        "SELECT x::VARCHAR PRECISION → PRECISION only follows DOUBLE, not VARCHAR",
        "SELECT f(a => 1, 2) → a positional argument cannot follow a named one (name => value)",
        "SELECT trim(x FROM y) → FROM inside a call only belongs to substring(s FROM start FOR length) and extract(field FROM value), not trim()",
        "SELECT extract(1 + 2 FROM d) → extract(field FROM value) needs a field name such as year, month, day, hour",
        "SELECT INTERVAL 3 → an interval of a number needs a unit, e.g. INTERVAL 3 DAY",
        "SELECT $0 → parameters are numbered from $1, found '$0'",
        "SELECT $1, ? → parameters are either all $n or all ?: do not mix the two in one text",
        "VALUES (1, 2), (3) → every VALUES row needs 2 values, this one has 1",
        "EXPLAIN EXPLAIN SELECT 1 → EXPLAIN explains one statement, not another EXPLAIN",
        "SELECT * FROM range(3) AS OF VERSION 2 → AS OF reads a past version of a table, not of a table function",
        "CREATE TABLE t (a INT PRIMARY KEY, b INT, PRIMARY KEY (b)) → a table has one PRIMARY KEY: for a key of several columns write PRIMARY KEY (a, b) after the columns",
        "CREATE TABLE t (a INT, PRIMARY KEY (a), PRIMARY KEY (a)) → a table has one PRIMARY KEY; list all its columns in it: PRIMARY KEY (a, b)",
        "CREATE DATASET d (s COLLECTION KEY (id VARCHAR) (a INT)) → a collection's key is always named _id: KEY (_id type)",
        "CREATE DATASET d (b INT) → the top level of a dataset holds collections: write b COLLECTION KEY (_id VARCHAR) (…)",
        "CREATE DATASET d (s COLLECTION (a INT, A INT)) → A is defined twice",
        "CREATE DATASET d (s COLLECTION (a INT PRIMARY KEY)) → collections are keyed by KEY (_id type) after COLLECTION, not by PRIMARY KEY",
      ]
    `);
  });
});

describe('deep nesting', () => {
  test('deep parentheses parse (no backtracking unless a query may start)', () => {
    const [statement] = parseSql(`SELECT ${'('.repeat(150)}1${')'.repeat(150)}`);
    expect(statement?.kind).toBe('query');
  });

  test('nesting beyond the stack is a ParseError, not a crash; the parser stays usable', () => {
    const e = parseErrorOf(`SELECT ${'(SELECT '.repeat(3000)}1${')'.repeat(3000)}`);
    expect(e.message).toContain('nests too deeply');
    expect(parseSql('SELECT 1')).toHaveLength(1);
  });
});

describe('formatDiagnostic', () => {
  const span = (line: number, column: number, offset: number, length: number) => ({
    start: { line, column, offset },
    end: { line, column: column + length, offset: offset + length },
  });

  test('keeps tabs under tabs so the caret lines up', () => {
    const text = 'SELECT\ta,\tb\tFRM t';
    expect(formatDiagnostic(text, { code: 'sql-syntax', message: 'm', span: span(1, 13, 12, 3) }))
      .toMatchInlineSnapshot(`
      "1:13: m
        SELECT	a,	b	FRM t
              	  	 	^^^"
    `);
  });

  test('shows only the offending line, and a window of a long one', () => {
    const text = `SELECT 1;\nSELECT ${'a + '.repeat(60)}FRM t;\nSELECT 2`;
    const offset = text.indexOf('FRM');
    const column = offset - text.indexOf('\n');
    const out = formatDiagnostic(text, { code: 'sql-syntax', message: 'm', span: span(2, column, offset, 3) });
    const [, line, caret] = out.split('\n');
    expect(line!.length).toBeLessThan(110);
    expect(line!.slice(caret!.indexOf('^'), caret!.indexOf('^') + 3)).toBe('FRM');
  });

  test('an error at the end of the text points just past the last token', () => {
    expect(errorOf('SELECT a FROM t WHERE -- the condition is missing\n  ')).toMatchInlineSnapshot(`
      "1:22: expected an expression after 'WHERE', found the end of the text
        SELECT a FROM t WHERE -- the condition is missing
                             ^"
    `);
  });
});
