/**
 * CST → AST for expressions, windows and type names: the first layer of the visitor (the
 * query and statement layers extend it; sql-to-ast.ts has the finished class).
 *
 * Methods are named after grammar rules and take `(children, span)`. A method returns the AST
 * node of its rule, except the rules that continue something already built: `predicateTail`,
 * `postfix` and (in the query layer) `joinClause` return a function of the left operand.
 * Checks the grammar cannot express (a struct type's parameters must be fields, …) add
 * diagnostics instead of throwing, so one parse reports them all.
 */
import type { CstNodeLocation, IToken } from 'chevrotain';

import type * as Ast from './ast.js';
import type * as C from './cst.generated.js';
import type { Diagnostic } from './diagnostics.js';
import { tokenSpan } from './lexer.js';
import { sqlParser } from './sql-grammar.js';
import * as T from './tokens.js';

const BaseVisitor = sqlParser.getBaseCstVisitorConstructor<CstNodeLocation, unknown>();

export const joinSpans = (a: Ast.SourceSpan, b: Ast.SourceSpan): Ast.SourceSpan => ({ start: a.start, end: b.end });

/** The text of a name token: quotes removed and `""` unescaped for quoted names. */
export function nameOf(token: IToken): string {
  return token.tokenType === T.QuotedIdentifier ? token.image.slice(1, -1).replace(/""/g, '"') : token.image;
}

export function stringValue(token: IToken): string {
  return token.image.slice(1, -1).replace(/''/g, "'");
}

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

type TypeParameter =
  | { readonly kind: 'number'; readonly value: number; readonly span: Ast.SourceSpan }
  | { readonly kind: 'field'; readonly name: string; readonly type: Ast.TypeName; readonly span: Ast.SourceSpan }
  | { readonly kind: 'type'; readonly type: Ast.TypeName; readonly span: Ast.SourceSpan };

export abstract class ExprToAst extends BaseVisitor {
  protected diagnostics: Diagnostic[] = [];
  /** `?` parameters seen so far in this text (they are numbered in order). */
  private questionParameters = 0;
  private parameterStyle: '$' | '?' | undefined;

  abstract query(ctx: C.QueryCstChildren, loc: CstNodeLocation): Ast.Query;
  abstract parenthesizedQuery(ctx: C.ParenthesizedQueryCstChildren, loc: CstNodeLocation): Ast.Query;

  /** Offsets where lines start in the text being built (for spans). */
  private lineStarts: number[] = [0];

  /** Start on a new text: forget the previous one's diagnostics and parameters. */
  protected reset(text: string): void {
    this.diagnostics = [];
    this.questionParameters = 0;
    this.parameterStyle = undefined;
    this.lineStarts = [0];
    for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) this.lineStarts.push(i + 1);
  }

  private position(offset: number): Ast.Position {
    const starts = this.lineStarts;
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: offset - starts[lo]! + 1, offset };
  }

  /** The span of a CST node (its location has offsets only). */
  protected span(loc: CstNodeLocation): Ast.SourceSpan {
    return { start: this.position(loc.startOffset), end: this.position(loc.endOffset! + 1) };
  }

  protected error(span: Ast.SourceSpan, message: string): void {
    this.diagnostics.push({ code: 'sql-syntax', message, span });
  }

  /** Visit a child node with the method of its rule. */
  protected sub<Ctx, R>(
    node: { readonly children: Ctx; readonly location?: CstNodeLocation },
    method: (this: this, ctx: Ctx, loc: CstNodeLocation) => R,
  ): R {
    return method.call(this, node.children, node.location!);
  }

  protected expr(node: C.ExpressionCstNode): Ast.Expr {
    return this.sub(node, this.expression);
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
    const span = this.span(loc);
    if (ctx.subquery) return { kind: 'subquery', query: this.sub(ctx.subquery[0]!, this.parenthesizedQuery), span };
    if (ctx.parenthesized) return this.expr(ctx.parenthesized[0]!);
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

  // ─── Calls and windows ──────────────────────────────────────────────────────────────────

  functionCall(ctx: C.FunctionCallCstChildren, loc: CstNodeLocation): Ast.Expr {
    const span = this.span(loc);
    const nameToken = ctx.name![0]!;
    const name = nameOf(nameToken);
    let args = ctx.arguments ? this.sub(ctx.arguments[0]!, this.functionArguments) : [];
    if (ctx.from) args = this.fromForArguments(name, args, ctx, span);
    let over: Ast.WindowSpec | null = null;
    if (ctx.windowName) {
      const token = ctx.windowName[0]!;
      over = { kind: 'window', base: nameOf(token), partitionBy: [], orderBy: [], frame: null, span: tokenSpan(token) };
    } else if (ctx.window) {
      over = this.sub(ctx.window[0]!, this.windowSpecification);
    }
    return {
      kind: 'call',
      name: ctx.from && /^extract$/i.test(name) ? 'date_part' : name,
      args,
      star: ctx.Star !== undefined,
      distinct: ctx.Distinct !== undefined,
      orderBy: ctx.orderBy ? this.sub(ctx.orderBy[0]!, this.orderByClause) : [],
      filter: ctx.filter ? this.expr(ctx.filter[0]!) : null,
      over,
      span,
    };
  }

  /** `substring(s FROM a [FOR b])` → (s, a[, b]); `extract(field FROM d)` → ('field', d). */
  private fromForArguments(
    name: string,
    args: readonly Ast.FunctionArg[],
    ctx: C.FunctionCallCstChildren,
    span: Ast.SourceSpan,
  ): Ast.FunctionArg[] {
    const from = this.expr(ctx.from![0]!);
    const first = args[0]!;
    if (args.length !== 1 || first.name !== null) {
      this.error(span, `${name}(… FROM …) takes one argument before FROM`);
      return [...args];
    }
    if (/^extract$/i.test(name) && !ctx.for) {
      const field = first.value;
      if (field.kind === 'column' && field.path.length === 1) {
        return [
          { name: null, value: { kind: 'string', value: field.path[0]!.toLowerCase(), span: field.span } },
          { name: null, value: from },
        ];
      }
      if (field.kind === 'string') return [first, { name: null, value: from }];
      this.error(field.span, 'extract(field FROM value) needs a field name such as year, month, day, hour');
      return [...args];
    }
    if (/^(substring|substr)$/i.test(name)) {
      return [first, { name: null, value: from }, ...(ctx.for ? [{ name: null, value: this.expr(ctx.for[0]!) }] : [])];
    }
    this.error(
      span,
      `FROM inside a call only belongs to substring(s FROM start FOR length) and extract(field FROM value), not ${name}()`,
    );
    return [...args];
  }

  functionArguments(ctx: C.FunctionArgumentsCstChildren): Ast.FunctionArg[] {
    const args = ctx.items.map((a) => this.sub(a, this.functionArgument));
    const firstNamed = args.findIndex((a) => a.name !== null);
    if (firstNamed !== -1) {
      const positional = args.slice(firstNamed).find((a) => a.name === null);
      if (positional)
        this.error(positional.value.span, 'a positional argument cannot follow a named one (name => value)');
    }
    return args;
  }

  functionArgument(ctx: C.FunctionArgumentCstChildren): Ast.FunctionArg {
    return { name: ctx.name ? nameOf(ctx.name[0]!) : null, value: this.expr(ctx.value[0]!) };
  }

  orderByClause(ctx: C.OrderByClauseCstChildren): Ast.OrderItem[] {
    return ctx.items.map((i) => this.sub(i, this.orderItem));
  }

  orderItem(ctx: C.OrderItemCstChildren, loc: CstNodeLocation): Ast.OrderItem {
    const span = this.span(loc);
    return {
      kind: 'order-item',
      expr: this.expr(ctx.expression[0]!),
      direction: ctx.Asc ? 'asc' : ctx.Desc ? 'desc' : null,
      nulls: ctx.First ? 'first' : ctx.Last ? 'last' : null,
      span,
    };
  }

  windowSpecification(ctx: C.WindowSpecificationCstChildren, loc: CstNodeLocation): Ast.WindowSpec {
    const span = this.span(loc);
    return {
      kind: 'window',
      base: ctx.baseWindow ? nameOf(ctx.baseWindow[0]!) : null,
      partitionBy: ctx.partitionBy ? this.sub(ctx.partitionBy[0]!, this.expressionList) : [],
      orderBy: ctx.orderBy ? this.sub(ctx.orderBy[0]!, this.orderByClause) : [],
      frame: ctx.frame ? this.sub(ctx.frame[0]!, this.windowFrame) : null,
      span,
    };
  }

  windowFrame(ctx: C.WindowFrameCstChildren, loc: CstNodeLocation): Ast.WindowFrame {
    const span = this.span(loc);
    return {
      kind: 'frame',
      units: ctx.units![0]!.image.toLowerCase() as Ast.WindowFrame['units'],
      start: this.sub(ctx.start![0]!, this.frameBound),
      end: ctx.end ? this.sub(ctx.end[0]!, this.frameBound) : null,
      span,
    };
  }

  frameBound(ctx: C.FrameBoundCstChildren, loc: CstNodeLocation): Ast.FrameBound {
    const span = this.span(loc);
    if (ctx.Current) return { kind: 'current-row', span };
    const preceding = ctx.Preceding !== undefined;
    if (ctx.offset) return { kind: preceding ? 'preceding' : 'following', offset: this.expr(ctx.offset[0]!), span };
    return { kind: preceding ? 'unbounded-preceding' : 'unbounded-following', span };
  }

  // ─── Types ──────────────────────────────────────────────────────────────────────────────

  typeName(ctx: C.TypeNameCstChildren, loc: CstNodeLocation): Ast.TypeName {
    const span = this.span(loc);
    const nameToken = ctx.name[0]!;
    let name = nameOf(nameToken).toUpperCase();
    if (ctx.Precision && name !== 'DOUBLE')
      this.error(tokenSpan(ctx.Precision[0]!), `PRECISION only follows DOUBLE, not ${name}`);
    if (ctx.timeZone) {
      if (name !== 'TIME' && name !== 'TIMESTAMP')
        this.error(tokenSpan(ctx.timeZone[0]!), `WITH/WITHOUT TIME ZONE only follows TIME or TIMESTAMP, not ${name}`);
      else if (ctx.timeZone[0]!.tokenType === T.With) name += ' WITH TIME ZONE';
    }
    const params = (ctx.parameters ?? []).map((p) => this.sub(p, this.typeParameter));
    const arrays = ctx.arrays ?? [];
    const baseEnd =
      arrays.length > 0 ? tokenSpan(ctx.Zone?.[0] ?? ctx.RParen?.[0] ?? ctx.Precision?.[0] ?? nameToken) : span;
    let type = this.baseType(name, params, { start: span.start, end: baseEnd.end });
    for (const a of arrays) {
      const suffix = this.sub(a, this.arraySuffix);
      const s = joinSpans(span, suffix.span);
      type =
        suffix.size === null
          ? { kind: 'list-type', element: type, span: s }
          : { kind: 'array-type', element: type, size: suffix.size, span: s };
    }
    return type;
  }

  private baseType(name: string, params: readonly TypeParameter[], span: Ast.SourceSpan): Ast.TypeName {
    const types = params.flatMap((p) => (p.kind === 'type' ? [p.type] : []));
    const fail = (message: string): Ast.TypeName => {
      this.error(span, message);
      return { kind: 'simple-type', name, params: [], span };
    };
    switch (name) {
      case 'LIST':
        if (params.length !== 1 || types.length !== 1) return fail('LIST takes one element type: LIST(INTEGER)');
        return { kind: 'list-type', element: types[0]!, span };
      case 'MAP':
        if (params.length !== 2 || types.length !== 2)
          return fail('MAP takes a key type and a value type: MAP(VARCHAR, INTEGER)');
        return { kind: 'map-type', key: types[0]!, value: types[1]!, span };
      case 'STRUCT': {
        const fields = params.flatMap((p) => (p.kind === 'field' ? [{ name: p.name, type: p.type }] : []));
        if (fields.length !== params.length || fields.length === 0)
          return fail('STRUCT takes named fields: STRUCT(a INTEGER, b VARCHAR)');
        return { kind: 'struct-type', fields, span };
      }
      default: {
        const numbers = params.flatMap((p) => (p.kind === 'number' ? [p.value] : []));
        if (numbers.length !== params.length) return fail(`the parameters of ${name} are numbers, e.g. ${name}(10)`);
        return { kind: 'simple-type', name, params: numbers, span };
      }
    }
  }

  arraySuffix(
    ctx: C.ArraySuffixCstChildren,
    loc: CstNodeLocation,
  ): { readonly size: number | null; readonly span: Ast.SourceSpan } {
    const span = this.span(loc);
    return { size: ctx.size ? this.integer(ctx.size[0]!) : null, span };
  }

  typeParameter(ctx: C.TypeParameterCstChildren, loc: CstNodeLocation): TypeParameter {
    const span = this.span(loc);
    if (ctx.number) return { kind: 'number', value: this.integer(ctx.number[0]!), span };
    const type = this.sub(ctx.type![0]!, this.typeName);
    if (ctx.field) return { kind: 'field', name: nameOf(ctx.field[0]!), type, span };
    return { kind: 'type', type, span };
  }

  private integer(token: IToken): number {
    if (!/^[0-9]+$/.test(token.image) || !Number.isSafeInteger(Number(token.image))) {
      this.error(tokenSpan(token), `expected a whole number, found '${token.image}'`);
      return 0;
    }
    return Number(token.image);
  }
}
