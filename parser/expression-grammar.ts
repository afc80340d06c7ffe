/**
 * Expression rules of the SQL grammar: one rule per precedence level, from loosest to
 * tightest, then primaries, function calls, window specifications and type names. Rules only:
 * no actions; the CST → AST visitor (sql-to-ast.ts) gives them meaning.
 *
 * Precedence, loosest first:
 *   OR < AND < NOT < comparison, IS, BETWEEN, IN, LIKE, ILIKE < || < + - < * / % < unary - +
 *   < `::` casts, member access `a.b` and indexing `a[1]` (these three apply left to right)
 *
 * The query rules (subqueries) live in the subclass ({@link QueryGrammar}); this class only
 * declares `query` / `parenthesizedQuery` so that scalar subqueries, IN and EXISTS can use them.
 */
import {
  CstParser,
  type CstNode,
  type IParserConfig,
  type IToken,
  type OrMethodOpts,
  type ParserMethod,
  tokenMatcher,
} from 'chevrotain';

import * as T from './tokens.js';

type Rule = ParserMethod<[], CstNode>;

/** Units of `INTERVAL 3 DAY` / `INTERVAL '3' DAYS`. */
export const INTERVAL_UNITS = new Set([
  'YEAR',
  'YEARS',
  'MONTH',
  'MONTHS',
  'WEEK',
  'WEEKS',
  'DAY',
  'DAYS',
  'HOUR',
  'HOURS',
  'MINUTE',
  'MINUTES',
  'SECOND',
  'SECONDS',
  'MILLISECOND',
  'MILLISECONDS',
  'MICROSECOND',
  'MICROSECONDS',
]);

export abstract class ExpressionGrammar extends CstParser {
  /** A full query (WITH … ORDER BY … LIMIT); defined by the query grammar. */
  abstract readonly query: Rule;
  /** `( query )`; defined by the query grammar. */
  abstract readonly parenthesizedQuery: Rule;
  private backtrackParenthesizedQuery: (() => boolean) | undefined;

  constructor(config: IParserConfig) {
    super(T.allTokens, config);
  }

  /**
   * True when the next tokens are `( query )` rather than a parenthesised expression or join:
   * `(SELECT`, `(WITH`, `(VALUES` decide at once; `((` needs a trial parse (backtracking), since
   * `((SELECT 1) UNION (SELECT 2))` is a query and `((SELECT 1) + 1)` an expression.
   */
  protected parenthesizedQueryAhead(): boolean {
    if (this.LA(1).tokenType !== T.LParen) return false;
    const next = this.LA(2).tokenType;
    if (next === T.Select || next === T.With || next === T.Values) return true;
    if (next !== T.LParen) return false;
    this.backtrackParenthesizedQuery ??= this.BACKTRACK(this.parenthesizedQuery);
    return this.backtrackParenthesizedQuery();
  }

  protected isIdent(token: IToken): boolean {
    return tokenMatcher(token, T.Ident);
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

  // ─── Function calls and windows ─────────────────────────────────────────────────────────

  /**
   * `f(a, b)`, `count(*)`, `count(DISTINCT x)`, `f(x => 1)`, `string_agg(s, ',' ORDER BY s)`,
   * `substring(s FROM 1 FOR 2)`, `extract(year FROM d)`, then FILTER (WHERE …) and OVER.
   */
  readonly functionCall: Rule = this.RULE('functionCall', () => {
    this.OR([
      { ALT: () => this.CONSUME(T.Ident, { LABEL: 'name' }) },
      { ALT: () => this.CONSUME(T.Left, { LABEL: 'name' }) },
      { ALT: () => this.CONSUME(T.Right, { LABEL: 'name' }) },
    ]);
    this.CONSUME(T.LParen);
    this.OPTION(() => {
      this.OR2([
        { ALT: () => this.CONSUME(T.Star) },
        {
          ALT: () => {
            this.OPTION2({
              // `f(all => 1)` names an argument.
              GATE: () => this.LA(2).tokenType !== T.Arrow,
              DEF: () => this.OR3([{ ALT: () => this.CONSUME(T.Distinct) }, { ALT: () => this.CONSUME(T.All) }]),
            });
            this.SUBRULE(this.functionArguments, { LABEL: 'arguments' });
            this.OPTION3(() => {
              this.CONSUME(T.From);
              this.SUBRULE(this.expression, { LABEL: 'from' });
              this.OPTION4(() => {
                this.CONSUME(T.For);
                this.SUBRULE2(this.expression, { LABEL: 'for' });
              });
            });
            this.OPTION5(() => this.SUBRULE(this.orderByClause, { LABEL: 'orderBy' }));
          },
        },
      ]);
    });
    this.CONSUME(T.RParen);
    this.OPTION6({
      GATE: () => this.LA(2).tokenType === T.LParen,
      DEF: () => {
        this.CONSUME(T.Filter);
        this.CONSUME2(T.LParen);
        this.CONSUME(T.Where);
        this.SUBRULE3(this.expression, { LABEL: 'filter' });
        this.CONSUME2(T.RParen);
      },
    });
    this.OPTION7(() => {
      this.CONSUME(T.Over);
      this.OR4([
        { ALT: () => this.CONSUME2(T.Ident, { LABEL: 'windowName' }) },
        { ALT: () => this.SUBRULE(this.windowSpecification, { LABEL: 'window' }) },
      ]);
    });
  });

  readonly functionArguments: Rule = this.RULE('functionArguments', () => {
    this.AT_LEAST_ONE_SEP({ SEP: T.Comma, DEF: () => this.SUBRULE(this.functionArgument, { LABEL: 'items' }) });
  });

  /** A positional argument, or a named one: `fps => 10`, `on => ts` (any word names an argument). */
  readonly functionArgument: Rule = this.RULE('functionArgument', () => {
    this.OPTION({
      GATE: () => this.LA(2).tokenType === T.Arrow,
      DEF: () => {
        this.OR([
          { ALT: () => this.CONSUME(T.Ident, { LABEL: 'name' }) },
          { IGNORE_AMBIGUITIES: true, ALT: () => this.CONSUME(T.Keyword, { LABEL: 'name' }) },
        ]);
        this.CONSUME(T.Arrow);
      },
    });
    this.SUBRULE(this.expression, { LABEL: 'value' });
  });

  readonly orderByClause: Rule = this.RULE('orderByClause', () => {
    this.CONSUME(T.Order);
    this.CONSUME(T.By);
    this.AT_LEAST_ONE_SEP({ SEP: T.Comma, DEF: () => this.SUBRULE(this.orderItem, { LABEL: 'items' }) });
  });

  readonly orderItem: Rule = this.RULE('orderItem', () => {
    this.SUBRULE(this.expression);
    this.OPTION(() => this.OR([{ ALT: () => this.CONSUME(T.Asc) }, { ALT: () => this.CONSUME(T.Desc) }]));
    this.OPTION2(() => {
      this.CONSUME(T.Nulls);
      this.OR2([{ ALT: () => this.CONSUME(T.First) }, { ALT: () => this.CONSUME(T.Last) }]);
    });
  });

  /** `( [base] [PARTITION BY …] [ORDER BY …] [frame] )`. */
  readonly windowSpecification: Rule = this.RULE('windowSpecification', () => {
    this.CONSUME(T.LParen);
    this.OPTION(() => this.CONSUME(T.WindowName, { LABEL: 'baseWindow' }));
    this.OPTION2(() => {
      this.CONSUME(T.Partition);
      this.CONSUME(T.By);
      this.SUBRULE(this.expressionList, { LABEL: 'partitionBy' });
    });
    this.OPTION3(() => this.SUBRULE(this.orderByClause, { LABEL: 'orderBy' }));
    this.OPTION4(() => this.SUBRULE(this.windowFrame, { LABEL: 'frame' }));
    this.CONSUME(T.RParen);
  });

  /** `ROWS|RANGE|GROUPS BETWEEN bound AND bound`, or a single starting bound. */
  readonly windowFrame: Rule = this.RULE('windowFrame', () => {
    this.OR([
      { ALT: () => this.CONSUME(T.Rows, { LABEL: 'units' }) },
      { ALT: () => this.CONSUME(T.Range, { LABEL: 'units' }) },
      { ALT: () => this.CONSUME(T.Groups, { LABEL: 'units' }) },
    ]);
    this.OR2([
      {
        ALT: () => {
          this.CONSUME(T.Between);
          this.SUBRULE(this.frameBound, { LABEL: 'start' });
          this.CONSUME(T.And);
          this.SUBRULE2(this.frameBound, { LABEL: 'end' });
        },
      },
      { ALT: () => this.SUBRULE3(this.frameBound, { LABEL: 'start' }) },
    ]);
  });

  readonly frameBound: Rule = this.RULE('frameBound', () => {
    this.OR([
      {
        GATE: () => this.LA(2).tokenType === T.Preceding || this.LA(2).tokenType === T.Following,
        IGNORE_AMBIGUITIES: true,
        ALT: () => {
          this.CONSUME(T.Unbounded);
          this.OR2([{ ALT: () => this.CONSUME(T.Preceding) }, { ALT: () => this.CONSUME(T.Following) }]);
        },
      },
      {
        GATE: () => this.LA(2).tokenType === T.Row,
        IGNORE_AMBIGUITIES: true,
        ALT: () => {
          this.CONSUME(T.Current);
          this.CONSUME(T.Row);
        },
      },
      {
        IGNORE_AMBIGUITIES: true,
        ALT: () => {
          this.SUBRULE(this.expression, { LABEL: 'offset' });
          this.OR3([{ ALT: () => this.CONSUME2(T.Preceding) }, { ALT: () => this.CONSUME2(T.Following) }]);
        },
      },
    ]);
  });

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
