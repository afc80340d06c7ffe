#!/usr/bin/env python3
"""Writes the benchmark inputs with the installed vortex-data's *default* writer.

    .venv/vortex-0.90/bin/python test/compat/bench_data.py OUT_DIR [--rows 10000000]

Writes, each with an Arrow IPC file ``NAME.arrow`` holding exactly the data that was written:

    ints.vortex        id: int64 (sorted ids, 0..rows-1)   small: int64 (uniform 0..999)
    floats.vortex      price: float64 (decimal-like, 2 decimals)   value: float64 (random doubles)
    strings.vortex     category: utf8 (60 distinct)   email: utf8 (high cardinality)
    timestamps.vortex  ts: timestamp[us, tz=UTC] (increasing event times)

Data comes from a fixed seed, so the same --rows gives the same data.
Read them back with bench_read.py.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

import vortex as vx

SEED = 0x6779_7265
BATCH_ROWS = 1 << 20  # record batch size of the .arrow files and of the stream handed to the writer

_WORDS = [
    "alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel", "india", "juliett",
    "kilo", "lima", "mike", "november", "oscar", "papa", "quebec", "romeo", "sierra", "tango",
]  # fmt: skip
_CATEGORIES = [f"{w}-{k}" for w in _WORDS for k in ("north", "south", "east")]  # 60 values


def ints(rng, n: int) -> pa.Table:
    return pa.table({"id": pa.array(np.arange(n, dtype=np.int64)), "small": pa.array(rng.integers(0, 1000, n))})


def floats(rng, n: int) -> pa.Table:
    return pa.table(
        {"price": pa.array(np.round(rng.uniform(0.01, 10_000, n), 2)), "value": pa.array(rng.standard_normal(n) * 1e3)}
    )


def strings(rng, n: int) -> pa.Table:
    category = pa.array(_CATEGORIES).take(pa.array(rng.integers(0, len(_CATEGORIES), n)))
    user = pa.array(rng.integers(0, 1 << 40, n)).cast(pa.string())
    domain = pa.array(["example.com", "mail.test", "corp.example.org", "x.io"]).take(pa.array(rng.integers(0, 4, n)))
    email = pc.binary_join_element_wise("user", user, "@", domain, "")
    return pa.table({"category": category, "email": email})


def timestamps(rng, n: int) -> pa.Table:
    start = 1_704_067_200_000_000  # 2024-01-01T00:00:00Z in microseconds
    us = start + np.cumsum(rng.integers(0, 2_000_000, n))
    return pa.table({"ts": pa.array(us, type=pa.int64()).cast(pa.timestamp("us", "UTC"))})


DATASETS = {"ints": ints, "floats": floats, "strings": strings, "timestamps": timestamps}


def write_arrow(table: pa.Table, path: str) -> None:
    with pa.OSFile(path, "wb") as sink, pa.ipc.new_file(sink, table.schema) as w:
        for batch in table.to_batches(max_chunksize=BATCH_ROWS):
            w.write_batch(batch)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("out_dir")
    ap.add_argument("--rows", type=int, default=10_000_000)
    ap.add_argument("--only", choices=sorted(DATASETS), action="append", help="write only these datasets")
    args = ap.parse_args(argv)
    os.makedirs(args.out_dir, exist_ok=True)

    summary = {"version": vx.__version__, "rows": args.rows, "files": {}}
    for name, make in DATASETS.items():
        if args.only and name not in args.only:
            continue
        t0 = time.perf_counter()
        rng = np.random.default_rng([SEED, len(name), sum(map(ord, name))])
        table = make(rng, args.rows)
        table = pa.Table.from_batches(table.to_batches(max_chunksize=BATCH_ROWS), schema=table.schema)
        t1 = time.perf_counter()
        vpath = os.path.join(args.out_dir, f"{name}.vortex")
        apath = os.path.join(args.out_dir, f"{name}.arrow")
        vx.io.write(table, vpath)
        t2 = time.perf_counter()
        write_arrow(table, apath)
        back = len(vx.open(vpath))
        if back != args.rows:
            print(f"error: {vpath} holds {back} rows, wrote {args.rows}", file=sys.stderr)
            return 1
        summary["files"][name] = {
            "vortex": vpath,
            "arrow": apath,
            "vortex_bytes": os.path.getsize(vpath),
            "arrow_bytes": os.path.getsize(apath),
            "generate_seconds": round(t1 - t0, 3),
            "vortex_write_seconds": round(t2 - t1, 3),
        }
        print(
            f"{name:10s} {args.rows} rows  vortex {os.path.getsize(vpath) / 1e6:8.1f} MB"
            f"  arrow {os.path.getsize(apath) / 1e6:8.1f} MB  (write {t2 - t1:.2f}s)",
            file=sys.stderr,
        )
    with open(os.path.join(args.out_dir, "bench_data.json"), "w") as fh:
        json.dump(summary, fh, indent=1)
        fh.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
