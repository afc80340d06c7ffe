/**
 * Null rejection: a predicate rejects the nulls of a set of columns when it is FALSE or NULL on
 * every row where all those columns are NULL. A WHERE predicate that rejects the nulls of an
 * outer join's null-extended side removes every null-extended row, so the outer join may become
 * an inner one (or a full join a left/right one).
 *
 * Decided by substitution: the columns become NULL literals and the predicate is simplified
 * (expr/simplify.ts, predicate context); it rejects when it folds to FALSE or NULL. Sound
 * because the simplifier only folds what holds on every row; incomplete where folding stops
 * (an unknown function of a NULL stays unknown, so the join stays outer).
 */
import type { Schema } from 'apache-arrow';

import type { Scalar } from '../../logical/plan.js';
import { replaceColumns, isRejectingLit, nullOf } from './scalars.js';
import { simplifyPredicate } from './simplify.js';

/** Whether `pred` is FALSE or NULL whenever every column of `side` is NULL. */
export function rejectsNullsOf(pred: Scalar, side: Schema): boolean {
  const map = new Map(side.fields.map((f) => [f.name, nullOf(f.type)] as const));
  return isRejectingLit(simplifyPredicate(replaceColumns(pred, map)));
}
