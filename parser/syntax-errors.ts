/**
 * Chevrotain's recognition errors → diagnostics in plain words:
 *
 *   expected FROM or a comma after the select list, found 'FORM' (did you mean FROM?)
 *
 * What was expected comes from the grammar itself (content assist on the tokens of the
 * statement before the error), summarised: "an expression" for any expression start, "a name",
 * closing brackets, a comma, and keywords. A misspelled keyword is often swallowed as an
 * implicit alias (`SELECT a FORM t` reads FORM as an alias of `a`, and fails at `t`); so when a
 * plain name just before the failure is one edit or two from a keyword the grammar accepted
 * there, the diagnostic moves onto that name and suggests the keyword.
 */
import {
  EOF,
  type IRecognitionException,
  type ISyntacticContentAssistPath,
  type IToken,
  type TokenType,
  tokenMatcher,
} from 'chevrotain';

import type { SourceSpan } from './ast.js';
import type { Diagnostic } from './diagnostics.js';
import { tokenSpan } from './lexer.js';
import { sqlParser } from './sql-grammar.js';
import { didYouMean } from './suggest.js';
import * as T from './tokens.js';

/** Expected tokens never listed: they continue what is already there (operators, aliases). */
const CONTINUATIONS = new Set<TokenType>([
  T.Concat,
  T.DoubleColon,
  T.Arrow,
  T.Dot,
  T.LBracket,
  T.And,
  T.Or,
  T.Not,
  T.Is,
  T.In,
  T.Between,
  T.Like,
  T.Ilike,
  T.Escape,
  T.As,
  T.Asc,
  T.Desc,
  T.Nulls,
  T.Over,
  T.Filter,
  T.Precision,
  T.With,
  T.Without,
]);
/** Rules where a number is not an expression. */
const NUMBER_RULES = new Set(['typeParameter', 'arraySuffix', 'intervalLiteral']);
const CLOSERS: readonly TokenType[] = [T.RParen, T.RBracket];
const JOIN_WORDS = new Set<TokenType>([T.Cross, T.Asof, T.Join, T.Inner, T.Left, T.Right, T.Full]);
/** Rules where a name would continue what is there (an implicit alias): never the likely fix. */
const ALIAS_RULES = new Set(['alias', 'tableAlias']);
/** What a name is, by the rule that expects it. */
const NAME_RULES: Readonly<Record<string, string>> = {
  typeName: 'a type',
  columnDefinition: 'a column name',
  collectionDefinition: 'a collection name',
  commonTableExpression: 'a name for the WITH query',
};
/** Keywords that only come with a second one. */
const TWO_WORDS = new Map<TokenType, string>([
  [T.Group, 'GROUP BY'],
  [T.Order, 'ORDER BY'],
  [T.Partition, 'PARTITION BY'],
  [T.Primary, 'PRIMARY KEY'],
]);
/** What a list is, by the rule whose comma was expected. */
const LIST_CONTEXT: Readonly<Record<string, string>> = {
  selectList: 'after the select list',
  fromClause: 'after the FROM list',
  functionArguments: 'in the argument list',
  'groupByClause.expressionList': 'after GROUP BY',
  'windowSpecification.expressionList': 'in PARTITION BY',
  'valuesClause.expressionList': 'in a VALUES row',
  'inList.expressionList': 'in the IN list',
  orderByClause: 'in ORDER BY',
  identifierList: 'in the list of names',
  valuesClause: 'after a VALUES row',
  createTable: 'in the column list',
  datasetMembers: 'in the member list',
  windowClause: 'in WINDOW',
  withClause: 'after a WITH query',
  typeName: 'in the type parameters',
};

const isComparison = (t: TokenType): boolean => t.CATEGORIES?.includes(T.ComparisonOperator) === true;
const isArithmetic = (t: TokenType): boolean =>
  t.CATEGORIES?.includes(T.AdditiveOperator) === true || t.CATEGORIES?.includes(T.MultiplicativeOperator) === true;
const isKeyword = (t: TokenType): boolean => t.CATEGORIES?.includes(T.Keyword) === true;
const isName = (t: TokenType): boolean =>
  t === T.Identifier || t === T.QuotedIdentifier || t === T.Ident || t === T.WindowName;

function found(token: IToken): string {
  if (token.tokenType === EOF) return 'the end of the text';
  const image = token.image.length > 24 ? `${token.image.slice(0, 24)}…` : token.image;
  return `'${image}'`;
}

function joinWords(items: readonly string[]): string {
  if (items.length <= 1) return items[0] ?? '';
  return `${items.slice(0, -1).join(', ')} or ${items[items.length - 1]!}`;
}

/** What the grammar accepts after `prefix` (the tokens of the statement so far). */
function expectedAfter(prefix: IToken[]): ISyntacticContentAssistPath[] {
  try {
    return sqlParser.computeContentAssist('statement', prefix);
  } catch {
    return [];
  }
}

/** "FROM or a comma after the select list", from the content-assist paths at one point. */
function describeExpected(
  paths: readonly ISyntacticContentAssistPath[],
  previous: IToken | undefined,
  suggestion?: string,
): string {
  const types = new Set(paths.map((p) => p.nextTokenType));
  const items: string[] = [];
  if (suggestion !== undefined) items.push(suggestion);
  const statementStart = types.has(T.Select) && types.has(T.Create);
  // A number can start an expression; elsewhere it is a type parameter or array size.
  const expression = paths.some(
    (p) => p.nextTokenType === T.NumberLiteral && !NUMBER_RULES.has(p.ruleStack.at(-1) ?? ''),
  );
  const names = paths.filter((p) => isName(p.nextTokenType) && !ALIAS_RULES.has(p.ruleStack.at(-1) ?? ''));
  const name = !expression && names.length > 0;
  const comma = paths.find((p) => p.nextTokenType === T.Comma);
  if (statementStart) {
    if (suggestion === undefined) items.push('a statement');
  } else if (expression) {
    items.push(
      types.has(T.Star) && paths.some((p) => p.nextTokenType === T.Star && p.ruleStack.at(-1) === 'selectItem')
        ? "an expression or '*'"
        : 'an expression',
    );
  } else if (name) {
    const rule = names[0]!.ruleStack.at(-1) ?? '';
    const inTable = rule === 'qualifiedName' && names[0]!.ruleStack.includes('tableFactor');
    items.push(inTable ? 'a table name' : (NAME_RULES[rule] ?? 'a name'));
  }
  if (!statementStart && !expression && suggestion === undefined) {
    const listed = paths
      .map((p) => p.nextTokenType)
      .filter((t, i, all) => isKeyword(t) && !CONTINUATIONS.has(t) && all.indexOf(t) === i)
      // FROM / FOR / ORDER BY inside a call are rare forms: never the likely fix.
      .filter(
        (t) =>
          !paths.some(
            (p) =>
              p.nextTokenType === t && (p.ruleStack.at(-1) === 'functionCall' || p.ruleStack.at(-2) === 'functionCall'),
          ),
      );
    const words = listed.map((t) => (JOIN_WORDS.has(t) ? 'JOIN' : (TWO_WORDS.get(t) ?? String(t.LABEL))));
    const unique = words.filter((w, i) => words.indexOf(w) === i);
    const alone = !expression && !name && !comma && !CLOSERS.some((t) => types.has(t));
    items.push(...unique.slice(0, alone ? 3 : 1));
  }
  for (const closer of CLOSERS) if (types.has(closer)) items.push(String(closer.LABEL));
  if (comma) items.push('a comma');
  if (items.length === 0) {
    const punctuation = [...types].filter(
      (t) => t !== EOF && t !== T.Semicolon && !isComparison(t) && !isArithmetic(t) && !CONTINUATIONS.has(t),
    );
    if (punctuation.length > 0) items.push(...punctuation.slice(0, 3).map((t) => String(t.LABEL ?? t.name)));
    else if ([...types].some((t) => isComparison(t) || isArithmetic(t))) items.push('an operator');
    else if (name) items.push('a name');
    else items.push('the end of the statement');
  }
  let context = '';
  const listRule =
    comma?.ruleStack.at(-1) === 'expressionList'
      ? `${comma.ruleStack.at(-2) ?? ''}.expressionList`
      : comma?.ruleStack.at(-1);
  if (listRule !== undefined) context = ` ${LIST_CONTEXT[listRule] ?? 'in the list'}`;
  else if (previous !== undefined && previous.tokenType !== T.Semicolon) context = ` after ${found(previous)}`;
  return joinWords(items) + context;
}

/** Index of the token starting at `offset` (tokens are sorted by offset). */
function indexAt(tokens: readonly IToken[], offset: number): number {
  let lo = 0;
  let hi = tokens.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (tokens[mid]!.startOffset < offset) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function eofSpan(tokens: readonly IToken[]): SourceSpan {
  const last = tokens[tokens.length - 1];
  if (last === undefined) return { start: { line: 1, column: 1, offset: 0 }, end: { line: 1, column: 1, offset: 0 } };
  // Just past the last token (whatever trails it is whitespace or comments).
  const end = tokenSpan(last).end;
  return { start: end, end };
}

/** Diagnostics for the parser's recognition errors (one per failing token, in text order). */
export function syntaxDiagnostics(tokens: readonly IToken[], errors: readonly IRecognitionException[]): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  // One diagnostic per statement: after recovery, later errors of a statement are mostly echoes.
  const statementsSeen = new Set<number>();
  for (const error of errors) {
    const token = error.token;
    let i = token.tokenType === EOF ? tokens.length : indexAt(tokens, token.startOffset);
    let start = i;
    while (start > 0 && tokens[start - 1]!.tokenType !== T.Semicolon) start--;
    if (statementsSeen.has(start)) continue;
    statementsSeen.add(start);
    i = firstUnexpected(tokens, start, i);
    diagnostics.push(misspelledKeyword(tokens, start, i) ?? expectedDiagnostic(tokens, start, i, error));
  }
  return diagnostics;
}

/**
 * Where the text stops fitting the grammar. A failed choice between alternatives is reported at
 * its first token even when that token fits and a later one does not (`IN ()` fails at `(`,
 * the mistake is `)`): move forward while the grammar accepts each token.
 */
function firstUnexpected(tokens: readonly IToken[], start: number, failure: number): number {
  let i = failure;
  for (let step = 0; step < 4 && i < tokens.length; step++) {
    const token = tokens[i]!;
    if (!expectedAfter(tokens.slice(start, i)).some((p) => tokenMatcher(token, p.nextTokenType))) break;
    i++;
  }
  return i;
}

/** A plain name at or just before the failure that is a misspelling of a keyword accepted there. */
function misspelledKeyword(tokens: readonly IToken[], start: number, failure: number): Diagnostic | undefined {
  for (let j = Math.min(failure, tokens.length - 1); j >= Math.max(start, failure - 2); j--) {
    const word = tokens[j]!;
    if (word.tokenType !== T.Identifier) continue;
    const paths = expectedAfter(tokens.slice(start, j));
    const candidates = [
      ...new Set(
        paths
          .map((p) => p.nextTokenType)
          .filter(isKeyword)
          .map((t) => String(t.LABEL)),
      ),
    ];
    const keyword = didYouMean(word.image, candidates);
    if (keyword === undefined) continue;
    const expected = describeExpected(paths, j > start ? tokens[j - 1] : undefined, keyword);
    return {
      code: 'sql-syntax',
      message: `expected ${expected}, found ${found(word)}`,
      span: tokenSpan(word),
      suggestion: keyword,
    };
  }
  return undefined;
}

function expectedDiagnostic(
  tokens: readonly IToken[],
  start: number,
  i: number,
  error: IRecognitionException,
): Diagnostic {
  const token = tokens[i];
  const span = token === undefined ? eofSpan(tokens) : tokenSpan(token);
  const what = token === undefined ? 'the end of the text' : found(token);
  const paths = expectedAfter(tokens.slice(start, i));
  if (paths.length === 0) return { code: 'sql-syntax', message: error.message, span };
  const expected = describeExpected(paths, i > start ? tokens[i - 1] : undefined);
  // `SELECT order FROM t`: a reserved word where a name would do.
  // Words written in capitals are meant as keywords; others may be meant as names.
  const reserved = token !== undefined && isKeyword(token.tokenType) && !tokenMatcher(token, T.Ident);
  const hint =
    reserved && token.image !== token.image.toUpperCase() && paths.some((p) => isName(p.nextTokenType))
      ? ` (${token.image.toUpperCase()} is a reserved word: to use it as a name, quote it: "${token.image}")`
      : '';
  return { code: 'sql-syntax', message: `expected ${expected}, found ${what}${hint}`, span };
}
