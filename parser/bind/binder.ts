/**
 * The binder's entry point: one parsed statement → a BoundStatement (logical plans and what a
 * statement changes), against a read-only catalog view and bound parameter values. Errors are
 * PlanErrors with a stable code (`sql-unknown-column`, `sql-type-mismatch`, …), the line:column
 * of the offending text and a caret excerpt; several are collected before failing.
 */
import type { Statement } from '../ast.js';
import { bindStatementIn, type BoundStatement } from './bind-statement.js';
import type { BindCatalog } from './catalog.js';
import { BindContext } from './context.js';
import { placeError } from './diagnostics.js';

export interface BindOptions {
  readonly catalog: BindCatalog;
  /** Values of `$1`, `$2`, … (or the `?`s in order). */
  readonly params?: readonly unknown[];
  /** The SQL text the statement was parsed from (for caret excerpts). */
  readonly text: string;
}

export function bindStatement(stmt: Statement, opts: BindOptions): BoundStatement {
  const ctx = new BindContext(opts.catalog, opts.params ?? [], opts.text);
  try {
    const bound = bindStatementIn(ctx, stmt);
    ctx.diagnostics.check();
    return bound;
  } catch (e) {
    if (ctx.diagnostics.list.length > 0 && !(e instanceof Error && 'details' in e && (e as { details: Record<string, unknown> }).details['diagnostics'])) {
      // Errors collected so far come first; the one that stopped binding is placed with them.
      const placed = placeError(opts.text, e, stmt.span);
      if (placed instanceof Error && 'details' in placed) {
        const more = (placed as { details: Record<string, unknown> }).details['diagnostics'];
        if (Array.isArray(more)) for (const d of more) ctx.diagnostics.list.push(d as never);
        ctx.diagnostics.check();
      }
    }
    throw placeError(opts.text, e, stmt.span);
  }
}

export type { BoundStatement } from './bind-statement.js';
export type { BindCatalog, CatalogColumn, CatalogTable, CatalogDataset, AsOfValue } from './catalog.js';
