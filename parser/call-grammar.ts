/**
 * Function calls and window specifications: `f(DISTINCT a ORDER BY b) FILTER (WHERE …) OVER
 * (w PARTITION BY … ORDER BY … ROWS BETWEEN … AND …)`. Rules only, no actions.
 */
import { TypeGrammar, type Rule } from './type-grammar.js';
import * as T from './tokens.js';

export abstract class CallGrammar extends TypeGrammar {
  /** Defined by the expression grammar. */
  abstract readonly expression: Rule;
  /** Defined by the expression grammar. */
  abstract readonly expressionList: Rule;

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
}
