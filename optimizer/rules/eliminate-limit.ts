/**
 * eliminate-limit: limits that do nothing or keep nothing.
 *
 *     Limit limit=none          →     TableScan table=t
 *       TableScan table=t
 *
 *     Limit limit=0 offset=3    →     Values columns=[a, b] rows=0
 *       TableScan table=t
 *
 * Always legal: `LIMIT ALL OFFSET 0` passes every row; `LIMIT 0` none (its input is never
 * run — an error the input would raise is not raised, as in DuckDB and PostgreSQL).
 */
import { changed, unchanged } from '../../logical/tree.js';
import { emptyValues, transformPlanUp } from '../plan-util.js';
import type { OptimizerRule } from '../rule.js';

export const eliminateLimit: OptimizerRule = {
  name: 'eliminate-limit',
  description: 'LIMIT ALL OFFSET 0 removed; LIMIT 0 becomes an empty relation',
  rewrite(plan) {
    const r = transformPlanUp(plan, (n) => {
      if (n.kind !== 'limit') return unchanged(n);
      if (n.limit === null && n.offset === 0) return changed(n.input);
      if (n.limit === 0) return changed(emptyValues(n.schema));
      return unchanged(n);
    });
    return { plan: r.node, changed: r.changed };
  },
};
