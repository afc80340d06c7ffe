/**
 * Walks a VortexFile layout tree for tests: the data segments of a column (zone tables excluded).
 */
interface Node {
  readonly encoding: string;
  readonly segment?: { readonly id: number };
  readonly children: readonly Node[];
}

/** Segment ids holding data under `t` (zoned/stats: child 0 is the data, child 1 the zone table). */
export function dataSegments(t: Node, out: number[] = [], layouts = new Set<string>()): number[] {
  layouts.add(t.encoding);
  if (t.segment) out.push(t.segment.id);
  const kids = t.encoding === 'vortex.zoned' || t.encoding === 'vortex.stats' ? t.children.slice(0, 1) : t.children;
  for (const c of kids) dataSegments(c, out, layouts);
  return out;
}
