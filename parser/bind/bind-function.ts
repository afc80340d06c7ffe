/**
 * Scalar function calls. Aggregates and window calls reach this point only where they are not
 * allowed (the SELECT binder intercepts them elsewhere). A few names are rewritten here:
 * `if(c, a, b)` / `iif` → CASE, `year(x)`, `month(x)`, … → `date_part('year', x)`, … (as in
 * DuckDB), `count(*)` outside aggregation → an error naming the clause. An unknown name is
 * reported before the arguments are bound (an unknown aggregate would otherwise surface as a
 * GROUP BY error about its argument).
 */
import { canonicalName, isAggregateFunction, listFunctions, lookupFunction, T } from '../../logical/functions.js';
import type { Scalar } from '../../logical/plan.js';
import { call, caseWhen, lit } from '../../logical/plan-build.js';
import type * as Ast from '../ast.js';
import { bindExpr, type ExprEnv, isAggregateCall } from './bind-expr.js';
import { BindError, unknownName } from './diagnostics.js';

/** `year(x)` and the other part functions of DuckDB: the date_part field each reads. */
const DATE_PARTS: Readonly<Record<string, string>> = {
  year: 'year', month: 'month', day: 'day', hour: 'hour', minute: 'minute', second: 'second', quarter: 'quarter',
  dayofweek: 'dow', weekday: 'dow', isodow: 'isodow', dayofmonth: 'day', dayofyear: 'doy', week: 'week', weekofyear: 'week', yearweek: 'yearweek', decade: 'decade', century: 'century',
};

export function bindCall(env: ExprEnv, e: Ast.FunctionCall): Scalar {
  const name = e.name.toLowerCase();
  if (e.over) throw new BindError('sql-invalid', `window function ${e.name} is not allowed in ${env.clause}`, e.span);
  if (isAggregateCall(e)) throw new BindError('sql-group-by', `aggregate function ${e.name} is not allowed in ${env.clause}`, e.span);
  if (e.distinct || e.orderBy.length > 0 || e.filter) {
    throw new BindError('sql-invalid', `DISTINCT, ORDER BY and FILTER apply only to aggregate functions, not to ${e.name}`, e.span);
  }
  const named = e.args.find((a) => a.name !== null);
  if (named) throw new BindError('sql-invalid', `${e.name} takes no named argument (${named.name} =>)`, named.value.span);
  const part = DATE_PARTS[name];
  const rewritten = name === 'if' || name === 'iif' || part !== undefined;
  if (!rewritten && !lookupFunction('scalar', name)) {
    if (isAggregateFunction(name) || lookupFunction('window', name)) {
      throw new BindError('sql-invalid', `${e.name} is an aggregate or window function: use it with GROUP BY or OVER (…)`, e.span);
    }
    const all = [...listFunctions().map((f) => f.name), ...Object.keys(DATE_PARTS)];
    throw unknownName('sql-unknown-function', `unknown function ${e.name}`, canonicalName(name), all, e.span);
  }
  const args = e.args.map((a) => bindExpr(env, a.value));
  if (name === 'if' || name === 'iif') {
    if (args.length !== 3) throw new BindError('sql-type-mismatch', `${name} takes 3 arguments (condition, then, else), got ${args.length}`, e.span);
    return caseWhen([{ when: args[0]!, then: args[1]! }], args[2]!);
  }
  if (part !== undefined) {
    if (args.length !== 1) throw new BindError('sql-type-mismatch', `${name} takes 1 argument (a date or timestamp), got ${args.length}`, e.span);
    return call('date_part', [lit(part, T.utf8), args[0]!]);
  }
  return call(name, args);
}
