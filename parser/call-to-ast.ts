/**
 * CST → AST for function calls and windows (see type-to-ast.ts for the layers).
 */
import type { CstNodeLocation } from 'chevrotain';

import type * as Ast from './ast.js';
import type * as C from './cst.generated.js';
import { tokenSpan } from './lexer.js';
import { nameOf, TypeToAst } from './type-to-ast.js';

export abstract class CallToAst extends TypeToAst {
  abstract expression(ctx: C.ExpressionCstChildren, loc: CstNodeLocation): Ast.Expr;
  abstract expressionList(ctx: C.ExpressionListCstChildren, loc: CstNodeLocation): Ast.Expr[];

  protected expr(node: C.ExpressionCstNode): Ast.Expr {
    return this.sub(node, this.expression);
  }

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
}
