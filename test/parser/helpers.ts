/**
 * Helpers for parser tests: `` sql`…` `` gives the s-expression of a text's statements (one per
 * line), `errorOf` the message of its ParseError, `sameAst` compares ASTs without spans.
 */
import { expect } from 'vitest';

import { ParseError } from '../../errors.js';
import type { Statement } from '../../parser/ast.js';
import { toSexpr } from '../../parser/ast-sexpr.js';
import { type Diagnostic, diagnosticsOf } from '../../parser/diagnostics.js';
import { formatSql } from '../../parser/format-ast.js';
import { parseSql } from '../../parser/parse.js';

const text = (strings: TemplateStringsArray, values: unknown[]): string => String.raw({ raw: strings }, ...values);

/** The s-expressions of the statements of a text, one per line. */
export function sql(strings: TemplateStringsArray, ...values: unknown[]): string {
  return parseSql(text(strings, values)).map(toSexpr).join('\n');
}

/** The s-expressions of expressions: the items of `SELECT <text>`, space-separated. */
export function expr(strings: TemplateStringsArray, ...values: unknown[]): string {
  const [statement] = parseSql(`SELECT ${text(strings, values)}`);
  if (statement?.kind !== 'query' || statement.body.kind !== 'select') throw new Error('not a select');
  return statement.body.items.map((item) => toSexpr(item.kind === 'expr-item' ? item.expr : item)).join(' ');
}

/** The ParseError thrown for `text` (fails the test when it parses). */
export function parseErrorOf(text: string): ParseError {
  try {
    parseSql(text);
  } catch (e) {
    if (e instanceof ParseError) return e;
    throw e;
  }
  throw new Error(`expected a ParseError for: ${text}`);
}

export const errorOf = (text: string): string => parseErrorOf(text).message;

export const diagnosticsFor = (text: string): readonly Diagnostic[] => diagnosticsOf(parseErrorOf(text));

/** The AST without spans (for equality). */
export function withoutSpans(x: unknown): unknown {
  return JSON.parse(JSON.stringify(x, (key, value: unknown) => (key === 'span' ? undefined : value)));
}

/** Parses, prints, parses again: the two ASTs must be equal. Returns the printed text. */
export function expectRoundTrip(source: string): string {
  const first = parseSql(source);
  const printed = formatSql(first);
  let second: Statement[];
  try {
    second = parseSql(printed);
  } catch (e) {
    throw new Error(`printed SQL does not parse:\n${printed}\n${(e as Error).message}`);
  }
  expect(withoutSpans(second), printed).toEqual(withoutSpans(first));
  return printed;
}
