/**
 * Random relational plans over random small tables, for the optimizer's property test: filters
 * with NULLs, joins of every type, aggregates, windows, projections, limits over fully sorted
 * inputs, DISTINCT and set operations. Plans are built with plan-build.ts, so they are valid
 * by construction; every output name is fresh, so joins never collide.
 *
 * Every limit sits over a sort on all columns (through an optional project), so each plan has
 * one multiset of result rows, whatever order unordered operators produce rows in — except
 * `limitOverUnionAll` and asof joins (ties), which mark the generator `orderSensitive`.
 */
import { type DataType, Schema, Type } from 'apache-arrow';

import type { Plan, Scalar } from '../../logical/plan.js';
import * as b from '../../logical/plan-build.js';
import type { Database } from './reference.js';
import { bool, i32, i64, utf8 } from './helpers.js';

/** The source of choices (fast-check's `gen()` in the property, anything in a repro). */
export interface Chooser {
  int(min: number, max: number): number;
}

const TABLES = {
  't.one': [['k', i32, false], ['a', i32, true], ['s', utf8, true], ['f', bool, true]],
  't.two': [['k', i32, false], ['x', i32, true], ['s', utf8, true]],
  't.three': [['id', i64, false], ['a', i32, true], ['y', i32, true]],
} as const satisfies Record<string, readonly (readonly [string, DataType, boolean])[]>;
type TableId = keyof typeof TABLES;

const JOIN_TYPES = ['inner', 'left', 'left', 'right', 'full', 'cross', 'semi', 'anti', 'mark', 'single', 'asof'] as const;
/** The 'joins' focus favours outer joins, where filter legality is subtle. */
const OUTER_HEAVY = ['inner', 'inner', 'left', 'left', 'left', 'left', 'right', 'right', 'full', 'full', 'cross', 'semi', 'anti', 'mark', 'single', 'asof'] as const;
const CMP = ['=', '<>', '<', '<=', '>', '>='] as const;

type Kind = 'int' | 'str' | 'bool';
const kindOf = (t: DataType): Kind | null => (t.typeId === Type.Int ? 'int' : t.typeId === Type.Utf8 ? 'str' : t.typeId === Type.Bool ? 'bool' : null);

/**
 * 'mixed': every node kind; 'joins': mostly filters over joins of small inputs, with
 * NULL-sensitive predicates; 'nodes': mostly filters right over an aggregate, window, set
 * operation, distinct, limit or project of small inputs.
 */
export type Focus = 'mixed' | 'joins' | 'nodes';

export class PlanGen {
  private n = 0;
  constructor(
    private readonly r: Chooser,
    private readonly focus: Focus = 'mixed',
  ) {}

  private int(min: number, max: number): number {
    return this.r.int(min, max);
  }
  private chance(pct: number): boolean {
    return this.int(0, 99) < pct;
  }
  private pick<T>(xs: readonly T[]): T {
    return xs[this.int(0, xs.length - 1)]!;
  }
  private fresh(prefix: string): string {
    return `${prefix}${++this.n}`;
  }

  /** Random rows for the three tables (0–6 rows each, small domains, ~20% NULLs). */
  database(): Database {
    const db = new Map<string, Record<string, unknown>[]>();
    for (const [id, cols] of Object.entries(TABLES)) {
      const rows: Record<string, unknown>[] = [];
      const count = this.chance(5) ? 0 : this.int(2, 6);
      for (let i = 0; i < count; i++) {
        const row: Record<string, unknown> = {};
        for (const [name, type, nullable] of cols) row[name] = nullable && this.chance(20) ? null : this.value(type);
        rows.push(row);
      }
      db.set(id, rows);
    }
    return db;
  }

  private value(t: DataType): unknown {
    switch (kindOf(t)) {
      case 'int': return (t as unknown as { bitWidth: number }).bitWidth === 64 ? BigInt(this.int(0, 4)) : this.int(-2, 3);
      case 'str': return this.pick(['a', 'b', 'c']);
      default: return this.chance(50);
    }
  }

  // ─── Expressions ──────────────────────────────────────────────────────────────────────────

  private columns(s: Schema, kind: Kind): Scalar[] {
    return s.fields.filter((f) => kindOf(f.type) === kind).map((f) => b.col(s, f.name));
  }

  intExpr(s: Schema, depth: number): Scalar {
    const cols = this.columns(s, 'int');
    const choice = this.int(0, depth > 0 ? 9 : 2);
    if (choice <= 1 && cols.length) return this.pick(cols);
    if (choice <= 2) return this.chance(15) ? b.lit(null, i32) : b.lit(this.int(-2, 3));
    switch (choice) {
      case 3: return b.call('+', [this.intExpr(s, depth - 1), this.intExpr(s, depth - 1)]);
      case 4: return b.call('-', [this.intExpr(s, depth - 1), this.intExpr(s, depth - 1)]);
      case 5: return b.call('*', [this.intExpr(s, depth - 1), b.lit(this.int(-2, 2))]);
      case 6: return b.call('coalesce', [this.intExpr(s, depth - 1), b.lit(this.int(0, 2))]);
      case 7: return b.caseWhen([{ when: this.boolExpr(s, depth - 1), then: this.intExpr(s, depth - 1) }], this.chance(60) ? this.intExpr(s, depth - 1) : null);
      case 8: return b.call('neg', [this.intExpr(s, depth - 1)]);
      default: return cols.length ? this.pick(cols) : b.lit(1);
    }
  }

  strExpr(s: Schema): Scalar {
    const cols = this.columns(s, 'str');
    if (cols.length && this.chance(70)) return this.chance(80) ? this.pick(cols) : b.call('coalesce', [this.pick(cols), b.lit('b')]);
    return this.chance(15) ? b.lit(null, utf8) : b.lit(this.pick(['a', 'b', 'c']));
  }

  boolExpr(s: Schema, depth: number): Scalar {
    const choice = this.int(0, depth > 0 ? 12 : 6);
    switch (choice) {
      case 0: case 1: case 2: return b.call(this.pick(CMP), [this.intExpr(s, depth - 1), this.intExpr(s, depth - 1)]);
      case 3: return b.call(this.pick(CMP), [this.strExpr(s), this.strExpr(s)]);
      case 4: {
        const any = s.fields.length ? b.col(s, this.pick(s.fields).name) : b.lit(null, i32);
        return b.call(this.chance(50) ? 'is_null' : 'is_not_null', [any]);
      }
      case 5: {
        const cols = this.columns(s, 'bool');
        return cols.length && this.chance(70) ? this.pick(cols) : b.lit(this.pick([true, false, null]), bool);
      }
      case 6: return b.inList(this.intExpr(s, 0), [b.lit(this.int(-2, 3)), this.chance(30) ? b.lit(null, i32) : b.lit(this.int(-2, 3))], this.chance(30));
      case 7: case 8: return b.call(this.chance(50) ? 'and' : 'or', [this.boolExpr(s, depth - 1), this.boolExpr(s, depth - 1)]);
      case 9: return b.not(this.boolExpr(s, depth - 1));
      case 10: return b.call('is_distinct_from', [this.intExpr(s, 0), this.intExpr(s, 0)]);
      case 11: return b.call('>', [b.call('coalesce', [this.intExpr(s, 0), b.lit(0)]), b.lit(this.int(-1, 2))]);
      default: return b.and(this.boolExpr(s, depth - 1), this.boolExpr(s, depth - 1), this.boolExpr(s, 0));
    }
  }

  private exprOf(s: Schema, kind: Kind): Scalar {
    return kind === 'int' ? this.intExpr(s, 1) : kind === 'str' ? this.strExpr(s) : this.boolExpr(s, 1);
  }

  // ─── Plans ────────────────────────────────────────────────────────────────────────────────

  plan(depth: number): Plan {
    if (depth <= 0) return this.leaf();
    if (this.focus === 'joins') {
      // mostly a filter right over a join of small inputs, sometimes under a project or aggregate
      const w = this.int(0, 9);
      const sub = (): Plan => (this.chance(75) ? this.leaf() : this.plan(depth - 1));
      if (w < 8) return this.filterOverJoin(this.joinOf(sub(), sub()));
      if (w < 9) return this.chance(50) ? this.project(this.plan(depth - 1)) : this.aggregate(this.plan(depth - 1));
      return this.joinOf(sub(), sub());
    }
    if (this.focus === 'nodes') {
      const w = this.int(0, 9);
      if (w < 8) return this.filterOverNode(this.nodeOver(Math.min(depth, 2) - 1));
      return this.plan(depth - 1);
    }
    const w = this.int(0, 99);
    if (w < 22) return this.chance(60) ? this.filterOverNode(this.nodeOver(depth - 1)) : this.filter(this.plan(depth - 1));
    if (w < 34) return this.project(this.plan(depth - 1));
    if (w < 56) return this.join(depth);
    if (w < 66) return this.aggregate(this.plan(depth - 1));
    if (w < 71) return this.window(this.plan(depth - 1));
    if (w < 78) return this.sortLimit(this.plan(depth - 1));
    if (w < 80) return this.limitOverUnionAll(depth);
    if (w < 84) return b.distinct(this.chance(60) ? this.project(this.plan(depth - 1)) : this.plan(depth - 1));
    if (w < 92) return this.setOp(depth);
    return this.leaf();
  }

  /** A node of a kind a filter may or may not pass (so filters land right above each kind often). */
  private nodeOver(depth: number): Plan {
    switch (this.int(0, 6)) {
      case 0: return this.aggregate(this.plan(depth - 1));
      case 1: return this.window(this.plan(depth - 1));
      case 2: return this.setOp(depth);
      case 3: return b.distinct(this.plan(depth - 1));
      case 4: return this.sortLimit(this.plan(depth - 1));
      case 5: return this.chance(50) ? this.project(this.plan(depth - 1)) : this.unnest(this.plan(depth - 1));
      default: return this.joinOf(this.plan(depth - 1), this.plan(depth - 1));
    }
  }

  leaf(): Plan {
    if (this.chance(8)) {
      const names = [this.fresh('v'), this.fresh('v')];
      const rows = Array.from({ length: this.int(0, 4) }, () => [this.chance(20) ? b.lit(null, i32) : b.lit(this.int(-2, 3)), b.lit(this.pick(['a', 'b', null]), utf8)]);
      return b.values(names, rows, [i32, utf8]);
    }
    const id = this.pick(Object.keys(TABLES) as TableId[]);
    const alias = this.fresh('t');
    const all = TABLES[id].map(([column, type, nullable]) => ({ column, name: `${alias}_${column}`, type, nullable }));
    const cols = this.chance(25) ? all.filter((_, i) => i === 0 || this.chance(60)) : all;
    const scan = b.tableScan(id, cols);
    return this.chance(10) ? b.tableScan(id, cols, [this.boolExpr(scan.schema, 1)]) : scan;
  }

  filter(input: Plan): Plan {
    if (!this.chance(this.focus === 'joins' ? 70 : 30)) return b.filter(input, this.boolExpr(input.schema, 2));
    const n = this.int(0, 9);
    const parts = Array.from({ length: n < 6 ? 1 : n < 9 ? 2 : 3 }, () => this.nullSensitive(input.schema));
    return b.filter(input, b.and(...parts));
  }

  /** A filter over `p` whose conjuncts favour the columns that decide legality: a window's or aggregate's input/group columns, a join's sides. */
  filterOverNode(p: Plan): Plan {
    const pool = (names: readonly string[]): Schema => new Schema(p.schema.fields.filter((f) => names.includes(f.name)));
    let focus: Schema | null = null;
    if (p.kind === 'join') return this.filterOverJoin(p);
    if (p.kind === 'window') focus = pool(p.input.schema.fields.map((f) => f.name));
    if (p.kind === 'aggregate') focus = pool(p.groups.map((g) => g.name));
    if (!focus || focus.fields.length === 0 || this.chance(25)) return this.filter(p);
    const parts = Array.from({ length: this.int(1, 2) }, () => (this.chance(50) ? this.nullSensitive(focus) : this.boolExpr(focus, 1)));
    return b.filter(p, b.and(...parts));
  }

  /** A filter over a join whose conjuncts each read one side's columns (or both), NULL-sensitive forms first. */
  filterOverJoin(j: Plan): Plan {
    if (j.kind !== 'join') return this.filter(j);
    const left = j.left.schema, right = j.type === 'semi' || j.type === 'anti' ? j.left.schema : new Schema(j.schema.fields.slice(j.left.schema.fields.length));
    const parts = Array.from({ length: this.chance(70) ? 1 : 2 }, () => {
      const side = this.pick([left, right, right, j.schema]);
      return this.chance(75) ? this.nullSensitive(side) : this.boolExpr(side, 1);
    });
    return b.filter(j, b.and(...parts));
  }

  /** Predicates whose answer on NULL inputs decides whether an outer join may become inner. */
  nullSensitive(s: Schema): Scalar {
    if (s.fields.length === 0) return b.lit(true);
    const c = b.col(s, this.pick(s.fields).name);
    const k = (): Scalar => {
      switch (kindOf(c.type)) {
        case 'int': return b.lit(this.int(-1, 2));
        case 'str': return b.lit(this.pick(['a', 'b']));
        case 'bool': return b.lit(this.chance(50));
        default: return b.lit(this.int(-1, 2) + 0.5);
      }
    };
    const other = (): Scalar => b.col(s, this.pick(s.fields).name);
    switch (this.int(0, 11)) {
      case 0: case 1: return b.call('is_null', [c]);
      case 2: return b.call('is_not_null', [c]);
      case 3: case 4: return b.call(this.pick(CMP), [b.call('coalesce', [c, k()]), k()]);
      case 5: return b.call(this.pick(CMP), [c, k()]);
      case 6: return b.or(b.call(this.pick(CMP), [c, k()]), b.call('is_null', [other()]));
      case 7: return b.not(b.call(this.pick(CMP), [c, k()]));
      case 8: return b.call('is_distinct_from', [c, k()]);
      case 9: return b.caseWhen([{ when: b.call('is_null', [c]), then: b.lit(this.chance(50)) }], b.call(this.pick(CMP), [c, k()]));
      case 10: {
        const d = other();
        return kindOf(d.type) === kindOf(c.type) ? b.call(this.pick(CMP), [c, d]) : b.call('is_not_null', [d]);
      }
      default: return b.inList(c, [k(), k()], this.chance(40));
    }
  }

  project(input: Plan): Plan {
    const exprs = input.schema.fields.filter(() => this.chance(60)).map((f) => b.named(this.chance(30) ? this.fresh('p') : f.name, b.col(input, f.name)));
    const extra = this.int(exprs.length === 0 ? 1 : 0, 2);
    for (let i = 0; i < extra; i++) exprs.push(b.named(this.fresh('p'), this.exprOf(input.schema, this.pick(['int', 'int', 'str', 'bool'] as const))));
    return b.project(input, exprs);
  }

  join(depth: number): Plan {
    return this.maybeFilter(this.joinOf(this.plan(depth - 1), this.plan(depth - 1)));
  }

  joinOf(left: Plan, right: Plan): Plan {
    let type: (typeof JOIN_TYPES)[number] = this.pick(this.focus === 'joins' ? OUTER_HEAVY : JOIN_TYPES);
    const pairs: { left: Scalar; right: Scalar }[] = [];
    for (const f of left.schema.fields) {
      const kind = kindOf(f.type);
      const match = right.schema.fields.filter((g) => kind && kindOf(g.type) === kind);
      if (match.length && this.chance(35)) pairs.push({ left: b.col(left, f.name), right: b.col(right, this.pick(match).name) });
    }
    const on = pairs.slice(0, this.int(0, 2));
    const both = new Schema([...left.schema.fields, ...right.schema.fields]);
    const residual = this.chance(30) ? this.boolExpr(both, 1) : null;
    let asof: b.JoinOptions['asof'] = null;
    if (type === 'asof') {
      const li = this.columns(left.schema, 'int'), ri = this.columns(right.schema, 'int');
      if (li.length && ri.length) {
        asof = { left: this.pick(li), right: this.pick(ri), op: this.pick(['>=', '>', '<=', '<'] as const) };
        this.orderSensitive = true; // right rows tied on the asof value: SQL picks any of them
      }
      else type = 'inner';
    }
    if (type === 'cross') return b.join('cross', left, right);
    return b.join(type, left, right, {
      on,
      residual: type === 'asof' ? null : residual,
      asof,
      ...(type === 'mark' ? { mark: this.fresh('m') } : {}),
      ...(type === 'asof' && this.chance(50) ? { asofLeft: true } : {}),
    });
  }

  private maybeFilter(p: Plan): Plan {
    return this.chance(60) ? this.filter(p) : p;
  }

  aggregate(input: Plan): Plan {
    const s = input.schema;
    const groups = s.fields.filter(() => this.chance(30)).slice(0, 2).map((f) => b.named(this.fresh('g'), b.col(input, f.name)));
    if (groups.length < 2 && this.chance(15)) groups.push(b.named(this.fresh('g'), this.intExpr(s, 1)));
    const aggs = Array.from({ length: this.int(1, 3) }, () => this.aggCall(s));
    return b.aggregate(input, groups, aggs);
  }

  private aggCall(s: Schema) {
    const name = this.fresh('a');
    const ints = this.columns(s, 'int');
    const any = s.fields.length ? b.col(s, this.pick(s.fields).name) : null;
    const filter = this.chance(15) ? { filter: this.boolExpr(s, 1) } : {};
    switch (this.int(0, 6)) {
      case 0: return b.aggregateCall('count_star', [], name, filter);
      case 1: return any ? b.aggregateCall('count', [any], name, { distinct: this.chance(30), ...filter }) : b.aggregateCall('count_star', [], name);
      case 2: return b.aggregateCall('sum', [ints.length ? this.pick(ints) : this.intExpr(s, 1)], name, filter);
      case 3: return b.aggregateCall('min', [any ?? b.lit(1)], name, filter);
      case 4: return b.aggregateCall('max', [ints.length ? this.pick(ints) : b.lit(2)], name, filter);
      case 5: return b.aggregateCall('avg', [this.intExpr(s, 1)], name);
      default: return b.aggregateCall('bool_or', [this.boolExpr(s, 1)], name);
    }
  }

  window(input: Plan): Plan {
    const s = input.schema;
    const calls = Array.from({ length: this.int(1, 2) }, () => {
      const partitionBy = s.fields.filter(() => this.chance(35)).slice(0, 2).map((f) => b.col(s, f.name));
      const orderBy = this.chance(50) && s.fields.length ? [b.sortKey(b.col(s, this.pick(s.fields).name), { descending: this.chance(50) })] : [];
      const ints = this.columns(s, 'int');
      const name = this.fresh('w');
      switch (this.int(0, 4)) {
        case 0: return b.windowCall('rank', [], name, { partitionBy, orderBy });
        case 1: return b.windowCall('dense_rank', [], name, { partitionBy, orderBy });
        case 2: return b.windowCall('count_star', [], name, { partitionBy, orderBy });
        case 3: return b.windowCall('sum', [ints.length ? this.pick(ints) : b.lit(1)], name, { partitionBy, orderBy });
        default: return b.windowCall('max', [ints.length ? this.pick(ints) : b.lit(1)], name, { partitionBy });
      }
    });
    return b.window(input, calls);
  }

  /** Limit over a sort on every column (so the kept rows are determined), sometimes through a project. */
  sortLimit(input: Plan): Plan {
    const keys = input.schema.fields.map((f) => b.sortKey(b.col(input, f.name), { descending: this.chance(40), nullsFirst: this.chance(50) }));
    let p = b.sort(input, keys);
    if (this.chance(35)) p = this.project(p);
    return b.limit(p, this.chance(10) ? null : this.int(0, 4), this.chance(30) ? this.int(1, 2) : 0);
  }

  /** UNNEST of a list built from the input's int columns (NULL elements included), sometimes OUTER, sometimes WITH ORDINALITY. */
  unnest(input: Plan): Plan {
    const s = input.schema;
    const ints = this.columns(s, 'int');
    const elems = Array.from({ length: this.int(0, 2) }, () => (ints.length && this.chance(70) ? this.pick(ints) : b.lit(this.int(-1, 2))));
    const list = elems.length ? b.call('list_value', elems) : b.cast(b.lit(null), b.call('list_value', [b.lit(1)]).type);
    return b.unnest(input, list, this.fresh('e'), { ordinality: this.chance(30) ? this.fresh('o') : null, outer: this.chance(40) });
  }

  /**
   * A limit over UNION ALL of two sorted inputs: which rows it keeps depends on the order of
   * UNION ALL's output, which SQL leaves open; the reference interpreter concatenates (left
   * first), so the optimizer must keep that. Plans holding one set `orderSensitive`.
   */
  limitOverUnionAll(depth: number): Plan {
    this.orderSensitive = true;
    const u = this.setOp(depth, 'union all');
    const sorted = (p: Plan): Plan => {
      const s = b.sort(p, p.schema.fields.map((f) => b.sortKey(b.col(p, f.name))));
      return this.chance(50) ? b.project(s, s.schema.fields.map((f) => b.named(this.fresh('s'), b.col(s, f.name)))) : s;
    };
    const sides = u.kind === 'set_op' ? b.setOp('union', true, sorted(u.left), sorted(u.right)) : u;
    return b.limit(sides, this.int(0, 4), this.chance(30) ? 1 : 0);
  }

  /** True once the plan holds a limit whose rows depend on an order SQL leaves open (see limitOverUnionAll). */
  orderSensitive = false;

  setOp(depth: number, only?: 'union all'): Plan {
    const kinds = Array.from({ length: this.int(1, 2) }, () => this.pick(['int', 'str'] as const));
    const side = (): Plan => {
      const p = this.plan(depth - 1);
      return b.project(p, kinds.map((k) => {
        const cols = this.columns(p.schema, k);
        const e = cols.length && this.chance(80) ? this.pick(cols) : k === 'int' ? b.lit(this.int(0, 2)) : b.lit('a');
        return b.named(this.fresh('u'), k === 'int' ? b.coerce(e, i64) : e);
      }));
    };
    if (only) return b.setOp('union', true, side(), side());
    return b.setOp(this.pick(['union', 'union', 'intersect', 'except'] as const), this.chance(50), side(), side());
  }
}
