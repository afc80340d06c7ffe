/**
 * AST → SQL text, normalised: one line, upper-case keywords, `AS` before every alias,
 * CAST(…) for every cast, parentheses only where precedence needs them, names quoted only when
 * they must be. Parsing the output gives the same AST again (up to spans):
 * `parse(format(parse(x))) == parse(x)`, which the round-trip tests check.
 */
import { assertNever } from '../errors.js';
import type * as Ast from './ast.js';
import { keywordWords, reservedWords } from './tokens.js';

const KEYWORDS = new Set(keywordWords);
const PLAIN_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** A name as SQL: bare when it lexes as a name, else double-quoted. */
export function formatName(name: string): string {
  if (PLAIN_NAME.test(name) && !KEYWORDS.has(name.toUpperCase())) return name;
  return `"${name.replace(/"/g, '""')}"`;
}

export function formatString(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

const path = (parts: readonly string[]): string => parts.map(formatName).join('.');
const list = <T>(items: readonly T[], f: (item: T) => string): string => items.map(f).join(', ');

// ─── Statements ─────────────────────────────────────────────────────────────────────────────

export function formatStatement(s: Ast.Statement): string {
  switch (s.kind) {
    case 'query':
      return formatQuery(s);
    case 'create-table': {
      const elements = s.columns.map(formatColumn);
      if (s.primaryKey) elements.push(`PRIMARY KEY (${list(s.primaryKey, formatName)})`);
      return `CREATE TABLE ${s.ifNotExists ? 'IF NOT EXISTS ' : ''}${path(s.name)} (${elements.join(', ')})`;
    }
    case 'create-table-as':
      return `CREATE TABLE ${s.ifNotExists ? 'IF NOT EXISTS ' : ''}${path(s.name)} AS ${formatQuery(s.query)}`;
    case 'create-dataset':
      return `CREATE DATASET ${s.ifNotExists ? 'IF NOT EXISTS ' : ''}${path(s.name)} (${list(s.members, formatMember)})`;
    case 'insert':
      return `INSERT INTO ${path(s.table)}${s.columns ? ` (${list(s.columns, formatName)})` : ''} ${formatQuery(s.source)}`;
    case 'delete':
      return `DELETE FROM ${path(s.table)}${s.where ? ` WHERE ${formatExpr(s.where)}` : ''}`;
    case 'drop':
      return `DROP ${s.object.toUpperCase()} ${s.ifExists ? 'IF EXISTS ' : ''}${path(s.name)}`;
    case 'explain': {
      const mode = {
        plain: '',
        verbose: ' VERBOSE',
        analyze: ' ANALYZE',
        data: ' DATA',
        'data-analyze': ' DATA ANALYZE',
      }[s.mode];
      return `EXPLAIN${mode} ${formatStatement(s.statement)}`;
    }
    case 'show-tables':
      return 'SHOW TABLES';
    case 'describe':
      return `DESCRIBE ${path(s.name)}`;
    default:
      return assertNever(s, 'statement');
  }
}

/** Statements joined by `;\n`. */
export function formatSql(statements: readonly Ast.Statement[]): string {
  return statements.map(formatStatement).join(';\n');
}

function formatColumn(c: Ast.ColumnDefinition): string {
  return `${formatName(c.name)} ${formatType(c.type)}${c.notNull ? ' NOT NULL' : ''}${c.primaryKey ? ' PRIMARY KEY' : ''}`;
}

function formatMember(m: Ast.DatasetMember): string {
  if (m.kind === 'column-definition') return formatColumn(m);
  const key = m.key ? ` KEY (_id ${formatType(m.key)})` : '';
  return `${formatName(m.name)} COLLECTION${key} (${list(m.members, formatMember)})`;
}

// ─── Queries ────────────────────────────────────────────────────────────────────────────────

export function formatQuery(q: Ast.Query): string {
  const parts: string[] = [];
  if (q.with.length > 0) {
    const ctes = q.with.map(
      (c) =>
        `${formatName(c.name)}${c.columns.length ? ` (${list(c.columns, formatName)})` : ''} AS (${formatQuery(c.query)})`,
    );
    parts.push(`WITH ${q.recursive ? 'RECURSIVE ' : ''}${ctes.join(', ')}`);
  }
  parts.push(formatBody(q.body));
  if (q.orderBy.length > 0) parts.push(`ORDER BY ${list(q.orderBy, formatOrderItem)}`);
  if (q.limit) parts.push(`LIMIT ${formatExpr(q.limit)}`);
  if (q.offset) parts.push(`OFFSET ${formatExpr(q.offset)}`);
  return parts.join(' ');
}

function formatBody(b: Ast.QueryBody): string {
  switch (b.kind) {
    case 'select':
      return formatSelect(b);
    case 'values':
      return `VALUES ${b.rows.map((r) => `(${list(r, formatExpr)})`).join(', ')}`;
    case 'set-operation':
      return `${formatBody(b.left)} ${b.op.toUpperCase()}${b.all ? ' ALL' : ''} ${formatBody(b.right)}`;
    case 'query':
      return `(${formatQuery(b)})`;
    default:
      return assertNever(b, 'query body');
  }
}

function formatSelect(s: Ast.Select): string {
  const parts = [`SELECT ${s.distinct ? 'DISTINCT ' : ''}${list(s.items, formatSelectItem)}`];
  if (s.from.length > 0) parts.push(`FROM ${list(s.from, formatRelation)}`);
  if (s.where) parts.push(`WHERE ${formatExpr(s.where)}`);
  if (s.groupBy) parts.push(`GROUP BY ${s.groupBy.kind === 'group-by-all' ? 'ALL' : list(s.groupBy.keys, formatExpr)}`);
  if (s.having) parts.push(`HAVING ${formatExpr(s.having)}`);
  if (s.windows.length > 0)
    parts.push(`WINDOW ${list(s.windows, (w) => `${formatName(w.name)} AS ${formatWindow(w.window)}`)}`);
  if (s.qualify) parts.push(`QUALIFY ${formatExpr(s.qualify)}`);
  return parts.join(' ');
}

function formatSelectItem(item: Ast.SelectItem): string {
  if (item.kind === 'expr-item')
    return `${formatExpr(item.expr)}${item.alias === null ? '' : ` AS ${formatName(item.alias)}`}`;
  const star = item.qualifier.length > 0 ? `${path(item.qualifier)}.*` : '*';
  return `${star}${item.exclude.length > 0 ? ` EXCLUDE (${list(item.exclude, formatName)})` : ''}`;
}

function formatOrderItem(o: Ast.OrderItem): string {
  return `${formatExpr(o.expr)}${o.direction ? ` ${o.direction.toUpperCase()}` : ''}${o.nulls ? ` NULLS ${o.nulls.toUpperCase()}` : ''}`;
}

function formatAlias(a: Ast.TableAlias | null): string {
  if (a === null) return '';
  return ` AS ${formatName(a.name)}${a.columns.length > 0 ? ` (${list(a.columns, formatName)})` : ''}`;
}

function formatRelation(r: Ast.Relation): string {
  switch (r.kind) {
    case 'table': {
      const asOf = r.asOf ? ` AS OF ${r.asOf.by === 'version' ? 'VERSION ' : ''}${formatExpr(r.asOf.value)}` : '';
      return `${path(r.path)}${asOf}${formatAlias(r.alias)}`;
    }
    case 'table-function':
      return `${path(r.name)}(${list(r.args, formatArg)})${formatAlias(r.alias)}`;
    case 'subquery-relation':
      return `(${formatQuery(r.query)})${formatAlias(r.alias)}`;
    case 'join': {
      const right = r.right.kind === 'join' ? `(${formatRelation(r.right)})` : formatRelation(r.right);
      const type = { inner: 'JOIN', left: 'LEFT JOIN', right: 'RIGHT JOIN', full: 'FULL JOIN', cross: 'CROSS JOIN' }[
        r.type
      ];
      let condition = '';
      if (r.condition?.kind === 'on') condition = ` ON ${formatExpr(r.condition.expr)}`;
      else if (r.condition?.kind === 'using') condition = ` USING (${list(r.condition.columns, formatName)})`;
      return `${formatRelation(r.left)} ${r.asof ? 'ASOF ' : ''}${type} ${right}${condition}`;
    }
    default:
      return assertNever(r, 'relation');
  }
}

// ─── Expressions ────────────────────────────────────────────────────────────────────────────

/** Binding strength, loosest first (the grammar's levels). */
const Prec = {
  Or: 1,
  And: 2,
  Not: 3,
  Predicate: 4,
  Concat: 5,
  Additive: 6,
  Multiplicative: 7,
  Unary: 8,
  Postfix: 9,
  Primary: 10,
} as const;
type Prec = (typeof Prec)[keyof typeof Prec];

const BINARY_PREC: Record<Ast.BinaryOp, Prec> = {
  or: Prec.Or,
  and: Prec.And,
  '=': Prec.Predicate,
  '<>': Prec.Predicate,
  '<': Prec.Predicate,
  '<=': Prec.Predicate,
  '>': Prec.Predicate,
  '>=': Prec.Predicate,
  '||': Prec.Concat,
  '+': Prec.Additive,
  '-': Prec.Additive,
  '*': Prec.Multiplicative,
  '/': Prec.Multiplicative,
  '%': Prec.Multiplicative,
};

function precedence(e: Ast.Expr): Prec {
  switch (e.kind) {
    case 'binary':
      return BINARY_PREC[e.op];
    case 'unary':
      return e.op === 'not' ? Prec.Not : Prec.Unary;
    case 'is-null':
    case 'is-distinct-from':
    case 'between':
    case 'in-list':
    case 'in-subquery':
    case 'like':
      return Prec.Predicate;
    case 'field':
    case 'index':
      return Prec.Postfix;
    default:
      return Prec.Primary;
  }
}

/** `e` as SQL, parenthesised when it binds looser than its position needs (`min`). */
export function formatExpr(e: Ast.Expr, min: number = Prec.Or): string {
  const text = formatBare(e);
  return precedence(e) < min ? `(${text})` : text;
}

function formatBare(e: Ast.Expr): string {
  const p = Prec.Predicate;
  const not = (negated: boolean): string => (negated ? 'NOT ' : '');
  switch (e.kind) {
    case 'column':
      return path(e.path);
    case 'number':
      return e.text;
    case 'string':
      return formatString(e.value);
    case 'boolean':
      return e.value ? 'TRUE' : 'FALSE';
    case 'null':
      return 'NULL';
    case 'interval':
      return `INTERVAL ${formatString(e.value)}${e.unit ? ` ${e.unit.toUpperCase()}` : ''}`;
    case 'array':
      return `[${list(e.elements, (x) => formatExpr(x))}]`;
    case 'parameter':
      return `$${e.index}`;
    case 'unary': {
      if (e.op === 'not') return `NOT ${formatExpr(e.operand, Prec.Not)}`;
      const operand = formatExpr(e.operand, Prec.Unary);
      // `- -x`, never `--x` (a comment).
      return `${e.op}${operand.startsWith('-') || operand.startsWith('+') ? ' ' : ''}${operand}`;
    }
    case 'binary': {
      const prec = BINARY_PREC[e.op];
      return `${formatExpr(e.left, prec)} ${e.op.toUpperCase()} ${formatExpr(e.right, prec + 1)}`;
    }
    case 'is-null':
      return `${formatExpr(e.operand, p)} IS ${not(e.negated)}NULL`;
    case 'is-distinct-from':
      return `${formatExpr(e.left, p)} IS ${not(e.negated)}DISTINCT FROM ${formatExpr(e.right, p + 1)}`;
    case 'between':
      return `${formatExpr(e.operand, p)} ${not(e.negated)}BETWEEN ${formatExpr(e.low, p + 1)} AND ${formatExpr(e.high, p + 1)}`;
    case 'in-list':
      return `${formatExpr(e.operand, p)} ${not(e.negated)}IN (${list(e.list, (x) => formatExpr(x))})`;
    case 'in-subquery':
      return `${formatExpr(e.operand, p)} ${not(e.negated)}IN (${formatQuery(e.query)})`;
    case 'like': {
      const escape = e.escape ? ` ESCAPE ${formatExpr(e.escape, p + 1)}` : '';
      return `${formatExpr(e.operand, p)} ${not(e.negated)}${e.caseInsensitive ? 'ILIKE' : 'LIKE'} ${formatExpr(e.pattern, p + 1)}${escape}`;
    }
    case 'exists':
      return `EXISTS (${formatQuery(e.query)})`;
    case 'subquery':
      return `(${formatQuery(e.query)})`;
    case 'case': {
      const whens = e.whens.map((w) => ` WHEN ${formatExpr(w.when)} THEN ${formatExpr(w.then)}`).join('');
      return `CASE${e.operand ? ` ${formatExpr(e.operand)}` : ''}${whens}${e.else ? ` ELSE ${formatExpr(e.else)}` : ''} END`;
    }
    case 'cast':
      return `${e.try ? 'TRY_CAST' : 'CAST'}(${formatExpr(e.operand)} AS ${formatType(e.type)})`;
    case 'call':
      return formatCall(e);
    case 'field':
      return `${formatPostfixOperand(e.operand)}.${formatName(e.field)}`;
    case 'index':
      return `${formatPostfixOperand(e.operand)}[${formatExpr(e.index)}]`;
    default:
      return assertNever(e, 'expression');
  }
}

/** The operand of `.field` / `[i]`: a bare name path or number would read differently, so they get parentheses. */
function formatPostfixOperand(e: Ast.Expr): string {
  if (e.kind === 'column' || e.kind === 'number') return `(${formatBare(e)})`;
  return formatExpr(e, Prec.Postfix);
}

function formatArg(a: Ast.FunctionArg): string {
  // Any plain word, keywords included, names an argument: `on => x`.
  const name = a.name === null ? '' : `${PLAIN_NAME.test(a.name) ? a.name : formatName(a.name)} => `;
  return `${name}${formatExpr(a.value)}`;
}

function formatCall(c: Ast.FunctionCall): string {
  let args = c.star ? '*' : `${c.distinct ? 'DISTINCT ' : ''}${list(c.args, formatArg)}`;
  if (c.orderBy.length > 0) args += ` ORDER BY ${list(c.orderBy, formatOrderItem)}`;
  const filter = c.filter ? ` FILTER (WHERE ${formatExpr(c.filter)})` : '';
  const over = c.over ? ` OVER ${formatWindow(c.over)}` : '';
  return `${formatName(c.name)}(${args})${filter}${over}`;
}

function formatWindow(w: Ast.WindowSpec): string {
  const parts: string[] = [];
  if (w.base !== null) parts.push(formatName(w.base));
  if (w.partitionBy.length > 0) parts.push(`PARTITION BY ${list(w.partitionBy, (x) => formatExpr(x))}`);
  if (w.orderBy.length > 0) parts.push(`ORDER BY ${list(w.orderBy, formatOrderItem)}`);
  if (w.frame) {
    const f = w.frame;
    const units = f.units.toUpperCase();
    parts.push(
      f.end ? `${units} BETWEEN ${formatBound(f.start)} AND ${formatBound(f.end)}` : `${units} ${formatBound(f.start)}`,
    );
  }
  return `(${parts.join(' ')})`;
}

function formatBound(b: Ast.FrameBound): string {
  switch (b.kind) {
    case 'unbounded-preceding':
      return 'UNBOUNDED PRECEDING';
    case 'unbounded-following':
      return 'UNBOUNDED FOLLOWING';
    case 'current-row':
      return 'CURRENT ROW';
    case 'preceding':
      return `${formatExpr(b.offset)} PRECEDING`;
    case 'following':
      return `${formatExpr(b.offset)} FOLLOWING`;
    default:
      return assertNever(b, 'frame bound');
  }
}

// ─── Types ──────────────────────────────────────────────────────────────────────────────────

const TIME_ZONE = ' WITH TIME ZONE';

export function formatType(t: Ast.TypeName): string {
  switch (t.kind) {
    case 'simple-type': {
      const zoned = t.name.endsWith(TIME_ZONE);
      const base = zoned ? t.name.slice(0, -TIME_ZONE.length) : t.name;
      const name = PLAIN_NAME.test(base) && !reservedWords.has(base) ? base : `"${base.replace(/"/g, '""')}"`;
      return `${name}${t.params.length > 0 ? `(${t.params.join(', ')})` : ''}${zoned ? TIME_ZONE : ''}`;
    }
    case 'list-type':
      return `${formatType(t.element)}[]`;
    case 'array-type':
      return `${formatType(t.element)}[${t.size}]`;
    case 'struct-type':
      return `STRUCT(${list(t.fields, (f) => `${formatName(f.name)} ${formatType(f.type)}`)})`;
    case 'map-type':
      return `MAP(${formatType(t.key)}, ${formatType(t.value)})`;
    default:
      return assertNever(t, 'type');
  }
}
