/**
 * A deterministic TPC-H-style data generator (DuckDB's dbgen extension cannot be loaded
 * offline): the eight tables at scale factor SF with the spec's row counts, key relationships
 * and value distributions (order dates 1992-01-01…1998-08-02, 1–7 lines per order, ship dates
 * 1–121 days after the order, return flags from receipt dates, extended price from the part's
 * retail price, 4 suppliers per part, only 2/3 of customers with orders). Money columns are
 * DOUBLE (gyre runs decimals as doubles; DuckDB gets the same doubles). Text columns use short
 * pseudo-random words. Columns are built straight into Arrow buffers.
 */
import { DateDay, Field, Float64, Int32, makeData, RecordBatch, Schema, Struct, Utf8, type Data, type DataType } from 'apache-arrow';

/** xorshift32: a small deterministic generator per column stream. */
class Rng {
  private s: number;
  constructor(seed: number) {
    this.s = seed >>> 0 || 1;
  }
  next(): number {
    let x = this.s;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.s = x >>> 0;
    return this.s / 4294967296;
  }
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }
  pick<T>(xs: readonly T[]): T {
    return xs[Math.floor(this.next() * xs.length)]!;
  }
}

const enc = new TextEncoder();

/** Growable UTF-8 column. */
class StrCol {
  private bytes = new Uint8Array(1 << 16);
  private offsets: Int32Array;
  private len = 0;
  private n = 0;
  constructor(rows: number) {
    this.offsets = new Int32Array(rows + 1);
  }
  push(s: string): void {
    const b = enc.encode(s);
    if (this.len + b.length > this.bytes.length) {
      const grown = new Uint8Array(Math.max(this.bytes.length * 2, this.len + b.length));
      grown.set(this.bytes.subarray(0, this.len));
      this.bytes = grown;
    }
    this.bytes.set(b, this.len);
    this.len += b.length;
    this.offsets[++this.n] = this.len;
  }
  data(): Data {
    return makeData({ type: new Utf8(), length: this.n, nullCount: 0, valueOffsets: this.offsets.subarray(0, this.n + 1), data: this.bytes.subarray(0, this.len) });
  }
}

type Col = { readonly name: string; readonly type: DataType; readonly data: () => Data };
const i32 = (name: string, a: Int32Array): Col => ({ name, type: new Int32(), data: () => makeData({ type: new Int32(), length: a.length, nullCount: 0, data: a }) });
const f64 = (name: string, a: Float64Array): Col => ({ name, type: new Float64(), data: () => makeData({ type: new Float64(), length: a.length, nullCount: 0, data: a }) });
const date = (name: string, a: Int32Array): Col => ({ name, type: new DateDay(), data: () => makeData({ type: new DateDay(), length: a.length, nullCount: 0, data: a }) });
const str = (name: string, c: StrCol): Col => ({ name, type: new Utf8(), data: () => c.data() });

/** A generated table: its columns and primary key. */
export interface GenTable {
  readonly name: string;
  readonly key: readonly string[];
  readonly rows: number;
  batch(): RecordBatch;
}

function table(name: string, key: readonly string[], cols: readonly Col[]): GenTable {
  return {
    name,
    key,
    rows: cols[0]!.data().length,
    batch(): RecordBatch {
      const fields = cols.map((c) => new Field(c.name, c.type, false));
      const datas = cols.map((c) => c.data());
      return new RecordBatch(new Schema(fields), makeData({ type: new Struct(fields), length: datas[0]!.length, nullCount: 0, children: datas }));
    },
  };
}

const day = (y: number, m: number, d: number): number => Math.floor(Date.UTC(y, m - 1, d) / 86_400_000);
const STARTDATE = day(1992, 1, 1), ENDDATE = day(1998, 12, 31), CURRENTDATE = day(1995, 6, 17);
const WORDS = ['furiously', 'carefully', 'quickly', 'blithely', 'final', 'regular', 'special', 'express', 'pending', 'ironic', 'bold', 'silent', 'deposits', 'requests', 'accounts', 'packages', 'theodolites', 'pinto', 'beans', 'foxes', 'ideas', 'asymptotes'];
const NATIONS: readonly [string, number][] = [
  ['ALGERIA', 0], ['ARGENTINA', 1], ['BRAZIL', 1], ['CANADA', 1], ['EGYPT', 4], ['ETHIOPIA', 0], ['FRANCE', 3], ['GERMANY', 3], ['INDIA', 2], ['INDONESIA', 2], ['IRAN', 4], ['IRAQ', 4], ['JAPAN', 2],
  ['JORDAN', 4], ['KENYA', 0], ['MOROCCO', 0], ['MOZAMBIQUE', 0], ['PERU', 1], ['CHINA', 2], ['ROMANIA', 3], ['SAUDI ARABIA', 4], ['VIETNAM', 2], ['RUSSIA', 3], ['UNITED KINGDOM', 3], ['UNITED STATES', 1],
];
const REGIONS = ['AFRICA', 'AMERICA', 'ASIA', 'EUROPE', 'MIDDLE EAST'];
const SEGMENTS = ['AUTOMOBILE', 'BUILDING', 'FURNITURE', 'MACHINERY', 'HOUSEHOLD'];
const PRIORITIES = ['1-URGENT', '2-HIGH', '3-MEDIUM', '4-NOT SPECIFIED', '5-LOW'];
const INSTRUCT = ['DELIVER IN PERSON', 'COLLECT COD', 'NONE', 'TAKE BACK RETURN'];
const MODES = ['REG AIR', 'AIR', 'RAIL', 'SHIP', 'TRUCK', 'MAIL', 'FOB'];
const TYPES1 = ['STANDARD', 'SMALL', 'MEDIUM', 'LARGE', 'ECONOMY', 'PROMO'], TYPES2 = ['ANODIZED', 'BURNISHED', 'PLATED', 'POLISHED', 'BRUSHED'], TYPES3 = ['TIN', 'NICKEL', 'BRASS', 'STEEL', 'COPPER'];
const CONTAINERS1 = ['SM', 'LG', 'MED', 'JUMBO', 'WRAP'], CONTAINERS2 = ['CASE', 'BOX', 'BAG', 'JAR', 'PKG', 'PACK', 'CAN', 'DRUM'];
const COLORS = ['almond', 'antique', 'aquamarine', 'azure', 'beige', 'bisque', 'black', 'blue', 'blush', 'brown', 'burlywood', 'chartreuse', 'chiffon', 'chocolate', 'coral', 'cornflower', 'cream', 'cyan', 'dark', 'deep'];

const text = (r: Rng, words: number): string => Array.from({ length: words }, () => r.pick(WORDS)).join(' ');
const money = (x: number): number => Math.round(x * 100) / 100;
const pad = (n: number, w: number): string => String(n).padStart(w, '0');
const phone = (r: Rng, nation: number): string => `${10 + nation}-${r.int(100, 999)}-${r.int(100, 999)}-${r.int(1000, 9999)}`;
const retailPrice = (p: number): number => (90000 + (Math.floor(p / 10) % 20001) + 100 * (p % 1000)) / 100;
/** The i-th (0–3) supplier of part p among S suppliers (the spec's formula). */
const partSupplier = (p: number, i: number, S: number): number => ((p + i * (Math.floor(S / 4) + Math.floor((p - 1) / S))) % S) + 1;

/** All eight tables at scale factor `sf`. */
export function generateTpch(sf: number): GenTable[] {
  const S = Math.max(1, Math.round(10_000 * sf)), C = Math.max(1, Math.round(150_000 * sf)), P = Math.max(1, Math.round(200_000 * sf)), O = Math.max(1, Math.round(1_500_000 * sf));
  const out: GenTable[] = [];

  const rk = Int32Array.from(REGIONS, (_, i) => i), rn = new StrCol(5), rc = new StrCol(5);
  const rr = new Rng(1);
  REGIONS.forEach((x) => (rn.push(x), rc.push(text(rr, 6))));
  out.push(table('region', ['r_regionkey'], [i32('r_regionkey', rk), str('r_name', rn), str('r_comment', rc)]));

  const nk = Int32Array.from(NATIONS, (_, i) => i), nn = new StrCol(25), nr = Int32Array.from(NATIONS, (x) => x[1]), nc = new StrCol(25);
  const nrng = new Rng(2);
  NATIONS.forEach(([x]) => (nn.push(x), nc.push(text(nrng, 8))));
  out.push(table('nation', ['n_nationkey'], [i32('n_nationkey', nk), str('n_name', nn), i32('n_regionkey', nr), str('n_comment', nc)]));

  {
    const r = new Rng(3);
    const key = new Int32Array(S), name = new StrCol(S), addr = new StrCol(S), nation = new Int32Array(S), ph = new StrCol(S), bal = new Float64Array(S), com = new StrCol(S);
    for (let i = 0; i < S; i++) {
      key[i] = i + 1;
      name.push(`Supplier#${pad(i + 1, 9)}`);
      addr.push(text(r, 2));
      nation[i] = r.int(0, 24);
      ph.push(phone(r, nation[i]!));
      bal[i] = money(r.int(-99999, 999999) / 100);
      com.push(text(r, 6));
    }
    out.push(table('supplier', ['s_suppkey'], [i32('s_suppkey', key), str('s_name', name), str('s_address', addr), i32('s_nationkey', nation), str('s_phone', ph), f64('s_acctbal', bal), str('s_comment', com)]));
  }

  {
    const r = new Rng(4);
    const key = new Int32Array(C), name = new StrCol(C), addr = new StrCol(C), nation = new Int32Array(C), ph = new StrCol(C), bal = new Float64Array(C), seg = new StrCol(C), com = new StrCol(C);
    for (let i = 0; i < C; i++) {
      key[i] = i + 1;
      name.push(`Customer#${pad(i + 1, 9)}`);
      addr.push(text(r, 2));
      nation[i] = r.int(0, 24);
      ph.push(phone(r, nation[i]!));
      bal[i] = money(r.int(-99999, 999999) / 100);
      seg.push(r.pick(SEGMENTS));
      com.push(text(r, 7));
    }
    out.push(table('customer', ['c_custkey'], [i32('c_custkey', key), str('c_name', name), str('c_address', addr), i32('c_nationkey', nation), str('c_phone', ph), f64('c_acctbal', bal), str('c_mktsegment', seg), str('c_comment', com)]));
  }

  {
    const r = new Rng(5);
    const key = new Int32Array(P), name = new StrCol(P), mfgr = new StrCol(P), brand = new StrCol(P), type = new StrCol(P), size = new Int32Array(P), cont = new StrCol(P), price = new Float64Array(P), com = new StrCol(P);
    const psPart = new Int32Array(P * 4), psSupp = new Int32Array(P * 4), psQty = new Int32Array(P * 4), psCost = new Float64Array(P * 4), psCom = new StrCol(P * 4);
    for (let i = 0; i < P; i++) {
      const p = i + 1;
      key[i] = p;
      name.push(`${r.pick(COLORS)} ${r.pick(COLORS)} ${r.pick(COLORS)}`);
      const m = r.int(1, 5);
      mfgr.push(`Manufacturer#${m}`);
      brand.push(`Brand#${m}${r.int(1, 5)}`);
      type.push(`${r.pick(TYPES1)} ${r.pick(TYPES2)} ${r.pick(TYPES3)}`);
      size[i] = r.int(1, 50);
      cont.push(`${r.pick(CONTAINERS1)} ${r.pick(CONTAINERS2)}`);
      price[i] = retailPrice(p);
      com.push(text(r, 3));
      for (let j = 0; j < 4; j++) {
        const k = i * 4 + j;
        psPart[k] = p;
        psSupp[k] = partSupplier(p, j, S);
        psQty[k] = r.int(1, 9999);
        psCost[k] = money(r.int(100, 100000) / 100);
        psCom.push(text(r, 8));
      }
    }
    out.push(table('part', ['p_partkey'], [i32('p_partkey', key), str('p_name', name), str('p_mfgr', mfgr), str('p_brand', brand), str('p_type', type), i32('p_size', size), str('p_container', cont), f64('p_retailprice', price), str('p_comment', com)]));
    // partsupp rows sorted by (partkey, suppkey) for its key.
    const order = Array.from({ length: P * 4 }, (_, k) => k).sort((a, b) => psPart[a]! - psPart[b]! || psSupp[a]! - psSupp[b]!);
    const perm = <T extends Int32Array | Float64Array>(a: T): T => a.map((_, k) => a[order[k]!]!) as T;
    const psComSorted = new StrCol(P * 4);
    const coms = psCom.data();
    const offs = coms.valueOffsets as Int32Array, bytes = coms.values as Uint8Array, dec = new TextDecoder();
    for (const k of order) psComSorted.push(dec.decode(bytes.subarray(offs[k]!, offs[k + 1]!)));
    out.push(table('partsupp', ['ps_partkey', 'ps_suppkey'], [i32('ps_partkey', perm(psPart)), i32('ps_suppkey', perm(psSupp)), i32('ps_availqty', perm(psQty)), f64('ps_supplycost', perm(psCost)), str('ps_comment', psComSorted)]));
  }

  {
    const r = new Rng(6);
    const lr = new Rng(7);
    const okey = new Int32Array(O), cust = new Int32Array(O), status = new StrCol(O), total = new Float64Array(O), odate = new Int32Array(O), prio = new StrCol(O), clerk = new StrCol(O), ship = new Int32Array(O), ocom = new StrCol(O);
    const L = O * 7;
    const lk = new Int32Array(L), lpart = new Int32Array(L), lsupp = new Int32Array(L), lnum = new Int32Array(L), qty = new Float64Array(L), ext = new Float64Array(L), disc = new Float64Array(L), tax = new Float64Array(L);
    const rflag = new StrCol(L), lstatus = new StrCol(L), sdate = new Int32Array(L), cdate = new Int32Array(L), rdate = new Int32Array(L), instr = new StrCol(L), mode = new StrCol(L), lcom = new StrCol(L);
    let n = 0;
    for (let i = 0; i < O; i++) {
      const key = Math.floor(i / 8) * 32 + (i % 8) + 1;
      okey[i] = key;
      let c = r.int(1, C);
      while (c % 3 === 0 && C > 2) c = r.int(1, C);
      cust[i] = c;
      const od = r.int(STARTDATE, ENDDATE - 151);
      odate[i] = od;
      prio.push(r.pick(PRIORITIES));
      clerk.push(`Clerk#${pad(r.int(1, Math.max(1, Math.round(1000 * sf))), 9)}`);
      ship[i] = 0;
      ocom.push(text(r, 5));
      const lines = lr.int(1, 7);
      let sum = 0, fs = 0;
      for (let j = 0; j < lines; j++) {
        const p = lr.int(1, P);
        lk[n] = key;
        lpart[n] = p;
        lsupp[n] = partSupplier(p, lr.int(0, 3), S);
        lnum[n] = j + 1;
        const q = lr.int(1, 50);
        qty[n] = q;
        ext[n] = money(q * retailPrice(p));
        disc[n] = lr.int(0, 10) / 100;
        tax[n] = lr.int(0, 8) / 100;
        const sd = od + lr.int(1, 121);
        sdate[n] = sd;
        cdate[n] = od + lr.int(30, 90);
        const rd = sd + lr.int(1, 30);
        rdate[n] = rd;
        rflag.push(rd <= CURRENTDATE ? lr.pick(['R', 'A']) : 'N');
        const st = sd > CURRENTDATE ? 'O' : 'F';
        lstatus.push(st);
        if (st === 'F') fs++;
        instr.push(lr.pick(INSTRUCT));
        mode.push(lr.pick(MODES));
        lcom.push(text(lr, 3));
        sum += ext[n]! * (1 + tax[n]!) * (1 - disc[n]!);
        n++;
      }
      total[i] = money(sum);
      status.push(fs === lines ? 'F' : fs === 0 ? 'O' : 'P');
    }
    out.push(table('orders', ['o_orderkey'], [i32('o_orderkey', okey), i32('o_custkey', cust), str('o_orderstatus', status), f64('o_totalprice', total), date('o_orderdate', odate), str('o_orderpriority', prio), str('o_clerk', clerk), i32('o_shippriority', ship), str('o_comment', ocom)]));
    const cut = <T extends Int32Array | Float64Array>(a: T): T => a.subarray(0, n) as T;
    out.push(table('lineitem', ['l_orderkey', 'l_linenumber'], [
      i32('l_orderkey', cut(lk)), i32('l_partkey', cut(lpart)), i32('l_suppkey', cut(lsupp)), i32('l_linenumber', cut(lnum)),
      f64('l_quantity', cut(qty)), f64('l_extendedprice', cut(ext)), f64('l_discount', cut(disc)), f64('l_tax', cut(tax)),
      str('l_returnflag', rflag), str('l_linestatus', lstatus), date('l_shipdate', cut(sdate)), date('l_commitdate', cut(cdate)), date('l_receiptdate', cut(rdate)),
      str('l_shipinstruct', instr), str('l_shipmode', mode), str('l_comment', lcom),
    ]));
  }
  return out;
}

/** TPC-H queries 1, 3, 5, 6 and 10 (substitution parameters of the spec's validation run). */
export const TPCH_QUERIES: Readonly<Record<string, string>> = {
  Q1: `SELECT l_returnflag, l_linestatus, sum(l_quantity) AS sum_qty, sum(l_extendedprice) AS sum_base_price,
    sum(l_extendedprice * (1 - l_discount)) AS sum_disc_price, sum(l_extendedprice * (1 - l_discount) * (1 + l_tax)) AS sum_charge,
    avg(l_quantity) AS avg_qty, avg(l_extendedprice) AS avg_price, avg(l_discount) AS avg_disc, count(*) AS count_order
  FROM lineitem WHERE l_shipdate <= DATE '1998-12-01' - INTERVAL '90' DAY
  GROUP BY l_returnflag, l_linestatus ORDER BY l_returnflag, l_linestatus`,
  Q3: `SELECT l_orderkey, sum(l_extendedprice * (1 - l_discount)) AS revenue, o_orderdate, o_shippriority
  FROM customer, orders, lineitem
  WHERE c_mktsegment = 'BUILDING' AND c_custkey = o_custkey AND l_orderkey = o_orderkey
    AND o_orderdate < DATE '1995-03-15' AND l_shipdate > DATE '1995-03-15'
  GROUP BY l_orderkey, o_orderdate, o_shippriority ORDER BY revenue DESC, o_orderdate LIMIT 10`,
  Q5: `SELECT n_name, sum(l_extendedprice * (1 - l_discount)) AS revenue
  FROM customer, orders, lineitem, supplier, nation, region
  WHERE c_custkey = o_custkey AND l_orderkey = o_orderkey AND l_suppkey = s_suppkey AND c_nationkey = s_nationkey
    AND s_nationkey = n_nationkey AND n_regionkey = r_regionkey AND r_name = 'ASIA'
    AND o_orderdate >= DATE '1994-01-01' AND o_orderdate < DATE '1994-01-01' + INTERVAL '1' YEAR
  GROUP BY n_name ORDER BY revenue DESC`,
  // 0.06 ± 0.01 written out: gyre reads decimal literals as doubles (0.06 + 0.01 < 0.07 in binary).
  Q6: `SELECT sum(l_extendedprice * l_discount) AS revenue FROM lineitem
  WHERE l_shipdate >= DATE '1994-01-01' AND l_shipdate < DATE '1994-01-01' + INTERVAL '1' YEAR
    AND l_discount BETWEEN 0.05 AND 0.07 AND l_quantity < 24`,
  Q10: `SELECT c_custkey, c_name, sum(l_extendedprice * (1 - l_discount)) AS revenue, c_acctbal, n_name, c_address, c_phone, c_comment
  FROM customer, orders, lineitem, nation
  WHERE c_custkey = o_custkey AND l_orderkey = o_orderkey AND o_orderdate >= DATE '1993-10-01'
    AND o_orderdate < DATE '1993-10-01' + INTERVAL '3' MONTH AND l_returnflag = 'R' AND c_nationkey = n_nationkey
  GROUP BY c_custkey, c_name, c_acctbal, c_phone, n_name, c_address, c_comment ORDER BY revenue DESC LIMIT 20`,
};
