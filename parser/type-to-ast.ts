/**
 * CST → AST, first layer: what every layer of the visitor shares (spans, diagnostics, visiting
 * a child) and type names. The layers, each extending the previous one: type-to-ast.ts,
 * call-to-ast.ts (calls, windows), expr-to-ast.ts (expressions), query-to-ast.ts (queries),
 * sql-to-ast.ts (statements, the finished class).
 *
 * Methods are named after grammar rules and take `(children, location)`. A method returns the
 * AST node of its rule, except the rules that continue something already built:
 * `predicateTail`, `suffix` and `joinClause` return a function of the left operand. Checks the
 * grammar cannot express (a struct type's parameters must be fields, …) add diagnostics
 * instead of throwing, so one parse reports them all.
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

type TypeParameter =
  | { readonly kind: 'number'; readonly value: number; readonly span: Ast.SourceSpan }
  | { readonly kind: 'field'; readonly name: string; readonly type: Ast.TypeName; readonly span: Ast.SourceSpan }
  | { readonly kind: 'type'; readonly type: Ast.TypeName; readonly span: Ast.SourceSpan };

export abstract class TypeToAst extends BaseVisitor {
  protected diagnostics: Diagnostic[] = [];

  /** Offsets where lines start in the text being built (for spans). */
  private lineStarts: number[] = [0];

  /** Start on a new text: forget the previous one's diagnostics. */
  protected reset(text: string): void {
    this.diagnostics = [];
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
