import { describe, expect, test } from 'vitest';

import type { SourceSpan } from '../../parser/ast.js';
import { positionAt } from '../../parser/diagnostics.js';
import { parseSql } from '../../parser/parse.js';
import { TPCH_QUERIES } from './tpch-queries.js';

interface Spanned {
  readonly kind?: string;
  readonly span: SourceSpan;
}

/** Every node with a span, with its parent's span. */
function* nodes(x: unknown, parent: SourceSpan | null): Generator<[Spanned, SourceSpan | null]> {
  if (Array.isArray(x)) {
    for (const y of x) yield* nodes(y, parent);
    return;
  }
  if (x === null || typeof x !== 'object') return;
  const span = (x as Partial<Spanned>).span;
  if (span) yield [x as Spanned, parent];
  for (const [key, value] of Object.entries(x)) if (key !== 'span') yield* nodes(value, span ?? parent);
}

const slice = (text: string, s: SourceSpan): string => text.slice(s.start.offset, s.end.offset);

describe('spans', () => {
  const texts = [
    ...TPCH_QUERIES,
    'SELECT 1,\r\n  a\r\nFROM t\r\n WHERE b\r = 2',
    'SELECT (a + b) * c AS x,\n  -y::INT\nFROM (t JOIN u USING (k))\nWHERE z IN (1, 2);\n\nDELETE FROM t',
  ];

  test('lines and columns agree with offsets; each node lies inside its parent; none is empty', () => {
    for (const text of texts) {
      for (const [node, parent] of nodes(parseSql(text), null)) {
        const { start, end } = node.span;
        expect(positionAt(text, start.offset), `${node.kind} start`).toEqual(start);
        expect(positionAt(text, end.offset), `${node.kind} end`).toEqual(end);
        expect(end.offset, `${node.kind} ${JSON.stringify(slice(text, node.span))}`).toBeGreaterThan(start.offset);
        if (parent) {
          expect(start.offset, `${node.kind} in its parent`).toBeGreaterThanOrEqual(parent.start.offset);
          expect(end.offset, `${node.kind} in its parent`).toBeLessThanOrEqual(parent.end.offset);
        }
      }
    }
  });

  test('a node’s span covers its text, parentheses included', () => {
    const text = texts[texts.length - 1]!;
    const [query, del] = parseSql(text);
    const select = query?.kind === 'query' && query.body.kind === 'select' ? query.body : undefined;
    const first = select!.items[0]!;
    const second = select!.items[1]!;
    expect(slice(text, first.span)).toBe('(a + b) * c AS x');
    expect(first.kind === 'expr-item' && slice(text, first.expr.span)).toBe('(a + b) * c');
    expect(second.kind === 'expr-item' && slice(text, second.expr.span)).toBe('-y::INT');
    expect(slice(text, select!.from[0]!.span)).toBe('(t JOIN u USING (k))');
    expect(slice(text, select!.where!.span)).toBe('z IN (1, 2)');
    expect(select!.where!.span.start).toEqual({ line: 4, column: 7, offset: 67 });
    expect(slice(text, del!.span)).toBe('DELETE FROM t');
    expect(del!.span.start.line).toBe(6);
  });
});
