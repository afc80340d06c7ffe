/**
 * The base of the SQL grammar: the token vocabulary, lookahead helpers shared by all rules, and
 * type names. Subclasses add calls and windows (call-grammar.ts), expressions
 * (expression-grammar.ts), queries (query-grammar.ts) and statements (sql-grammar.ts); the last
 * one runs `performSelfAnalysis()`. Rules only, no actions.
 */
import { CstParser, type CstNode, type IParserConfig, type IToken, type ParserMethod, tokenMatcher } from 'chevrotain';

import * as T from './tokens.js';

export type Rule = ParserMethod<[], CstNode>;

export abstract class TypeGrammar extends CstParser {
  constructor(config: IParserConfig) {
    super(T.allTokens, config);
  }

  protected isIdent(token: IToken): boolean {
    return tokenMatcher(token, T.Ident);
  }

  // ─── Type names ─────────────────────────────────────────────────────────────────────────

  /**
   * `INTEGER`, `DOUBLE PRECISION`, `DECIMAL(12, 2)`, `VARCHAR(10)`, `TIMESTAMP WITH TIME ZONE`,
   * `INTEGER[]`, `FLOAT[3]`, `LIST(INTEGER)`, `STRUCT(a INT, b VARCHAR)`, `MAP(VARCHAR, INT)`.
   */
  readonly typeName: Rule = this.RULE('typeName', () => {
    this.CONSUME(T.Ident, { LABEL: 'name' });
    this.OPTION(() => this.CONSUME(T.Precision));
    this.OPTION2(() => {
      this.CONSUME(T.LParen);
      this.AT_LEAST_ONE_SEP({ SEP: T.Comma, DEF: () => this.SUBRULE(this.typeParameter, { LABEL: 'parameters' }) });
      this.CONSUME(T.RParen);
    });
    this.OPTION3(() => {
      this.OR([
        { ALT: () => this.CONSUME(T.With, { LABEL: 'timeZone' }) },
        { ALT: () => this.CONSUME(T.Without, { LABEL: 'timeZone' }) },
      ]);
      this.CONSUME(T.Time);
      this.CONSUME(T.Zone);
    });
    this.MANY(() => this.SUBRULE(this.arraySuffix, { LABEL: 'arrays' }));
  });

  /** `[]` (a list) or `[3]` (a fixed-size array). */
  readonly arraySuffix: Rule = this.RULE('arraySuffix', () => {
    this.CONSUME(T.LBracket);
    this.OPTION(() => this.CONSUME(T.NumberLiteral, { LABEL: 'size' }));
    this.CONSUME(T.RBracket);
  });

  /** A number (`DECIMAL(12, 2)`), a struct field (`a INT`) or a type (`LIST(INT)`). */
  readonly typeParameter: Rule = this.RULE('typeParameter', () => {
    this.OR([
      { ALT: () => this.CONSUME(T.NumberLiteral, { LABEL: 'number' }) },
      {
        GATE: () => this.isIdent(this.LA(2)),
        IGNORE_AMBIGUITIES: true,
        ALT: () => {
          this.CONSUME(T.Ident, { LABEL: 'field' });
          this.SUBRULE(this.typeName, { LABEL: 'type' });
        },
      },
      { IGNORE_AMBIGUITIES: true, ALT: () => this.SUBRULE2(this.typeName, { LABEL: 'type' }) },
    ]);
  });
}
