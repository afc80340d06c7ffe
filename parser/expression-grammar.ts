/**
 * Expression rules of the SQL grammar: operator chains, predicates and primaries (literals,
 * names, CASE, CAST, subqueries). Rules only, no actions; expr-to-ast.ts gives them meaning.
 *
 * Precedence, loosest first:
 *   OR < AND < NOT < comparison, IS, BETWEEN, IN, LIKE, ILIKE < || < + - < * / % < unary - +
 *   < `::` casts, member access `a.b` and indexing `a[1]` (these three apply left to right)
 *
 * The query rules (subqueries) live in the subclass ({@link QueryGrammar}); this class only
 * declares `query` / `parenthesizedQuery` so that scalar subqueries, IN and EXISTS can use them.
 */
import type { OrMethodOpts } from 'chevrotain';

import { CallGrammar } from './call-grammar.js';
import * as T from './tokens.js';
import type { Rule } from './type-grammar.js';

const UNITS = ['YEAR', 'MONTH', 'WEEK', 'DAY', 'HOUR', 'MINUTE', 'SECOND', 'MILLISECOND', 'MICROSECOND'];
/** Units of `INTERVAL 3 DAY` / `INTERVAL '3' DAYS` (singular or plural). */
export const INTERVAL_UNITS = new Set(UNITS.flatMap((u) => [u, `${u}S`]));

export abstract class ExpressionGrammar extends CallGrammar {
  /** A full query (WITH … ORDER BY … LIMIT); defined by the query grammar. */
  abstract readonly query: Rule;
  /** `( query )`; defined by the query grammar. */
  abstract readonly parenthesizedQuery: Rule;
  private backtrackParenthesizedQuery: (() => boolean) | undefined;

  /**
   * True when the next tokens are `( query )` rather than a parenthesised expression or join.
   * The first token after the opening parentheses decides when it cannot start a query
   * (`((a + b) * c)`); `(SELECT`, `(WITH`, `(VALUES` decide at once; only `((…(SELECT` needs a
   * trial parse (backtracking), since `((SELECT 1) UNION (SELECT 2))` is a query and
   * `((SELECT 1) + 1)` an expression.
   */
  protected parenthesizedQueryAhead(): boolean {
    if (this.LA(1).tokenType !== T.LParen) return false;
    let i = 2;
    while (this.LA(i).tokenType === T.LParen) i++;
    const first = this.LA(i).tokenType;
    if (first !== T.Select && first !== T.With && first !== T.Values) return false;
    if (i === 2) return true;
    this.backtrackParenthesizedQuery ??= this.BACKTRACK(this.parenthesizedQuery);
    return this.backtrackParenthesizedQuery();
  }

  // ─── Operator levels ────────────────────────────────────────────────────────────────────
  // Binary operators of several precedences are parsed as flat chains (`a OR b AND c`,
  // `a + b * c || d`); the visitor builds the tree by precedence. Fewer rule levels per operand
  // make parsing markedly faster than one rule per precedence level.

  /** Predicates joined by AND / OR (AND binds tighter). */
  readonly expression: Rule = this.RULE('expression', () => {
    this.SUBRULE(this.predicate, { LABEL: 'operands' });
    this.MANY(() => {
      this.OR([
        { ALT: () => this.CONSUME(T.And, { LABEL: 'operators' }) },
        { ALT: () => this.CONSUME(T.Or, { LABEL: 'operators' }) },
      ]);
      this.SUBRULE2(this.predicate, { LABEL: 'operands' });
    });
  });

  /** `NOT…` an arithmetic operand followed by comparisons and predicates (left to right); NOT applies last. */
  readonly predicate: Rule = this.RULE('predicate', () => {
    this.MANY(() => this.CONSUME(T.Not, { LABEL: 'nots' }));
    this.SUBRULE(this.arithmetic, { LABEL: 'operand' });
    this.MANY2(() => this.SUBRULE(this.predicateTail, { LABEL: 'tails' }));
  });

  readonly predicateTail: Rule = this.RULE('predicateTail', () => {
    this.OR([
      {
        ALT: () => {
          this.CONSUME(T.ComparisonOperator, { LABEL: 'comparison' });
          this.SUBRULE(this.arithmetic, { LABEL: 'right' });
        },
      },
      {
        ALT: () => {
          this.CONSUME(T.Is);
          this.OPTION(() => this.CONSUME(T.Not));
          this.OR2([
            { ALT: () => this.CONSUME(T.Null) },
            {
              ALT: () => {
                this.CONSUME(T.Distinct);
                this.CONSUME(T.From);
                this.SUBRULE2(this.arithmetic, { LABEL: 'right' });
              },
            },
          ]);
        },
      },
      {
        ALT: () => {
          this.OPTION2(() => this.CONSUME2(T.Not, { LABEL: 'negated' }));
          this.OR3([
            {
              ALT: () => {
                this.CONSUME(T.Between);
                this.SUBRULE3(this.arithmetic, { LABEL: 'low' });
                this.CONSUME(T.And);
                this.SUBRULE4(this.arithmetic, { LABEL: 'high' });
              },
            },
            {
              ALT: () => {
                this.CONSUME(T.In);
                this.SUBRULE(this.inList);
              },
            },
            {
              ALT: () => {
                this.OR4([{ ALT: () => this.CONSUME(T.Like) }, { ALT: () => this.CONSUME(T.Ilike) }]);
                this.SUBRULE5(this.arithmetic, { LABEL: 'pattern' });
                this.OPTION3(() => {
                  this.CONSUME(T.Escape);
                  this.SUBRULE6(this.arithmetic, { LABEL: 'escape' });
                });
              },
            },
          ]);
        },
      },
    ]);
  });

  /** The right side of IN: `(subquery)` or `(value, …)`. */
  readonly inList: Rule = this.RULE('inList', () => {
    this.OR([
      {
        GATE: () => this.parenthesizedQueryAhead(),
        ALT: () => this.SUBRULE(this.parenthesizedQuery, { LABEL: 'subquery' }),
      },
      {
        IGNORE_AMBIGUITIES: true,
        ALT: () => {
          this.CONSUME(T.LParen);
          this.SUBRULE(this.expressionList, { LABEL: 'values' });
          this.CONSUME(T.RParen);
        },
      },
    ]);
  });

  readonly expressionList: Rule = this.RULE('expressionList', () => {
    this.AT_LEAST_ONE_SEP({ SEP: T.Comma, DEF: () => this.SUBRULE(this.expression, { LABEL: 'items' }) });
  });

  /** Operands joined by `||`, `+ -`, `* / %` (tighter in that order). */
  readonly arithmetic: Rule = this.RULE('arithmetic', () => {
    this.SUBRULE(this.operand, { LABEL: 'operands' });
    this.MANY(() => {
      this.CONSUME(T.ArithmeticOperator, { LABEL: 'operators' });
      this.SUBRULE2(this.operand, { LABEL: 'operands' });
    });
  });

  /** Signs, a primary, then member access, indexing and `::type` casts (left to right). */
  readonly operand: Rule = this.RULE('operand', () => {
    this.MANY(() => this.CONSUME(T.AdditiveOperator, { LABEL: 'signs' }));
    this.SUBRULE(this.primary);
    this.MANY2(() => this.SUBRULE(this.suffix, { LABEL: 'suffixes' }));
  });

  /** `.field`, `[index]` or `::type` after an operand. */
  readonly suffix: Rule = this.RULE('suffix', () => {
    this.OR([
      {
        ALT: () => {
          this.CONSUME(T.Dot);
          this.CONSUME(T.Ident, { LABEL: 'field' });
        },
      },
      {
        ALT: () => {
          this.CONSUME(T.LBracket);
          this.SUBRULE(this.expression, { LABEL: 'index' });
          this.CONSUME(T.RBracket);
        },
      },
      {
        ALT: () => {
          this.CONSUME(T.DoubleColon);
          this.SUBRULE(this.typeName, { LABEL: 'type' });
        },
      },
    ]);
  });

  // ─── Primaries ──────────────────────────────────────────────────────────────────────────

  /** The alternatives of `primary`, built once: it is the hottest OR of the grammar, and a fresh array of closures per operand costs ~15% of parse time. */
  private primaryAlternatives: OrMethodOpts<unknown> | undefined;

  readonly primary: Rule = this.RULE('primary', () => {
    this.OR(
      (this.primaryAlternatives ??= {
        ERR_MSG: 'an expression',
        DEF: [
          {
            GATE: () => this.parenthesizedQueryAhead(),
            ALT: () => this.SUBRULE(this.parenthesizedQuery, { LABEL: 'subquery' }),
          },
          {
            IGNORE_AMBIGUITIES: true,
            ALT: () => {
              this.CONSUME(T.LParen);
              this.SUBRULE(this.expression, { LABEL: 'parenthesized' });
              this.CONSUME(T.RParen);
            },
          },
          { ALT: () => this.SUBRULE(this.existsExpression) },
          { ALT: () => this.SUBRULE(this.caseExpression) },
          { ALT: () => this.SUBRULE(this.castFunction) },
          { ALT: () => this.SUBRULE(this.literal) },
          { ALT: () => this.SUBRULE(this.parameter) },
          { ALT: () => this.SUBRULE(this.arrayLiteral) },
          {
            GATE: () => this.LA(2).tokenType === T.StringLiteral || this.LA(2).tokenType === T.NumberLiteral,
            IGNORE_AMBIGUITIES: true,
            ALT: () => this.SUBRULE(this.intervalLiteral),
          },
          { IGNORE_AMBIGUITIES: true, ALT: () => this.SUBRULE(this.typedLiteral) },
          { IGNORE_AMBIGUITIES: true, ALT: () => this.SUBRULE(this.functionCall) },
          { IGNORE_AMBIGUITIES: true, ALT: () => this.SUBRULE(this.columnReference) },
        ],
      }),
    );
  });

  readonly literal: Rule = this.RULE('literal', () => {
    this.OR([
      { ALT: () => this.CONSUME(T.NumberLiteral) },
      { ALT: () => this.CONSUME(T.StringLiteral) },
      { ALT: () => this.CONSUME(T.True) },
      { ALT: () => this.CONSUME(T.False) },
      { ALT: () => this.CONSUME(T.Null) },
    ]);
  });

  readonly parameter: Rule = this.RULE('parameter', () => {
    this.OR([{ ALT: () => this.CONSUME(T.DollarParameter) }, { ALT: () => this.CONSUME(T.QuestionParameter) }]);
  });

  /** `[1, 2, 3]`. */
  readonly arrayLiteral: Rule = this.RULE('arrayLiteral', () => {
    this.CONSUME(T.LBracket);
    this.OPTION(() => this.SUBRULE(this.expressionList, { LABEL: 'elements' }));
    this.CONSUME(T.RBracket);
  });

  /** `INTERVAL '3 days'`, `INTERVAL '3' DAY`, `INTERVAL 3 DAYS`. */
  readonly intervalLiteral: Rule = this.RULE('intervalLiteral', () => {
    this.CONSUME(T.Interval);
    this.OR([
      { ALT: () => this.CONSUME(T.StringLiteral, { LABEL: 'value' }) },
      { ALT: () => this.CONSUME(T.NumberLiteral, { LABEL: 'value' }) },
    ]);
    this.OPTION({
      GATE: () => this.isIdent(this.LA(1)) && INTERVAL_UNITS.has(this.LA(1).image.toUpperCase()),
      DEF: () => this.CONSUME(T.Ident, { LABEL: 'unit' }),
    });
  });

  /** `DATE '2024-01-01'`, `TIMESTAMP '2024-01-01 10:00:00'`: a constant cast. */
  readonly typedLiteral: Rule = this.RULE('typedLiteral', () => {
    this.CONSUME(T.Ident, { LABEL: 'type' });
    this.CONSUME(T.StringLiteral, { LABEL: 'value' });
  });

  /** `a`, `t.a`, `recordings.scenes.location`: a name path resolved by the binder. */
  readonly columnReference: Rule = this.RULE('columnReference', () => {
    this.CONSUME(T.Ident, { LABEL: 'parts' });
    this.MANY({
      // `t.*` belongs to the select list, not to expressions.
      GATE: () => this.isIdent(this.LA(2)),
      DEF: () => {
        this.CONSUME(T.Dot);
        this.CONSUME2(T.Ident, { LABEL: 'parts' });
      },
    });
  });

  readonly existsExpression: Rule = this.RULE('existsExpression', () => {
    this.CONSUME(T.Exists);
    this.SUBRULE(this.parenthesizedQuery, { LABEL: 'subquery' });
  });

  /** Simple (`CASE x WHEN 1 THEN …`) and searched (`CASE WHEN x = 1 THEN …`) forms. */
  readonly caseExpression: Rule = this.RULE('caseExpression', () => {
    this.CONSUME(T.Case);
    this.OPTION(() => this.SUBRULE(this.expression, { LABEL: 'operand' }));
    this.AT_LEAST_ONE(() => this.SUBRULE(this.whenClause, { LABEL: 'whens' }));
    this.OPTION2(() => {
      this.CONSUME(T.Else);
      this.SUBRULE2(this.expression, { LABEL: 'else' });
    });
    this.CONSUME(T.End);
  });

  readonly whenClause: Rule = this.RULE('whenClause', () => {
    this.CONSUME(T.When);
    this.SUBRULE(this.expression, { LABEL: 'when' });
    this.CONSUME(T.Then);
    this.SUBRULE2(this.expression, { LABEL: 'then' });
  });

  /** `CAST(x AS type)`, `TRY_CAST(x AS type)`. */
  readonly castFunction: Rule = this.RULE('castFunction', () => {
    this.OR([{ ALT: () => this.CONSUME(T.Cast) }, { ALT: () => this.CONSUME(T.TryCast) }]);
    this.CONSUME(T.LParen);
    this.SUBRULE(this.expression, { LABEL: 'operand' });
    this.CONSUME(T.As);
    this.SUBRULE(this.typeName, { LABEL: 'type' });
    this.CONSUME(T.RParen);
  });
}
