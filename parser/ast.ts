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

interface Node {
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

// ─── Expressions ────────────────────────────────────────────────────────────────────────────

export type Expr =
  | ColumnRef
  | NumberLiteral
  | StringLiteral
  | BooleanLiteral
  | NullLiteral
  | IntervalLiteral
  | ArrayLiteral
  | Parameter
  | Unary
  | Binary
  | IsNull
  | IsDistinctFrom
  | Between
  | InList
  | InSubquery
  | Like
  | Exists
  | ScalarSubquery
  | Case
  | Cast
  | FunctionCall
  | FieldAccess
  | Index;

/** A dotted name path (`a`, `t.a`, `scenes.metadata.weather`); the binder splits it. */
export interface ColumnRef extends Node {
  readonly kind: 'column';
  readonly path: readonly string[];
}

/** The digits as written (`12`, `1.5`, `1e5`, `.5`); never negative (`-1` is a unary minus). */
export interface NumberLiteral extends Node {
  readonly kind: 'number';
  readonly text: string;
}

export interface StringLiteral extends Node {
  readonly kind: 'string';
  readonly value: string;
}

export interface BooleanLiteral extends Node {
  readonly kind: 'boolean';
  readonly value: boolean;
}

export interface NullLiteral extends Node {
  readonly kind: 'null';
}

export type IntervalUnit =
  'year' | 'month' | 'week' | 'day' | 'hour' | 'minute' | 'second' | 'millisecond' | 'microsecond';

/** `INTERVAL '3 days'` (unit null: the text says it) or `INTERVAL 3 DAY` / `INTERVAL '3' DAY`. */
export interface IntervalLiteral extends Node {
  readonly kind: 'interval';
  readonly value: string;
  readonly unit: IntervalUnit | null;
}

/** `[1, 2, 3]`. */
export interface ArrayLiteral extends Node {
  readonly kind: 'array';
  readonly elements: readonly Expr[];
}

/** `$n` or the n-th `?` (1-based). */
export interface Parameter extends Node {
  readonly kind: 'parameter';
  readonly index: number;
}

export interface Unary extends Node {
  readonly kind: 'unary';
  readonly op: '-' | '+' | 'not';
  readonly operand: Expr;
}

export type BinaryOp = 'or' | 'and' | '=' | '<>' | '<' | '<=' | '>' | '>=' | '||' | '+' | '-' | '*' | '/' | '%';

export interface Binary extends Node {
  readonly kind: 'binary';
  readonly op: BinaryOp;
  readonly left: Expr;
  readonly right: Expr;
}

export interface IsNull extends Node {
  readonly kind: 'is-null';
  readonly operand: Expr;
  readonly negated: boolean;
}

/** `a IS DISTINCT FROM b` (negated: `IS NOT DISTINCT FROM`). */
export interface IsDistinctFrom extends Node {
  readonly kind: 'is-distinct-from';
  readonly left: Expr;
  readonly right: Expr;
  readonly negated: boolean;
}

export interface Between extends Node {
  readonly kind: 'between';
  readonly operand: Expr;
  readonly low: Expr;
  readonly high: Expr;
  readonly negated: boolean;
}

export interface InList extends Node {
  readonly kind: 'in-list';
  readonly operand: Expr;
  readonly list: readonly Expr[];
  readonly negated: boolean;
}

export interface InSubquery extends Node {
  readonly kind: 'in-subquery';
  readonly operand: Expr;
  readonly query: Query;
  readonly negated: boolean;
}

/** LIKE, or ILIKE (`caseInsensitive`). */
export interface Like extends Node {
  readonly kind: 'like';
  readonly operand: Expr;
  readonly pattern: Expr;
  readonly escape: Expr | null;
  readonly negated: boolean;
  readonly caseInsensitive: boolean;
}

/** `EXISTS (query)`; NOT EXISTS is a `not` around it. */
export interface Exists extends Node {
  readonly kind: 'exists';
  readonly query: Query;
}

export interface ScalarSubquery extends Node {
  readonly kind: 'subquery';
  readonly query: Query;
}

export interface Case extends Node {
  readonly kind: 'case';
  /** The `x` of `CASE x WHEN …` (simple form); null for the searched form. */
  readonly operand: Expr | null;
  readonly whens: readonly { readonly when: Expr; readonly then: Expr }[];
  readonly else: Expr | null;
}

/** CAST / TRY_CAST / `::` / a typed literal. */
export interface Cast extends Node {
  readonly kind: 'cast';
  readonly operand: Expr;
  readonly type: TypeName;
  /** TRY_CAST: null instead of an error. */
  readonly try: boolean;
}

export interface FunctionArg {
  /** `name => value`; null for a positional argument. */
  readonly name: string | null;
  readonly value: Expr;
}

/**
 * A function call, aggregate or window function. `extract(year FROM d)` arrives as
 * `date_part('year', d)` and `substring(s FROM a FOR b)` as `substring(s, a, b)`.
 */
export interface FunctionCall extends Node {
  readonly kind: 'call';
  readonly name: string;
  readonly args: readonly FunctionArg[];
  /** `count(*)`. */
  readonly star: boolean;
  readonly distinct: boolean;
  /** `string_agg(s, ',' ORDER BY s)`. */
  readonly orderBy: readonly OrderItem[];
  /** `FILTER (WHERE …)`. */
  readonly filter: Expr | null;
  /** `OVER (…)`; `OVER w` is a spec with `base: 'w'` and nothing else. */
  readonly over: WindowSpec | null;
}

/** `(expr).field` on something that is not a plain name path (those are `column`). */
export interface FieldAccess extends Node {
  readonly kind: 'field';
  readonly operand: Expr;
  readonly field: string;
}

/** `list[1]`. */
export interface Index extends Node {
  readonly kind: 'index';
  readonly operand: Expr;
  readonly index: Expr;
}

// ─── Windows ────────────────────────────────────────────────────────────────────────────────

export interface WindowSpec extends Node {
  readonly kind: 'window';
  /** A named window this one extends (`OVER (w ORDER BY x)`, `OVER w`). */
  readonly base: string | null;
  readonly partitionBy: readonly Expr[];
  readonly orderBy: readonly OrderItem[];
  readonly frame: WindowFrame | null;
}

export interface WindowFrame extends Node {
  readonly kind: 'frame';
  readonly units: 'rows' | 'range' | 'groups';
  readonly start: FrameBound;
  /** null for the one-bound form (`ROWS 3 PRECEDING`: end is CURRENT ROW). */
  readonly end: FrameBound | null;
}

export type FrameBound =
  | { readonly kind: 'unbounded-preceding' | 'current-row' | 'unbounded-following'; readonly span: SourceSpan }
  | { readonly kind: 'preceding' | 'following'; readonly offset: Expr; readonly span: SourceSpan };

// ─── Types ──────────────────────────────────────────────────────────────────────────────────

export type TypeName = SimpleType | ListType | ArrayType | StructType | MapType;

/**
 * `INTEGER`, `DECIMAL(12, 2)`, `VARCHAR(10)`: the name upper-case (`DOUBLE PRECISION` is
 * `DOUBLE`; `TIMESTAMP WITH TIME ZONE` keeps its three extra words), numeric parameters.
 */
export interface SimpleType extends Node {
  readonly kind: 'simple-type';
  readonly name: string;
  readonly params: readonly number[];
}

/** `T[]` or `LIST(T)`. */
export interface ListType extends Node {
  readonly kind: 'list-type';
  readonly element: TypeName;
}

/** `T[n]`: a fixed-size array. */
export interface ArrayType extends Node {
  readonly kind: 'array-type';
  readonly element: TypeName;
  readonly size: number;
}

export interface StructType extends Node {
  readonly kind: 'struct-type';
  readonly fields: readonly { readonly name: string; readonly type: TypeName }[];
}

export interface MapType extends Node {
  readonly kind: 'map-type';
  readonly key: TypeName;
  readonly value: TypeName;
}
