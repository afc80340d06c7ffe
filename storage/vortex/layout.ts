/**
 * The layout tree of a Vortex file as the native reader describes it, plus helpers to walk it.
 */
import type { VortexDType } from './dtype.js';

export interface ZoneField {
  readonly name: string;
  /** max, min, sum, null_count, nan_count, max_is_truncated, min_is_truncated, ... */
  readonly stat: string;
  /** Min/max are bounds (truncated strings), not exact values. */
  readonly bound: boolean;
}

export interface LayoutNode {
  readonly id: number;
  readonly encoding: string;
  readonly rows: number;
  readonly children: readonly number[];
  readonly segments: readonly number[];
  /** Present except on the chunks of a chunked layout (they share the parent's dtype). */
  readonly dtype?: VortexDType;
  readonly zoneLen?: number;
  readonly zonesUsable?: boolean;
  readonly zoneFields?: readonly ZoneField[];
  readonly codes?: string;
}

/** Row boundaries of the data chunks under `id` (offsets, starting with 0, ending with rows). */
export function chunkBoundaries(nodes: readonly LayoutNode[], id: number): number[] {
  const out: number[] = [0];
  const walk = (nid: number, base: number): void => {
    const n = nodes[nid]!;
    switch (n.encoding) {
      case 'vortex.chunked': {
        let at = base;
        for (const c of n.children) {
          walk(c, at);
          at += nodes[c]!.rows;
        }
        break;
      }
      case 'vortex.zoned':
      case 'vortex.stats':
        walk(n.children[0]!, base);
        break;
      case 'vortex.dict':
        walk(n.children[1]!, base);
        break;
      case 'vortex.struct':
        for (const c of n.children) walk(c, base);
        break;
      default:
        if (n.rows > 0) out.push(base + n.rows);
    }
  };
  walk(id, 0);
  return [...new Set(out)].sort((a, b) => a - b);
}

/** The zoned (or legacy stats) node that wraps column node `id`, if any. */
export function zonedNode(nodes: readonly LayoutNode[], id: number): LayoutNode | undefined {
  const n = nodes[id];
  if (n && (n.encoding === 'vortex.zoned' || n.encoding === 'vortex.stats')) return n;
  return undefined;
}
