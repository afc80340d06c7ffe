#!/usr/bin/env python3
"""Reads a whole Vortex file into a pyarrow Table N times with the installed vortex-data.

    .venv/vortex-0.90/bin/python test/compat/bench_read.py FILE [--iters 5]

Each iteration opens the file afresh (``vortex.open``) and reads every row and column
(``VortexFile.to_arrow().read_all()``), so no segment cache carries over between iterations.
Prints one JSON object on stdout:

    {"file": ..., "rows": ..., "arrow_bytes": table.nbytes, "seconds_per_iter": [...],
     "peak_rss_bytes": ..., "vortex_version": ...}
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import resource
import sys
import time

import vortex as vx


def peak_rss_bytes() -> int:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak if sys.platform == "darwin" else peak * 1024  # Linux reports KiB


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("file")
    ap.add_argument("--iters", type=int, default=5)
    args = ap.parse_args(argv)

    seconds: list[float] = []
    rows = arrow_bytes = 0
    for _ in range(max(1, args.iters)):
        gc.collect()
        t0 = time.perf_counter()
        table = vx.open(args.file).to_arrow().read_all()
        seconds.append(time.perf_counter() - t0)
        rows, arrow_bytes = table.num_rows, table.nbytes
        del table
    out = {
        "file": os.path.abspath(args.file),
        "rows": rows,
        "arrow_bytes": arrow_bytes,
        "seconds_per_iter": [round(s, 6) for s in seconds],
        "peak_rss_bytes": peak_rss_bytes(),
        "vortex_version": vx.__version__,
    }
    print(json.dumps(out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
