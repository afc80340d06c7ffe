/**
 * Name scopes: the columns a FROM clause makes visible, each with the table (alias) that
 * qualifies it and the plan expression it stands for (usually a column of the plan under
 * construction; for a USING column of a FULL join, `coalesce(l.k, r.k)`).
 *
 * Names compare case-insensitively (as in DuckDB). An unqualified name must match exactly one
 * column; `t.c` matches column c of table t; `s.t.c` of the table whose path ends with s.t;
 * trailing parts beyond a column are struct fields.
 */
import type { Scalar } from '../../logical/plan.js';
import { BindError, unknownName } from './diagnostics.js';
import type { SourceSpan } from '../ast.js';

export interface ScopeColumn {
  /** The alias or table name qualifying this column (null: none, e.g. a merged USING column). */
  readonly table: string | null;
  /** The full name path of the table (a qualifier may name a suffix of it). */
  readonly tablePath?: readonly string[];
  readonly name: string;
  readonly expr: Scalar;
  /** Not part of `*`. */
  readonly hidden?: boolean;
  /** Only found by a qualified name (the inputs of a merged USING column). */
  readonly qualifiedOnly?: boolean;
  /** Hidden from `*` but part of `t.*` (an ancestor collection's fields). */
  readonly inQualifiedStar?: boolean;
}

export const sameName = (a: string, b: string): boolean => a.toLowerCase() === b.toLowerCase();

function qualifierMatches(c: ScopeColumn, q: readonly string[]): boolean {
  if (c.table === null) return false;
  if (q.length === 1) return sameName(c.table, q[0]!);
  const path = c.tablePath ?? [c.table];
  if (q.length > path.length) return false;
  const tail = path.slice(path.length - q.length);
  return tail.every((p, i) => sameName(p, q[i]!));
}

export interface Resolved {
  readonly column: ScopeColumn;
  /** Struct fields to extract after the column. */
  readonly fields: readonly string[];
}

/** A name that exists but is not a column of the scope until used (a collection's fields): for "did you mean". */
export interface KnownName {
  readonly table: string;
  readonly name: string;
}

export class Scope {
  constructor(
    readonly columns: readonly ScopeColumn[],
    /** Names suggested for misspellings besides the columns (a collection scan's unused fields). */
    readonly known: readonly KnownName[] = [],
  ) {}

  static empty(): Scope {
    return new Scope([]);
  }

  concat(other: Scope): Scope {
    return new Scope([...this.columns, ...other.columns], [...this.known, ...other.known]);
  }

  /** Qualifiers of the tables in scope, in order (for `t.*` and messages). */
  tables(): string[] {
    const out: string[] = [];
    for (const c of this.columns) if (c.table !== null && !out.some((t) => sameName(t, c.table!))) out.push(c.table);
    return out;
  }

  /**
   * The column a name path refers to, or undefined when nothing matches; 'sql-ambiguous' when
   * several columns match equally well.
   */
  lookup(path: readonly string[], span: SourceSpan | null): Resolved | undefined {
    // Longest qualifier first: `t.c` before the struct field `t`.`c`.
    for (let k = Math.min(path.length - 1, 3); k >= 1; k--) {
      const q = path.slice(0, k);
      const name = path[k]!;
      const hits = this.columns.filter((c) => qualifierMatches(c, q) && sameName(c.name, name));
      if (hits.length > 0) return { column: this.unique(hits, path.slice(0, k + 1), span), fields: path.slice(k + 1) };
    }
    const hits = this.columns.filter((c) => !c.qualifiedOnly && sameName(c.name, path[0]!));
    if (hits.length > 0) return { column: this.unique(hits, path.slice(0, 1), span), fields: path.slice(1) };
    return undefined;
  }

  private unique(hits: readonly ScopeColumn[], path: readonly string[], span: SourceSpan | null): ScopeColumn {
    const distinct = hits.filter((h, i) => hits.findIndex((x) => x.expr === h.expr || (x.expr.kind === 'column' && h.expr.kind === 'column' && x.expr.name === h.expr.name)) === i);
    if (distinct.length > 1) {
      const where = distinct.map((h) => (h.table ? `${h.table}.${h.name}` : h.name)).join(', ');
      throw new BindError('sql-ambiguous', `column reference "${path.join('.')}" is ambiguous: it could be ${where}`, span);
    }
    return distinct[0]!;
  }

  /** An 'sql-unknown-column' error for `path`, suggesting the closest visible name. */
  unknown(path: readonly string[], span: SourceSpan | null, extra: readonly string[] = []): BindError {
    const last = path[path.length - 1]!;
    const q = path.slice(0, -1);
    const knownHere = (k: KnownName): boolean => q.length === 0 || sameName(k.table, q[q.length - 1]!);
    if (q.length > 0 && !this.columns.some((c) => qualifierMatches(c, q)) && !this.known.some(knownHere)) {
      const tables = [...new Set([...this.tables(), ...this.known.map((k) => k.table)])];
      return unknownName('sql-unknown-column', `no table "${q.join('.')}" in scope for "${path.join('.')}"${tables.length ? ` (tables: ${tables.join(', ')})` : ''}`, q[q.length - 1]!, tables, span);
    }
    const knownNames = this.known.filter(knownHere).map((k) => k.name);
    const candidates = q.length > 0 ? [...this.columns.filter((c) => qualifierMatches(c, q)).map((c) => c.name), ...knownNames] : [...this.columns.map((c) => c.name), ...knownNames, ...extra];
    return unknownName('sql-unknown-column', `no column "${path.join('.')}"${q.length ? '' : ' in scope'}`, last, candidates, span);
  }

  /** Columns of `*` (or `t.*`), minus EXCLUDE names. */
  star(qualifier: readonly string[], exclude: readonly string[], span: SourceSpan): ScopeColumn[] {
    let cols = this.columns.filter((c) => !c.hidden);
    if (qualifier.length > 0) {
      cols = this.columns.filter((c) => !c.hidden || c.qualifiedOnly || c.inQualifiedStar).filter((c) => qualifierMatches(c, qualifier));
      if (cols.length === 0) {
        throw unknownName('sql-unknown-table', `no table "${qualifier.join('.')}" in FROM for ${qualifier.join('.')}.*`, qualifier[qualifier.length - 1]!, this.tables(), span);
      }
    }
    for (const x of exclude) {
      if (!cols.some((c) => sameName(c.name, x))) throw unknownName('sql-unknown-column', `EXCLUDE names "${x}", which * does not include`, x, cols.map((c) => c.name), span);
    }
    return cols.filter((c) => !exclude.some((x) => sameName(x, c.name)));
  }
}
