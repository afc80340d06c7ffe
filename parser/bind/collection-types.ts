/**
 * SQL types of collection level expressions, and the reducers and resample methods SQL names.
 */
import { Bool, type DataType, Field, Float64, Int64, Struct, Type, Uint64, Utf8 } from 'apache-arrow';

import type { Expr, ResampleMethod } from '../../logical/expr.js';
import { listType } from '../../logical/functions.js';
import { collectionAt, type CollectionNode, type DatasetSchema, nodeType, type SchemaNode } from '../../logical/schema.js';
import { BindError } from './diagnostics.js';

/** The SQL type of a level expression over `schema`. */
export function levelExprType(schema: DatasetSchema, e: Expr): DataType {
  switch (e.kind) {
    case 'field': {
      let n: SchemaNode = collectionAt(schema, e.level.path);
      for (const p of e.path) n = (n as CollectionNode).fields.get(p)!;
      return nodeType(n as Exclude<SchemaNode, CollectionNode>);
    }
    case 'key': {
      const c = collectionAt(schema, e.level.path);
      return c.key.kind === 'keyed' ? c.key.type : new Uint64();
    }
    case 'literal':
      return typeof e.value === 'string' ? new Utf8() : typeof e.value === 'boolean' ? new Bool() : new Float64();
    case 'binary':
      return ['+', '-', '*', '/', '%'].includes(e.op) ? new Float64() : new Bool();
    case 'unary':
      return e.op === 'neg' || e.op === 'len' ? new Float64() : new Bool();
    case 'reduce':
      return reducedType(e.fn, levelExprType(schema, e.arg));
    case 'resample': {
      const src = levelExprType(schema, e.source);
      return typeof e.method === 'function' ? src : e.method === 'first' || e.method === 'last' || e.method === 'ffill' ? src : reducedType(e.method === 'mean' ? 'mean' : e.method, src);
    }
    case 'step_time':
      return new Float64();
    case 'row':
      return new Struct(e.fields.map((f) => new Field(f, levelExprType(schema, { kind: 'field', level: e.level, path: [f] }), true)));
    default:
      throw new BindError('sql-unsupported', `no SQL type for the collection expression ${e.kind}`, null);
  }
}

/** SQL aggregates that reduce a descendant collection, by name → the reducer. */
export const REDUCERS: Record<string, 'sum' | 'mean' | 'min' | 'max' | 'count' | 'first' | 'last' | 'list' | 'any'> = {
  sum: 'sum', avg: 'mean', mean: 'mean', min: 'min', max: 'max', count: 'count', first: 'first', last: 'last', list: 'list', array_agg: 'list', bool_or: 'any',
};

function reducedType(fn: string, input: DataType): DataType {
  switch (fn) {
    case 'sum':
      return input.typeId === Type.Float ? new Float64() : (input as unknown as { isSigned: boolean }).isSigned === false ? new Uint64() : new Int64();
    case 'mean':
      return new Float64();
    case 'count':
      return new Int64();
    case 'list':
      return listType(input);
    case 'any':
      return new Bool();
    default:
      return input;
  }
}

export function methodOf(m: string): ResampleMethod {
  if (m === 'concat') return concatValues;
  if (['first', 'last', 'ffill', 'list', 'mean', 'sum', 'min', 'max', 'count'].includes(m)) return m as ResampleMethod;
  throw new BindError('sql-invalid', `unknown resample method '${m}' (first, last, ffill, list, mean, sum, min, max, count, concat)`, null);
}

/** `method => 'concat'`: strings or bytes of a step joined. */
function concatValues(values: readonly unknown[]): unknown {
  const xs = values.filter((v) => v !== null && v !== undefined);
  if (xs.length > 0 && xs.every((x) => x instanceof Uint8Array)) {
    const out = new Uint8Array(xs.reduce((n, x) => n + (x as Uint8Array).length, 0));
    let o = 0;
    for (const x of xs as Uint8Array[]) {
      out.set(x, o);
      o += x.length;
    }
    return out;
  }
  return xs.map(String).join('');
}
