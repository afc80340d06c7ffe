/**
 * `gyre vortex inspect FILE` and `gyre vortex cat FILE`.
 */
import { VortexFile, type LayoutTree } from '../storage/vortex/vortex-file.js';
import { dtypeToString } from '../storage/vortex/dtype.js';
import { formatTable, type OutputFormat } from './format.js';

interface ArrayDesc {
  encoding: string;
  metadataBytes: number;
  buffers: number[];
  children: ArrayDesc[];
}

function arrayTree(d: ArrayDesc): string {
  const bytes = d.buffers.reduce((a, b) => a + b, 0);
  const own = bytes ? ` ${bytes}B` : '';
  return d.children.length ? `${d.encoding}${own}(${d.children.map(arrayTree).join(', ')})` : `${d.encoding}${own}`;
}

function humanBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 ** 2) return `${(n / 1024).toFixed(1)} KiB`;
  if (n < 1024 ** 3) return `${(n / 1024 ** 2).toFixed(1)} MiB`;
  return `${(n / 1024 ** 3).toFixed(2)} GiB`;
}

/** Text report: schema, row count, layout tree with the encoding of every chunk, sizes, zone maps. */
export async function inspect(path: string, out: (s: string) => void = console.log): Promise<void> {
  const f = await VortexFile.open(path);
  try {
    const total = f.source.size;
    out(`file      ${path} (${humanBytes(total)})`);
    out(`rows      ${f.rowCount}`);
    out(`dtype     ${dtypeToString(f.dtype)}`);
    out(`segments  ${f.segments.length}`);
    out('schema');
    for (const field of f.schema.fields) out(`  ${field.name}: ${String(field.type)}${field.nullable ? '' : ' not null'}`);
    out('layout');
    const walk = async (n: LayoutTree, indent: string): Promise<void> => {
      const name = n.name ? `${n.name}: ` : '';
      const zone = n.zoneLen ? ` zone_len=${n.zoneLen}` : '';
      let detail = '';
      if (n.segment) {
        try {
          detail = ` [${humanBytes(n.segment.length)}] ${arrayTree((await f.describeSegment(n.segment.id)) as ArrayDesc)}`;
        } catch (e) {
          detail = ` [${humanBytes(n.segment.length)}] <${(e as Error).message}>`;
        }
      }
      out(`${indent}${name}${n.encoding} rows=${n.rows}${zone}${detail}`);
      for (const c of n.children) await walk(c, `${indent}  `);
    };
    await walk(f.layout, '  ');
  } finally {
    await f.close();
  }
}

export async function cat(
  path: string,
  opts: { columns?: string[]; limit?: number; format?: OutputFormat },
  out: (s: string) => void = console.log,
): Promise<void> {
  const f = await VortexFile.open(path);
  try {
    const limit = opts.limit ?? f.rowCount;
    const t = await f.read({
      ...(opts.columns ? { columns: opts.columns } : {}),
      rows: [0, Math.min(limit, f.rowCount)],
    });
    out(formatTable(t, opts.format ?? 'table'));
  } finally {
    await f.close();
  }
}
