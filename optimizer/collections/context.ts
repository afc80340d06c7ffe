/**
 * What a collection rule may consult: the run's configuration and pass, and what storage can
 * evaluate (the planner knows the stored schema; the rules do not import storage).
 */
import type { ScanNode } from '../../logical/collection-plan.js';
import type { Expr } from '../../logical/expr.js';
import type { OptimizerConfig } from '../context.js';

export interface CollectionRuleContext {
  readonly config: OptimizerConfig;
  readonly pass: number;
  /** True when storage can evaluate conjunct `c` exactly while scanning `scan` (zone maps prune first). */
  storable(c: Expr, scan: ScanNode): boolean;
}
