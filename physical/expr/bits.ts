/**
 * Bitmaps aligned at row 0 (bit i of byte i >> 3 is row i), as the expression kernels use them
 * for validity and Bool values. Arrow Data may start at any bit offset; `alignBits` copies
 * only when the offset is not a multiple of 8.
 */

export const bytesFor = (n: number): number => (n + 7) >> 3;

export const getBit = (bm: Uint8Array, i: number): boolean => ((bm[i >> 3]! >> (i & 7)) & 1) === 1;

export function setBit(bm: Uint8Array, i: number): void {
  bm[i >> 3]! |= 1 << (i & 7);
}

export function clearBit(bm: Uint8Array, i: number): void {
  bm[i >> 3]! &= ~(1 << (i & 7));
}

/** Bits [offset, offset + n) of `bm` as a bitmap starting at bit 0 (a view when byte-aligned). */
export function alignBits(bm: Uint8Array, offset: number, n: number): Uint8Array {
  const nb = bytesFor(n);
  if ((offset & 7) === 0) {
    const start = offset >> 3;
    if (bm.length >= start + nb) return bm.subarray(start, start + nb);
    const out = new Uint8Array(nb);
    out.set(bm.subarray(start, Math.min(bm.length, start + nb)));
    return out;
  }
  const out = new Uint8Array(nb);
  const shift = offset & 7, base = offset >> 3;
  for (let j = 0; j < nb; j++) {
    const lo = bm[base + j] ?? 0, hi = bm[base + j + 1] ?? 0;
    out[j] = ((lo >>> shift) | (hi << (8 - shift))) & 0xff;
  }
  return out;
}

/** A bitmap of n rows, all set. */
export function allSet(n: number): Uint8Array {
  const out = new Uint8Array(bytesFor(n)).fill(0xff);
  clearTail(out, n);
  return out;
}

/** Clears the bits past row n in the last byte. */
export function clearTail(bm: Uint8Array, n: number): void {
  if (n & 7) bm[n >> 3]! &= (1 << (n & 7)) - 1;
}

/** a AND b where null means "all set"; returns a new bitmap (or null). */
export function andBits(a: Uint8Array | null, b: Uint8Array | null, n: number): Uint8Array | null {
  if (!a) return b;
  if (!b) return a;
  const nb = bytesFor(n);
  const out = new Uint8Array(nb);
  for (let j = 0; j < nb; j++) out[j] = a[j]! & b[j]!;
  return out;
}

/** AND of several validity bitmaps (null entries mean all valid). */
export function andAll(bms: readonly (Uint8Array | null)[], n: number): Uint8Array | null {
  let out: Uint8Array | null = null;
  let owned = false;
  for (const b of bms) {
    if (!b) continue;
    if (!out) {
      out = b;
      continue;
    }
    if (!owned) {
      out = out.slice(0, bytesFor(n));
      owned = true;
    }
    const nb = bytesFor(n);
    for (let j = 0; j < nb; j++) out[j]! &= b[j]!;
  }
  return out;
}

const POP = new Uint8Array(256).map((_, i) => {
  let c = 0;
  for (let x = i; x; x >>= 1) c += x & 1;
  return c;
});

/** Number of set bits among rows [0, n). */
export function countSet(bm: Uint8Array, n: number): number {
  let c = 0;
  const full = n >> 3;
  for (let j = 0; j < full; j++) c += POP[bm[j]!]!;
  if (n & 7) c += POP[bm[full]! & ((1 << (n & 7)) - 1)]!;
  return c;
}

/** Indices of the rows whose bit is set in `bits` (and in `valid`, when given). */
export function selectionOf(bits: Uint8Array, valid: Uint8Array | null, n: number): Uint32Array {
  const nb = bytesFor(n);
  let count = 0;
  // `bits` may be shared (a view of a sliced column's buffer): never written, the bits past
  // row n in the last byte are masked when read.
  const masked = valid ? new Uint8Array(nb) : bits;
  if (valid) for (let j = 0; j < nb; j++) masked[j] = bits[j]! & valid[j]!;
  const tail = n & 7 ? (1 << (n & 7)) - 1 : 0xff;
  for (let j = 0; j < nb - 1; j++) count += POP[masked[j]!]!;
  if (nb > 0) count += POP[masked[nb - 1]! & tail]!;
  const out = new Uint32Array(count);
  let at = 0;
  for (let j = 0; j < nb; j++) {
    let m = j === nb - 1 ? masked[j]! & tail : masked[j]!;
    if (m === 0) continue;
    const base = j << 3;
    if (m === 0xff) {
      out[at] = base; out[at + 1] = base + 1; out[at + 2] = base + 2; out[at + 3] = base + 3;
      out[at + 4] = base + 4; out[at + 5] = base + 5; out[at + 6] = base + 6; out[at + 7] = base + 7;
      at += 8;
      continue;
    }
    while (m) {
      const low = m & -m;
      out[at++] = base + (31 - Math.clz32(low));
      m ^= low;
    }
  }
  return out;
}

/** A bitmap from a byte-per-row mask (nonzero = set). */
export function bitsFromBytes(bytes: Uint8Array, n: number): Uint8Array {
  const out = new Uint8Array(bytesFor(n));
  for (let i = 0; i < n; i++) if (bytes[i]) out[i >> 3]! |= 1 << (i & 7);
  return out;
}
