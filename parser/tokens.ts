/**
 * Every token of gyre's SQL, in one place. The lexer tries patterns in the order of
 * {@link allTokens}; the comments there say why each group sits where it does.
 *
 * Keywords are case-insensitive and carry `longer_alt: Identifier`, so `selection` lexes as one
 * identifier, not SELECT + `ion`. Two token categories shape the grammar:
 *  - `Keyword`: every keyword (the candidates of "did you mean" for misspelled keywords);
 *  - `Ident`: anything usable as a name: plain and quoted identifiers plus the *non-reserved*
 *    keywords (`date`, `key`, `first`, `range`, …), so such words stay usable as column names.
 * Reserved keywords (SELECT, FROM, JOIN, …) are names only when double-quoted.
 */
import { createToken, Lexer, type TokenType } from 'chevrotain';

// ─── Categories (no pattern of their own) ───────────────────────────────────────────────────

/** Any name: identifiers, quoted identifiers and non-reserved keywords. */
export const Ident = createToken({ name: 'Ident', pattern: Lexer.NA, label: 'a name' });
/** A name that can name a window in `OVER (w …)`: any name but the words that open the specification's clauses. */
export const WindowName = createToken({ name: 'WindowName', pattern: Lexer.NA, label: 'a window name' });
/** Every keyword, reserved or not. */
export const Keyword = createToken({ name: 'Keyword', pattern: Lexer.NA });
/** `=`, `<>`, `!=`, `<`, `<=`, `>`, `>=`. */
export const ComparisonOperator = createToken({ name: 'ComparisonOperator', pattern: Lexer.NA, label: 'a comparison' });
/** `+`, `-`. */
export const AdditiveOperator = createToken({ name: 'AdditiveOperator', pattern: Lexer.NA, label: "'+' or '-'" });
/** `*`, `/`, `%`. */
export const MultiplicativeOperator = createToken({
  name: 'MultiplicativeOperator',
  pattern: Lexer.NA,
  label: "'*', '/' or '%'",
});
/** `||`, `+`, `-`, `*`, `/`, `%`: the binary operators of arithmetic chains. */
export const ArithmeticOperator = createToken({ name: 'ArithmeticOperator', pattern: Lexer.NA, label: 'an operator' });

// ─── Names and literals ─────────────────────────────────────────────────────────────────────

export const Identifier = createToken({
  name: 'Identifier',
  pattern: /[A-Za-z_\u00C0-\uFFFF][A-Za-z0-9_$\u00C0-\uFFFF]*/,
  categories: [Ident, WindowName],
  label: 'a name',
});
/** `"any text"`; a doubled `""` stands for one `"`. */
export const QuotedIdentifier = createToken({
  name: 'QuotedIdentifier',
  pattern: /"(?:[^"]|"")*"/,
  categories: [Ident, WindowName],
  label: 'a name',
});
/** `'text'`; a doubled `''` stands for one `'`. */
export const StringLiteral = createToken({ name: 'StringLiteral', pattern: /'(?:[^']|'')*'/, label: 'a string' });
/** `12`, `1.5`, `.5`, `1e5`, `2.5E-3`. */
export const NumberLiteral = createToken({
  name: 'NumberLiteral',
  pattern: /(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?/,
  label: 'a number',
});
/** `$1`, `$2`, … (1-based). */
export const DollarParameter = createToken({ name: 'DollarParameter', pattern: /\$[0-9]+/, label: 'a parameter' });
/** `?`: the next positional parameter. */
export const QuestionParameter = createToken({ name: 'QuestionParameter', pattern: /\?/, label: 'a parameter' });

// ─── Lexical errors: matched so that they become one clear diagnostic each ──────────────────
// Kept out of the token vector (group 'invalid'); parser/lexer.ts reports them.

export const UnterminatedString = createToken({
  name: 'UnterminatedString',
  pattern: /'(?:[^']|'')*/,
  group: 'invalid',
});
export const UnterminatedQuotedIdentifier = createToken({
  name: 'UnterminatedQuotedIdentifier',
  pattern: /"(?:[^"]|"")*/,
  group: 'invalid',
});
export const UnterminatedComment = createToken({
  name: 'UnterminatedComment',
  pattern: /\/\*[\s\S]*/,
  group: 'invalid',
});

// ─── Trivia ─────────────────────────────────────────────────────────────────────────────────

export const WhiteSpace = createToken({ name: 'WhiteSpace', pattern: /\s+/, group: Lexer.SKIPPED });
export const LineComment = createToken({ name: 'LineComment', pattern: /--[^\n\r]*/, group: Lexer.SKIPPED });
export const BlockComment = createToken({ name: 'BlockComment', pattern: /\/\*[\s\S]*?\*\//, group: Lexer.SKIPPED });

// ─── Operators and punctuation ──────────────────────────────────────────────────────────────

export const Concat = createToken({ name: 'Concat', pattern: /\|\|/, categories: [ArithmeticOperator], label: "'||'" });
export const DoubleColon = createToken({ name: 'DoubleColon', pattern: /::/, label: "'::'" });
/** `name => value` (named function arguments). */
export const Arrow = createToken({ name: 'Arrow', pattern: /=>/, label: "'=>'" });
export const LessOrEqual = createToken({
  name: 'LessOrEqual',
  pattern: /<=/,
  categories: [ComparisonOperator],
  label: "'<='",
});
export const GreaterOrEqual = createToken({
  name: 'GreaterOrEqual',
  pattern: />=/,
  categories: [ComparisonOperator],
  label: "'>='",
});
/** `<>` and `!=` (the same operator). */
export const NotEqual = createToken({
  name: 'NotEqual',
  pattern: /<>|!=/,
  categories: [ComparisonOperator],
  label: "'<>'",
});
/** `=` and `==` (the same operator). */
export const Equal = createToken({ name: 'Equal', pattern: /==?/, categories: [ComparisonOperator], label: "'='" });
export const Less = createToken({ name: 'Less', pattern: /</, categories: [ComparisonOperator], label: "'<'" });
export const Greater = createToken({ name: 'Greater', pattern: />/, categories: [ComparisonOperator], label: "'>'" });
export const Plus = createToken({
  name: 'Plus',
  pattern: /\+/,
  categories: [AdditiveOperator, ArithmeticOperator],
  label: "'+'",
});
export const Minus = createToken({
  name: 'Minus',
  pattern: /-/,
  categories: [AdditiveOperator, ArithmeticOperator],
  label: "'-'",
});
/** Multiplication, and `*` / `t.*` / `count(*)`. */
export const Star = createToken({
  name: 'Star',
  pattern: /\*/,
  categories: [MultiplicativeOperator, ArithmeticOperator],
  label: "'*'",
});
export const Slash = createToken({
  name: 'Slash',
  pattern: /\//,
  categories: [MultiplicativeOperator, ArithmeticOperator],
  label: "'/'",
});
export const Percent = createToken({
  name: 'Percent',
  pattern: /%/,
  categories: [MultiplicativeOperator, ArithmeticOperator],
  label: "'%'",
});
export const LParen = createToken({ name: 'LParen', pattern: /\(/, label: "'('" });
export const RParen = createToken({ name: 'RParen', pattern: /\)/, label: "')'" });
export const LBracket = createToken({ name: 'LBracket', pattern: /\[/, label: "'['" });
export const RBracket = createToken({ name: 'RBracket', pattern: /\]/, label: "']'" });
export const Comma = createToken({ name: 'Comma', pattern: /,/, label: 'a comma' });
export const Dot = createToken({ name: 'Dot', pattern: /\./, label: "'.'" });
export const Semicolon = createToken({ name: 'Semicolon', pattern: /;/, label: "';'" });

// ─── Keywords ───────────────────────────────────────────────────────────────────────────────

const keywordTokens: TokenType[] = [];
/** Upper-case spelling of every keyword. */
export const keywordWords: string[] = [];
/** Upper-case spelling of the reserved keywords (names only when quoted). */
export const reservedWords = new Set<string>();

/** Non-reserved words that open a window specification's clauses (so never a window's name there). */
const WINDOW_CLAUSE_WORDS = new Set(['PARTITION', 'ROWS', 'RANGE', 'GROUPS']);

function keyword(word: string, reserved: boolean): TokenType {
  const name = word
    .split('_')
    .map((p) => p[0]! + p.slice(1).toLowerCase())
    .join('');
  const token = createToken({
    name,
    pattern: new RegExp(word, 'i'),
    longer_alt: Identifier,
    categories: reserved ? [Keyword] : WINDOW_CLAUSE_WORDS.has(word) ? [Keyword, Ident] : [Keyword, Ident, WindowName],
    label: word,
  });
  keywordTokens.push(token);
  keywordWords.push(word);
  if (reserved) reservedWords.add(word);
  return token;
}
const reserved = (word: string): TokenType => keyword(word, true);
const nonReserved = (word: string): TokenType => keyword(word, false);

// Reserved: clause words, operators written as words, and words that may follow an expression
// or a table where an implicit alias could otherwise swallow them.
export const All = reserved('ALL');
export const And = reserved('AND');
export const As = reserved('AS');
export const Asc = reserved('ASC');
export const Asof = reserved('ASOF');
export const Between = reserved('BETWEEN');
export const By = reserved('BY');
export const Case = reserved('CASE');
export const Cast = reserved('CAST');
export const Create = reserved('CREATE');
export const Cross = reserved('CROSS');
export const Desc = reserved('DESC');
export const Distinct = reserved('DISTINCT');
export const Else = reserved('ELSE');
export const End = reserved('END');
export const Except = reserved('EXCEPT');
export const Exists = reserved('EXISTS');
export const False = reserved('FALSE');
export const From = reserved('FROM');
export const Full = reserved('FULL');
export const Group = reserved('GROUP');
export const Having = reserved('HAVING');
export const Ilike = reserved('ILIKE');
export const In = reserved('IN');
export const Inner = reserved('INNER');
export const Intersect = reserved('INTERSECT');
export const Into = reserved('INTO');
export const Is = reserved('IS');
export const Join = reserved('JOIN');
export const Left = reserved('LEFT');
export const Like = reserved('LIKE');
export const Limit = reserved('LIMIT');
export const Natural = reserved('NATURAL');
export const Not = reserved('NOT');
export const Null = reserved('NULL');
export const Of = reserved('OF');
export const Offset = reserved('OFFSET');
export const On = reserved('ON');
export const Or = reserved('OR');
export const Order = reserved('ORDER');
export const Outer = reserved('OUTER');
export const Over = reserved('OVER');
export const Qualify = reserved('QUALIFY');
export const Right = reserved('RIGHT');
export const Select = reserved('SELECT');
export const Then = reserved('THEN');
export const True = reserved('TRUE');
export const TryCast = reserved('TRY_CAST');
export const Union = reserved('UNION');
export const Using = reserved('USING');
export const Values = reserved('VALUES');
export const When = reserved('WHEN');
export const Where = reserved('WHERE');
export const Window = reserved('WINDOW');
export const With = reserved('WITH');

// Non-reserved: meaningful only in one place of the grammar, otherwise ordinary names.
export const Analyze = nonReserved('ANALYZE');
export const Collection = nonReserved('COLLECTION');
export const Current = nonReserved('CURRENT');
export const Data = nonReserved('DATA');
export const Dataset = nonReserved('DATASET');
export const Delete = nonReserved('DELETE');
export const Describe = nonReserved('DESCRIBE');
export const Drop = nonReserved('DROP');
export const Escape = nonReserved('ESCAPE');
export const Exclude = nonReserved('EXCLUDE');
export const Explain = nonReserved('EXPLAIN');
export const Filter = nonReserved('FILTER');
export const First = nonReserved('FIRST');
export const Following = nonReserved('FOLLOWING');
export const For = nonReserved('FOR');
export const Groups = nonReserved('GROUPS');
export const If = nonReserved('IF');
export const Insert = nonReserved('INSERT');
export const Interval = nonReserved('INTERVAL');
export const Key = nonReserved('KEY');
export const Last = nonReserved('LAST');
export const Nulls = nonReserved('NULLS');
export const Partition = nonReserved('PARTITION');
export const Preceding = nonReserved('PRECEDING');
export const Precision = nonReserved('PRECISION');
export const Primary = nonReserved('PRIMARY');
export const Range = nonReserved('RANGE');
export const Recursive = nonReserved('RECURSIVE');
export const Row = nonReserved('ROW');
export const Rows = nonReserved('ROWS');
export const Show = nonReserved('SHOW');
export const Table = nonReserved('TABLE');
export const Tables = nonReserved('TABLES');
export const Time = nonReserved('TIME');
export const Unbounded = nonReserved('UNBOUNDED');
export const Verbose = nonReserved('VERBOSE');
export const Version = nonReserved('VERSION');
export const Without = nonReserved('WITHOUT');
export const Zone = nonReserved('ZONE');

/**
 * Keywords longest first: `longer_alt` cannot chain, so INNER must be tried before IN (else
 * `INNER` would lex as IN + longer identifier), ASOF before AS, ORDER before OR, ….
 */
const keywordsLongestFirst = [...keywordTokens].sort(
  (a, b) => String(b.LABEL).length - String(a.LABEL).length || String(a.LABEL).localeCompare(String(b.LABEL)),
);

/** The lexer's token order. Earlier patterns win when two match at the same offset. */
export const allTokens: TokenType[] = [
  // Whitespace first: the most frequent token, skipped.
  WhiteSpace,
  // Comments before Minus and Slash (`--`, `/*` would otherwise lex as operators).
  LineComment,
  BlockComment,
  UnterminatedComment,
  // Literals; the unterminated forms only match when the terminated form did not.
  StringLiteral,
  UnterminatedString,
  QuotedIdentifier,
  UnterminatedQuotedIdentifier,
  DollarParameter,
  QuestionParameter,
  // Numbers before Dot (`.5`).
  NumberLiteral,
  // Two-character operators before their one-character prefixes (`<=` before `<`, `=>` before `=`).
  Concat,
  DoubleColon,
  Arrow,
  LessOrEqual,
  GreaterOrEqual,
  NotEqual,
  Equal,
  Less,
  Greater,
  Plus,
  Minus,
  Star,
  Slash,
  Percent,
  LParen,
  RParen,
  LBracket,
  RBracket,
  Comma,
  Dot,
  Semicolon,
  // Keywords before Identifier, longest first (see above); Identifier last.
  ...keywordsLongestFirst,
  Identifier,
  // Categories: no pattern, listed so the parser knows them.
  Ident,
  WindowName,
  Keyword,
  ComparisonOperator,
  AdditiveOperator,
  MultiplicativeOperator,
  ArithmeticOperator,
];
