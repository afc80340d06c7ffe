/**
 * CST → AST for queries: WITH, set operations, SELECT and its clauses, VALUES, FROM items and
 * joins. The second layer of the visitor (see expr-to-ast.ts for the conventions).
 */
import type { CstNodeLocation } from 'chevrotain';

import type * as Ast from './ast.js';
import type * as C from './cst.generated.js';
import { ExprToAst } from './expr-to-ast.js';
import { joinSpans, nameOf } from './type-to-ast.js';
import * as T from './tokens.js';

export abstract class QueryToAst extends ExprToAst {
  query(ctx: C.QueryCstChildren, loc: CstNodeLocation): Ast.Query {
    const span = this.span(loc);
    const w = ctx.withClause ? this.sub(ctx.withClause[0]!, this.withClause) : { ctes: [], recursive: false };
    const limits = ctx.limitClause ? this.sub(ctx.limitClause[0]!, this.limitClause) : { limit: null, offset: null };
    return {
      kind: 'query',
      with: w.ctes,
      recursive: w.recursive,
      body: this.sub(ctx.body[0]!, this.setExpression),
      orderBy: ctx.orderBy ? this.sub(ctx.orderBy[0]!, this.orderByClause) : [],
      limit: limits.limit,
      offset: limits.offset,
      span,
    };
  }

  parenthesizedQuery(ctx: C.ParenthesizedQueryCstChildren): Ast.Query {
    return this.sub(ctx.query[0]!, this.query);
  }

  withClause(ctx: C.WithClauseCstChildren): {
    readonly ctes: Ast.CommonTableExpression[];
    readonly recursive: boolean;
  } {
    return {
      ctes: ctx.ctes.map((c) => this.sub(c, this.commonTableExpression)),
      recursive: ctx.Recursive !== undefined,
    };
  }

  commonTableExpression(ctx: C.CommonTableExpressionCstChildren, loc: CstNodeLocation): Ast.CommonTableExpression {
    const span = this.span(loc);
    return {
      kind: 'cte',
      name: nameOf(ctx.name[0]!),
      columns: ctx.columns ? this.sub(ctx.columns[0]!, this.identifierList) : [],
      query: this.sub(ctx.query[0]!, this.parenthesizedQuery),
      span,
    };
  }

  identifierList(ctx: C.IdentifierListCstChildren): string[] {
    return ctx.names.map(nameOf);
  }

  setExpression(ctx: C.SetExpressionCstChildren): Ast.QueryBody {
    let left = this.sub(ctx.operands[0]!, this.intersectExpression);
    for (let i = 1; i < ctx.operands.length; i++) {
      const right = this.sub(ctx.operands[i]!, this.intersectExpression);
      const op = ctx.operators![i - 1]!.tokenType === T.Union ? 'union' : 'except';
      const all = this.sub(ctx.quantifiers![i - 1]!, this.setQuantifier);
      left = { kind: 'set-operation', op, all, left, right, span: joinSpans(left.span, right.span) };
    }
    return left;
  }

  intersectExpression(ctx: C.IntersectExpressionCstChildren): Ast.QueryBody {
    let left = this.sub(ctx.operands[0]!, this.queryPrimary);
    for (let i = 1; i < ctx.operands.length; i++) {
      const right = this.sub(ctx.operands[i]!, this.queryPrimary);
      const all = this.sub(ctx.quantifiers![i - 1]!, this.setQuantifier);
      left = { kind: 'set-operation', op: 'intersect', all, left, right, span: joinSpans(left.span, right.span) };
    }
    return left;
  }

  setQuantifier(ctx: C.SetQuantifierCstChildren): boolean {
    return ctx.All !== undefined;
  }

  queryPrimary(ctx: C.QueryPrimaryCstChildren, loc: CstNodeLocation): Ast.QueryBody {
    const span = this.span(loc);
    if (ctx.selectCore) return this.sub(ctx.selectCore[0]!, this.selectCore);
    if (ctx.valuesClause) return this.sub(ctx.valuesClause[0]!, this.valuesClause);
    // A parenthesised query keeps its own node (and the span of its parentheses).
    return { ...this.sub(ctx.parenthesizedQuery![0]!, this.parenthesizedQuery), span };
  }

  valuesClause(ctx: C.ValuesClauseCstChildren, loc: CstNodeLocation): Ast.Values {
    const span = this.span(loc);
    const rows = ctx.rowValues.map((r) => this.sub(r, this.expressionList));
    const width = rows[0]!.length;
    for (const row of rows) {
      if (row.length !== width) {
        this.error(
          joinSpans(row[0]!.span, row[row.length - 1]!.span),
          `every VALUES row needs ${width} values, this one has ${row.length}`,
        );
        break;
      }
    }
    return { kind: 'values', rows, span };
  }

  // ─── SELECT ─────────────────────────────────────────────────────────────────────────────

  selectCore(ctx: C.SelectCoreCstChildren, loc: CstNodeLocation): Ast.Select {
    const span = this.span(loc);
    return {
      kind: 'select',
      distinct: ctx.Distinct !== undefined,
      items: this.sub(ctx.selectList[0]!, this.selectList),
      from: ctx.fromClause ? this.sub(ctx.fromClause[0]!, this.fromClause) : [],
      where: ctx.where ? this.expr(ctx.where[0]!) : null,
      groupBy: ctx.groupByClause ? this.sub(ctx.groupByClause[0]!, this.groupByClause) : null,
      having: ctx.having ? this.expr(ctx.having[0]!) : null,
      windows: ctx.windowClause ? this.sub(ctx.windowClause[0]!, this.windowClause) : [],
      qualify: ctx.qualify ? this.expr(ctx.qualify[0]!) : null,
      span,
    };
  }

  selectList(ctx: C.SelectListCstChildren): Ast.SelectItem[] {
    return ctx.items.map((i) => this.sub(i, this.selectItem));
  }

  selectItem(ctx: C.SelectItemCstChildren, loc: CstNodeLocation): Ast.SelectItem {
    const span = this.span(loc);
    if (ctx.Star) {
      return {
        kind: 'star',
        qualifier: (ctx.qualifier ?? []).map(nameOf),
        exclude: ctx.excludeList ? this.sub(ctx.excludeList[0]!, this.excludeList) : [],
        span,
      };
    }
    return {
      kind: 'expr-item',
      expr: this.expr(ctx.expression![0]!),
      alias: ctx.alias ? this.sub(ctx.alias[0]!, this.alias) : null,
      span,
    };
  }

  excludeList(ctx: C.ExcludeListCstChildren): string[] {
    return this.sub(ctx.columns[0]!, this.identifierList);
  }

  alias(ctx: C.AliasCstChildren): string {
    return nameOf(ctx.name[0]!);
  }

  groupByClause(ctx: C.GroupByClauseCstChildren, loc: CstNodeLocation): Ast.GroupBy {
    const span = this.span(loc);
    if (ctx.All) return { kind: 'group-by-all', span };
    return { kind: 'group-by', keys: this.sub(ctx.keys![0]!, this.expressionList), span };
  }

  windowClause(ctx: C.WindowClauseCstChildren): Ast.NamedWindow[] {
    return ctx.definitions.map((d) => this.sub(d, this.windowDefinition));
  }

  windowDefinition(ctx: C.WindowDefinitionCstChildren, loc: CstNodeLocation): Ast.NamedWindow {
    const span = this.span(loc);
    return {
      kind: 'named-window',
      name: nameOf(ctx.name[0]!),
      window: this.sub(ctx.window[0]!, this.windowSpecification),
      span,
    };
  }

  limitClause(ctx: C.LimitClauseCstChildren): { readonly limit: Ast.Expr | null; readonly offset: Ast.Expr | null } {
    return {
      limit: ctx.limit ? this.expr(ctx.limit[0]!) : null,
      offset: ctx.offset ? this.expr(ctx.offset[0]!) : null,
    };
  }

  // ─── FROM ───────────────────────────────────────────────────────────────────────────────

  fromClause(ctx: C.FromClauseCstChildren): Ast.Relation[] {
    return ctx.items.map((i) => this.sub(i, this.tableExpression));
  }

  tableExpression(ctx: C.TableExpressionCstChildren): Ast.Relation {
    let left = this.sub(ctx.first[0]!, this.tableFactor);
    for (const j of ctx.joins ?? []) left = this.sub(j, this.joinClause)(left);
    return left;
  }

  joinClause(ctx: C.JoinClauseCstChildren, loc: CstNodeLocation): (left: Ast.Relation) => Ast.Join {
    const span = this.span(loc);
    const right = this.sub(ctx.table![0]!, this.tableFactor);
    const condition = ctx.joinCondition ? this.sub(ctx.joinCondition[0]!, this.joinCondition) : null;
    let type: Ast.JoinType = 'cross';
    if (ctx.Asof) type = ctx.Left ? 'left' : 'inner';
    else if (ctx.joinType) type = this.sub(ctx.joinType[0]!, this.joinType);
    else if (!ctx.Cross) type = 'inner';
    const asof = ctx.Asof !== undefined;
    return (left) => ({ kind: 'join', type, asof, left, right, condition, span: joinSpans(left.span, span) });
  }

  joinType(ctx: C.JoinTypeCstChildren): Ast.JoinType {
    if (ctx.Left) return 'left';
    if (ctx.Right) return 'right';
    if (ctx.Full) return 'full';
    return 'inner';
  }

  joinCondition(ctx: C.JoinConditionCstChildren, loc: CstNodeLocation): Ast.JoinCondition {
    const span = this.span(loc);
    if (ctx.on) return { kind: 'on', expr: this.expr(ctx.on[0]!), span };
    return { kind: 'using', columns: this.sub(ctx.using![0]!, this.identifierList), span };
  }

  tableFactor(ctx: C.TableFactorCstChildren, loc: CstNodeLocation): Ast.Relation {
    const span = this.span(loc);
    const alias = ctx.tableAlias ? this.sub(ctx.tableAlias[0]!, this.tableAlias) : null;
    if (ctx.subquery)
      return { kind: 'subquery-relation', query: this.sub(ctx.subquery[0]!, this.parenthesizedQuery), alias, span };
    if (ctx.parenthesized) return { ...this.sub(ctx.parenthesized[0]!, this.tableExpression), span };
    const name = this.sub(ctx.name![0]!, this.qualifiedName);
    const asOf = ctx.asOfClause ? this.sub(ctx.asOfClause[0]!, this.asOfClause) : null;
    if (ctx.call) {
      if (asOf) this.error(asOf.span, 'AS OF reads a past version of a table, not of a table function');
      const args = ctx.arguments ? this.sub(ctx.arguments[0]!, this.functionArguments) : [];
      return { kind: 'table-function', name, args, alias, span };
    }
    return { kind: 'table', path: name, asOf, alias, span };
  }

  asOfClause(ctx: C.AsOfClauseCstChildren, loc: CstNodeLocation): Ast.AsOf {
    const span = this.span(loc);
    return { kind: 'as-of', by: ctx.Version ? 'version' : 'timestamp', value: this.expr(ctx.value[0]!), span };
  }

  tableAlias(ctx: C.TableAliasCstChildren, loc: CstNodeLocation): Ast.TableAlias {
    const span = this.span(loc);
    return {
      kind: 'alias',
      name: nameOf(ctx.name[0]!),
      columns: ctx.columns ? this.sub(ctx.columns[0]!, this.identifierList) : [],
      span,
    };
  }

  qualifiedName(ctx: C.QualifiedNameCstChildren): string[] {
    return ctx.parts.map(nameOf);
  }
}
