#!/usr/bin/env python3
"""Writes the vortex-data 0.90 cases of test/native/encodings-090.test.ts (vortex.onpair strings and
Map columns, flat and nested) with the default writer.

Usage:  python write_090_cases.py OUT_DIR

For each case NAME it writes OUT_DIR/NAME.vortex and OUT_DIR/NAME.expected.arrow (an Arrow IPC
file holding what vortex-data itself reads back), and prints one JSON object to stdout:
{"version": "...", "cases": [{"name": ..., "rows": ..., "ok": bool, "error": str | null}, ...]}.
The data comes from fixed seeds, so the files are the same on every run.
"""

from __future__ import annotations

import json
import sys
import traceback

import numpy as np
import pyarrow as pa

import vortex as vx

WORDS = ["alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel", "india", "juliet",
         "kilo", "lima", "mike", "november", "oscar", "papa", "ünïcödé", "中文字", "😀🚀"]


def urls(rng, n):
    return [f"https://www.example{rng.integers(0, 50)}.com/{rng.choice(WORDS)}/{rng.choice(WORDS)}?id={rng.integers(0, 10**6)}"
            for _ in range(n)]


def emails(rng, n):
    return [f"{rng.choice(WORDS)}.{rng.choice(WORDS)}{rng.integers(0, 1000)}@{rng.choice(['gmail.com', 'corp.example.org'])}"
            for _ in range(n)]


def ids(rng, n):
    return [f"ID-{rng.integers(0, 10**8):08d}" for _ in range(n)]


def with_nulls(rng, values, p):
    mask = rng.random(len(values)) < p
    return [None if m else v for v, m in zip(values, mask)]


M = pa.map_(pa.string(), pa.int64())


def rand_map_rows(rng, n, null_p=0.1, max_entries=4, key_fn=None):
    rows = []
    for _ in range(n):
        if rng.random() < null_p:
            rows.append(None)
            continue
        k = int(rng.integers(0, max_entries + 1))
        rows.append([((key_fn(rng) if key_fn else f"k{rng.integers(0, 9)}"),
                      None if rng.random() < 0.1 else int(rng.integers(-10**9, 10**9))) for _ in range(k)])
    return rows


def cases():
    out = {}

    def add(name):
        def deco(fn):
            out[name] = fn
            return fn
        return deco

    # ---- vortex.onpair -------------------------------------------------------------------------
    @add("onpair_urls")
    def _(rng):  # two chunks (16384 + 3616 rows)
        return pa.table({"v": pa.array(urls(rng, 20_000))})

    @add("onpair_emails_nulls")
    def _(rng):
        vals = emails(rng, 20_000)
        for i in range(0, 20_000, 97):
            vals[i] = ""
        return pa.table({"v": pa.array(with_nulls(rng, vals, 0.2))})

    @add("onpair_ids_nested")
    def _(rng):
        n = 12_000
        v = ids(rng, n)
        s = pa.array([None if i % 11 == 0 else {"x": v[i], "i": i} for i in range(n)],
                     pa.struct([("x", pa.string()), ("i", pa.int32())]))
        return pa.table({"id": pa.array(np.arange(n, dtype=np.int64)), "s": s, "v": pa.array(with_nulls(rng, ids(rng, n), 0.05))})

    @add("onpair_large")
    def _(rng):  # several chunks, many distinct tokens
        return pa.table({"v": pa.array(urls(rng, 70_000) )})

    # ---- Map dtype / vortex.map ----------------------------------------------------------------
    @add("map_flat")
    def _(rng):
        n = 5000
        return pa.table({"id": pa.array(np.arange(n, dtype=np.int64)), "m": pa.array(rand_map_rows(rng, n), M)})

    @add("map_all_null_empty_const")
    def _(rng):
        return pa.table({
            "allnull": pa.array([None] * 300, M),
            "allempty": pa.array([[]] * 300, M),
            "const": pa.array([[("a", 1), ("b", 2)]] * 300, M),
        })

    @add("map_sorted_nonnull")
    def _(rng):
        sch = pa.schema([
            pa.field("sorted", pa.map_(pa.string(), pa.int64(), keys_sorted=True)),
            pa.field("nonnull", M, nullable=False),
        ])
        rows = [{"sorted": [("a", i), ("b", -i)] if i % 3 else None, "nonnull": [("k", i)] * (i % 3)} for i in range(2000)]
        return pa.Table.from_pylist(rows, schema=sch)

    @add("map_nested")
    def _(rng):
        n = 3000
        maps = rand_map_rows(rng, n)
        in_list = [None if i % 13 == 0 else [maps[(i + k) % n] for k in range(i % 4)] for i in range(n)]
        in_struct = [None if i % 7 == 0 else {"m": maps[i], "i": i} for i in range(n)]
        struct_vals = [None if i % 9 == 0 else [(int(k), None if (i + k) % 5 == 0 else {"x": float(i) / 4, "y": WORDS[(i + k) % len(WORDS)]})
                                                   for k in range(i % 3)] for i in range(n)]
        map_of_map = [None if i % 10 == 0 else [(f"o{k}", None if k == 2 else [(int((i + j) % 100) - 50, i + j) for j in range(k)])
                                                   for k in range(i % 4)] for i in range(n)]
        return pa.table({
            "in_list": pa.array(in_list, pa.list_(M)),
            "in_struct": pa.array(in_struct, pa.struct([("m", M), ("i", pa.int32())])),
            "struct_vals": pa.array(struct_vals, pa.map_(pa.int32(), pa.struct([("x", pa.float64()), ("y", pa.string())]))),
            "map_of_map": pa.array(map_of_map, pa.map_(pa.string(), pa.map_(pa.int8(), pa.int16()))),
        })

    @add("map_large_onpair_keys")
    def _(rng):  # chunked map column whose keys are long URL-like strings
        n = 70_000
        return pa.table({
            "id": pa.array(np.arange(n, dtype=np.int64)),
            "m": pa.array(rand_map_rows(rng, n, 0.05, 3, lambda r: urls(r, 1)[0]), M),
        })

    return out


def main() -> None:
    out_dir = sys.argv[1]
    results = []
    for i, (name, build) in enumerate(cases().items()):
        try:
            table = build(np.random.default_rng(0x090 + i))
            path = f"{out_dir}/{name}.vortex"
            vx.io.write(table, path)
            back = vx.open(path).to_arrow().read_all()
            with pa.ipc.new_file(f"{out_dir}/{name}.expected.arrow", back.schema) as w:
                w.write_table(back)
            if back.to_pylist() != table.to_pylist():
                raise AssertionError("vortex-data does not read back its input")
            results.append({"name": name, "rows": table.num_rows, "ok": True, "error": None})
        except Exception:  # noqa: BLE001 — reported per case
            results.append({"name": name, "rows": 0, "ok": False, "error": traceback.format_exc(limit=3)})
    print(json.dumps({"version": getattr(vx, "__version__", "unknown"), "cases": results}))


if __name__ == "__main__":
    main()
