#!/usr/bin/env python3
"""Writes the Vortex compatibility fixture matrix with the *installed* vortex-data package.

Run it with one oracle venv's interpreter (see setup-venvs.mjs):

    .venv/vortex-0.90/bin/python test/compat/gen_fixtures.py OUT_DIR [--profile ci|full]
                                 [--mode default|compact] [--only SUBSTR] [--no-tree]

For every case and for each write mode (``default``: ``vortex.io.write``; ``compact``:
``vortex.io.VortexWriteOptions.compact().write``) it writes

    OUT_DIR/<mode>/<case>.vortex           the file written by vortex-data
    OUT_DIR/<mode>/<case>.expected.arrow   Arrow IPC *file*: what this same vortex-data reads back
                                           (vortex.open(path).to_arrow().read_all(), one batch)

and one entry per file to ``OUT_DIR/manifest.json`` (a JSON array, rewritten on every run), e.g.

    {"name": "default/enc_alp_f64", "case": "enc_alp_f64", "mode": "default", "version": "0.90.0",
     "rows": 20000, "columns": ["v"], "encodings": [...], ...}

``name`` is the path stem relative to OUT_DIR: the files are OUT_DIR/NAME.vortex and
OUT_DIR/NAME.expected.arrow (also given as ``path`` and ``expected``).

``encodings`` is the union of the array encoding ids and layout ids that the file really uses.
It is taken from the file itself: the footer's encoding tables, the layout tree, and the array
node tree at the end of every flat segment (the ids a reader has to resolve). Alongside it go
``array_encodings``, ``layout_encodings``, ``zone_encodings`` (arrays only found in zone-map
statistics tables) and ``tree_encodings`` (what the package's own ``vx tree array`` displays: it
uses in-memory names, e.g. ``fastlanes.bitpacked.v2`` and the read-time ``vortex.shared``).

Cases that the installed version cannot write (e.g. Arrow map in 0.76) are listed in
``OUT_DIR/skipped.json`` instead. All data comes from fixed seeds; the vortex writer is
deterministic for these inputs, so the same version writes byte-identical files.

Top-level (non-struct) files (group "toplevel", ``top_level: true``) are written from a single
vortex Array; their expected file holds that array as the one column ``value``.
"""

from __future__ import annotations

import argparse
import dataclasses
import hashlib
import json
import os
import re
import shutil
import struct
import subprocess
import sys
import tempfile
import time
import traceback
import zlib
from typing import Callable

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

import vortex as vx

SEED = 0x6779_7265  # "gyre"
N_LARGE = 65_537  # one past 2^16: crosses u16 offsets/indices and the 8192-row zone grid
N_ENC = 65_537
MODES = ("default", "compact")

VERSION = getattr(vx, "__version__", "unknown")


# --------------------------------------------------------------------------------------------
# Writer / reader adapters (the API is the same in 0.76 and 0.90 for what we use; see README)
# --------------------------------------------------------------------------------------------


def write_vortex(data, path: str, mode: str) -> None:
    """``data`` is a pyarrow.Table (streamed) or a vortex Array (for top-level non-struct files)."""
    if mode == "default":
        vx.io.write(data, path)
    elif mode == "compact":
        opts = vx.io.VortexWriteOptions.compact()
        opts.write(data, path)
    else:
        raise ValueError(mode)


class _CaptureStderr:
    """Captures fd 2 (Rust panics in vortex writer threads go there, and are otherwise silent)."""

    def __enter__(self):
        sys.stderr.flush()
        self._tmp = tempfile.TemporaryFile()
        self._saved = os.dup(2)
        os.dup2(self._tmp.fileno(), 2)
        self.text = ""
        return self

    def __exit__(self, *exc):
        os.dup2(self._saved, 2)
        os.close(self._saved)
        self._tmp.seek(0)
        self.text = self._tmp.read().decode("utf-8", "replace")
        self._tmp.close()
        return False


def _panic_summary(text: str) -> str:
    lines = [ln for ln in text.splitlines() if ln.strip() and not re.match(r"^\s+(\d+:|at )", ln)]
    return " ".join(lines[:4])[:400]


def read_back(path: str, top_level: bool) -> tuple[pa.Table, str]:
    """What this vortex-data version reads back: full scan to a single-chunk pyarrow Table."""
    f = vx.open(path)
    dtype = str(f.dtype)
    if top_level:
        # to_arrow() only handles struct dtypes; scan the array and wrap it in a 1-column table.
        arr = f.scan().read_all().to_arrow_array()
        if isinstance(arr, pa.ChunkedArray):
            arr = arr.combine_chunks()
        return pa.table({"value": arr}), dtype
    table = f.to_arrow().read_all()
    return table.combine_chunks(), dtype


def write_arrow_file(table: pa.Table, path: str) -> None:
    with pa.OSFile(path, "wb") as sink:
        with pa.ipc.new_file(sink, table.schema) as w:
            for batch in table.to_batches():
                w.write_batch(batch)


# --------------------------------------------------------------------------------------------
# Encoding discovery
#
# A small, self-contained FlatBuffers walker for the parts of the Vortex file we need:
#   EOF (8 bytes): u16 version, u16 postscript length, b"VTXF"
#   Postscript table: [dtype, layout, statistics, footer] -> segment locators {offset u64, length u32, ...}
#   Footer table: [array encoding ids (table{id:string})], [layout encoding ids], [segment specs struct(16B)]
#   Layout table: {encoding u16, row_count u64, metadata, children [Layout], segments [u32]}
#   flat segment: ... buffers ..., Array flatbuffer, u32 flatbuffer length
#   Array table: {root ArrayNode, ...}; ArrayNode: {encoding u16, metadata, children [ArrayNode], ...}
# The encoding tables in the footer list every *registered* encoding, so the used ones are found by
# walking the trees. Cross-checked against `vx tree layout/array` output.
# --------------------------------------------------------------------------------------------


class _FbTable:
    __slots__ = ("buf", "pos", "vt", "nfields")

    def __init__(self, buf: bytes, pos: int):
        self.buf = buf
        self.pos = pos
        self.vt = pos - struct.unpack_from("<i", buf, pos)[0]
        vt_len = struct.unpack_from("<H", buf, self.vt)[0]
        self.nfields = (vt_len - 4) // 2

    def _field(self, i: int) -> int:
        if i >= self.nfields:
            return 0
        return struct.unpack_from("<H", self.buf, self.vt + 4 + 2 * i)[0]

    def scalar(self, i: int, fmt: str, default=0):
        o = self._field(i)
        return default if o == 0 else struct.unpack_from("<" + fmt, self.buf, self.pos + o)[0]

    def _indirect(self, i: int):
        o = self._field(i)
        if o == 0:
            return None
        p = self.pos + o
        return p + struct.unpack_from("<I", self.buf, p)[0]

    def table(self, i: int):
        p = self._indirect(i)
        return None if p is None else _FbTable(self.buf, p)

    def vector(self, i: int):
        p = self._indirect(i)
        if p is None:
            return None, 0
        return p + 4, struct.unpack_from("<I", self.buf, p)[0]

    def tables(self, i: int):
        start, n = self.vector(i)
        out = []
        for k in range(n):
            p = start + 4 * k
            out.append(_FbTable(self.buf, p + struct.unpack_from("<I", self.buf, p)[0]))
        return out

    def string(self, i: int):
        start, n = self.vector(i)
        return None if start is None else self.buf[start : start + n].decode("utf-8")

    def u32s(self, i: int):
        start, n = self.vector(i)
        return [] if start is None else list(struct.unpack_from(f"<{n}I", self.buf, start))


def _fb_root(buf: bytes) -> _FbTable:
    return _FbTable(buf, struct.unpack_from("<I", buf, 0)[0])


def file_encodings(path: str) -> dict:
    with open(path, "rb") as fh:
        b = fh.read()
    if b[-4:] != b"VTXF" or b[:4] != b"VTXF":
        raise ValueError("not a vortex file (magic)")
    _ver, ps_len = struct.unpack_from("<HH", b, len(b) - 8)
    ps = _fb_root(b[len(b) - 8 - ps_len : len(b) - 8])
    locs = []
    for i in range(ps.nfields):
        t = ps.table(i)
        locs.append(None if t is None else (t.scalar(0, "Q"), t.scalar(1, "I")))
    if len(locs) < 4 or locs[1] is None or locs[3] is None:
        raise ValueError(f"unexpected postscript shape: {locs}")
    (lay_off, lay_len), (ft_off, ft_len) = locs[1], locs[3]
    footer_buf = b[ft_off : ft_off + ft_len]
    footer = _fb_root(footer_buf)
    array_ids = [t.string(0) for t in footer.tables(0)]
    layout_ids = [t.string(0) for t in footer.tables(1)]
    seg_start, seg_n = footer.vector(2)
    segments = [struct.unpack_from("<QI", footer_buf, seg_start + 16 * k) for k in range(seg_n)]

    layouts: set[str] = set()
    data_arrays: set[str] = set()
    zone_arrays: set[str] = set()

    def walk_array(node: _FbTable, into: set):
        into.add(array_ids[node.scalar(0, "H")])
        for child in node.tables(2):
            walk_array(child, into)

    def walk_layout(t: _FbTable, in_zones: bool):
        lid = layout_ids[t.scalar(0, "H")]
        layouts.add(lid)
        if lid == "vortex.flat":
            for seg_id in t.u32s(4):
                off, length = segments[seg_id]
                seg = b[off : off + length]
                fb_len = struct.unpack_from("<I", seg, length - 4)[0]
                arr = _fb_root(seg[length - 4 - fb_len : length - 4])
                root = arr.table(0)
                if root is not None:
                    walk_array(root, zone_arrays if in_zones else data_arrays)
        children = t.tables(3)
        for idx, child in enumerate(children):
            # zoned layout: child 0 = data, child 1 = zone map (per-zone statistics table)
            walk_layout(child, in_zones or (lid == "vortex.zoned" and idx == 1))

    walk_layout(_fb_root(b[lay_off : lay_off + lay_len]), False)
    return {
        "array_encodings": sorted(data_arrays),
        "zone_encodings": sorted(zone_arrays - data_arrays),
        "layout_encodings": sorted(layouts),
        "encodings": sorted(data_arrays | zone_arrays | layouts),
    }


_TREE_RE = re.compile(r"(?:^|:\s)([a-z][a-z0-9_]*(?:\.[a-z0-9_]+)+)\(")


def run_vx(args: list[str]) -> str:
    """Runs the package's own `vx` CLI (shipped in the wheel) and returns what it prints.

    In-process through ``vortex._lib.cli.launch`` with fd 1 redirected (a subprocess per file costs
    ~0.5 s of interpreter start-up); falls back to the ``vx`` console script.
    """
    try:
        from vortex._lib.cli import launch
    except ImportError:
        launch = None
    if launch is not None:
        sys.stdout.flush()
        with tempfile.TemporaryFile() as tmp:
            saved = os.dup(1)
            os.dup2(tmp.fileno(), 1)
            try:
                launch(["vx", *args])
            finally:
                os.dup2(saved, 1)
                os.close(saved)
            tmp.seek(0)
            return tmp.read().decode("utf-8", "replace")
    vx_bin = os.path.join(os.path.dirname(sys.executable), "vx")
    res = subprocess.run([vx_bin, *args], capture_output=True, text=True, env={**os.environ, "RUST_BACKTRACE": "0"})
    if res.returncode != 0:
        raise RuntimeError(f"vx {' '.join(args)} failed: {res.stderr.strip()[-500:]}")
    return res.stdout


def tree_encodings(path: str) -> list[str]:
    out = run_vx(["tree", "array", path])
    return sorted({m.group(1) for line in out.splitlines() for m in [_TREE_RE.search(line.strip())] if m})


def tree_names_not_on_disk(tree: list[str], enc: dict) -> list[str]:
    """Names shown by `vx tree array` that don't match an on-disk array id (for cross-checking)."""
    on_disk = set(enc["array_encodings"]) | set(enc["zone_encodings"])
    out = []
    for name in tree:
        # read-time artefacts: shared dict values, lazily sliced chunks, canonical arrays the
        # reader builds (e.g. an empty chunked layout reads back as an empty primitive array)
        if name in ("vortex.shared", "vortex.slice", "vortex.primitive", "vortex.mask", "vortex.chunked"):
            continue
        if name in ("vortex.struct", "vortex.chunked", "vortex.dict") and name in enc["layout_encodings"]:
            continue  # arrays the struct/chunked/dict *layouts* materialize into
        name = re.sub(r"\.v\d+$", "", name)  # 0.90 displays "fastlanes.bitpacked.v2" for id "fastlanes.bitpacked"
        if name not in on_disk:
            out.append(name)
    return out


# --------------------------------------------------------------------------------------------
# Data generation helpers
# --------------------------------------------------------------------------------------------


def case_rng(name: str) -> np.random.Generator:
    return np.random.default_rng([SEED, zlib.crc32(name.encode())])


def null_mask(rng, n: int, p: float) -> np.ndarray:
    return rng.random(n) < p


def add_nulls(arr: pa.Array, mask: np.ndarray) -> pa.Array:
    """Nulls out ``arr`` where ``mask`` is true; works for every type (uses take with null indices)."""
    idx = pa.array(np.arange(len(arr), dtype=np.int64), mask=mask)
    return arr.take(idx)


def f(name: str, t: pa.DataType, nullable: bool = True) -> pa.Field:
    return pa.field(name, t, nullable=nullable)


_ALPHABET = list("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 _-./:") + list("éßøñü中文字😀🚀Ω")


def rand_strings(rng, n: int, min_len=0, max_len=24, alphabet=None) -> pa.Array:
    """Random UTF-8 strings (with some multi-byte chars), built straight from buffers."""
    alphabet = alphabet or _ALPHABET
    enc = [c.encode() for c in alphabet]
    lens_b = np.array([len(e) for e in enc], dtype=np.int64)
    row_chars = rng.integers(min_len, max_len + 1, n)
    total = int(row_chars.sum())
    idx = rng.integers(0, len(alphabet), total)
    data = b"".join(enc[i] for i in idx)
    char_off = np.concatenate([[0], np.cumsum(row_chars)])
    byte_cum = np.concatenate([[0], np.cumsum(lens_b[idx])])
    offsets = byte_cum[char_off].astype(np.int32)
    return pa.Array.from_buffers(pa.string(), n, [None, pa.py_buffer(offsets.tobytes()), pa.py_buffer(data)])


def rand_binary(rng, n: int, max_len=24) -> pa.Array:
    lens = rng.integers(0, max_len + 1, n)
    offsets = np.concatenate([[0], np.cumsum(lens)]).astype(np.int32)
    data = rng.bytes(int(offsets[-1]))
    return pa.Array.from_buffers(pa.binary(), n, [None, pa.py_buffer(offsets.tobytes()), pa.py_buffer(data)])


def decimal_array(t: pa.DataType, lo: np.ndarray, hi: np.ndarray | None = None) -> pa.Array:
    """decimal128 from unscaled 128-bit values given as (low u64 bits as int64, high int64)."""
    lo = np.asarray(lo, dtype=np.int64)
    words = np.empty(2 * len(lo), dtype=np.int64)
    words[0::2] = lo
    words[1::2] = (lo >> 63) if hi is None else hi
    return pa.Array.from_buffers(t, len(lo), [None, pa.py_buffer(words.tobytes())])


def float_specials(arr: np.ndarray, rng) -> np.ndarray:
    arr = arr.copy()
    if len(arr) >= 16:
        info = np.finfo(arr.dtype)
        specials = [np.nan, np.inf, -np.inf, -0.0, 0.0, info.max, info.min, info.tiny, info.smallest_subnormal]
        pos = rng.choice(len(arr), size=len(specials), replace=False)
        arr[pos] = np.array(specials, dtype=arr.dtype)
    return arr


def list_array(rng, n: int, values_fn, max_len: int, item_nullable: bool, null_p: float, list_type_fn=pa.list_):
    lens = rng.integers(0, max_len + 1, n)
    offsets = np.concatenate([[0], np.cumsum(lens)]).astype(np.int32)
    values = values_fn(int(offsets[-1]))
    if item_nullable and null_p:
        values = add_nulls(values, null_mask(rng, len(values), null_p))
    typ = list_type_fn(pa.field("item", values.type, nullable=item_nullable))
    mask = pa.array(null_mask(rng, n, null_p)) if null_p else None
    return pa.ListArray.from_arrays(pa.array(offsets), values, type=typ, mask=mask)


def struct_array(rng, n: int, children: list[tuple[str, pa.Array]], nullable: bool, null_p: float):
    fields = [pa.field(name, a.type, nullable=nullable) for name, a in children]
    arrays = [add_nulls(a, null_mask(rng, n, null_p)) if (nullable and null_p) else a for _, a in children]
    mask = pa.array(null_mask(rng, n, null_p)) if (nullable and null_p) else None
    return pa.StructArray.from_arrays(arrays, fields=fields, mask=mask)


# --------------------------------------------------------------------------------------------
# The dtype catalogue: every dtype x nullability x shape
# --------------------------------------------------------------------------------------------


@dataclasses.dataclass
class DType:
    name: str
    # (rng, n, nullable, null_p) -> array without top-level nulls (nested children may get nulls
    # when nullable). Top-level nulls are added by the matrix.
    gen: Callable[..., pa.Array]
    width: float  # rough bytes/row in memory, used to size the multi-chunk shape
    nullable_only: bool = False  # null type


def _ints(dt):
    info = np.iinfo(dt)

    def gen(rng, n, nullable, p):
        return pa.array(rng.integers(info.min, info.max, n, dtype=dt, endpoint=True))

    return gen


def _floats(dt, scale):
    def gen(rng, n, nullable, p):
        return pa.array(float_specials((rng.standard_normal(n) * scale).astype(dt), rng))

    return gen


def _temporal(t: pa.DataType, lo: int, hi: int, step: int = 1):
    np_type = np.int64 if t.bit_width == 64 else np.int32

    def gen(rng, n, nullable, p):
        return pa.array((rng.integers(lo // step, hi // step, n) * step).astype(np_type)).cast(t)

    return gen


_SEC_LO, _SEC_HI = -2_000_000_000, 4_000_000_000  # 1906 .. 2096


def _ts(unit: str, tz: str | None):
    mult = {"s": 1, "ms": 10**3, "us": 10**6, "ns": 10**9}[unit]

    def gen(rng, n, nullable, p):
        secs = rng.integers(_SEC_LO, _SEC_HI, n)
        sub = rng.integers(0, mult, n) if mult > 1 else 0
        return pa.array(secs * mult + sub, type=pa.int64()).cast(pa.timestamp(unit, tz))

    return gen


def _dec(precision: int, scale: int):
    t = pa.decimal128(precision, scale)

    def gen(rng, n, nullable, p):
        if precision <= 18:
            m = 10**precision - 1
            return decimal_array(t, rng.integers(-m, m, n, endpoint=True))
        lo = rng.integers(np.iinfo(np.int64).min, np.iinfo(np.int64).max, n, dtype=np.int64, endpoint=True)
        hi = rng.integers(-(2**60), 2**60, n)  # |value| < 2^124 < 10^38
        return decimal_array(t, lo, hi)

    return gen


def _gen_struct(rng, n, nullable, p):
    return struct_array(
        rng,
        n,
        [
            ("a", pa.array(rng.integers(-1000, 1000, n).astype(np.int32))),
            ("b", rand_strings(rng, n, 0, 12)),
            ("c", pa.array(np.round(rng.uniform(-100, 100, n), 3))),
        ],
        nullable,
        p,
    )


def _gen_struct_nested(rng, n, nullable, p):
    tags = list_array(rng, n, lambda m: rand_strings(rng, m, 1, 6), 3, nullable, p)
    inner = struct_array(
        rng, n, [("x", pa.array(rng.standard_normal(n).astype(np.float32))), ("tags", tags)], nullable, p
    )
    return struct_array(rng, n, [("id", pa.array(rng.integers(0, 2**40, n))), ("inner", inner)], nullable, p)


def _gen_list_i64(rng, n, nullable, p):
    return list_array(rng, n, lambda m: pa.array(rng.integers(-(2**40), 2**40, m)), 5, nullable, p)


def _gen_list_utf8(rng, n, nullable, p):
    return list_array(rng, n, lambda m: rand_strings(rng, m, 0, 10), 4, nullable, p)


def _gen_fsl(rng, n, nullable, p):
    values = pa.array(rng.standard_normal(n * 8).astype(np.float32))
    if nullable and p:
        values = add_nulls(values, null_mask(rng, n * 8, p / 4))
    return pa.FixedSizeListArray.from_arrays(values, type=pa.list_(pa.field("item", pa.float32(), nullable=nullable), 8))


def _gen_list_struct(rng, n, nullable, p):
    def values(m):
        return struct_array(
            rng, m, [("k", rand_strings(rng, m, 1, 8)), ("v", pa.array(rng.integers(0, 10**6, m)))], nullable, p
        )

    return list_array(rng, n, values, 3, nullable, p)


DTYPES: list[DType] = [
    DType("bool", lambda rng, n, nl, p: pa.array(rng.random(n) < 0.5), 0.125),
    DType("i8", _ints(np.int8), 1),
    DType("i16", _ints(np.int16), 2),
    DType("i32", _ints(np.int32), 4),
    DType("i64", _ints(np.int64), 8),
    DType("u8", _ints(np.uint8), 1),
    DType("u16", _ints(np.uint16), 2),
    DType("u32", _ints(np.uint32), 4),
    DType("u64", _ints(np.uint64), 8),
    DType("f16", _floats(np.float16, 100), 2),
    DType("f32", _floats(np.float32, 1e3), 4),
    DType("f64", _floats(np.float64, 1e6), 8),
    DType("utf8", lambda rng, n, nl, p: rand_strings(rng, n, 0, 16), 26),
    DType("binary", lambda rng, n, nl, p: rand_binary(rng, n, 16), 24),
    DType("date32", _temporal(pa.date32(), -20_000, 40_000), 4),
    DType("date64", _temporal(pa.date64(), -20_000 * 86_400_000, 40_000 * 86_400_000, 86_400_000), 8),
    DType("time32_s", _temporal(pa.time32("s"), 0, 86_400), 4),
    DType("time32_ms", _temporal(pa.time32("ms"), 0, 86_400_000), 4),
    DType("time64_us", _temporal(pa.time64("us"), 0, 86_400 * 10**6), 8),
    DType("time64_ns", _temporal(pa.time64("ns"), 0, 86_400 * 10**9), 8),
    DType("ts_s", _ts("s", None), 8),
    DType("ts_ms", _ts("ms", None), 8),
    DType("ts_us", _ts("us", None), 8),
    DType("ts_ns", _ts("ns", None), 8),
    DType("ts_s_utc", _ts("s", "UTC"), 8),
    DType("ts_ms_berlin", _ts("ms", "Europe/Berlin"), 8),
    DType("ts_us_utc", _ts("us", "UTC"), 8),
    DType("ts_ns_newyork", _ts("ns", "America/New_York"), 8),
    DType("dec_9_2", _dec(9, 2), 4),  # vortex keeps precision <= 9 as i32
    DType("dec_18_4", _dec(18, 4), 8),
    DType("dec_38_0", _dec(38, 0), 16),
    DType("struct", _gen_struct, 26),  # sized by its widest child (b: utf8); children chunk independently
    DType("struct_nested", _gen_struct_nested, 48),
    DType("list_i64", _gen_list_i64, 24),
    DType("list_utf8", _gen_list_utf8, 40),
    DType("fsl_f32x8", _gen_fsl, 32),
    DType("list_struct", _gen_list_struct, 48),
    DType("null", lambda rng, n, nl, p: pa.nulls(n), 0, nullable_only=True),
]

NULLABILITY = ("nonnull", "mixed", "allnull")
SHAPES = ("empty", "one", "n65537", "chunks")

# The expected .arrow files are uncompressed, so the large shapes dominate the size of the matrix.
# Profile "ci" (the default) keeps every dtype x nullability at the empty and one-row shapes, but
# writes the 65,537-row and multi-chunk shapes only for the dtypes listed here (~30-40 MB per
# version and mode). Profile "full" writes every dtype x nullability x shape (~250 MB per mode).
PROFILES = {
    "ci": {
        "n65537": {
            "mixed": {
                "bool", "i8", "i16", "i32", "i64", "u8", "u16", "u32", "u64", "f16", "f32", "f64",
                "utf8", "date32", "ts_ms_berlin", "ts_us_utc", "dec_9_2", "struct", "list_i64",
                "null",
            },
            "nonnull": {"bool", "i32", "f64", "utf8"},
            "allnull": {"i64", "utf8", "null"},
        },
        "chunks": {"mixed": {"utf8", "struct"}},  # mix_table_chunked adds chunked i64/f64/bool/dict columns
        "chunk_target_bytes": int(2.2 * 1024 * 1024),
        "n_enc": 20_000,
        "n_nested": 20_000,
        "n_mix": 10_000,
        "n_mix_chunked": 150_000,
    },
    "full": {
        "n65537": None,  # everything
        "chunks": {"mixed": {"i64", "f64", "utf8", "binary", "ts_us_utc", "dec_9_2", "struct", "list_i64", "fsl_f32x8"}},
        "chunk_target_bytes": int(2.5 * 1024 * 1024),
        "n_enc": N_ENC,
        "n_nested": N_LARGE,
        "n_mix": N_LARGE,
        "n_mix_chunked": 300_000,
    },
}
MIXED_NULL_P = 0.2


def _nullable_type(t: pa.DataType) -> pa.DataType:
    """The same type with every nested field nullable (for all-null columns)."""
    if pa.types.is_struct(t):
        return pa.struct([pa.field(t.field(i).name, _nullable_type(t.field(i).type)) for i in range(t.num_fields)])
    if pa.types.is_fixed_size_list(t):
        return pa.list_(pa.field("item", _nullable_type(t.value_type)), t.list_size)
    if pa.types.is_list(t):
        return pa.list_(pa.field("item", _nullable_type(t.value_type)))
    return t


def dtype_case(dt: DType, nullability: str, shape: str, chunk_target_bytes: int):
    def build(rng):
        if shape == "empty":
            n = 0
        elif shape == "one":
            n = 1
        elif shape == "n65537":
            n = N_LARGE
        else:
            n = int(chunk_target_bytes / max(dt.width, 1))
        nullable = nullability != "nonnull"
        if nullability == "allnull":
            proto = dt.gen(rng, 1, True, MIXED_NULL_P)
            arr = pa.nulls(n, _nullable_type(proto.type))
        else:
            arr = dt.gen(rng, n, nullable, MIXED_NULL_P if nullable else 0.0)
            if nullability == "mixed" and n > 0:
                # one row: keep it valid (a nullable column without nulls); otherwise ~20% nulls,
                # always including the first and last row.
                mask = null_mask(rng, n, MIXED_NULL_P) if n > 1 else np.zeros(1, bool)
                if n > 1:
                    mask[0] = mask[-1] = True
                arr = add_nulls(arr, mask)
        schema = pa.schema([pa.field("v", arr.type, nullable=nullable)])
        if shape == "chunks":
            # several record batches as well as > 2 MiB of data, so the writer really chunks
            batches = pa.Table.from_arrays([arr], schema=schema).to_batches(max_chunksize=n // 3 + 1)
            return pa.Table.from_batches(batches, schema=schema)
        return pa.Table.from_arrays([arr], schema=schema)

    return build


# --------------------------------------------------------------------------------------------
# Data shapes that steer the default compressor towards particular encodings
# --------------------------------------------------------------------------------------------


def one_col(arr, nullable=True, name="v") -> pa.Table:
    return pa.Table.from_arrays([arr], schema=pa.schema([pa.field(name, arr.type, nullable=nullable)]))


_WORDS = [
    "alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel", "india", "juliett",
    "kilo", "lima", "mike", "november", "oscar", "papa", "quebec", "romeo", "sierra", "tango",
]  # fmt: skip


def enc_cases(n: int):
    """name -> (builder(rng) -> Table, encodings the default writer is expected to pick)."""
    cases: dict[str, tuple[Callable, list[str]]] = {}

    def add(name, expect):
        def deco(fn):
            cases[name] = (fn, expect)
            return fn

        return deco

    @add("enc_sequence_i64", ["vortex.sequence"])
    def _(rng):
        return one_col(pa.array(np.arange(n, dtype=np.int64) * 3 + 7), nullable=False)

    @add("enc_sequence_i32_desc", ["vortex.sequence"])
    def _(rng):
        return one_col(pa.array((1_000_000 - 2 * np.arange(n)).astype(np.int32)))

    @add("enc_for_bitpacked", ["fastlanes.for", "fastlanes.bitpacked"])
    def _(rng):
        return one_col(pa.array(1_000_000 + rng.integers(0, 200, n)))

    @add("enc_for_negative", ["fastlanes.for", "fastlanes.bitpacked"])
    def _(rng):
        return one_col(pa.array(rng.integers(-100, 100, n).astype(np.int32)))

    @add("enc_bitpacked_u16", ["fastlanes.bitpacked"])
    def _(rng):
        return one_col(pa.array(rng.integers(0, 1000, n).astype(np.uint16)))

    @add("enc_bitpacked_patches", ["fastlanes.bitpacked"])
    def _(rng):
        x = rng.integers(0, 16, n)
        x[rng.random(n) < 0.005] = 1 << 40
        return one_col(pa.array(x))

    @add("enc_bitpacked_patches_nulls", ["fastlanes.bitpacked"])
    def _(rng):
        x = rng.integers(0, 64, n).astype(np.uint32)
        x[rng.random(n) < 0.003] = rng.integers(1 << 20, 1 << 31, 1)[0]
        return one_col(pa.array(x, mask=null_mask(rng, n, 0.1)))

    @add("enc_zigzag", ["vortex.zigzag"])
    def _(rng):
        x = rng.integers(-8, 8, n)
        i = rng.random(n) < 0.01
        x[i] = rng.integers(-(2**40), 2**40, int(i.sum()))
        return one_col(pa.array(x))

    @add("enc_runend_i64", ["vortex.runend"])
    def _(rng):
        return one_col(pa.array(np.repeat(rng.integers(0, 2**50, n // 8 + 1), 8)[:n]))

    @add("enc_runend_long_runs", ["vortex.runend"])
    def _(rng):
        return one_col(pa.array(np.repeat(rng.integers(0, 1 << 30, n // 500 + 1), 500)[:n]))

    @add("enc_runs_lowcard_i32", ["vortex.dict", "vortex.runend"])
    def _(rng):
        return one_col(pa.array(np.repeat(rng.integers(0, 5, n // 40 + 1), 40)[:n].astype(np.int32)))

    @add("enc_runs_f64", ["vortex.runend"])
    def _(rng):
        return one_col(pa.array(np.repeat(rng.random(n // 32 + 1), 32)[:n]))

    @add("enc_i8_random_nulls", [])
    def _(rng):
        return one_col(pa.array(rng.integers(-128, 127, n).astype(np.int8), mask=null_mask(rng, n, 0.2)))

    @add("enc_constant_i64", ["vortex.constant"])
    def _(rng):
        return one_col(pa.array(np.full(n, 42, dtype=np.int64)), nullable=False)

    @add("enc_constant_utf8", ["vortex.constant"])
    def _(rng):
        return one_col(pa.array(["the same string every row"] * n))

    @add("enc_constant_f64", ["vortex.constant"])
    def _(rng):
        return one_col(pa.array(np.full(n, 3.25)))

    @add("enc_constant_bool", ["vortex.constant"])
    def _(rng):
        return one_col(pa.array(np.ones(n, dtype=bool)))

    @add("enc_masked_constant", ["vortex.masked"])
    def _(rng):
        return one_col(pa.array(np.full(n, 42, dtype=np.int64), mask=null_mask(rng, n, 0.3)))

    @add("enc_sparse_nulls", ["vortex.sparse"])
    def _(rng):
        return one_col(pa.array(rng.integers(0, 1 << 40, n), mask=null_mask(rng, n, 0.99)))

    @add("enc_sparse_values", ["vortex.sparse"])
    def _(rng):
        y = np.zeros(n, dtype=np.int64)
        i = rng.random(n) < 0.01
        y[i] = rng.integers(1, 1 << 40, int(i.sum()))
        return one_col(pa.array(y))

    @add("enc_allnull_i64", [])
    def _(rng):
        return one_col(pa.nulls(n, pa.int64()))

    @add("enc_null_type", ["vortex.null"])
    def _(rng):
        return one_col(pa.nulls(n))

    @add("enc_int_dict", ["vortex.dict"])
    def _(rng):
        return one_col(pa.array(rng.choice(rng.integers(0, 2**50, 12), n)))

    @add("enc_alp_f64", ["vortex.alp"])
    def _(rng):
        return one_col(pa.array(np.round(rng.uniform(0, 10_000, n), 2)))

    @add("enc_alp_f32", ["vortex.alp"])
    def _(rng):
        return one_col(pa.array(np.round(rng.uniform(0, 1000, n), 1).astype(np.float32)))

    @add("enc_alp_exceptions", ["vortex.alp"])
    def _(rng):
        x = np.round(rng.uniform(-500, 500, n), 2)
        i = rng.random(n) < 0.01
        x[i] = rng.random(int(i.sum())) * np.pi
        x[rng.choice(n, 3, replace=False)] = [np.nan, np.inf, -np.inf]
        return one_col(pa.array(x, mask=null_mask(rng, n, 0.05)))

    @add("enc_alprd_f64", ["vortex.alprd"])
    def _(rng):
        return one_col(pa.array(rng.random(n)))

    @add("enc_alprd_f32", ["vortex.alprd"])
    def _(rng):
        return one_col(pa.array(rng.random(n).astype(np.float32)))

    @add("enc_float_dict", ["vortex.dict"])
    def _(rng):
        return one_col(pa.array(rng.choice(rng.random(10), n)))

    @add("enc_f16", [])
    def _(rng):
        return one_col(pa.array(rng.random(n).astype(np.float16)))

    @add("enc_str_lowcard", ["vortex.dict", "vortex.fsst"])
    def _(rng):
        return one_col(pa.array(rng.choice(_WORDS, n)))

    @add("enc_str_lowcard_nulls", ["vortex.dict"])
    def _(rng):
        return one_col(pa.array(rng.choice(_WORDS[:5], n), mask=null_mask(rng, n, 0.15)))

    @add("enc_str_highcard", ["vortex.fsst"])
    def _(rng):
        ids = rng.integers(0, 1 << 40, n)
        return one_col(pa.array([f"user{v}@example.com/path/{v % 977}" for v in ids]))

    @add("enc_str_long_random", [])
    def _(rng):
        return one_col(rand_strings(rng, n // 2, 13, 40))  # all longer than the 12-byte inline views

    @add("enc_str_unicode_empty", [])
    def _(rng):
        arr = rand_strings(rng, n, 0, 3, alphabet=list("é中😀a"))
        return one_col(add_nulls(arr, null_mask(rng, n, 0.1)))

    @add("enc_binary_random", [])
    def _(rng):
        return one_col(rand_binary(rng, n, 20))

    @add("enc_bool_random", ["vortex.bool"])
    def _(rng):
        return one_col(pa.array(rng.random(n) < 0.5))

    @add("enc_bool_mostly_true_nulls", [])
    def _(rng):
        return one_col(pa.array(rng.random(n) < 0.999, mask=null_mask(rng, n, 0.05)))

    @add("enc_ts_us_utc_seconds", ["vortex.datetimeparts"])
    def _(rng):
        secs = 1_600_000_000 + rng.integers(0, 86_400 * 365, n)
        return one_col(pa.array(secs * 1_000_000, type=pa.int64()).cast(pa.timestamp("us", "UTC")))

    @add("enc_ts_ns_tz_days", ["vortex.datetimeparts"])
    def _(rng):
        days = 18_000 + rng.integers(0, 3650, n)
        return one_col(pa.array(days * 86_400 * 10**9, type=pa.int64()).cast(pa.timestamp("ns", "Asia/Kolkata")))

    @add("enc_ts_ms_sorted", [])
    def _(rng):
        ms = 1_700_000_000_000 + np.cumsum(rng.integers(0, 5000, n))
        return one_col(pa.array(ms, type=pa.int64()).cast(pa.timestamp("ms")))

    @add("enc_date32_runs", [])
    def _(rng):
        return one_col(pa.array(np.repeat(19_000 + np.arange(n // 100 + 1), 100)[:n].astype(np.int32)).cast(pa.date32()))

    @add("enc_decimal_byte_parts", ["vortex.decimal_byte_parts"])
    def _(rng):
        return one_col(decimal_array(pa.decimal128(9, 2), rng.integers(-(10**6), 10**6, n)))

    @add("enc_decimal_byte_parts_18", ["vortex.decimal_byte_parts"])
    def _(rng):
        return one_col(decimal_array(pa.decimal128(18, 4), rng.integers(-(10**15), 10**15, n)), nullable=False)

    @add("enc_decimal_i128", ["vortex.decimal"])
    def _(rng):
        lo = rng.integers(-(2**62), 2**62, n)
        hi = rng.integers(-(2**60), 2**60, n)
        return one_col(decimal_array(pa.decimal128(38, 0), lo, hi))

    @add("enc_delta_cumsum", [])
    def _(rng):
        return one_col(pa.array(np.cumsum(rng.integers(0, 4, n)).astype(np.uint32)))

    @add("enc_u8_small", [])
    def _(rng):
        return one_col(pa.array(rng.integers(0, 10, n).astype(np.uint8)))

    return cases


# --------------------------------------------------------------------------------------------
# Nested, mixed tables, top-level arrays, odd input types
# --------------------------------------------------------------------------------------------


def nested_cases(n: int):
    cases: dict[str, Callable] = {}

    def add(name):
        def deco(fn):
            cases[name] = fn
            return fn

        return deco

    @add("nest_struct_nonnull")
    def _(rng):
        s = struct_array(
            rng, n, [("x", pa.array(rng.integers(0, 100, n))), ("y", pa.array(rng.choice(_WORDS, n)))], False, 0
        )
        return one_col(s, nullable=False, name="s")

    @add("nest_struct_nullable")
    def _(rng):
        s = struct_array(
            rng, n, [("x", pa.array(rng.integers(0, 100, n))), ("y", pa.array(rng.choice(_WORDS, n)))], True, 0.1
        )
        return one_col(s, name="s")

    @add("nest_struct_deep")
    def _(rng):
        leaf = struct_array(rng, n, [("z", pa.array(rng.random(n)))], True, 0.05)
        mid = struct_array(rng, n, [("leaf", leaf), ("k", pa.array(rng.integers(0, 5, n).astype(np.int16)))], True, 0.05)
        top = struct_array(rng, n, [("mid", mid), ("name", rand_strings(rng, n, 0, 8))], True, 0.05)
        return one_col(top, name="t")

    @add("nest_list_i64")
    def _(rng):
        return one_col(list_array(rng, n, lambda m: pa.array(rng.integers(0, 1000, m)), 6, False, 0), nullable=False)

    @add("nest_list_utf8")
    def _(rng):
        return one_col(list_array(rng, n, lambda m: pa.array(rng.choice(_WORDS, m)), 4, False, 0))

    @add("nest_list_nullable")
    def _(rng):
        return one_col(list_array(rng, n, lambda m: pa.array(rng.integers(-50, 50, m).astype(np.int32)), 5, True, 0.15))

    @add("nest_list_mostly_empty")
    def _(rng):
        lens = np.where(rng.random(n) < 0.95, 0, rng.integers(1, 4, n))
        offsets = np.concatenate([[0], np.cumsum(lens)]).astype(np.int32)
        return one_col(pa.ListArray.from_arrays(pa.array(offsets), pa.array(rng.random(int(offsets[-1])))))

    @add("nest_list_of_list")
    def _(rng):
        inner = lambda m: list_array(rng, m, lambda k: pa.array(rng.integers(0, 9, k).astype(np.int8)), 3, True, 0.1)  # noqa: E731
        return one_col(list_array(rng, n, inner, 3, True, 0.1))

    @add("nest_fsl_f32x8_embeddings")
    def _(rng):
        v = pa.array(rng.standard_normal(n * 8).astype(np.float32))
        return one_col(pa.FixedSizeListArray.from_arrays(v, type=pa.list_(pa.field("item", pa.float32(), nullable=False), 8)))

    @add("nest_fsl_nullable")
    def _(rng):
        v = add_nulls(pa.array(rng.integers(0, 255, n * 4).astype(np.uint8)), null_mask(rng, n * 4, 0.05))
        fsl = pa.FixedSizeListArray.from_arrays(v, 4)
        return one_col(add_nulls(fsl, null_mask(rng, n, 0.1)))

    @add("nest_list_struct")
    def _(rng):
        def vals(m):
            return struct_array(
                rng, m, [("k", pa.array(rng.choice(_WORDS, m))), ("v", pa.array(rng.random(m)))], True, 0.05
            )

        return one_col(list_array(rng, n, vals, 3, True, 0.1))

    @add("nest_struct_with_list")
    def _(rng):
        tags = list_array(rng, n, lambda m: pa.array(rng.choice(_WORDS, m)), 3, True, 0.1)
        s = struct_array(rng, n, [("id", pa.array(np.arange(n, dtype=np.int64))), ("tags", tags)], True, 0.1)
        return one_col(s, name="s")

    return cases


def mixed_table(rng, n: int) -> pa.Table:
    ids = np.arange(n, dtype=np.int64)
    secs = 1_700_000_000 + np.cumsum(rng.integers(0, 30, n))
    return pa.table(
        {
            "id": ids,
            "flag": pa.array(rng.random(n) < 0.3),
            "small": pa.array(rng.integers(0, 100, n).astype(np.int8)),
            "qty": pa.array(rng.integers(0, 10_000, n).astype(np.uint32), mask=null_mask(rng, n, 0.05)),
            "delta": pa.array(rng.integers(-1000, 1000, n).astype(np.int16)),
            "price": pa.array(np.round(rng.uniform(0, 500, n), 2)),
            "score": pa.array(rng.random(n).astype(np.float32), mask=null_mask(rng, n, 0.1)),
            "half": pa.array(rng.random(n).astype(np.float16)),
            "category": pa.array(rng.choice(_WORDS, n)),
            "comment": add_nulls(rand_strings(rng, n, 0, 30), null_mask(rng, n, 0.2)),
            "payload": rand_binary(rng, n, 12),
            "day": pa.array((19_000 + rng.integers(0, 1000, n)).astype(np.int32)).cast(pa.date32()),
            "at": pa.array(secs * 1_000_000, type=pa.int64()).cast(pa.timestamp("us", "UTC")),
            "at_local": pa.array(secs, type=pa.int64()).cast(pa.timestamp("s")),
            "tod": pa.array(rng.integers(0, 86_400_000, n).astype(np.int32)).cast(pa.time32("ms")),
            "amount": decimal_array(pa.decimal128(12, 2), rng.integers(-(10**9), 10**9, n)),
            "big": decimal_array(pa.decimal128(38, 6), rng.integers(-(2**62), 2**62, n), rng.integers(-(2**50), 2**50, n)),
            "point": struct_array(
                rng, n, [("x", pa.array(rng.standard_normal(n))), ("y", pa.array(rng.standard_normal(n)))], True, 0.05
            ),
            "tags": list_array(rng, n, lambda m: pa.array(rng.choice(_WORDS, m)), 3, True, 0.1),
            "vec": pa.FixedSizeListArray.from_arrays(pa.array(rng.standard_normal(n * 4).astype(np.float32)), 4),
            "nothing": pa.nulls(n),
        }
    )


def misc_cases(n_mix: int, n_mix_chunked: int):
    cases: dict[str, Callable] = {}

    def add(name):
        def deco(fn):
            cases[name] = fn
            return fn

        return deco

    @add("mix_table")
    def _(rng):
        return mixed_table(rng, n_mix)

    @add("mix_table_chunked")
    def _(rng):
        # wide columns get several ~1 MiB chunks, narrow ones fewer: chunk boundaries differ per column
        t = mixed_table(rng, n_mix_chunked).select(["id", "flag", "category", "price"])
        return pa.Table.from_batches(t.to_batches(max_chunksize=n_mix_chunked // 4 + 1))

    @add("mix_table_one_row")
    def _(rng):
        return mixed_table(rng, 1)

    @add("mix_table_empty")
    def _(rng):
        return mixed_table(rng, 0)

    @add("misc_column_names")
    def _(rng):
        return pa.table({"with space": [1, 2, 3], "ünïcödé": ["a", "b", "c"], "": [True, False, None], "dup.dot": [1.5, None, 2.5]})

    @add("misc_input_string_types")
    def _(rng):
        s = rand_strings(rng, 1000, 0, 20)
        return pa.table(
            {
                "string": s,
                "large_string": s.cast(pa.large_string()),
                "string_view": s.cast(pa.string_view()),
                "dictionary": s.dictionary_encode(),
                "binary": rand_binary(rng, 1000),
                "large_binary": rand_binary(rng, 1000).cast(pa.large_binary()),
            }
        )

    @add("misc_input_list_types")
    def _(rng):
        lst = list_array(rng, 1000, lambda m: pa.array(rng.integers(0, 100, m).astype(np.int32)), 4, True, 0.1)
        offsets = lst.offsets.to_numpy()
        list_view = pa.ListViewArray.from_arrays(
            pa.array(offsets[:-1]), pa.array(np.diff(offsets).astype(np.int32)), lst.values, mask=lst.is_null()
        )
        return pa.table({"list": lst, "large_list": lst.cast(pa.large_list(pa.int32())), "list_view": list_view})

    @add("misc_input_decimal_types")
    def _(rng):
        unscaled = rng.integers(-(10**6), 10**6, 1000)
        d9 = decimal_array(pa.decimal128(9, 2), unscaled)
        return pa.table(
            {
                "decimal32": d9.cast(pa.decimal32(9, 2)),
                "decimal64": d9.cast(pa.decimal64(9, 2)),
                "decimal128": d9,
                "decimal256": d9.cast(pa.decimal256(50, 2)),
                "decimal256_big": pa.array([int(x) * 10**40 for x in unscaled], pa.decimal256(76, 0)),
            }
        )

    @add("misc_timezones")
    def _(rng):
        us = (1_600_000_000 + rng.integers(0, 10**7, 1000)) * 1_000_000
        base = pa.array(us, type=pa.int64())
        return pa.table(
            {
                "utc": base.cast(pa.timestamp("us", "UTC")),
                "tokyo": base.cast(pa.timestamp("us", "Asia/Tokyo")),
                "naive": base.cast(pa.timestamp("us")),
            }
        )

    @add("misc_timezone_offset")
    def _(rng):
        # a fixed-offset zone: 0.76 cannot write it (see skipped.json)
        us = (1_600_000_000 + rng.integers(0, 10**7, 1000)) * 1_000_000
        return pa.table({"offset": pa.array(us, type=pa.int64()).cast(pa.timestamp("us", "+05:30"))})

    @add("misc_map")
    def _(rng):
        m = pa.array([[("a", 1), ("b", 2)], [], None, [("c", 3)]] * 250, pa.map_(pa.string(), pa.int64()))
        return pa.table({"m": m})

    @add("misc_map_nested")
    def _(rng):
        # maps inside a list and a struct, with struct values, of maps, keys_sorted (0.76 cannot write maps)
        m = pa.map_(pa.string(), pa.int64())
        base = [[("a", 1), ("b", None)], [], None, [("c", 3)]]
        n = 1000
        return pa.table(
            {
                "in_list": pa.array([None if i % 7 == 0 else [base[(i + k) % 4] for k in range(i % 3)] for i in range(n)], pa.list_(m)),
                "in_struct": pa.array([None if i % 5 == 0 else {"m": base[i % 4], "i": i} for i in range(n)], pa.struct([("m", m), ("i", pa.int32())])),
                "struct_values": pa.array(
                    [None if i % 6 == 0 else [(k, None if k == 1 else {"x": i / 4, "y": _WORDS[(i + k) % len(_WORDS)]}) for k in range(i % 3)] for i in range(n)],
                    pa.map_(pa.int32(), pa.struct([("x", pa.float64()), ("y", pa.string())])),
                ),
                "map_of_map": pa.array(
                    [None if i % 8 == 0 else [(f"o{k}", base[(i + k) % 4] if k < 2 else None) for k in range(i % 4)] for i in range(n)],
                    pa.map_(pa.string(), m),
                ),
                "sorted": pa.array([[("a", i), ("b", -i)] if i % 3 else None for i in range(n)], pa.map_(pa.string(), pa.int64(), keys_sorted=True)),
            }
        )

    @add("misc_fixed_size_binary")
    def _(rng):
        return pa.table({"fsb": pa.array([rng.bytes(16) for _ in range(100)], pa.binary(16))})

    @add("misc_duration")
    def _(rng):
        return pa.table({"d": pa.array(rng.integers(0, 10**9, 100), pa.duration("us"))})

    return cases


def toplevel_cases():
    """Files whose root dtype is not a struct (written from a single vortex Array)."""
    n = 20_000
    return {
        "top_i64": lambda rng: pa.array(rng.integers(0, 1000, n)),
        "top_f64_nulls": lambda rng: pa.array(np.round(rng.uniform(0, 100, n), 2), mask=null_mask(rng, n, 0.1)),
        "top_utf8": lambda rng: pa.array(rng.choice(_WORDS, n)),
        "top_bool": lambda rng: pa.array(rng.random(n) < 0.5),
        "top_list_i32": lambda rng: list_array(rng, 1000, lambda m: pa.array(rng.integers(0, 9, m).astype(np.int32)), 3, True, 0.1),
        "top_empty_i32": lambda rng: pa.array([], pa.int32()),
    }


# --------------------------------------------------------------------------------------------
# Driver
# --------------------------------------------------------------------------------------------


@dataclasses.dataclass
class Case:
    name: str
    group: str
    build: Callable
    meta: dict
    top_level: bool = False


def all_cases(profile: str = "ci") -> list[Case]:
    prof = PROFILES[profile]
    out: list[Case] = []
    for dt in DTYPES:
        for nullability in NULLABILITY:
            if dt.nullable_only and nullability != "allnull":
                continue
            for shape in SHAPES:
                if shape == "n65537" and prof["n65537"] is not None:
                    if dt.name not in prof["n65537"].get(nullability, ()):
                        continue
                if shape == "chunks" and dt.name not in prof["chunks"].get(nullability, ()):
                    continue
                out.append(
                    Case(
                        f"dt_{dt.name}_{nullability}_{shape}",
                        "dtype",
                        dtype_case(dt, nullability, shape, prof["chunk_target_bytes"]),
                        {"dtype": dt.name, "nullability": nullability, "shape": shape},
                    )
                )
    for name, (fn, expect) in enc_cases(prof["n_enc"]).items():
        out.append(Case(name, "encoding", fn, {"expect": expect}))
    for name, fn in nested_cases(prof["n_nested"]).items():
        out.append(Case(name, "nested", fn, {}))
    for name, fn in misc_cases(prof["n_mix"], prof["n_mix_chunked"]).items():
        out.append(Case(name, "misc", fn, {}))
    for name, fn in toplevel_cases().items():
        out.append(Case(name, "toplevel", fn, {}, top_level=True))
    return out


def _float_nan_safe(a):
    if pa.types.is_floating(a.type):
        return pc.if_else(pc.is_nan(a), pa.scalar(0, a.type), a)
    return a


def _column_equal(want: pa.Array, got: pa.Array) -> bool | None:
    if pa.types.is_dictionary(want.type):
        want = want.dictionary_decode()
    try:
        if _float_nan_safe(want.cast(got.type)).equals(_float_nan_safe(got)):
            return True
    except (pa.ArrowException, NotImplementedError):
        pass
    # Slow path: some pyarrow casts are not usable here (e.g. pyarrow 26 casts list_view -> list
    # wrongly), so compare values. NaNs only occur in flat float columns, handled above.
    try:
        return want.to_pylist() == got.to_pylist()
    except (pa.ArrowException, ValueError):
        return None


def roundtrip_equal(written: pa.Table, read: pa.Table) -> bool | None:
    """Does what was read back equal what was written (None: could not compare)?"""
    if written.num_rows != read.num_rows or written.num_columns != read.num_columns:
        return False
    result: bool | None = True
    for i in range(read.num_columns):
        eq = _column_equal(written.column(i).combine_chunks(), read.column(i).combine_chunks())
        if eq is False:
            return False
        if eq is None:
            result = None
    return result


def sha256_file(path: str) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def generate(out_dir: str, only: str | None, with_tree: bool, modes: tuple[str, ...], profile: str = "ci") -> int:
    os.makedirs(out_dir, exist_ok=True)
    for mode in modes:
        mode_dir = os.path.join(out_dir, mode)
        if os.path.isdir(mode_dir) and not only:
            shutil.rmtree(mode_dir)
        os.makedirs(mode_dir, exist_ok=True)

    manifest: list[dict] = []
    skipped: list[dict] = []
    warnings: list[str] = []
    t0 = time.time()
    cases = [c for c in all_cases(profile) if not only or only in c.name]
    for case in cases:
        try:
            data = case.build(case_rng(case.name))
        except Exception as e:  # noqa: BLE001
            skipped.append({"name": case.name, "stage": "build", "error": f"{type(e).__name__}: {e}"})
            continue
        for mode in modes:
            rel = f"{mode}/{case.name}.vortex"
            rel_expected = f"{mode}/{case.name}.expected.arrow"
            path = os.path.join(out_dir, rel)
            try:
                with _CaptureStderr() as cap:
                    if case.top_level:
                        write_vortex(vx.array(data), path, mode)
                    else:
                        write_vortex(data, path, mode)
            except Exception as e:  # noqa: BLE001
                msg = str(e).split("\nBacktrace:")[0].strip()
                skipped.append({"name": case.name, "mode": mode, "stage": "write", "error": f"{type(e).__name__}: {msg}"})
                if os.path.exists(path):
                    os.remove(path)
                continue
            try:
                table, vx_dtype = read_back(path, case.top_level)
            except Exception as e:  # noqa: BLE001
                msg = str(e).split("\nBacktrace:")[0].strip()
                skipped.append({"name": case.name, "mode": mode, "stage": "read", "error": f"{type(e).__name__}: {msg}"})
                os.remove(path)
                continue
            written = pa.table({"value": data}) if case.top_level else data
            if table.num_rows != written.num_rows:
                # e.g. 0.76 panics in a writer thread on some inputs, returns normally and leaves a
                # valid but truncated file behind: that is a writer failure, not an oracle answer.
                skipped.append(
                    {
                        "name": case.name,
                        "mode": mode,
                        "stage": "write",
                        "error": f"silent writer failure: wrote {written.num_rows} rows, file holds {table.num_rows}; "
                        + _panic_summary(cap.text),
                    }
                )
                os.remove(path)
                continue
            if cap.text.strip():
                warnings.append(f"{rel}: writer printed to stderr: {_panic_summary(cap.text)}")
            write_arrow_file(table, os.path.join(out_dir, rel_expected))
            entry = {
                # NAME such that OUT_DIR/NAME.vortex and OUT_DIR/NAME.expected.arrow are the files
                "name": f"{mode}/{case.name}",
                "case": case.name,
                "mode": mode,
                "version": VERSION,
                "rows": table.num_rows,
                "columns": table.column_names,
                "group": case.group,
                **case.meta,
                "top_level": case.top_level,
                "path": rel,
                "expected": rel_expected,
                "file_bytes": os.path.getsize(path),
                "sha256": sha256_file(path),
                "vortex_dtype": vx_dtype,
                "written_schema": [f"{fl.name}: {fl.type}{'' if fl.nullable else ' not null'}" for fl in written.schema],
                "read_schema": [f"{fl.name}: {fl.type}{'' if fl.nullable else ' not null'}" for fl in table.schema],
                "roundtrip_equal": roundtrip_equal(written, table),
            }
            try:
                entry.update(file_encodings(path))
            except Exception as e:  # noqa: BLE001
                entry["encodings_error"] = f"{type(e).__name__}: {e}"
            if with_tree:
                try:
                    tree = tree_encodings(path)
                    entry["tree_encodings"] = tree
                    if "array_encodings" in entry:
                        missing = tree_names_not_on_disk(tree, entry)
                        if missing:
                            warnings.append(f"{rel}: vx tree shows {missing} not found on disk")
                except Exception as e:  # noqa: BLE001
                    entry["tree_error"] = f"{type(e).__name__}: {e}"
            if mode == "default" and case.meta.get("expect") and "encodings" in entry:
                miss = [x for x in case.meta["expect"] if x not in entry["encodings"]]
                if miss:
                    warnings.append(f"{rel}: expected encodings {miss} not used (got {entry['array_encodings']})")
            if entry["roundtrip_equal"] is False:
                warnings.append(f"{rel}: read-back differs from the written data")
            manifest.append(entry)
        print(f"[{time.time() - t0:6.1f}s] {case.name}", file=sys.stderr, flush=True)

    manifest_path = os.path.join(out_dir, "manifest.json")
    with open(manifest_path, "w") as fh:
        json.dump(manifest, fh, indent=1, ensure_ascii=False)
        fh.write("\n")
    with open(os.path.join(out_dir, "skipped.json"), "w") as fh:
        json.dump(skipped, fh, indent=1, ensure_ascii=False)
        fh.write("\n")

    # summary
    elapsed = time.time() - t0
    print(f"vortex-data {VERSION} (profile {profile}): {len(manifest)} files in {elapsed:.1f}s -> {out_dir}")
    for mode in modes:
        ents = [e for e in manifest if e["mode"] == mode]
        vx_bytes = sum(e["file_bytes"] for e in ents)
        arrow_bytes = sum(os.path.getsize(os.path.join(out_dir, e["expected"])) for e in ents)
        encs = sorted({x for e in ents for x in e.get("array_encodings", []) + e.get("zone_encodings", [])})
        lays = sorted({x for e in ents for x in e.get("layout_encodings", [])})
        print(f"  {mode}: {len(ents)} files, vortex {vx_bytes / 1e6:.1f} MB, expected arrow {arrow_bytes / 1e6:.1f} MB")
        print(f"    array encodings: {', '.join(encs)}")
        print(f"    layouts:         {', '.join(lays)}")
    for s in skipped:
        print(f"  skipped {s['name']} ({s.get('mode', '-')}, {s['stage']}): {s['error'][:160]}")
    for w in warnings:
        print(f"  warning: {w}")
    return 0


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("out_dir")
    ap.add_argument("--only", help="debugging: only cases whose name contains SUBSTR (other files are kept, manifest.json lists only these)")
    ap.add_argument("--mode", choices=MODES, action="append", help="write mode(s); default: both")
    ap.add_argument("--profile", choices=sorted(PROFILES), default="ci", help="matrix size (default: ci)")
    ap.add_argument("--no-tree", action="store_true", help="skip `vx tree array` (tree_encodings)")
    args = ap.parse_args(argv)
    return generate(args.out_dir, args.only, not args.no_tree, tuple(args.mode or MODES), args.profile)


if __name__ == "__main__":
    sys.exit(main())
