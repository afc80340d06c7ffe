/**
 * Aggregate → HashAggregate. A Project directly below is inlined (its expressions substituted
 * into the groups and arguments, so no intermediate batch is built), and a Filter then below
 * (logical, or a scan's pushed filters) is fused in as the aggregate's prefilter (no copy of
 * the filtered rows; lower/fuse.ts).
 */
import type { AggregateCall, NamedScalar, Plan, Scalar } from '../../logical/plan.js';
import { transformUp } from '../../logical/tree.js';
import type { PhysicalOperator } from '../operator.js';
import { physicalSchema } from '../rel/common.js';
import { HashAggregateOp } from '../rel/hash-aggregate.js';
import { lowerFiltered, needing } from './fuse.js';
import type { Recurse } from './types.js';

/** `s` with references to a project's outputs replaced by their expressions. */
export function inline(s: Scalar, exprs: ReadonlyMap<string, Scalar>): Scalar {
  return transformUp(s, (n) => (n.kind === 'column' && exprs.has(n.name) ? { node: exprs.get(n.name)!, changed: true } : { node: n, changed: false })).node;
}

export function lowerAggregate(p: Plan & { kind: 'aggregate' }, recurse: Recurse): PhysicalOperator {
  const schema = physicalSchema(p.schema);
  let input = p.input;
  let groups: readonly NamedScalar[] = p.groups;
  let aggs: readonly AggregateCall[] = p.aggs;
  if (input.kind === 'project') {
    const m = new Map(input.exprs.map((e) => [e.name, e.expr]));
    groups = groups.map((g) => ({ name: g.name, expr: inline(g.expr, m) }));
    aggs = aggs.map((a) => ({
      ...a,
      args: a.args.map((x) => inline(x, m)),
      filter: a.filter ? inline(a.filter, m) : null,
      orderBy: a.orderBy.map((k) => ({ ...k, expr: inline(k.expr, m) })),
    }));
    input = input.input;
  }
  const need = needing(new Set(), [...groups.map((g) => g.expr), ...aggs.flatMap((a) => [...a.args, a.filter, ...a.orderBy.map((k) => k.expr)])]);
  const { input: child, predicate } = lowerFiltered(input, recurse, need);
  return new HashAggregateOp(child, groups, aggs, schema, predicate);
}
