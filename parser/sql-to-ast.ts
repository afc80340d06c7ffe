/**
 * CST → AST: the finished visitor (statements on top of the query and expression layers).
 * One instance is reused; `validateVisitor()` checks at start-up that every grammar rule has
 * its method.
 */
import type { CstNodeLocation } from 'chevrotain';

import type * as Ast from './ast.js';
import type * as C from './cst.generated.js';
import type { Diagnostic } from './diagnostics.js';
import { nameOf } from './type-to-ast.js';
import { tokenSpan } from './lexer.js';
import { QueryToAst } from './query-to-ast.js';
import * as T from './tokens.js';

class SqlToAst extends QueryToAst implements C.ICstNodeVisitor<CstNodeLocation, unknown> {
  constructor() {
    super();
    this.validateVisitor();
  }

  /** The statements of a whole text, and the diagnostics found while building them. */
  build(
    cst: C.StatementsCstNode,
    text: string,
  ): { readonly statements: Ast.Statement[]; readonly diagnostics: Diagnostic[] } {
    this.reset(text);
    const statements = this.sub(cst, this.statements);
    return { statements, diagnostics: this.diagnostics };
  }

  statements(ctx: C.StatementsCstChildren): Ast.Statement[] {
    return (ctx.items ?? []).map((s) => this.sub(s, this.statement));
  }

  statement(ctx: C.StatementCstChildren): Ast.Statement {
    if (ctx.query) return this.sub(ctx.query[0]!, this.query);
    if (ctx.createStatement) return this.sub(ctx.createStatement[0]!, this.createStatement);
    if (ctx.insertStatement) return this.sub(ctx.insertStatement[0]!, this.insertStatement);
    if (ctx.deleteStatement) return this.sub(ctx.deleteStatement[0]!, this.deleteStatement);
    if (ctx.dropStatement) return this.sub(ctx.dropStatement[0]!, this.dropStatement);
    if (ctx.explainStatement) return this.sub(ctx.explainStatement[0]!, this.explainStatement);
    if (ctx.showStatement) return this.sub(ctx.showStatement[0]!, this.showStatement);
    return this.sub(ctx.describeStatement![0]!, this.describeStatement);
  }

  // ─── CREATE ─────────────────────────────────────────────────────────────────────────────

  createStatement(ctx: C.CreateStatementCstChildren, loc: CstNodeLocation): Ast.Statement {
    const span = this.span(loc);
    // The CREATE keyword belongs to the statement's span.
    if (ctx.createTable) return { ...this.sub(ctx.createTable[0]!, this.createTable), span };
    return { ...this.sub(ctx.createDataset![0]!, this.createDataset), span };
  }

  createTable(ctx: C.CreateTableCstChildren, loc: CstNodeLocation): Ast.CreateTable | Ast.CreateTableAs {
    const span = this.span(loc);
    const name = this.sub(ctx.name[0]!, this.qualifiedName);
    const ifNotExists = ctx.ifNotExists !== undefined;
    if (ctx.query)
      return { kind: 'create-table-as', name, ifNotExists, query: this.sub(ctx.query[0]!, this.query), span };
    const columns: Ast.ColumnDefinition[] = [];
    let primaryKey: string[] | null = null;
    for (const element of ctx.elements ?? []) {
      const e = element.children;
      if (e.columnDefinition) {
        columns.push(this.sub(e.columnDefinition[0]!, this.columnDefinition));
        continue;
      }
      const keySpan = tokenSpan(e.Primary![0]!);
      if (primaryKey !== null)
        this.error(keySpan, 'a table has one PRIMARY KEY; list all its columns in it: PRIMARY KEY (a, b)');
      primaryKey = this.sub(e.primaryKey![0]!, this.identifierList);
    }
    const inline = columns.filter((c) => c.primaryKey);
    if (inline.length > 1 || (inline.length > 0 && primaryKey !== null)) {
      this.error(
        inline[inline.length - 1]!.span,
        'a table has one PRIMARY KEY: for a key of several columns write PRIMARY KEY (a, b) after the columns',
      );
    }
    return { kind: 'create-table', name, ifNotExists, columns, primaryKey, span };
  }

  ifNotExists(): boolean {
    return true;
  }

  /** Visited through createTable (a column or the table's PRIMARY KEY). */
  tableElement(ctx: C.TableElementCstChildren): Ast.ColumnDefinition | string[] {
    if (ctx.columnDefinition) return this.sub(ctx.columnDefinition[0]!, this.columnDefinition);
    return this.sub(ctx.primaryKey![0]!, this.identifierList);
  }

  columnDefinition(ctx: C.ColumnDefinitionCstChildren, loc: CstNodeLocation): Ast.ColumnDefinition {
    const span = this.span(loc);
    const constraints = (ctx.constraints ?? []).map((c) => this.sub(c, this.columnConstraint));
    return {
      kind: 'column-definition',
      name: nameOf(ctx.name[0]!),
      type: this.sub(ctx.type[0]!, this.typeName),
      notNull: constraints.includes('not-null'),
      primaryKey: constraints.includes('primary-key'),
      span,
    };
  }

  columnConstraint(ctx: C.ColumnConstraintCstChildren): 'not-null' | 'null' | 'primary-key' {
    if (ctx.Primary) return 'primary-key';
    return ctx.Not ? 'not-null' : 'null';
  }

  createDataset(ctx: C.CreateDatasetCstChildren, loc: CstNodeLocation): Ast.CreateDataset {
    const span = this.span(loc);
    const members = this.sub(ctx.members[0]!, this.datasetMembers);
    for (const m of members) {
      if (m.kind !== 'collection-definition')
        this.error(
          m.span,
          `the top level of a dataset holds collections: write ${m.name} COLLECTION KEY (_id VARCHAR) (…)`,
        );
    }
    return {
      kind: 'create-dataset',
      name: this.sub(ctx.name[0]!, this.qualifiedName),
      ifNotExists: ctx.ifNotExists !== undefined,
      members,
      span,
    };
  }

  datasetMembers(ctx: C.DatasetMembersCstChildren): Ast.DatasetMember[] {
    const members = ctx.items.map((m) => this.sub(m, this.datasetMember));
    const seen = new Set<string>();
    for (const m of members) {
      const key = m.name.toLowerCase();
      if (seen.has(key)) this.error(m.span, `${m.name} is defined twice`);
      seen.add(key);
    }
    return members;
  }

  datasetMember(ctx: C.DatasetMemberCstChildren): Ast.DatasetMember {
    if (ctx.collectionDefinition) return this.sub(ctx.collectionDefinition[0]!, this.collectionDefinition);
    const column = this.sub(ctx.columnDefinition![0]!, this.columnDefinition);
    if (column.primaryKey)
      this.error(column.span, 'collections are keyed by KEY (_id type) after COLLECTION, not by PRIMARY KEY');
    return column;
  }

  collectionDefinition(ctx: C.CollectionDefinitionCstChildren, loc: CstNodeLocation): Ast.CollectionDefinition {
    const span = this.span(loc);
    if (ctx.keyName && nameOf(ctx.keyName[0]!) !== '_id') {
      this.error(
        tokenSpan(ctx.keyName[0]!),
        `a collection's key is always named _id: KEY (_id ${ctx.keyType ? 'type' : 'VARCHAR'})`,
      );
    }
    return {
      kind: 'collection-definition',
      name: nameOf(ctx.name[0]!),
      key: ctx.keyType ? this.sub(ctx.keyType[0]!, this.typeName) : null,
      members: this.sub(ctx.members[0]!, this.datasetMembers),
      span,
    };
  }

  // ─── INSERT, DELETE, DROP ───────────────────────────────────────────────────────────────

  insertStatement(ctx: C.InsertStatementCstChildren, loc: CstNodeLocation): Ast.Insert {
    const span = this.span(loc);
    return {
      kind: 'insert',
      table: this.sub(ctx.table[0]!, this.qualifiedName),
      columns: ctx.columns ? this.sub(ctx.columns[0]!, this.identifierList) : null,
      source: this.sub(ctx.source[0]!, this.query),
      span,
    };
  }

  deleteStatement(ctx: C.DeleteStatementCstChildren, loc: CstNodeLocation): Ast.Delete {
    const span = this.span(loc);
    return {
      kind: 'delete',
      table: this.sub(ctx.table[0]!, this.qualifiedName),
      where: ctx.where ? this.expr(ctx.where[0]!) : null,
      span,
    };
  }

  dropStatement(ctx: C.DropStatementCstChildren, loc: CstNodeLocation): Ast.Drop {
    const span = this.span(loc);
    return {
      kind: 'drop',
      object: ctx.object![0]!.tokenType === T.Dataset ? 'dataset' : 'table',
      name: this.sub(ctx.name[0]!, this.qualifiedName),
      ifExists: ctx.If !== undefined,
      span,
    };
  }

  // ─── EXPLAIN, SHOW, DESCRIBE ────────────────────────────────────────────────────────────

  explainStatement(ctx: C.ExplainStatementCstChildren, loc: CstNodeLocation): Ast.Explain {
    const span = this.span(loc);
    const statement = this.sub(ctx.statement[0]!, this.statement);
    if (statement.kind === 'explain') this.error(statement.span, 'EXPLAIN explains one statement, not another EXPLAIN');
    let mode: Ast.ExplainMode = 'plain';
    if (ctx.Verbose) mode = 'verbose';
    else if (ctx.Data) mode = ctx.Analyze ? 'data-analyze' : 'data';
    else if (ctx.Analyze) mode = 'analyze';
    return { kind: 'explain', mode, statement, span };
  }

  showStatement(_ctx: C.ShowStatementCstChildren, loc: CstNodeLocation): Ast.ShowTables {
    const span = this.span(loc);
    return { kind: 'show-tables', span };
  }

  describeStatement(ctx: C.DescribeStatementCstChildren, loc: CstNodeLocation): Ast.Describe {
    const span = this.span(loc);
    return { kind: 'describe', name: this.sub(ctx.name[0]!, this.qualifiedName), span };
  }
}

/** The reused CST → AST visitor. */
export const sqlToAst = new SqlToAst();
