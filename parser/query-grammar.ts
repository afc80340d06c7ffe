/**
 * Query rules: WITH, set operations (INTERSECT binds tighter than UNION and EXCEPT), SELECT
 * and its clauses, VALUES, FROM items and joins. Rules only, no actions.
 */
import { ExpressionGrammar } from './expression-grammar.js';
import * as T from './tokens.js';
import type { Rule } from './type-grammar.js';

export abstract class QueryGrammar extends ExpressionGrammar {
  /** True when `name.name….*` follows (a qualified star in the select list). */
  private qualifiedStarAhead(): boolean {
    if (!this.isIdent(this.LA(1))) return false;
    for (let i = 2; ; i += 2) {
      if (this.LA(i).tokenType !== T.Dot) return false;
      const next = this.LA(i + 1);
      if (next.tokenType === T.Star) return true;
      if (!this.isIdent(next)) return false;
    }
  }

  /** `[WITH …] body [ORDER BY …] [LIMIT …] [OFFSET …]`. */
  readonly query: Rule = this.RULE('query', () => {
    this.OPTION(() => this.SUBRULE(this.withClause));
    this.SUBRULE(this.setExpression, { LABEL: 'body' });
    this.OPTION2(() => this.SUBRULE(this.orderByClause, { LABEL: 'orderBy' }));
    this.OPTION3(() => this.SUBRULE(this.limitClause));
  });

  readonly parenthesizedQuery: Rule = this.RULE('parenthesizedQuery', () => {
    this.CONSUME(T.LParen);
    this.SUBRULE(this.query);
    this.CONSUME(T.RParen);
  });

  readonly withClause: Rule = this.RULE('withClause', () => {
    this.CONSUME(T.With);
    this.OPTION({
      // `WITH recursive AS (…)` names a CTE "recursive".
      GATE: () => this.LA(2).tokenType !== T.As && this.LA(2).tokenType !== T.LParen,
      DEF: () => this.CONSUME(T.Recursive),
    });
    this.AT_LEAST_ONE_SEP({ SEP: T.Comma, DEF: () => this.SUBRULE(this.commonTableExpression, { LABEL: 'ctes' }) });
  });

  readonly commonTableExpression: Rule = this.RULE('commonTableExpression', () => {
    this.CONSUME(T.Ident, { LABEL: 'name' });
    this.OPTION(() => this.SUBRULE(this.identifierList, { LABEL: 'columns' }));
    this.CONSUME(T.As);
    this.SUBRULE(this.parenthesizedQuery, { LABEL: 'query' });
  });

  /** `( name, … )`. */
  readonly identifierList: Rule = this.RULE('identifierList', () => {
    this.CONSUME(T.LParen);
    this.AT_LEAST_ONE_SEP({ SEP: T.Comma, DEF: () => this.CONSUME(T.Ident, { LABEL: 'names' }) });
    this.CONSUME(T.RParen);
  });

  /** UNION and EXCEPT (same precedence, left to right) over INTERSECT terms. */
  readonly setExpression: Rule = this.RULE('setExpression', () => {
    this.SUBRULE(this.intersectExpression, { LABEL: 'operands' });
    this.MANY(() => {
      this.OR([
        { ALT: () => this.CONSUME(T.Union, { LABEL: 'operators' }) },
        { ALT: () => this.CONSUME(T.Except, { LABEL: 'operators' }) },
      ]);
      this.SUBRULE(this.setQuantifier, { LABEL: 'quantifiers' });
      this.SUBRULE2(this.intersectExpression, { LABEL: 'operands' });
    });
  });

  readonly intersectExpression: Rule = this.RULE('intersectExpression', () => {
    this.SUBRULE(this.queryPrimary, { LABEL: 'operands' });
    this.MANY(() => {
      this.CONSUME(T.Intersect);
      this.SUBRULE(this.setQuantifier, { LABEL: 'quantifiers' });
      this.SUBRULE2(this.queryPrimary, { LABEL: 'operands' });
    });
  });

  /** `[ALL | DISTINCT]` after a set operator (an empty node when absent, to keep operands and quantifiers aligned). */
  readonly setQuantifier: Rule = this.RULE('setQuantifier', () => {
    this.OPTION(() => this.OR([{ ALT: () => this.CONSUME(T.All) }, { ALT: () => this.CONSUME(T.Distinct) }]));
  });

  readonly queryPrimary: Rule = this.RULE('queryPrimary', () => {
    this.OR({
      ERR_MSG: 'SELECT, VALUES or a parenthesised query',
      DEF: [
        { ALT: () => this.SUBRULE(this.selectCore) },
        { ALT: () => this.SUBRULE(this.valuesClause) },
        { ALT: () => this.SUBRULE(this.parenthesizedQuery) },
      ],
    });
  });

  readonly valuesClause: Rule = this.RULE('valuesClause', () => {
    this.CONSUME(T.Values);
    this.AT_LEAST_ONE_SEP({
      SEP: T.Comma,
      DEF: () => {
        this.CONSUME(T.LParen, { LABEL: 'rows' });
        this.SUBRULE(this.expressionList, { LABEL: 'rowValues' });
        this.CONSUME(T.RParen);
      },
    });
  });

  // ─── SELECT ─────────────────────────────────────────────────────────────────────────────

  readonly selectCore: Rule = this.RULE('selectCore', () => {
    this.CONSUME(T.Select);
    this.OPTION(() => this.OR([{ ALT: () => this.CONSUME(T.Distinct) }, { ALT: () => this.CONSUME(T.All) }]));
    this.SUBRULE(this.selectList);
    this.OPTION2(() => this.SUBRULE(this.fromClause));
    this.OPTION3(() => {
      this.CONSUME(T.Where);
      this.SUBRULE(this.expression, { LABEL: 'where' });
    });
    this.OPTION4(() => this.SUBRULE(this.groupByClause));
    this.OPTION5(() => {
      this.CONSUME(T.Having);
      this.SUBRULE2(this.expression, { LABEL: 'having' });
    });
    this.OPTION6(() => this.SUBRULE(this.windowClause));
    this.OPTION7(() => {
      this.CONSUME(T.Qualify);
      this.SUBRULE3(this.expression, { LABEL: 'qualify' });
    });
  });

  readonly selectList: Rule = this.RULE('selectList', () => {
    this.AT_LEAST_ONE_SEP({ SEP: T.Comma, DEF: () => this.SUBRULE(this.selectItem, { LABEL: 'items' }) });
  });

  /** `*`, `t.*`, `* EXCLUDE (a, b)`, or `expression [[AS] alias]`. */
  readonly selectItem: Rule = this.RULE('selectItem', () => {
    this.OR({
      ERR_MSG: "an expression or '*'",
      DEF: [
        {
          ALT: () => {
            this.CONSUME(T.Star);
            this.OPTION(() => this.SUBRULE(this.excludeList));
          },
        },
        {
          GATE: () => this.qualifiedStarAhead(),
          IGNORE_AMBIGUITIES: true,
          ALT: () => {
            this.CONSUME(T.Ident, { LABEL: 'qualifier' });
            this.MANY(() => {
              this.CONSUME(T.Dot);
              this.CONSUME2(T.Ident, { LABEL: 'qualifier' });
            });
            this.CONSUME2(T.Dot);
            this.CONSUME2(T.Star);
            this.OPTION2(() => this.SUBRULE2(this.excludeList));
          },
        },
        {
          IGNORE_AMBIGUITIES: true,
          ALT: () => {
            this.SUBRULE(this.expression);
            this.OPTION3(() => this.SUBRULE(this.alias));
          },
        },
      ],
    });
  });

  readonly excludeList: Rule = this.RULE('excludeList', () => {
    this.CONSUME(T.Exclude);
    this.SUBRULE(this.identifierList, { LABEL: 'columns' });
  });

  /** `[AS] name` (no column list: select items). */
  readonly alias: Rule = this.RULE('alias', () => {
    this.OPTION(() => this.CONSUME(T.As));
    this.CONSUME(T.Ident, { LABEL: 'name' });
  });

  readonly groupByClause: Rule = this.RULE('groupByClause', () => {
    this.CONSUME(T.Group);
    this.CONSUME(T.By);
    this.OR([{ ALT: () => this.CONSUME(T.All) }, { ALT: () => this.SUBRULE(this.expressionList, { LABEL: 'keys' }) }]);
  });

  readonly windowClause: Rule = this.RULE('windowClause', () => {
    this.CONSUME(T.Window);
    this.AT_LEAST_ONE_SEP({ SEP: T.Comma, DEF: () => this.SUBRULE(this.windowDefinition, { LABEL: 'definitions' }) });
  });

  readonly windowDefinition: Rule = this.RULE('windowDefinition', () => {
    this.CONSUME(T.Ident, { LABEL: 'name' });
    this.CONSUME(T.As);
    this.SUBRULE(this.windowSpecification, { LABEL: 'window' });
  });

  /** `LIMIT n [OFFSET m]` or `OFFSET m [LIMIT n]`. */
  readonly limitClause: Rule = this.RULE('limitClause', () => {
    this.OR([
      {
        ALT: () => {
          this.CONSUME(T.Limit);
          this.SUBRULE(this.expression, { LABEL: 'limit' });
          this.OPTION(() => {
            this.CONSUME(T.Offset);
            this.SUBRULE2(this.expression, { LABEL: 'offset' });
          });
        },
      },
      {
        ALT: () => {
          this.CONSUME2(T.Offset);
          this.SUBRULE3(this.expression, { LABEL: 'offset' });
          this.OPTION2(() => {
            this.CONSUME2(T.Limit);
            this.SUBRULE4(this.expression, { LABEL: 'limit' });
          });
        },
      },
    ]);
  });

  // ─── FROM ───────────────────────────────────────────────────────────────────────────────

  readonly fromClause: Rule = this.RULE('fromClause', () => {
    this.CONSUME(T.From);
    this.AT_LEAST_ONE_SEP({ SEP: T.Comma, DEF: () => this.SUBRULE(this.tableExpression, { LABEL: 'items' }) });
  });

  /** A FROM item followed by joins, left to right. */
  readonly tableExpression: Rule = this.RULE('tableExpression', () => {
    this.SUBRULE(this.tableFactor, { LABEL: 'first' });
    this.MANY(() => this.SUBRULE(this.joinClause, { LABEL: 'joins' }));
  });

  readonly joinClause: Rule = this.RULE('joinClause', () => {
    this.OR({
      ERR_MSG: 'a join',
      DEF: [
        {
          ALT: () => {
            this.CONSUME(T.Cross);
            this.CONSUME(T.Join);
            this.SUBRULE(this.tableFactor, { LABEL: 'table' });
          },
        },
        {
          ALT: () => {
            this.CONSUME(T.Asof);
            this.OPTION(() => this.CONSUME(T.Left));
            this.CONSUME2(T.Join);
            this.SUBRULE2(this.tableFactor, { LABEL: 'table' });
            this.SUBRULE(this.joinCondition);
          },
        },
        {
          ALT: () => {
            this.OPTION2(() => this.SUBRULE(this.joinType));
            this.CONSUME3(T.Join);
            this.SUBRULE3(this.tableFactor, { LABEL: 'table' });
            this.SUBRULE2(this.joinCondition);
          },
        },
      ],
    });
  });

  readonly joinType: Rule = this.RULE('joinType', () => {
    this.OR([
      { ALT: () => this.CONSUME(T.Inner) },
      {
        ALT: () => {
          this.OR2([
            { ALT: () => this.CONSUME(T.Left) },
            { ALT: () => this.CONSUME(T.Right) },
            { ALT: () => this.CONSUME(T.Full) },
          ]);
          this.OPTION(() => this.CONSUME(T.Outer));
        },
      },
    ]);
  });

  readonly joinCondition: Rule = this.RULE('joinCondition', () => {
    this.OR({
      ERR_MSG: 'ON or USING',
      DEF: [
        {
          ALT: () => {
            this.CONSUME(T.On);
            this.SUBRULE(this.expression, { LABEL: 'on' });
          },
        },
        {
          ALT: () => {
            this.CONSUME(T.Using);
            this.SUBRULE(this.identifierList, { LABEL: 'using' });
          },
        },
      ],
    });
  });

  /** A table or collection path, a table function, a subquery, or a parenthesised join. */
  readonly tableFactor: Rule = this.RULE('tableFactor', () => {
    this.OR({
      ERR_MSG: 'a table, a subquery or a table function',
      DEF: [
        {
          GATE: () => this.parenthesizedQueryAhead(),
          ALT: () => {
            this.SUBRULE(this.parenthesizedQuery, { LABEL: 'subquery' });
            this.OPTION(() => this.SUBRULE(this.tableAlias));
          },
        },
        {
          IGNORE_AMBIGUITIES: true,
          ALT: () => {
            this.CONSUME(T.LParen);
            this.SUBRULE(this.tableExpression, { LABEL: 'parenthesized' });
            this.CONSUME(T.RParen);
          },
        },
        {
          ALT: () => {
            this.SUBRULE(this.qualifiedName, { LABEL: 'name' });
            this.OPTION2(() => {
              this.CONSUME2(T.LParen, { LABEL: 'call' });
              this.OPTION3(() => this.SUBRULE(this.functionArguments, { LABEL: 'arguments' }));
              this.CONSUME2(T.RParen);
            });
            this.OPTION4(() => this.SUBRULE(this.asOfClause));
            this.OPTION5(() => this.SUBRULE2(this.tableAlias));
          },
        },
      ],
    });
  });

  /** `AS OF VERSION n` or `AS OF <timestamp>` (time travel). */
  readonly asOfClause: Rule = this.RULE('asOfClause', () => {
    this.CONSUME(T.As);
    this.CONSUME(T.Of);
    this.OPTION(() => this.CONSUME(T.Version));
    this.SUBRULE(this.expression, { LABEL: 'value' });
  });

  /** `[AS] name [(column, …)]`. */
  readonly tableAlias: Rule = this.RULE('tableAlias', () => {
    this.OPTION(() => this.CONSUME(T.As));
    this.CONSUME(T.Ident, { LABEL: 'name' });
    this.OPTION2(() => this.SUBRULE(this.identifierList, { LABEL: 'columns' }));
  });

  /** `name` or `a.b.c`. */
  readonly qualifiedName: Rule = this.RULE('qualifiedName', () => {
    this.CONSUME(T.Ident, { LABEL: 'parts' });
    this.MANY(() => {
      this.CONSUME(T.Dot);
      this.CONSUME2(T.Ident, { LABEL: 'parts' });
    });
  });
}
