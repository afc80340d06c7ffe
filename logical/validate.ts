/**
 * Invariant checks of relational plans (logical/plan.ts), run after every optimizer rule in
 * tests and debug builds:
 *  1. every column reference names a column of the node's input schema(s), with its type;
 *  2. output names of every node are unique;
 *  3. a node's stored schema equals the one its constructor derives (so a rewrite that
 *     edits nodes by hand cannot leave a stale schema);
 *  4. every call's type is what the function registry resolves for its argument types.
 * `checkSchemaPreserved` is invariant 3 of plan.ts: a rewrite keeps the node's schema.
 */
import type { Schema } from 'apache-arrow';

import { EngineError, InternalError } from '../errors.js';
import { formatNode, formatScalar } from './display.js';
import { resolveFunction, sameType, typeName } from './functions.js';
import type { Plan, Scalar } from './plan.js';
import * as b from './plan-build.js';
import { expressionsOf, planChildren, visit } from './tree.js';

/** The node rebuilt by its constructor from its own fields (throws what the constructor throws). */
function rebuild(p: Plan): Plan {
  switch (p.kind) {
    case 'table_scan':
      return b.tableScan(p.table, p.columns.map((c, i) => ({ column: c.column, name: c.name, type: p.schema.fields[i]!.type, nullable: p.schema.fields[i]!.nullable })), p.filters);
    case 'collection_scan':
      return b.collectionScan(p.dataset, p.items, p.schema.fields, p.where, p.asof);
    case 'values':
      return b.values(p.schema.names as string[], p.rows, p.schema.fields.map((f) => f.type));
    case 'source':
      return b.source(p.describe, p.schema, p.open);
    case 'filter': return b.filter(p.input, p.predicate);
    case 'project': return b.project(p.input, p.exprs);
    case 'join':
      return b.join(p.type, p.left, p.right, { on: p.on, residual: p.residual, asof: p.asof, ...(p.mark !== null ? { mark: p.mark } : {}), ...(p.asofLeft ? { asofLeft: true } : {}) });
    case 'aggregate': return b.aggregate(p.input, p.groups, p.aggs);
    case 'window': return b.window(p.input, p.calls);
    case 'sort': return b.sort(p.input, p.keys);
    case 'limit': return b.limit(p.input, p.limit, p.offset);
    case 'distinct': return b.distinct(p.input);
    case 'set_op': return b.setOp(p.op, p.all, p.left, p.right);
    case 'unnest': return b.unnest(p.input, p.list, p.as, { ordinality: p.ordinality, outer: p.outer });
  }
}

/** Names and types equal, in order (nullability and metadata aside). */
export function sameSchema(a: Schema, c: Schema): boolean {
  return a.fields.length === c.fields.length && a.fields.every((f, i) => f.name === c.fields[i]!.name && sameType(f.type, c.fields[i]!.type));
}

const schemaText = (s: Schema): string => `(${s.fields.map((f) => `${f.name}: ${typeName(f.type)}`).join(', ')})`;

function scalarProblems(s: Scalar, out: string[], where: string): void {
  visit(s, (n) => {
    if (n.kind !== 'call') return undefined;
    try {
      const { sig } = resolveFunction('scalar', n.fn, n.args.map((a) => a.type), n.args.map((a) => (a.kind === 'literal' ? a.value : undefined)));
      if (!sameType(sig.result, n.type)) out.push(`${where}: ${formatScalar(n)} has type ${typeName(n.type)}, the registry gives ${typeName(sig.result)}`);
      n.args.forEach((a, i) => {
        if (!sameType(a.type, sig.args[i]!)) out.push(`${where}: argument ${i + 1} of ${n.fn} is ${typeName(a.type)}, the signature wants ${typeName(sig.args[i]!)}`);
      });
    } catch (e) {
      out.push(`${where}: ${e instanceof Error ? e.message : String(e)}`);
    }
    return undefined;
  });
}

/** Every invariant violation of the plan, as messages naming the node (empty when valid). */
export function validatePlan(plan: Plan): string[] {
  const out: string[] = [];
  const walk = (p: Plan, path: string): void => {
    const here = `${path}${formatNode(p).split(' ')[0]}`;
    try {
      const r = rebuild(p);
      if (!sameSchema(r.schema, p.schema)) out.push(`${here}: schema ${schemaText(p.schema)} differs from the derived ${schemaText(r.schema)}`);
    } catch (e) {
      out.push(`${here}: ${e instanceof EngineError || e instanceof Error ? e.message : String(e)}`);
    }
    for (const s of expressionsOf(p)) scalarProblems(s, out, here);
    planChildren(p).forEach((c, i) => walk(c, `${here}/${i}:`));
  };
  walk(plan, '');
  return out;
}

/** Throws an InternalError listing the violations when the plan breaks an invariant. */
export function assertValidPlan(plan: Plan, context = 'plan'): void {
  const problems = validatePlan(plan);
  if (problems.length) throw new InternalError(`${context} is invalid:\n  ${problems.join('\n  ')}`, { details: { problems } });
}

/** Invariant 3 of plan.ts: a rewrite of `before` into `after` keeps names and types. */
export function checkSchemaPreserved(before: Plan, after: Plan, rule: string): void {
  if (!sameSchema(before.schema, after.schema)) {
    throw new InternalError(`rule ${rule} changed the schema ${schemaText(before.schema)} into ${schemaText(after.schema)}`);
  }
}
