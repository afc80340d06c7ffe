/**
 * The expression part of the SQL AST: expressions, window specifications and type names
 * (re-exported by ast.ts, which holds statements, queries and FROM items).
 */
import type { Node, OrderItem, Query, SourceSpan } from './ast.js';

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
