/**
 * Plan helpers shared by the rules: empty relations, rebuilding nodes with new fields, and a
 * plan traversal that keeps `sort.fetch`.
 *
 * Why a traversal of its own: logical/tree.ts rebuilds a node through plan-build's
 * constructors, and `sort()` there does not know the optional `fetch` (top-N) field the
 * optimizer records, so a rewrite below a top-N would silently drop it. These wrappers keep it;
 * everything else delegates to logical/tree.ts.
 */
import type { Schema } from 'apache-arrow';

import type { Plan, Scalar, SortKey } from '../logical/plan.js';
import * as b from '../logical/plan-build.js';
import { mapExpressions, planChildren, type Recursion, type Transformed, withPlanChildren } from '../logical/tree.js';

export type PlanOf<K extends Plan['kind']> = Plan & { kind: K };

/** A relation with `schema`'s names and types and no rows. */
export function emptyValues(schema: Schema): Plan {
  return b.values(schema.names as string[], [], schema.fields.map((f) => f.type));
}

export const isEmptyValues = (p: Plan): boolean => p.kind === 'values' && p.rows.length === 0;

/** A sort with an optional top-N `fetch`. */
export function sortWith(input: Plan, keys: readonly SortKey[], fetch: number | undefined): Plan {
  const s = b.sort(input, keys);
  return fetch === undefined ? s : { ...(s as PlanOf<'sort'>), fetch };
}

/** `p` with new children, keeping `sort.fetch` (see the module comment). */
export function withKids(p: Plan, kids: readonly Plan[]): Plan {
  const out = withPlanChildren(p, kids);
  return p.kind === 'sort' && p.fetch !== undefined && out !== p ? { ...(out as PlanOf<'sort'>), fetch: p.fetch } : out;
}

/** logical/tree.ts `mapExpressions`, keeping `sort.fetch`. */
export function mapExprs(p: Plan, f: (s: Scalar) => Scalar): Plan {
  const out = mapExpressions(p, f);
  return p.kind === 'sort' && p.fetch !== undefined && out !== p ? { ...(out as PlanOf<'sort'>), fetch: p.fetch } : out;
}

export interface JoinParts {
  readonly type: PlanOf<'join'>['type'];
  readonly left: Plan;
  readonly right: Plan;
  readonly on: PlanOf<'join'>['on'];
  readonly residual: Scalar | null;
}

/** The join `p` with some of its parts replaced (asof, mark and asofLeft kept). */
export function rebuildJoin(p: PlanOf<'join'>, parts: Partial<JoinParts>): Plan {
  const type = parts.type ?? p.type;
  return b.join(type, parts.left ?? p.left, parts.right ?? p.right, {
    on: parts.on ?? p.on,
    residual: parts.residual === undefined ? p.residual : parts.residual,
    asof: p.asof,
    ...(p.mark !== null ? { mark: p.mark } : {}),
    ...(p.asofLeft ? { asofLeft: true } : {}),
  });
}

/** Post-order plan rewrite (logical/tree.ts `transformUp` semantics), keeping `sort.fetch`. */
export function transformPlanUp(node: Plan, f: (n: Plan) => Transformed<Plan>): Transformed<Plan> {
  const kids = planChildren(node);
  let any = false;
  const next = kids.map((k) => {
    const r = transformPlanUp(k, f);
    any ||= r.changed;
    return r.node;
  });
  const r = f(any ? withKids(node, next) : node);
  return { node: r.node, changed: any || r.changed };
}

/** Pre-order plan rewrite: `f`, then the children of its result unless it says 'skip' (or 'stop', which here only stops below that node). Keeps `sort.fetch`. */
export function transformPlanDown(node: Plan, f: (n: Plan) => Transformed<Plan>): Transformed<Plan> {
  const r = f(node);
  if (r.recursion === 'skip' || r.recursion === 'stop') return { node: r.node, changed: r.changed };
  const kids = planChildren(r.node);
  let any = false;
  const next = kids.map((k) => {
    const x = transformPlanDown(k, f);
    any ||= x.changed;
    return x.node;
  });
  return { node: any ? withKids(r.node, next) : r.node, changed: r.changed || any };
}

export type { Recursion };
