/**
 * Relational logical plans: the one representation both front ends (SQL binder, fluent API)
 * produce and the optimizer rewrites. Plain immutable data, discriminated on `kind`; build
 * nodes only through the constructors in logical/plan-build.ts, which validate column
 * references and derive `schema`.
 *
 * Columns are addressed by name. Every plan node's output names are unique within its schema
 * (the binder qualifies them, e.g. `orders.o_orderkey`, `#agg3`), so a rule can move an
 * expression anywhere its columns are visible without renumbering. Only the final `project`
 * gives user-facing names. Types are Arrow DataTypes.
 *
 * Collection queries (seed 002: levels, broadcasts, reductions, resample) enter a relational
 * plan as one `collection_scan` leaf whose items are level expressions (logical/expr.ts); the
 * collection planner lowers it.
 *
 * Invariants (checked by logical/validate.ts after every optimizer rule in tests):
 *  1. every `column` reference names a column of the node's input schema(s);
 *  2. output names of a node are unique;
 *  3. a rewrite keeps the schema of the node it replaces (names and types).
 */
import type { DataType, RecordBatch, Schema } from 'apache-arrow';

import type { Expr } from './expr.js';

// ─── Scalar expressions ─────────────────────────────────────────────────────────────────────

/**
 * A scalar expression over the columns of a node's input. `call` covers operators and
 * functions alike; its `fn` is a name of the function registry (logical/functions.ts):
 * '+', '-', '*', '/', '%', 'neg', '=', '<>', '<', '<=', '>', '>=', 'and', 'or', 'not',
 * 'is_null', 'is_not_null', 'is_distinct_from', 'like', 'ilike', '||', 'coalesce',
 * 'lower', 'substr', 'date_trunc', 'extract_year', … Each carries its result type.
 */
export type Scalar =
  | { readonly kind: 'column'; readonly name: string; readonly type: DataType }
  /** A constant (bound parameters are literals too: values are never spliced into text). */
  | { readonly kind: 'literal'; readonly value: unknown; readonly type: DataType }
  | { readonly kind: 'call'; readonly fn: string; readonly args: readonly Scalar[]; readonly type: DataType }
  | {
      readonly kind: 'case';
      readonly whens: readonly { readonly when: Scalar; readonly then: Scalar }[];
      readonly else: Scalar | null;
      readonly type: DataType;
    }
  /** CAST (errors on failure) or TRY_CAST (`safe`: null on failure). */
  | { readonly kind: 'cast'; readonly arg: Scalar; readonly type: DataType; readonly safe: boolean }
  | { readonly kind: 'in_list'; readonly arg: Scalar; readonly list: readonly Scalar[]; readonly negated: boolean; readonly type: DataType };

/** Aggregate functions: count, count_star, sum, avg, min, max, first, last, list, string_agg, stddev_samp, var_samp, bool_and, bool_or, … */
export interface AggregateCall {
  readonly fn: string;
  readonly args: readonly Scalar[];
  readonly distinct: boolean;
  /** FILTER (WHERE …). */
  readonly filter: Scalar | null;
  /** ORDER BY inside the aggregate (list, string_agg, first). */
  readonly orderBy: readonly SortKey[];
  /** Output column name. */
  readonly name: string;
  readonly type: DataType;
}

export interface SortKey {
  readonly expr: Scalar;
  readonly descending: boolean;
  /** Default as in PostgreSQL/DuckDB: nulls last ascending, first descending. */
  readonly nullsFirst: boolean;
}

export type FrameBound =
  | { readonly kind: 'unbounded_preceding' }
  | { readonly kind: 'preceding'; readonly offset: Scalar }
  | { readonly kind: 'current_row' }
  | { readonly kind: 'following'; readonly offset: Scalar }
  | { readonly kind: 'unbounded_following' };

export interface WindowFrame {
  readonly mode: 'rows' | 'range' | 'groups';
  readonly start: FrameBound;
  readonly end: FrameBound;
}

/** row_number, rank, dense_rank, percent_rank, cume_dist, ntile, lag, lead, first_value, last_value, nth_value, or any aggregate. */
export interface WindowCall {
  readonly fn: string;
  readonly args: readonly Scalar[];
  readonly distinct: boolean;
  readonly filter: Scalar | null;
  readonly partitionBy: readonly Scalar[];
  readonly orderBy: readonly SortKey[];
  /** null: the SQL default (RANGE UNBOUNDED PRECEDING to CURRENT ROW with ORDER BY, else the whole partition). */
  readonly frame: WindowFrame | null;
  readonly name: string;
  readonly type: DataType;
}

export interface NamedScalar {
  readonly name: string;
  readonly expr: Scalar;
}

// ─── Plan nodes ─────────────────────────────────────────────────────────────────────────────

/**
 * inner/left/right/full/cross: as SQL. semi/anti: left rows with / without a match (EXISTS,
 * IN). mark: every left row plus a Bool column `mark` (true / false / null as SQL's IN gives
 * with nulls). single: left join that fails when a left row matches more than one right row
 * (a scalar subquery). asof: left rows joined to the last right row with equal `on` keys and
 * `asof.right <= asof.left` (or the given comparison); left-outer when `asofLeft`.
 */
export type JoinType = 'inner' | 'left' | 'right' | 'full' | 'cross' | 'semi' | 'anti' | 'mark' | 'single' | 'asof';

export interface TableRef {
  /** Catalog identifier: `project.dataset.table` parts as the catalog resolves them. */
  readonly id: string;
  /** Version or time to read (AS OF); null: latest. */
  readonly asof: number | string | null;
}

export type Plan =
  /** A catalog table: stored columns (key columns first), pushed filters (applied exactly by the scan). */
  | {
      readonly kind: 'table_scan';
      readonly table: TableRef;
      /** Stored column path → output name. */
      readonly columns: readonly { readonly column: string; readonly name: string }[];
      /** Conjuncts over output names, pushed into storage (key ranges, zone maps) and applied exactly. */
      readonly filters: readonly Scalar[];
      readonly schema: Schema;
    }
  /** Level expressions over a dataset (logical/expr.ts), lowered by the collection planner. */
  | {
      readonly kind: 'collection_scan';
      readonly dataset: string;
      readonly items: readonly { readonly name: string; readonly expr: Expr }[];
      readonly where: Expr | null;
      readonly asof: number | string | null;
      readonly schema: Schema;
    }
  | { readonly kind: 'values'; readonly rows: readonly (readonly Scalar[])[]; readonly schema: Schema }
  /** Batches from outside (a DuckDB query, an Arrow table); `describe` names it in EXPLAIN. */
  | { readonly kind: 'source'; readonly describe: string; readonly open: (signal?: AbortSignal) => AsyncIterable<RecordBatch>; readonly schema: Schema }
  | { readonly kind: 'filter'; readonly input: Plan; readonly predicate: Scalar; readonly schema: Schema }
  | { readonly kind: 'project'; readonly input: Plan; readonly exprs: readonly NamedScalar[]; readonly schema: Schema }
  | {
      readonly kind: 'join';
      readonly type: JoinType;
      readonly left: Plan;
      readonly right: Plan;
      /** Equi-join keys (left expr over left columns, right expr over right columns). */
      readonly on: readonly { readonly left: Scalar; readonly right: Scalar }[];
      /** Non-equi remainder of the condition (over both sides' columns). */
      readonly residual: Scalar | null;
      /** asof only: the inequality, `right.on <= left.on` when op is '>='. */
      readonly asof: { readonly left: Scalar; readonly right: Scalar; readonly op: '>=' | '>' | '<=' | '<' } | null;
      /** mark only: name of the Bool column. */
      readonly mark: string | null;
      /** asof only: keep left rows without a match (ASOF LEFT JOIN); absent means false. */
      readonly asofLeft?: boolean;
      readonly schema: Schema;
    }
  | { readonly kind: 'aggregate'; readonly input: Plan; readonly groups: readonly NamedScalar[]; readonly aggs: readonly AggregateCall[]; readonly schema: Schema }
  /** Input columns followed by one column per call. */
  | { readonly kind: 'window'; readonly input: Plan; readonly calls: readonly WindowCall[]; readonly schema: Schema }
  | {
      readonly kind: 'sort';
      readonly input: Plan;
      readonly keys: readonly SortKey[];
      /**
       * Top-N: only the first `fetch` rows of the sorted output are needed (set by the optimizer's
       * push-down-limit under a Limit, which stays above it). Absent: the whole input sorted.
       */
      readonly fetch?: number;
      readonly schema: Schema;
    }
  | { readonly kind: 'limit'; readonly input: Plan; readonly limit: number | null; readonly offset: number; readonly schema: Schema }
  | { readonly kind: 'distinct'; readonly input: Plan; readonly schema: Schema }
  /** Columns matched by position; output names and types of `left` (types already unified by the binder). */
  | { readonly kind: 'set_op'; readonly op: 'union' | 'intersect' | 'except'; readonly all: boolean; readonly left: Plan; readonly right: Plan; readonly schema: Schema }
  /** One output row per element of the list `list` (input columns repeated), element as `as`; `outer` keeps rows with empty/null lists (element null). */
  | {
      readonly kind: 'unnest';
      readonly input: Plan;
      readonly list: Scalar;
      readonly as: string;
      readonly ordinality: string | null;
      readonly outer: boolean;
      readonly schema: Schema;
    };

export type PlanKind = Plan['kind'];
