/**
 * eliminate-identity-project: a Project that outputs exactly its input's columns, same names,
 * same order, is removed.
 *
 *     Project exprs=[a, b]          →     TableScan table=t columns=[a, b]
 *       TableScan table=t columns=[a, b]
 *
 * Not legal: a project that renames (`a AS x`), reorders, drops or computes a column. (The
 * node's schema may differ from its input's in nullability only, which rules may change.)
 */
import { changed, unchanged } from '../../logical/tree.js';
import { transformPlanUp } from '../plan-util.js';
import type { OptimizerRule } from '../rule.js';

export const eliminateIdentityProject: OptimizerRule = {
  name: 'eliminate-identity-project',
  description: 'projects that output their input unchanged are removed',
  rewrite(plan) {
    const r = transformPlanUp(plan, (n) => {
      if (n.kind !== 'project') return unchanged(n);
      const fields = n.input.schema.fields;
      const identity = n.exprs.length === fields.length && n.exprs.every((e, i) => e.expr.kind === 'column' && e.expr.name === fields[i]!.name && e.name === e.expr.name);
      return identity ? changed(n.input) : unchanged(n);
    });
    return { plan: r.node, changed: r.changed };
  },
};
