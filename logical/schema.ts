/**
 * A dataset's schema as a tree: collections (keyed `{_id: type}` or positional `[]`, whose
 * rows have a virtual `_pos`), structs (one per parent row) and scalars. Plain immutable data.
 *
 * Every collection is stored as a sorted table whose key is its ancestors' keys followed by its
 * own (`scenes._id`, `clips._id`, `_pos` for frames); `keyColumns` computes them.
 */
import { type DataType, Field, Struct } from 'apache-arrow';

import { PlanError } from '../errors.js';

export type SchemaNode = CollectionNode | StructNode | ScalarNode;

/** Field nodes by name; the builders keep the literal record in a type parameter (typed fluent references). */
export type FieldNodes = { readonly [name: string]: SchemaNode };

export interface ScalarNode<T extends DataType = DataType> {
  readonly kind: 'scalar';
  readonly type: T;
  /** Shape of a fixed-shape tensor stored as a fixed-size list, for printing. */
  readonly shape?: readonly (number | string)[];
  readonly doc?: string;
}

export interface StructNode<F extends FieldNodes = FieldNodes> {
  readonly kind: 'struct';
  readonly fields: ReadonlyMap<string, SchemaNode>;
  /** Type-level only: the fields as written (never set at runtime). */
  readonly __fields?: F;
}

export interface CollectionNode<F extends FieldNodes = FieldNodes> {
  readonly kind: 'collection';
  /** Keyed by `_id` of this type, or positional (`_pos`, u64 from 0). */
  readonly key: { readonly kind: 'keyed'; readonly type: DataType } | { readonly kind: 'positional' };
  readonly fields: ReadonlyMap<string, SchemaNode>;
  readonly doc?: string;
  /** Type-level only: the fields as written (never set at runtime). */
  readonly __fields?: F;
}

export type RootNodes = { readonly [name: string]: CollectionNode };

export interface DatasetSchema<R extends RootNodes = RootNodes> {
  readonly name: string;
  /** Root collections. */
  readonly roots: ReadonlyMap<string, CollectionNode>;
  /** Type-level only: the roots as written (never set at runtime). */
  readonly __roots?: R;
}

const NAME = /^[A-Za-z_][A-Za-z0-9_]{0,127}$/;

export function checkFieldName(name: string): string {
  if (!NAME.test(name) || name === '_id' || name === '_pos') {
    throw new PlanError('invalid-identifier', `invalid field or collection name ${JSON.stringify(name)}: use letters, digits and '_' (not _id / _pos)`);
  }
  return name;
}

export const scalar = <T extends DataType>(type: T, opts: { shape?: readonly (number | string)[]; doc?: string } = {}): ScalarNode<T> => ({ kind: 'scalar', type, ...opts });

export const struct = <F extends FieldNodes>(fields: F): StructNode<F> => ({
  kind: 'struct',
  fields: new Map(Object.entries(fields).map(([k, v]) => [checkFieldName(k), v])),
});

export const keyed = <F extends FieldNodes>(idType: DataType, fields: F, doc?: string): CollectionNode<F> => ({
  kind: 'collection',
  key: { kind: 'keyed', type: idType },
  fields: new Map(Object.entries(fields).map(([k, v]) => [checkFieldName(k), v])),
  ...(doc === undefined ? {} : { doc }),
});

export const positional = <F extends FieldNodes>(fields: F, doc?: string): CollectionNode<F> => ({
  kind: 'collection',
  key: { kind: 'positional' },
  fields: new Map(Object.entries(fields).map(([k, v]) => [checkFieldName(k), v])),
  ...(doc === undefined ? {} : { doc }),
});

export function datasetSchema<R extends RootNodes>(name: string, roots: R): DatasetSchema<R> {
  return { name, roots: new Map(Object.entries(roots).map(([k, v]) => [checkFieldName(k), v])) };
}

/** The collection at a path of collection names (e.g. ['scenes', 'clips']). */
export function collectionAt(schema: DatasetSchema, path: readonly string[]): CollectionNode {
  let node: CollectionNode | undefined = schema.roots.get(path[0] ?? '');
  for (const name of path.slice(1)) {
    const next: SchemaNode | undefined = node?.fields.get(name);
    node = next?.kind === 'collection' ? next : undefined;
  }
  if (!node) throw new PlanError('unknown-column', `no collection ${path.join('.')} in dataset ${schema.name}`);
  return node;
}

/** Key column names of the collection at `path`: ancestors' `<name>._id`/`<name>._pos`, then its own. */
export function keyColumns(schema: DatasetSchema, path: readonly string[]): string[] {
  return path.map((name, i) => {
    const c = collectionAt(schema, path.slice(0, i + 1));
    const own = c.key.kind === 'keyed' ? '_id' : '_pos';
    return i === path.length - 1 ? own : `${name}.${own}`;
  });
}

function typeName(t: DataType): string {
  const s = String(t);
  const map: Record<string, string> = { Utf8: 'utf8', Float64: 'f64', Float32: 'f32', Int32: 'i32', Int64: 'i64', Int16: 'i16', Int8: 'i8', Uint8: 'u8', Uint16: 'u16', Uint32: 'u32', Uint64: 'u64', Bool: 'bool', Binary: 'binary' };
  return map[s] ?? s.toLowerCase();
}

function nodeLabel(name: string, n: SchemaNode): string {
  switch (n.kind) {
    case 'scalar': {
      if (n.shape) {
        const el = (n.type as unknown as { children?: { type: DataType }[] }).children?.[0]?.type;
        return `${name}: tensor<${el ? typeName(el) : '?'}>[${n.shape.join(', ')}]${n.doc ? ` ${n.doc}` : ''}`;
      }
      return `${name}: ${typeName(n.type)}${n.doc ? ` ${n.doc}` : ''}`;
    }
    case 'struct':
      return `${name}: struct`;
    case 'collection':
      return `${name} ${n.key.kind === 'keyed' ? `{_id: ${typeName(n.key.type)}}` : '[]'}${n.doc ? ` ${n.doc}` : ''}`;
  }
}

/** The schema as a tree, one node per line (box-drawing characters). */
export function formatSchema(schema: DatasetSchema): string {
  const lines = [schema.name];
  const walk = (children: [string, SchemaNode][], indent: string): void => {
    children.forEach(([name, n], i) => {
      const last = i === children.length - 1;
      lines.push(`${indent}${last ? '└── ' : '├── '}${nodeLabel(name, n)}`);
      if (n.kind !== 'scalar') walk([...n.fields], indent + (last ? '    ' : '│   '));
    });
  };
  walk([...schema.roots], '');
  return lines.join('\n');
}

/** The Arrow type of a scalar or struct node (structs nest). */
export function nodeType(n: ScalarNode | StructNode): DataType {
  if (n.kind === 'scalar') return n.type;
  return new Struct(
    [...n.fields].map(([k, v]) => {
      if (v.kind === 'collection') throw new PlanError('invalid-argument', `struct field ${k} cannot be a collection`);
      return new Field(k, nodeType(v), true);
    }),
  );
}
