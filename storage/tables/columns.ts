/**
 * Column groups and column paths.
 *
 * A table's columns form one nested schema: key columns, then the root group's fields, then
 * struct columns. A struct column is a column group of its own (path `context`, `image.meta`)
 * unless the table lists which structs are groups, in which case the others stay inline, stored
 * as struct fields of their parent group. Inside scans, group fields travel as flat columns
 * named by their full path (`image.meta.status_code`); outputs nest them back into structs.
 */
import { type Data, type DataType, Field, makeData, RecordBatch, Schema, Struct, Type } from 'apache-arrow';

import { EngineError } from '../../errors.js';

/** A column group's fields (non-group fields, relative names). */
export interface GroupFields {
  readonly path: string;
  readonly fields: readonly Field[];
}

export const qualify = (group: string, name: string): string => (group === '' ? name : `${group}.${name}`);

export function parentGroup(path: string): string {
  const i = path.lastIndexOf('.');
  return i < 0 ? '' : path.slice(0, i);
}

function isStruct(t: DataType): t is Struct {
  return t.typeId === Type.Struct;
}

function bit(b: Uint8Array, i: number): boolean {
  return ((b[i >> 3]! >> (i & 7)) & 1) === 1;
}

/** The children of a struct Data with the struct's nulls pushed into each child. */
export function pushDownNulls(d: Data): Data[] {
  const children = d.children.map((c) => (c.offset === 0 && c.length === d.length ? c : c.slice(0, d.length)));
  if (d.nullCount === 0 || !d.nullBitmap) return children;
  return children.map((c) => {
    const n = c.length;
    const out = new Uint8Array((n + 7) >> 3);
    let nulls = 0;
    for (let i = 0; i < n; i++) {
      const parentValid = bit(d.nullBitmap!, d.offset + i);
      const childValid = c.nullCount === 0 || !c.nullBitmap || c.nullBitmap.length === 0 ? c.nullCount === 0 : bit(c.nullBitmap, c.offset + i);
      if (parentValid && childValid) out[i >> 3]! |= 1 << (i & 7);
      else nulls++;
    }
    // Children's own buffers stay; only validity changes (a fresh Data keeps the child's offset).
    const b = c.buffers as unknown as unknown[];
    const buffers = [b[0], b[1], remapBits(out, c.offset, n), b[3]] as unknown as typeof c.buffers; // [offsets, data, validity, type ids]
    return c.clone(c.type, c.offset, n, nulls, buffers, c.children);
  });
}

/** Validity bits for a Data at `offset`: Arrow JS indexes validity with the Data's offset. */
function remapBits(bits: Uint8Array, offset: number, n: number): Uint8Array {
  if (offset === 0) return bits;
  const out = new Uint8Array((offset + n + 7) >> 3);
  for (let i = 0; i < n; i++) if (bit(bits, i)) out[(offset + i) >> 3]! |= 1 << ((offset + i) & 7);
  return out;
}

/** Writes split by column group: group path → fields and their data (rows of the batch). */
export interface SplitBatch {
  readonly keys: readonly Data[];
  readonly groups: Map<string, { fields: Field[]; data: Data[] }>;
}

/**
 * Splits a written batch into key columns and column groups. `isGroup(path)` says whether a
 * struct at `path` is a group. Field names may not contain '.', and a group field may not
 * be named like a key column.
 */
export function splitBatch(batch: RecordBatch, keyFields: readonly Field[], isGroup: (path: string) => boolean): SplitBatch {
  const names = batch.schema.fields.map((f) => f.name);
  const keyNames = new Set(keyFields.map((f) => f.name));
  const keys = keyFields.map((kf) => {
    const i = names.indexOf(kf.name);
    if (i < 0) throw new EngineError('schema-mismatch', `written data has no key column "${kf.name}"`, { details: { column: kf.name } });
    return batch.data.children[i]!;
  });
  const groups = new Map<string, { fields: Field[]; data: Data[] }>();
  const add = (group: string, f: Field, d: Data): void => {
    if (f.name.includes('.') || f.name === '') {
      throw new EngineError('schema-mismatch', `column name ${JSON.stringify(qualify(group, f.name))} is empty or contains '.'`, { details: { column: qualify(group, f.name) } });
    }
    if (group !== '' && keyNames.has(f.name)) {
      throw new EngineError('schema-mismatch', `column "${qualify(group, f.name)}" has the name of a key column`, { details: { column: qualify(group, f.name) } });
    }
    let g = groups.get(group);
    if (!g) groups.set(group, (g = { fields: [], data: [] }));
    g.fields.push(f);
    g.data.push(d);
  };
  const walk = (group: string, fields: readonly Field[], data: readonly Data[]): void => {
    fields.forEach((f, i) => {
      const path = qualify(group, f.name);
      if (isStruct(f.type) && isGroup(path)) {
        if (f.name.includes('.')) throw new EngineError('schema-mismatch', `column name ${JSON.stringify(path)} contains '.'`);
        walk(path, f.type.children, pushDownNulls(data[i]!));
      } else add(group, f, data[i]!);
    });
  };
  const rest = batch.schema.fields.map((f, i) => ({ f, d: batch.data.children[i]! })).filter(({ f }) => !keyNames.has(f.name));
  walk('', rest.map((r) => r.f), rest.map((r) => r.d));
  return { keys, groups };
}

// ---------------------------------------------------------------------------------------------
// Logical schema and projections

type Node = { kind: 'group'; name: string; path: string; children: Node[] } | { kind: 'field'; name: string; group: string; field: Field };

function groupTree(groups: readonly GroupFields[]): Node & { kind: 'group' } {
  const root: Node & { kind: 'group' } = { kind: 'group', name: '', path: '', children: [] };
  const byPath = new Map<string, Node & { kind: 'group' }>([['', root]]);
  const ensure = (path: string): Node & { kind: 'group' } => {
    let g = byPath.get(path);
    if (g) return g;
    const parent = ensure(parentGroup(path));
    g = { kind: 'group', name: path.slice(path.lastIndexOf('.') + 1), path, children: [] };
    parent.children.push(g);
    byPath.set(path, g);
    return g;
  };
  for (const g of groups) {
    const node = ensure(g.path);
    for (const f of g.fields) node.children.push({ kind: 'field', name: f.name, group: g.path, field: f });
  }
  return root;
}

function nodeField(n: Node): Field {
  if (n.kind === 'field') return n.field;
  return new Field(n.name, new Struct(n.children.map(nodeField)), false);
}

/** The table's schema: key fields, then the groups' fields nested by path. */
export function logicalSchema(keyFields: readonly Field[], groups: readonly GroupFields[]): Schema {
  return new Schema([...keyFields, ...groupTree(groups).children.map(nodeField)]);
}

/** An output column: a flat scan column, a part of one (a struct field path), or a struct of outputs. */
type Out = { kind: 'flat'; name: string; column: string; sub: string[]; field: Field } | { kind: 'struct'; name: string; children: Out[] };

export interface Projection {
  /** Group path → field names to read. */
  readonly reads: Map<string, Set<string>>;
  /** Output schema. */
  readonly schema: Schema;
  readonly outputs: readonly Out[];
}

/**
 * Resolves column paths (`url`, `context`, `image.meta.status_code`, key names) against the
 * table. Undefined = every column, keys first.
 */
export function resolveProjection(keyFields: readonly Field[], groups: readonly GroupFields[], paths?: readonly string[]): Projection {
  const root = groupTree(groups);
  const reads = new Map<string, Set<string>>();
  const need = (g: string, f: string): void => {
    let s = reads.get(g);
    if (!s) reads.set(g, (s = new Set()));
    s.add(f);
  };
  const leafOut = (n: Node & { kind: 'field' }, sub: string[], field: Field): Out => {
    need(n.group, n.name);
    return { kind: 'flat', name: field.name, column: qualify(n.group, n.name), sub, field };
  };
  const whole = (n: Node): Out => (n.kind === 'field' ? leafOut(n, [], n.field) : { kind: 'struct', name: n.name, children: n.children.map(whole) });
  const outputs: Out[] = [];
  const merge = (into: Out[], o: Out): void => {
    const same = into.find((x) => x.name === o.name);
    if (!same) into.push(o);
    else if (same.kind === 'struct' && o.kind === 'struct') for (const c of o.children) merge(same.children, c);
  };
  const all = paths ?? [...keyFields.map((f) => f.name), ...root.children.map((c) => c.name)];
  for (const p of all) {
    const kf = keyFields.find((f) => f.name === p);
    if (kf) {
      merge(outputs, { kind: 'flat', name: kf.name, column: kf.name, sub: [], field: kf });
      continue;
    }
    const parts = p.split('.');
    const unknown = (): never => {
      throw new EngineError('unknown-column', `no column "${p}" in this table`, { details: { column: p } });
    };
    // Walk groups, then (inside a field) struct children; wrap the result in its parents.
    let node: Node = root;
    const trail: string[] = [];
    let out: Out | undefined;
    for (let i = 0; i < parts.length; i++) {
      if (node.kind !== 'group') break;
      const next: Node | undefined = node.children.find((c) => c.name === parts[i]);
      if (!next) unknown();
      node = next!;
      if (node.kind === 'field') {
        let field = node.field;
        const sub: string[] = [];
        for (const s of parts.slice(i + 1)) {
          const t = field.type as DataType;
          const child = isStruct(t) ? t.children.find((c) => c.name === s) : undefined;
          if (!child) unknown();
          sub.push(s);
          field = child!;
        }
        out = leafOut(node, sub, field);
        for (const s of sub.slice(0, -1).reverse()) out = { kind: 'struct', name: s, children: [out] };
        if (sub.length > 0) out = { kind: 'struct', name: node.name, children: [out] };
        break;
      }
      trail.push(parts[i]!);
    }
    // A group path's last part names the group itself; a field's trail are all its parents.
    const parents = out ? trail : trail.slice(0, -1);
    out ??= whole(node);
    for (const t of [...parents].reverse()) out = { kind: 'struct', name: t, children: [out] };
    merge(outputs, out);
  }
  const outField = (o: Out): Field => (o.kind === 'flat' ? new Field(o.name, o.field.type, o.field.nullable) : new Field(o.name, new Struct(o.children.map(outField)), false));
  return { reads, schema: new Schema(outputs.map(outField)), outputs };
}

/** Builds the projection's output batch from a flat scan batch (columns named by full path). */
export function project(p: Projection, flat: RecordBatch): RecordBatch {
  const names = flat.schema.fields.map((f) => f.name);
  const n = flat.numRows;
  const build = (o: Out): Data => {
    if (o.kind === 'struct') {
      const children = o.children.map(build);
      return makeData({ type: new Struct(o.children.map((c, i) => new Field(c.name, children[i]!.type, true))), length: n, nullCount: 0, children });
    }
    let d = flat.data.children[names.indexOf(o.column)]!;
    for (const s of o.sub) {
      const t = d.type as Struct;
      d = pushDownNulls(d)[t.children.findIndex((c) => c.name === s)]!;
    }
    return d;
  };
  // Types come from the table's schema (one DataType instance per column), so every batch of
  // a scan has an identical schema whatever file or merge produced it.
  const children = p.outputs.map((o, i) => {
    const d = build(o);
    return d.clone(p.schema.fields[i]!.type as DataType);
  });
  return new RecordBatch(p.schema, makeData({ type: new Struct(p.schema.fields), length: n, nullCount: 0, children }));
}
