/**
 * Values as text, the way DuckDB casts them to VARCHAR: doubles in shortest round-trip form
 * with '.0' on integral values and exponents from 1e16 / below 1e-4 ('1e+16', '1e-05'),
 * dates 'YYYY-MM-DD', timestamps 'YYYY-MM-DD HH:MM:SS[.ffffff]', intervals
 * '1 month 2 days 03:04:05.5', lists '[1, 2]', structs "{'a': 1, 'b': x}".
 */
import { type DataType, type Timestamp, Type } from 'apache-arrow';

import { formatDate, formatTimestampMicros, microsToUnit } from '../../logical/functions.js';
import { decodeUtf8 } from './utf8.js';

export function formatDouble(x: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (x === Infinity) return 'inf';
  if (x === -Infinity) return '-inf';
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  const [mant, expText] = x.toExponential().split('e') as [string, string];
  const e = Number(expText);
  if (e < -4 || e >= 16) return `${mant}e${e < 0 ? '-' : '+'}${String(Math.abs(e)).padStart(2, '0')}`;
  const s = String(x);
  if (/e/.test(s)) return x.toFixed(Math.max(0, -e + (mant.replace(/[-.]/g, '').length - 1)));
  return Number.isInteger(x) ? `${s}.0` : s;
}

function pad(n: number, w = 2): string {
  return String(n).padStart(w, '0');
}

export function formatInterval(v: { months: number; days: number; nanoseconds: bigint }): string {
  const parts: string[] = [];
  const years = Math.trunc(v.months / 12), months = v.months % 12;
  if (years) parts.push(`${years} year${Math.abs(years) === 1 ? '' : 's'}`);
  if (months) parts.push(`${months} month${Math.abs(months) === 1 ? '' : 's'}`);
  if (v.days) parts.push(`${v.days} day${Math.abs(v.days) === 1 ? '' : 's'}`);
  const us = v.nanoseconds / 1000n;
  if (us !== 0n) {
    const neg = us < 0n;
    const a = neg ? -us : us;
    const secs = Number(a / 1_000_000n), frac = Number(a % 1_000_000n);
    const t = `${pad(Math.floor(secs / 3600))}:${pad(Math.floor(secs / 60) % 60)}:${pad(secs % 60)}${frac ? `.${pad(frac, 6).replace(/0+$/, '')}` : ''}`;
    parts.push(neg ? `-${t}` : t);
  }
  return parts.length ? parts.join(' ') : '00:00:00';
}

/** The VARCHAR text of a physical value of type `t`. */
export function formatValueText(v: unknown, t: DataType): string {
  switch (t.typeId) {
    case Type.Float:
      return formatDouble(v as number);
    case Type.Date:
      return t.typeId === Type.Date && (t as unknown as { unit: number }).unit === 1 ? formatDate(Math.floor(Number(v) / 86_400_000)) : formatDate(v as number);
    case Type.Timestamp: {
      const { mul, div } = microsToUnit((t as Timestamp).unit);
      const x = BigInt(v as bigint) * div;
      const us = x >= 0n || x % mul === 0n ? x / mul : x / mul - 1n;
      return formatTimestampMicros(us);
    }
    case Type.Interval:
      return formatInterval(v as never);
    case Type.Bool:
      return v ? 'true' : 'false';
    case Type.Binary:
    case Type.LargeBinary:
      return [...(v as Uint8Array)].map((b) => (b >= 0x20 && b < 0x7f && b !== 0x5c ? String.fromCharCode(b) : `\\x${b.toString(16).toUpperCase().padStart(2, '0')}`)).join('');
    case Type.List:
    case Type.LargeList:
    case Type.FixedSizeList: {
      const el = (t.children[0] as { type: DataType }).type;
      return `[${(v as unknown[]).map((x) => (x === null ? 'NULL' : formatNested(x, el))).join(', ')}]`;
    }
    case Type.Struct:
      return `{${(t.children as { name: string; type: DataType }[]).map((f) => {
        const x = (v as Record<string, unknown>)[f.name];
        return `'${f.name}': ${x === null || x === undefined ? 'NULL' : formatNested(x, f.type)}`;
      }).join(', ')}}`;
    default:
      if (v instanceof Uint8Array) return decodeUtf8(v, 0, v.length);
      return String(v);
  }
}

/** Inside lists, strings print quoted (DuckDB: ['a', b]? it quotes only when needed; we print bare like DuckDB's struct). */
function formatNested(v: unknown, t: DataType): string {
  return formatValueText(v, t);
}
