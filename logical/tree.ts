/**
 * One tree API for plans and scalar expressions (STYLE point 5): `children`, `withChildren`,
 * `transformUp`, `transformDown`, `visit`, plus `expressionsOf` / `mapExpressions` for the
 * scalars a plan node holds. Rewrites return `{ node, changed }`; a callback may also say how
 * to go on (`recursion`): 'continue', 'skip' (do not descend below this node; transformDown
 * only) or 'stop' (leave the rest of the tree as it is).
 *
 * `withChildren` rebuilds a plan through its constructor (logical/plan-build.ts), so every
 * rewrite is validated and the schema re-derived.
 */
import { assertNever, InternalError } from '../errors.js';
import type { Plan, Scalar, SortKey } from './plan.js';
import * as b from './plan-build.js';

export type Recursion = 'continue' | 'skip' | 'stop';

export interface Transformed<T> {
  readonly node: T;
  readonly changed: boolean;
  readonly recursion?: Recursion;
}

export const unchanged = <T>(node: T, recursion?: Recursion): Transformed<T> => (recursion ? { node, changed: false, recursion } : { node, changed: false });
export const changed = <T>(node: T, recursion?: Recursion): Transformed<T> => (recursion ? { node, changed: true, recursion } : { node, changed: true });

const PLAN_KINDS = new Set(['table_scan', 'collection_scan', 'values', 'source', 'filter', 'project', 'join', 'aggregate', 'window', 'sort', 'limit', 'distinct', 'set_op', 'unnest']);

export const isPlan = (n: Plan | Scalar): n is Plan => PLAN_KINDS.has(n.kind);

// ─── Children ───────────────────────────────────────────────────────────────────────────────

export function planChildren(p: Plan): readonly Plan[] {
  switch (p.kind) {
    case 'table_scan':
    case 'collection_scan':
    case 'values':
    case 'source':
      return [];
    case 'join':
    case 'set_op':
      return [p.left, p.right];
    case 'filter':
    case 'project':
    case 'aggregate':
    case 'window':
    case 'sort':
    case 'limit':
    case 'distinct':
    case 'unnest':
      return [p.input];
    default:
      return assertNever(p, 'plan');
  }
}

export function scalarChildren(s: Scalar): readonly Scalar[] {
  switch (s.kind) {
    case 'column':
    case 'literal':
      return [];
    case 'call':
      return s.args;
    case 'case':
      return [...s.whens.flatMap((w) => [w.when, w.then]), ...(s.else ? [s.else] : [])];
    case 'cast':
      return [s.arg];
    case 'in_list':
      return [s.arg, ...s.list];
    default:
      return assertNever(s, 'scalar');
  }
}

/** `p` with new children (same count), rebuilt and validated by its constructor. */
export function withPlanChildren(p: Plan, kids: readonly Plan[]): Plan {
  const want = planChildren(p).length;
  if (kids.length !== want) throw new InternalError(`withChildren: ${p.kind} has ${want} children, got ${kids.length}`);
  if (kids.every((k, i) => k === planChildren(p)[i])) return p;
  const [a, c] = kids as [Plan, Plan];
  switch (p.kind) {
    case 'table_scan':
    case 'collection_scan':
    case 'values':
    case 'source':
      return p;
    case 'filter': return b.filter(a, p.predicate);
    case 'project': return b.project(a, p.exprs);
    case 'join': return b.join(p.type, a, c, joinOptions(p));
    case 'aggregate': return b.aggregate(a, p.groups, p.aggs);
    case 'window': return b.window(a, p.calls);
    case 'sort': return b.sort(a, p.keys);
    case 'limit': return b.limit(a, p.limit, p.offset);
    case 'distinct': return b.distinct(a);
    case 'set_op': return b.setOp(p.op, p.all, a, c);
    case 'unnest': return b.unnest(a, p.list, p.as, { ordinality: p.ordinality, outer: p.outer });
    default: return assertNever(p, 'plan');
  }
}

function joinOptions(p: Plan & { kind: 'join' }): b.JoinOptions {
  return { on: p.on, residual: p.residual, asof: p.asof, ...(p.mark !== null ? { mark: p.mark } : {}), ...(p.asofLeft ? { asofLeft: true } : {}) };
}

/** `s` with new children (same count and order as scalarChildren); the type is kept. */
export function withScalarChildren(s: Scalar, kids: readonly Scalar[]): Scalar {
  const old = scalarChildren(s);
  if (kids.length !== old.length) throw new InternalError(`withChildren: ${s.kind} has ${old.length} children, got ${kids.length}`);
  if (kids.every((k, i) => k === old[i])) return s;
  switch (s.kind) {
    case 'column':
    case 'literal':
      return s;
    case 'call':
      return { ...s, args: kids };
    case 'case': {
      const whens = s.whens.map((_, i) => ({ when: kids[2 * i]!, then: kids[2 * i + 1]! }));
      return { ...s, whens, else: s.else ? kids[kids.length - 1]! : null };
    }
    case 'cast':
      return { ...s, arg: kids[0]! };
    case 'in_list':
      return { ...s, arg: kids[0]!, list: kids.slice(1) };
    default:
      return assertNever(s, 'scalar');
  }
}

export function children(n: Plan): readonly Plan[];
export function children(n: Scalar): readonly Scalar[];
export function children(n: Plan | Scalar): readonly (Plan | Scalar)[] {
  return isPlan(n) ? planChildren(n) : scalarChildren(n);
}

export function withChildren(n: Plan, kids: readonly Plan[]): Plan;
export function withChildren(n: Scalar, kids: readonly Scalar[]): Scalar;
export function withChildren(n: Plan | Scalar, kids: readonly (Plan | Scalar)[]): Plan | Scalar {
  return isPlan(n) ? withPlanChildren(n, kids as Plan[]) : withScalarChildren(n, kids as Scalar[]);
}

// ─── Traversal ──────────────────────────────────────────────────────────────────────────────

interface Ops<T> {
  kids(n: T): readonly T[];
  rebuild(n: T, kids: readonly T[]): T;
}
const planOps: Ops<Plan> = { kids: planChildren, rebuild: withPlanChildren };
const scalarOps: Ops<Scalar> = { kids: scalarChildren, rebuild: withScalarChildren };
const opsOf = <T extends Plan | Scalar>(n: T): Ops<T> => (isPlan(n) ? planOps : scalarOps) as unknown as Ops<T>;

/** Post-order rewrite: children first, then `f` on the rebuilt node. */
export function transformUp<T extends Plan | Scalar>(node: T, f: (n: T) => Transformed<T>): Transformed<T> {
  let stopped = false;
  const ops = opsOf(node);
  const go = (n: T): Transformed<T> => {
    const kids = ops.kids(n);
    let anyChanged = false;
    const next = kids.map((k) => {
      if (stopped) return k;
      const r = go(k);
      anyChanged ||= r.changed;
      return r.node;
    });
    const rebuilt = anyChanged ? ops.rebuild(n, next) : n;
    if (stopped) return { node: rebuilt, changed: anyChanged };
    const r = f(rebuilt);
    if (r.recursion === 'stop') stopped = true;
    return { node: r.node, changed: anyChanged || r.changed };
  };
  const r = go(node);
  return stopped ? { ...r, recursion: 'stop' } : r;
}

/** Pre-order rewrite: `f` on the node, then on the children of its result (unless skipped). */
export function transformDown<T extends Plan | Scalar>(node: T, f: (n: T) => Transformed<T>): Transformed<T> {
  let stopped = false;
  const ops = opsOf(node);
  const go = (n: T): Transformed<T> => {
    const r = f(n);
    if (r.recursion === 'stop') {
      stopped = true;
      return r;
    }
    if (r.recursion === 'skip') return { node: r.node, changed: r.changed };
    let anyChanged = false;
    const next = ops.kids(r.node).map((k) => {
      if (stopped) return k;
      const x = go(k);
      anyChanged ||= x.changed;
      return x.node;
    });
    return { node: anyChanged ? ops.rebuild(r.node, next) : r.node, changed: r.changed || anyChanged };
  };
  const r = go(node);
  return stopped ? { node: r.node, changed: r.changed, recursion: 'stop' } : { node: r.node, changed: r.changed };
}

/** Pre-order walk; `f` returns 'skip' to not descend, 'stop' to end the walk. Returns 'stop' when stopped. */
export function visit<T extends Plan | Scalar>(node: T, f: (n: T) => Recursion | undefined): Recursion {
  const ops = opsOf(node);
  const go = (n: T): Recursion => {
    const r = f(n) ?? 'continue';
    if (r !== 'continue') return r === 'stop' ? 'stop' : 'continue';
    for (const k of ops.kids(n)) if (go(k) === 'stop') return 'stop';
    return 'continue';
  };
  return go(node);
}

// ─── The expressions of a plan node ─────────────────────────────────────────────────────────

/** The scalars a plan node holds itself (not its children's), in a fixed order. */
export function expressionsOf(p: Plan): readonly Scalar[] {
  const keys = (ks: readonly SortKey[]): Scalar[] => ks.map((k) => k.expr);
  switch (p.kind) {
    case 'table_scan': return p.filters;
    case 'collection_scan':
    case 'source':
    case 'limit':
    case 'distinct':
    case 'set_op':
      return [];
    case 'values': return p.rows.flat();
    case 'filter': return [p.predicate];
    case 'project': return p.exprs.map((e) => e.expr);
    case 'join': return [...p.on.flatMap((k) => [k.left, k.right]), ...(p.residual ? [p.residual] : []), ...(p.asof ? [p.asof.left, p.asof.right] : [])];
    case 'aggregate': return [...p.groups.map((g) => g.expr), ...p.aggs.flatMap((a) => [...a.args, ...(a.filter ? [a.filter] : []), ...keys(a.orderBy)])];
    case 'window': return p.calls.flatMap((c) => [...c.args, ...(c.filter ? [c.filter] : []), ...c.partitionBy, ...keys(c.orderBy)]);
    case 'sort': return keys(p.keys);
    case 'unnest': return [p.list];
    default: return assertNever(p, 'plan');
  }
}

/** `p` with each of its own scalars replaced by `f(scalar)` (rebuilt and validated; `p` itself when nothing changed). */
export function mapExpressions(p: Plan, f: (s: Scalar) => Scalar): Plan {
  let any = false;
  const m = (s: Scalar): Scalar => {
    const r = f(s);
    if (r !== s) any = true;
    return r;
  };
  const mk = (ks: readonly SortKey[]): SortKey[] => ks.map((k) => ({ ...k, expr: m(k.expr) }));
  let out: Plan;
  switch (p.kind) {
    case 'table_scan':
      out = { ...p, filters: p.filters.map(m) };
      if (any) out = b.tableScan(p.table, p.columns.map((c, i) => ({ column: c.column, name: c.name, type: p.schema.fields[i]!.type, nullable: p.schema.fields[i]!.nullable })), (out as typeof p).filters);
      break;
    case 'collection_scan':
    case 'source':
    case 'limit':
    case 'distinct':
    case 'set_op':
      return p;
    case 'values': {
      const rows = p.rows.map((r) => r.map(m));
      out = any ? b.values(p.schema.names as string[], rows, p.schema.fields.map((x) => x.type)) : p;
      break;
    }
    case 'filter': out = b.filter(p.input, m(p.predicate)); break;
    case 'project': out = b.project(p.input, p.exprs.map((e) => ({ name: e.name, expr: m(e.expr) }))); break;
    case 'join':
      out = b.join(p.type, p.left, p.right, {
        on: p.on.map((k) => ({ left: m(k.left), right: m(k.right) })),
        residual: p.residual ? m(p.residual) : null,
        asof: p.asof ? { left: m(p.asof.left), right: m(p.asof.right), op: p.asof.op } : null,
        ...(p.mark !== null ? { mark: p.mark } : {}),
        ...(p.asofLeft ? { asofLeft: true } : {}),
      });
      break;
    case 'aggregate':
      out = b.aggregate(p.input, p.groups.map((g) => ({ name: g.name, expr: m(g.expr) })), p.aggs.map((a) => ({ ...a, args: a.args.map(m), filter: a.filter ? m(a.filter) : null, orderBy: mk(a.orderBy) })));
      break;
    case 'window':
      out = b.window(p.input, p.calls.map((c) => ({ ...c, args: c.args.map(m), filter: c.filter ? m(c.filter) : null, partitionBy: c.partitionBy.map(m), orderBy: mk(c.orderBy) })));
      break;
    case 'sort': out = b.sort(p.input, mk(p.keys)); break;
    case 'unnest': out = b.unnest(p.input, m(p.list), p.as, { ordinality: p.ordinality, outer: p.outer }); break;
    default: return assertNever(p, 'plan');
  }
  return any ? out : p;
}

/** Names of the columns a scalar reads. */
export function columnsOf(s: Scalar, out = new Set<string>()): Set<string> {
  visit(s, (n) => {
    if (n.kind === 'column') out.add(n.name);
    return undefined;
  });
  return out;
}

/** The conjuncts of a predicate (nested ANDs flattened). */
export function conjuncts(s: Scalar): Scalar[] {
  return s.kind === 'call' && s.fn === 'and' ? s.args.flatMap(conjuncts) : [s];
}
