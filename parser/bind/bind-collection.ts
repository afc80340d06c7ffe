/** Collection paths and collection table functions (placeholder until wired). */
import type { Plan } from '../../logical/plan.js';
import type * as Ast from '../ast.js';
import type { BoundFrom } from './bind-from.js';
import type { CatalogDataset } from './catalog.js';
import type { BindContext } from './context.js';
import { BindError } from './diagnostics.js';

export const isCollectionFunction = (r: Ast.TableFunction): boolean => ['timeline', 'resample'].includes(r.name[r.name.length - 1]!.toLowerCase());

export function bindCollection(ctx: BindContext, ds: CatalogDataset | null, rest: readonly string[], r: Ast.TableRef | Ast.TableFunction, left: BoundFrom | null): BoundFrom {
  void ctx; void ds; void rest; void left;
  throw new BindError('sql-unsupported', 'collections are not wired yet', r.span);
}

/** Where a collection INSERT / DELETE goes: a dataset and the collection's path in it. */
export interface CollectionTarget {
  readonly dataset: string;
  readonly path: readonly string[];
  /** Key columns of the collection (as a dataset write expects them). */
  readonly keys: readonly string[];
}

export function bindCollectionInsert(ctx: BindContext, ds: CatalogDataset, rest: readonly string[], s: Ast.Insert, q: { plan: Plan }): { target: CollectionTarget; plan: Plan } {
  void ctx; void ds; void rest; void q;
  throw new BindError('sql-unsupported', 'collections are not wired yet', s.span);
}

export function bindCollectionDelete(ctx: BindContext, ds: CatalogDataset, rest: readonly string[], s: Ast.Delete): { target: CollectionTarget; plan: Plan } {
  void ctx; void ds; void rest;
  throw new BindError('sql-unsupported', 'collections are not wired yet', s.span);
}
