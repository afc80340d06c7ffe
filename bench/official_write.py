#!/usr/bin/env python3
"""Times the installed vortex-data's *default* writer on one Arrow IPC input (for bench/vortex-write.ts).

    .venv/vortex-0.90/bin/python bench/official_write.py IN.arrow OUT.vortex [--iters 3]

Reads the whole input into memory first (not timed), then writes it N times with
``vortex.io.write(table, OUT)`` and times only that call. Prints one JSON object on stdout:

    {"file": OUT, "rows": ..., "vortex_bytes": ..., "seconds_per_iter": [...], "vortex_version": ...}
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import sys
import time

import pyarrow as pa

import vortex as vx


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("input")
    ap.add_argument("output")
    ap.add_argument("--iters", type=int, default=3)
    args = ap.parse_args(argv)

    with pa.OSFile(args.input, "rb") as src:  # read into memory, not memory-mapped
        table = pa.ipc.open_file(src).read_all()

    seconds: list[float] = []
    for _ in range(max(1, args.iters)):
        if os.path.exists(args.output):
            os.remove(args.output)
        gc.collect()
        t0 = time.perf_counter()
        vx.io.write(table, args.output)
        seconds.append(time.perf_counter() - t0)
    out = {
        "file": os.path.abspath(args.output),
        "rows": table.num_rows,
        "vortex_bytes": os.path.getsize(args.output),
        "seconds_per_iter": [round(s, 6) for s in seconds],
        "vortex_version": vx.__version__,
    }
    print(json.dumps(out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
