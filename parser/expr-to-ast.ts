/**
 * CST → AST for expressions: operator chains (built by precedence), predicates and primaries
 * (see type-to-ast.ts for the layers).
 */
import type { CstNodeLocation } from 'chevrotain';

import type * as Ast from './ast.js';
import { CallToAst } from './call-to-ast.js';
import type * as C from './cst.generated.js';
import { tokenSpan } from './lexer.js';
import * as T from './tokens.js';
import { joinSpans, nameOf, stringValue } from './type-to-ast.js';

const UNITS: Record<string, Ast.IntervalUnit> = {
  YEAR: 'year',
  MONTH: 'month',
  WEEK: 'week',
  DAY: 'day',
  HOUR: 'hour',
  MINUTE: 'minute',
  SECOND: 'second',
  MILLISECOND: 'millisecond',
  MICROSECOND: 'microsecond',
};

const COMPARISONS = new Map<string, Ast.BinaryOp>([
  ['=', '='],
  ['==', '='],
  ['<>', '<>'],
  ['!=', '<>'],
  ['<', '<'],
  ['<=', '<='],
  ['>', '>'],
  ['>=', '>='],
]);

const ARITHMETIC_PRECEDENCE: Partial<Record<Ast.BinaryOp, number>> = {
  '||': 1,
  '+': 2,
  '-': 2,
  '*': 3,
  '/': 3,
  '%': 3,
};

/**
 * Builds left-associative binary nodes from `operands[0] ops[0] operands[1] …` by precedence
 * (operator-precedence parsing with an explicit stack).
 */
function climb(
  operands: readonly Ast.Expr[],
  ops: readonly Ast.BinaryOp[],
  precedence: (op: Ast.BinaryOp) => number,
): Ast.Expr {
  const values: Ast.Expr[] = [operands[0]!];
  const pending: Ast.BinaryOp[] = [];
  const reduce = (): void => {
    const right = values.pop()!;
    const left = values.pop()!;
    values.push({ kind: 'binary', op: pending.pop()!, left, right, span: joinSpans(left.span, right.span) });
  };
  for (let i = 0; i < ops.length; i++) {
    const op = ops[i]!;
    while (pending.length > 0 && precedence(pending[pending.length - 1]!) >= precedence(op)) reduce();
    pending.push(op);
    values.push(operands[i + 1]!);
  }
  while (pending.length > 0) reduce();
  return values[0]!;
}

export abstract class ExprToAst extends CallToAst {
  /** `?` parameters seen so far in this text (they are numbered in order). */
  private questionParameters = 0;
  private parameterStyle: '$' | '?' | undefined;

  abstract query(ctx: C.QueryCstChildren, loc: CstNodeLocation): Ast.Query;
  abstract parenthesizedQuery(ctx: C.ParenthesizedQueryCstChildren, loc: CstNodeLocation): Ast.Query;

  protected override reset(text: string): void {
    super.reset(text);
    this.questionParameters = 0;
    this.parameterStyle = undefined;
  }

  // ─── Operator chains ────────────────────────────────────────────────────────────────────

  /** `a OR b AND c`: AND groups first, then OR, both left to right. */
  expression(ctx: C.ExpressionCstChildren): Ast.Expr {
    const operands = ctx.operands.map((o) => this.sub(o, this.predicate));
    if (operands.length === 1) return operands[0]!;
    const ops = ctx.operators!.map((t) => (t.tokenType === T.And ? 'and' : 'or'));
    return climb(operands, ops, (op) => (op === 'and' ? 2 : 1));
  }

  predicate(ctx: C.PredicateCstChildren): Ast.Expr {
    let left = this.sub(ctx.operand[0]!, this.arithmetic);
    for (const tail of ctx.tails ?? []) left = this.sub(tail, this.predicateTail)(left);
    const nots = ctx.nots ?? [];
    for (let i = nots.length - 1; i >= 0; i--) {
      left = { kind: 'unary', op: 'not', operand: left, span: joinSpans(tokenSpan(nots[i]!), left.span) };
    }
    return left;
  }

  predicateTail(ctx: C.PredicateTailCstChildren, loc: CstNodeLocation): (left: Ast.Expr) => Ast.Expr {
    const negated = ctx.negated !== undefined || ctx.Not !== undefined;
    const span = this.span(loc);
    const at = (left: Ast.Expr): Ast.SourceSpan => joinSpans(left.span, span);
    if (ctx.comparison) {
      const op = COMPARISONS.get(ctx.comparison[0]!.image)!;
      const right = this.sub(ctx.right![0]!, this.arithmetic);
      return (left) => ({ kind: 'binary', op, left, right, span: at(left) });
    }
    if (ctx.Is) {
      if (ctx.Null) return (operand) => ({ kind: 'is-null', operand, negated, span: at(operand) });
      const right = this.sub(ctx.right![0]!, this.arithmetic);
      return (left) => ({ kind: 'is-distinct-from', left, right, negated, span: at(left) });
    }
    if (ctx.Between) {
      const low = this.sub(ctx.low![0]!, this.arithmetic);
      const high = this.sub(ctx.high![0]!, this.arithmetic);
      return (operand) => ({ kind: 'between', operand, low, high, negated, span: at(operand) });
    }
    if (ctx.In) {
      const list = this.sub(ctx.inList![0]!, this.inList);
      return (operand) =>
        'query' in list
          ? { kind: 'in-subquery', operand, query: list.query, negated, span: at(operand) }
          : { kind: 'in-list', operand, list: list.values, negated, span: at(operand) };
    }
    const pattern = this.sub(ctx.pattern![0]!, this.arithmetic);
    const escape = ctx.escape ? this.sub(ctx.escape[0]!, this.arithmetic) : null;
    const caseInsensitive = ctx.Ilike !== undefined;
    return (operand) => ({ kind: 'like', operand, pattern, escape, negated, caseInsensitive, span: at(operand) });
  }

  inList(ctx: C.InListCstChildren): { readonly query: Ast.Query } | { readonly values: readonly Ast.Expr[] } {
    if (ctx.subquery) return { query: this.sub(ctx.subquery[0]!, this.parenthesizedQuery) };
    return { values: this.sub(ctx.values![0]!, this.expressionList) };
  }

  expressionList(ctx: C.ExpressionListCstChildren): Ast.Expr[] {
    return ctx.items.map((e) => this.expr(e));
  }

  /** `a || b + c * d`: by precedence (`* / %` over `+ -` over `||`), left to right. */
  arithmetic(ctx: C.ArithmeticCstChildren): Ast.Expr {
    const operands = ctx.operands.map((o) => this.sub(o, this.operand));
    if (operands.length === 1) return operands[0]!;
    return climb(
      operands,
      ctx.operators!.map((t) => t.image as Ast.BinaryOp),
      (op) => ARITHMETIC_PRECEDENCE[op] ?? 0,
    );
  }

  operand(ctx: C.OperandCstChildren): Ast.Expr {
    let operand = this.sub(ctx.primary[0]!, this.primary);
    for (const s of ctx.suffixes ?? []) operand = this.sub(s, this.suffix)(operand);
    const signs = ctx.signs ?? [];
    for (let i = signs.length - 1; i >= 0; i--) {
      const op = signs[i]!.image === '-' ? '-' : '+';
      operand = { kind: 'unary', op, operand, span: joinSpans(tokenSpan(signs[i]!), operand.span) };
    }
    return operand;
  }

  suffix(ctx: C.SuffixCstChildren, loc: CstNodeLocation): (operand: Ast.Expr) => Ast.Expr {
    const span = this.span(loc);
    if (ctx.field) {
      const field = nameOf(ctx.field[0]!);
      return (operand) => ({ kind: 'field', operand, field, span: joinSpans(operand.span, span) });
    }
    if (ctx.type) {
      const type = this.sub(ctx.type[0]!, this.typeName);
      return (operand) => ({ kind: 'cast', operand, type, try: false, span: joinSpans(operand.span, span) });
    }
    const index = this.expr(ctx.index![0]!);
    return (operand) => ({ kind: 'index', operand, index, span: joinSpans(operand.span, span) });
  }

  // ─── Primaries ──────────────────────────────────────────────────────────────────────────

  primary(ctx: C.PrimaryCstChildren, loc: CstNodeLocation): Ast.Expr {
    if (ctx.subquery) {
      return { kind: 'subquery', query: this.sub(ctx.subquery[0]!, this.parenthesizedQuery), span: this.span(loc) };
    }
    // The parentheses are gone from the tree, not from the span.
    if (ctx.parenthesized) return { ...this.expr(ctx.parenthesized[0]!), span: this.span(loc) };
    if (ctx.existsExpression) return this.sub(ctx.existsExpression[0]!, this.existsExpression);
    if (ctx.caseExpression) return this.sub(ctx.caseExpression[0]!, this.caseExpression);
    if (ctx.castFunction) return this.sub(ctx.castFunction[0]!, this.castFunction);
    if (ctx.literal) return this.sub(ctx.literal[0]!, this.literal);
    if (ctx.parameter) return this.sub(ctx.parameter[0]!, this.parameter);
    if (ctx.arrayLiteral) return this.sub(ctx.arrayLiteral[0]!, this.arrayLiteral);
    if (ctx.intervalLiteral) return this.sub(ctx.intervalLiteral[0]!, this.intervalLiteral);
    if (ctx.typedLiteral) return this.sub(ctx.typedLiteral[0]!, this.typedLiteral);
    if (ctx.functionCall) return this.sub(ctx.functionCall[0]!, this.functionCall);
    return this.sub(ctx.columnReference![0]!, this.columnReference);
  }

  literal(ctx: C.LiteralCstChildren, loc: CstNodeLocation): Ast.Expr {
    const span = this.span(loc);
    if (ctx.NumberLiteral) return { kind: 'number', text: ctx.NumberLiteral[0]!.image, span };
    if (ctx.StringLiteral) return { kind: 'string', value: stringValue(ctx.StringLiteral[0]!), span };
    if (ctx.True) return { kind: 'boolean', value: true, span };
    if (ctx.False) return { kind: 'boolean', value: false, span };
    return { kind: 'null', span };
  }

  parameter(ctx: C.ParameterCstChildren, loc: CstNodeLocation): Ast.Parameter {
    const span = this.span(loc);
    const style = ctx.DollarParameter ? '$' : '?';
    if (this.parameterStyle !== undefined && this.parameterStyle !== style) {
      this.error(span, 'parameters are either all $n or all ?: do not mix the two in one text');
    }
    this.parameterStyle ??= style;
    if (ctx.QuestionParameter) return { kind: 'parameter', index: ++this.questionParameters, span };
    const index = Number(ctx.DollarParameter![0]!.image.slice(1));
    if (!Number.isSafeInteger(index) || index < 1)
      this.error(span, `parameters are numbered from $1, found '${ctx.DollarParameter![0]!.image}'`);
    return { kind: 'parameter', index, span };
  }

  arrayLiteral(ctx: C.ArrayLiteralCstChildren, loc: CstNodeLocation): Ast.Expr {
    const span = this.span(loc);
    return { kind: 'array', elements: ctx.elements ? this.sub(ctx.elements[0]!, this.expressionList) : [], span };
  }

  intervalLiteral(ctx: C.IntervalLiteralCstChildren, loc: CstNodeLocation): Ast.Expr {
    const span = this.span(loc);
    const token = ctx.value![0]!;
    const value = token.tokenType === T.StringLiteral ? stringValue(token) : token.image;
    let unit: Ast.IntervalUnit | null = null;
    if (ctx.unit) unit = UNITS[ctx.unit[0]!.image.toUpperCase().replace(/S$/, '')]!;
    else if (token.tokenType === T.NumberLiteral)
      this.error(span, `an interval of a number needs a unit, e.g. INTERVAL ${value} DAY`);
    return { kind: 'interval', value, unit, span };
  }

  typedLiteral(ctx: C.TypedLiteralCstChildren, loc: CstNodeLocation): Ast.Expr {
    const span = this.span(loc);
    const typeToken = ctx.type[0]!;
    const type: Ast.SimpleType = {
      kind: 'simple-type',
      name: nameOf(typeToken).toUpperCase(),
      params: [],
      span: tokenSpan(typeToken),
    };
    const valueToken = ctx.value[0]!;
    const operand: Ast.StringLiteral = { kind: 'string', value: stringValue(valueToken), span: tokenSpan(valueToken) };
    return { kind: 'cast', operand, type, try: false, span };
  }

  columnReference(ctx: C.ColumnReferenceCstChildren, loc: CstNodeLocation): Ast.ColumnRef {
    const span = this.span(loc);
    return { kind: 'column', path: ctx.parts.map(nameOf), span };
  }

  existsExpression(ctx: C.ExistsExpressionCstChildren, loc: CstNodeLocation): Ast.Expr {
    const span = this.span(loc);
    return { kind: 'exists', query: this.sub(ctx.subquery[0]!, this.parenthesizedQuery), span };
  }

  caseExpression(ctx: C.CaseExpressionCstChildren, loc: CstNodeLocation): Ast.Expr {
    const span = this.span(loc);
    return {
      kind: 'case',
      operand: ctx.operand ? this.expr(ctx.operand[0]!) : null,
      whens: ctx.whens.map((w) => this.sub(w, this.whenClause)),
      else: ctx.else ? this.expr(ctx.else[0]!) : null,
      span,
    };
  }

  whenClause(ctx: C.WhenClauseCstChildren): { readonly when: Ast.Expr; readonly then: Ast.Expr } {
    return { when: this.expr(ctx.when[0]!), then: this.expr(ctx.then[0]!) };
  }

  castFunction(ctx: C.CastFunctionCstChildren, loc: CstNodeLocation): Ast.Expr {
    const span = this.span(loc);
    return {
      kind: 'cast',
      operand: this.expr(ctx.operand[0]!),
      type: this.sub(ctx.type[0]!, this.typeName),
      try: ctx.TryCast !== undefined,
      span,
    };
  }
}
