/**
 * simplify-expressions: constant folding and boolean simplification of every expression, then
 * the plan simplifications they enable.
 *
 *     Filter predicate=((a > (1 + 2)) AND true)          Filter predicate=(a > 3)
 *       Filter predicate=(NOT (NOT (b = 'x')))     →       ... merged: ((b = 'x') AND (a > 3))
 *         TableScan table=t columns=[a, b]                 TableScan table=t columns=[a, b]
 *
 *     Filter predicate=(a > NULL)                  →     Values columns=[a, b] rows=0
 *     Project exprs=[(x + 1) AS y]                 →     Project exprs=[((a * 2) + 1) AS y]
 *       Project exprs=[(a * 2) AS x]                       TableScan ...
 *
 * Expressions (optimizer/expr/simplify.ts): literals folded with the kernels' semantics
 * (NULL-strict functions, no folding of an overflowing or failing constant, which must fail at
 * run time); `x AND true → x`, `x OR false → x`, `x AND false → false`, `x OR true → true`
 * (legal under three-valued logic), `NOT NOT x → x`, `NOT (a < b) → a >= b`, IS [NOT] NULL of a
 * non-nullable column, COALESCE/CASE/IN/CAST on constants. In predicate position (filters,
 * join conditions, scan filters, CASE WHEN) NULL means FALSE, so `x AND NULL → false` and
 * `x OR NULL → x` there only. (A mark join's residual is a predicate position too: its NULL
 * marks come from NULL key comparisons, never from a NULL residual — physical/rel/join-core.ts.)
 *
 * Plans: `Filter(true)` removed; `Filter(false | NULL)` and a scan filter that is false become
 * an empty Values; adjacent filters merge (the inner predicate first); a join condition that is
 * constantly true is dropped, constantly false empties an inner/semi join, turns an anti join
 * into its left input and a mark join into its left input with a FALSE mark; adjacent projects
 * merge.
 *
 * Not legal / not done:
 *  - merging projects when an inner expression is volatile (random()) and not used exactly
 *    once, or is computed (not a column or literal) and used more than once (computed twice);
 *  - `x = x → true`, `x AND NOT x → false` (both NULL on NULL input);
 *  - folding a CAST or an arithmetic constant that fails (it must fail at run time, and only
 *    when a row reaches it);
 *  - a false join condition of a left/right/full/single/asof join (rows survive with NULLs).
 */
import type { Plan, Scalar } from '../../logical/plan.js';
import * as b from '../../logical/plan-build.js';
import { changed, unchanged } from '../../logical/tree.js';
import { columnUses, conjunction, FALSE, isRejectingLit, isTrueLit, isVolatile, replaceColumns } from '../expr/scalars.js';
import { envOf, simplifyPredicate, simplifyScalar } from '../expr/simplify.js';
import { emptyValues, mapExprs, type PlanOf, rebuildJoin, transformPlanUp } from '../plan-util.js';
import type { OptimizerRule } from '../rule.js';

/** The node with its own expressions simplified (predicates in predicate context). */
function simplifyExprs(p: Plan): Plan {
  switch (p.kind) {
    case 'filter': {
      const pred = simplifyPredicate(p.predicate, envOf(p.input.schema));
      return pred === p.predicate ? p : b.filter(p.input, pred);
    }
    case 'table_scan': {
      const env = envOf(p.schema);
      return mapExprs(p, (s) => simplifyPredicate(s, env));
    }
    case 'join': {
      const env = envOf(p.left.schema, p.right.schema);
      const on = p.on.map((k) => ({ left: simplifyScalar(k.left, env), right: simplifyScalar(k.right, env) }));
      // Every join type keeps a pair only when its residual is TRUE (a mark join's NULL comes from its keys).
      const residual = p.residual && simplifyPredicate(p.residual, env);
      if (residual === p.residual && on.every((k, i) => k.left === p.on[i]!.left && k.right === p.on[i]!.right)) return p;
      return rebuildJoin(p, { on, residual });
    }
    default: {
      const kids = p.kind === 'values' ? [] : 'input' in p ? [p.input.schema] : [];
      const env = envOf(...kids);
      return mapExprs(p, (s) => simplifyScalar(s, env));
    }
  }
}

/** Project over project, when no computed inner expression would be evaluated twice. */
function mergeProjects(outer: PlanOf<'project'>, inner: PlanOf<'project'>): Plan | null {
  const uses = columnUses(outer.exprs.map((e) => e.expr));
  const map = new Map<string, Scalar>();
  for (const e of inner.exprs) {
    const trivial = e.expr.kind === 'column' || e.expr.kind === 'literal';
    if (!trivial && (uses.get(e.name) ?? 0) > 1) return null;
    if (isVolatile(e.expr) && (uses.get(e.name) ?? 0) !== 1) return null;
    map.set(e.name, e.expr);
  }
  return b.project(inner.input, outer.exprs.map((e) => ({ name: e.name, expr: replaceColumns(e.expr, map) })));
}

/** Plan simplifications after the node's expressions were simplified. */
function simplifyPlan(p: Plan): Plan {
  switch (p.kind) {
    case 'filter': {
      if (isTrueLit(p.predicate)) return p.input;
      if (isRejectingLit(p.predicate)) return emptyValues(p.schema);
      if (p.input.kind === 'filter') {
        const merged = conjunction([p.input.predicate, p.predicate])!;
        return b.filter(p.input.input, simplifyPredicate(merged, envOf(p.input.input.schema)));
      }
      return p;
    }
    case 'table_scan': {
      if (p.filters.some(isRejectingLit)) return emptyValues(p.schema);
      if (!p.filters.some(isTrueLit)) return p;
      return b.tableScan(p.table, p.columns.map((c, i) => ({ column: c.column, name: c.name, type: p.schema.fields[i]!.type, nullable: p.schema.fields[i]!.nullable })), p.filters.filter((f) => !isTrueLit(f)));
    }
    case 'join': {
      if (p.residual && isTrueLit(p.residual)) return rebuildJoin(p, { residual: null });
      if (p.residual && isRejectingLit(p.residual)) {
        if (p.type === 'inner' || p.type === 'semi') return emptyValues(p.schema);
        if (p.type === 'anti') return p.left;
        if (p.type === 'mark') return b.project(p.left, [...p.left.schema.fields.map((f) => b.named(f.name, b.col(p.left, f.name))), b.named(p.mark ?? 'mark', FALSE)]);
      }
      return p;
    }
    case 'project':
      return p.input.kind === 'project' ? (mergeProjects(p, p.input) ?? p) : p;
    case 'aggregate': {
      if (!p.aggs.some((a) => a.filter && isTrueLit(a.filter))) return p;
      return b.aggregate(p.input, p.groups, p.aggs.map((a) => (a.filter && isTrueLit(a.filter) ? { ...a, filter: null } : a)));
    }
    default:
      return p;
  }
}

export const simplifyExpressions: OptimizerRule = {
  name: 'simplify-expressions',
  description: 'constant folding, boolean simplification, trivial filters, merged filters and projects',
  rewrite(plan) {
    const r = transformPlanUp(plan, (n) => {
      const out = simplifyPlan(simplifyExprs(n));
      return out === n ? unchanged(n) : changed(out);
    });
    return { plan: r.node, changed: r.changed };
  },
};
