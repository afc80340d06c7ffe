/**
 * UTF-8 helpers of the string kernels: decoding one value (an ASCII fast path avoids
 * TextDecoder's per-call cost on short strings), and {@link StringBuilder}, which appends
 * strings or byte ranges into offsets + bytes buffers without per-row objects.
 */
const decoder = new TextDecoder('utf-8', { fatal: false });
const encoder = new TextEncoder();

/** The string of bytes[start, end). */
export function decodeUtf8(bytes: Uint8Array, start: number, end: number): string {
  const len = end - start;
  if (len === 0) return '';
  if (len <= 24) {
    let s = '';
    for (let i = start; i < end; i++) {
      const c = bytes[i]!;
      if (c >= 0x80) return decoder.decode(bytes.subarray(start, end));
      s += String.fromCharCode(c);
    }
    return s;
  }
  return decoder.decode(bytes.subarray(start, end));
}

export function encodeUtf8(s: string): Uint8Array {
  return encoder.encode(s);
}

/** Number of code points in bytes[start, end) (continuation bytes are not counted). */
export function codePointCount(bytes: Uint8Array, start: number, end: number): number {
  let n = 0;
  for (let i = start; i < end; i++) if ((bytes[i]! & 0xc0) !== 0x80) n++;
  return n;
}

/** Growable offsets + bytes of a Utf8 column. */
export class StringBuilder {
  offsets: Int32Array;
  bytes: Uint8Array;
  count = 0;
  private at = 0;

  constructor(rows: number, byteCapacity = rows * 8) {
    this.offsets = new Int32Array(rows + 1);
    this.bytes = new Uint8Array(Math.max(16, byteCapacity));
  }

  private reserve(extra: number): void {
    const need = this.at + extra;
    if (need <= this.bytes.length) return;
    const b = new Uint8Array(Math.max(need, this.bytes.length * 2));
    b.set(this.bytes.subarray(0, this.at));
    this.bytes = b;
  }

  private row(): void {
    if (this.count + 1 >= this.offsets.length) {
      const o = new Int32Array(Math.max(this.offsets.length * 2, this.count + 2));
      o.set(this.offsets);
      this.offsets = o;
    }
    this.offsets[++this.count] = this.at;
  }

  /** Appends one row holding `s`. */
  append(s: string): void {
    const len = s.length;
    this.reserve(len * 3);
    const b = this.bytes;
    let at = this.at, i = 0;
    for (; i < len; i++) {
      const c = s.charCodeAt(i);
      if (c >= 0x80) break;
      b[at++] = c;
    }
    if (i < len) at += encoder.encodeInto(s.slice(i), b.subarray(at)).written;
    this.at = at;
    this.row();
  }

  /** Appends one row holding src[start, end). */
  appendBytes(src: Uint8Array, start: number, end: number): void {
    const len = end - start;
    this.reserve(len);
    if (len < 16) for (let i = 0; i < len; i++) this.bytes[this.at + i] = src[start + i]!;
    else this.bytes.set(src.subarray(start, end), this.at);
    this.at += len;
    this.row();
  }

  /** Adds bytes to the current (unfinished) row; `endRow` closes it. */
  pushBytes(src: Uint8Array, start: number, end: number): void {
    const len = end - start;
    this.reserve(len);
    this.bytes.set(src.subarray(start, end), this.at);
    this.at += len;
  }

  endRow(): void {
    this.row();
  }

  /** Appends an empty row (for nulls). */
  appendEmpty(): void {
    this.row();
  }

  finish(): { offsets: Int32Array; bytes: Uint8Array } {
    return { offsets: this.offsets.subarray(0, this.count + 1), bytes: this.bytes.subarray(0, this.at) };
  }
}
