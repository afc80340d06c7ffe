/**
 * The SQL abstract syntax tree: what the text says, before any name is resolved. Plain
 * immutable data discriminated on `kind`; every node carries the source `span` it came from,
 * so the binder can point at the text in its errors.
 *
 * Normalisations done by the parser (the AST does not keep these distinctions):
 *  - keywords and type names are upper-case insensitive; names keep their spelling (and
 *    whether they were quoted is dropped: the binder compares names case-insensitively);
 *  - `x::T`, `CAST(x AS T)` and typed literals (`DATE '2024-01-01'`) are all `cast`;
 *  - `!=` is `<>`, `==` is `=`, `INNER JOIN` is `JOIN`, `LEFT OUTER` is `LEFT`;
 *  - parentheses disappear (precedence is in the tree shape), except around queries:
 *    `(SELECT …) UNION …` keeps the parenthesised query as a nested `query` node;
 *  - `?` parameters are numbered in text order across the whole input, like `$1`, `$2`, ….
 */
import type { Expr, FunctionArg, TypeName, WindowSpec } from './ast-expr.js';

/** A point in the source text: 1-based line and column, 0-based character offset. */
export interface Position {
  readonly line: number;
  readonly column: number;
  readonly offset: number;
}

/** A source range; `end` is just past the last character. */
export interface SourceSpan {
  readonly start: Position;
  readonly end: Position;
}

/** What every node has. */
export interface Node {
  readonly span: SourceSpan;
}

// ─── Statements ─────────────────────────────────────────────────────────────────────────────

export type Statement =
  Query | CreateTable | CreateTableAs | CreateDataset | Insert | Delete | Drop | Explain | ShowTables | Describe;

/** `CREATE TABLE [IF NOT EXISTS] name (columns…, PRIMARY KEY (…))`. */
export interface CreateTable extends Node {
  readonly kind: 'create-table';
  readonly name: readonly string[];
  readonly ifNotExists: boolean;
  readonly columns: readonly ColumnDefinition[];
  /** The table-level `PRIMARY KEY (a, b)`, or null. */
  readonly primaryKey: readonly string[] | null;
}

export interface ColumnDefinition extends Node {
  readonly kind: 'column-definition';
  readonly name: string;
  readonly type: TypeName;
  readonly notNull: boolean;
  /** `a INT PRIMARY KEY`. */
  readonly primaryKey: boolean;
}

/** `CREATE TABLE [IF NOT EXISTS] name AS query`. */
export interface CreateTableAs extends Node {
  readonly kind: 'create-table-as';
  readonly name: readonly string[];
  readonly ifNotExists: boolean;
  readonly query: Query;
}

/** `CREATE DATASET name (collections…)`: a tree of collections (parser/README.md). */
export interface CreateDataset extends Node {
  readonly kind: 'create-dataset';
  readonly name: readonly string[];
  readonly ifNotExists: boolean;
  readonly members: readonly DatasetMember[];
}

export type DatasetMember = ColumnDefinition | CollectionDefinition;

/** `name COLLECTION [KEY (_id type)] (members…)`. */
export interface CollectionDefinition extends Node {
  readonly kind: 'collection-definition';
  readonly name: string;
  /** Type of `_id` for a keyed collection; null for a positional one (`_pos`). */
  readonly key: TypeName | null;
  readonly members: readonly DatasetMember[];
}

/** `INSERT INTO name [(columns)] query` (an upsert; VALUES is a query). */
export interface Insert extends Node {
  readonly kind: 'insert';
  readonly table: readonly string[];
  readonly columns: readonly string[] | null;
  readonly source: Query;
}

export interface Delete extends Node {
  readonly kind: 'delete';
  readonly table: readonly string[];
  readonly where: Expr | null;
}

export interface Drop extends Node {
  readonly kind: 'drop';
  readonly object: 'table' | 'dataset';
  readonly name: readonly string[];
  readonly ifExists: boolean;
}

export type ExplainMode = 'plain' | 'verbose' | 'analyze' | 'data' | 'data-analyze';

export interface Explain extends Node {
  readonly kind: 'explain';
  readonly mode: ExplainMode;
  readonly statement: Statement;
}

export interface ShowTables extends Node {
  readonly kind: 'show-tables';
}

export interface Describe extends Node {
  readonly kind: 'describe';
  readonly name: readonly string[];
}

// ─── Queries ────────────────────────────────────────────────────────────────────────────────

/** `[WITH …] body [ORDER BY …] [LIMIT …] [OFFSET …]`; also a parenthesised query. */
export interface Query extends Node {
  readonly kind: 'query';
  readonly with: readonly CommonTableExpression[];
  readonly recursive: boolean;
  readonly body: QueryBody;
  readonly orderBy: readonly OrderItem[];
  readonly limit: Expr | null;
  readonly offset: Expr | null;
}

export type QueryBody = Select | SetOperation | Values | Query;

export interface CommonTableExpression extends Node {
  readonly kind: 'cte';
  readonly name: string;
  readonly columns: readonly string[];
  readonly query: Query;
}

/** UNION / EXCEPT / INTERSECT; `all` false is the DISTINCT form (the default). */
export interface SetOperation extends Node {
  readonly kind: 'set-operation';
  readonly op: 'union' | 'intersect' | 'except';
  readonly all: boolean;
  readonly left: QueryBody;
  readonly right: QueryBody;
}

export interface Values extends Node {
  readonly kind: 'values';
  readonly rows: readonly (readonly Expr[])[];
}

export interface Select extends Node {
  readonly kind: 'select';
  readonly distinct: boolean;
  readonly items: readonly SelectItem[];
  /** Comma-separated FROM items (each may be a join tree); empty without FROM. */
  readonly from: readonly Relation[];
  readonly where: Expr | null;
  readonly groupBy: GroupBy | null;
  readonly having: Expr | null;
  readonly windows: readonly NamedWindow[];
  readonly qualify: Expr | null;
}

export type SelectItem = ExprItem | StarItem;

export interface ExprItem extends Node {
  readonly kind: 'expr-item';
  readonly expr: Expr;
  readonly alias: string | null;
}

/** `*`, `t.*`, `s.t.* EXCLUDE (a, b)`. */
export interface StarItem extends Node {
  readonly kind: 'star';
  readonly qualifier: readonly string[];
  readonly exclude: readonly string[];
}

/** `GROUP BY ALL` or `GROUP BY e, …` (integer literals are ordinals: the binder decides). */
export type GroupBy =
  | { readonly kind: 'group-by-all'; readonly span: SourceSpan }
  | { readonly kind: 'group-by'; readonly keys: readonly Expr[]; readonly span: SourceSpan };

export interface NamedWindow extends Node {
  readonly kind: 'named-window';
  readonly name: string;
  readonly window: WindowSpec;
}

export interface OrderItem extends Node {
  readonly kind: 'order-item';
  readonly expr: Expr;
  /** null when not written (ascending). */
  readonly direction: 'asc' | 'desc' | null;
  /** null when not written (the engine's default). */
  readonly nulls: 'first' | 'last' | null;
}

// ─── FROM items ─────────────────────────────────────────────────────────────────────────────

export type Relation = TableRef | TableFunction | SubqueryRelation | Join;

export interface TableAlias extends Node {
  readonly kind: 'alias';
  readonly name: string;
  /** Column aliases `t(a, b)`; empty when not written. */
  readonly columns: readonly string[];
}

/** A table or a collection path (`recordings.scenes.clips`), optionally at a past version. */
export interface TableRef extends Node {
  readonly kind: 'table';
  readonly path: readonly string[];
  readonly asOf: AsOf | null;
  readonly alias: TableAlias | null;
}

/** `AS OF VERSION n` (`by: 'version'`) or `AS OF <timestamp>` (`by: 'timestamp'`). */
export interface AsOf extends Node {
  readonly kind: 'as-of';
  readonly by: 'version' | 'timestamp';
  readonly value: Expr;
}

/** `timeline(fps => 10, stop => clips.duration) AS tl(step, time)`, `range(10)`, `unnest(…)`. */
export interface TableFunction extends Node {
  readonly kind: 'table-function';
  readonly name: readonly string[];
  readonly args: readonly FunctionArg[];
  readonly alias: TableAlias | null;
}

export interface SubqueryRelation extends Node {
  readonly kind: 'subquery-relation';
  readonly query: Query;
  readonly alias: TableAlias | null;
}

export type JoinType = 'inner' | 'left' | 'right' | 'full' | 'cross';

export interface Join extends Node {
  readonly kind: 'join';
  readonly type: JoinType;
  /** ASOF [LEFT] JOIN: each left row matches the nearest right row by the ON inequality. */
  readonly asof: boolean;
  readonly left: Relation;
  readonly right: Relation;
  /** null only for CROSS JOIN. */
  readonly condition: JoinCondition | null;
}

export type JoinCondition =
  | { readonly kind: 'on'; readonly expr: Expr; readonly span: SourceSpan }
  | { readonly kind: 'using'; readonly columns: readonly string[]; readonly span: SourceSpan };

export type * from './ast-expr.js';
