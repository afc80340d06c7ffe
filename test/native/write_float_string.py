#!/usr/bin/env python3
"""Writes the cases of encodings-float-string.test.ts with the official Vortex writers.

Usage:  python write_float_string.py MANIFEST.json

MANIFEST.json is a JSON array of cases, all converted in this one process:

    [{"ipc": "/abs/case.arrow", "out": "/abs/case.vortex", "mode": "default" | "compact"}, ...]

Each ``ipc`` is an Arrow IPC file (apache-arrow's ``tableToIPC(t, 'file')``). ``default`` uses
``vortex.io.write``; ``compact`` uses ``vortex.io.VortexWriteOptions.compact().write``.

Prints one JSON object: {"version": "...", "results": [{"out": ..., "error": str | null}, ...]}.
A failing case does not stop the others.
"""

from __future__ import annotations

import json
import sys

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.ipc as ipc

import vortex as vx


def main() -> int:
    with open(sys.argv[1], encoding="utf-8") as f:
        cases = json.load(f)
    results = []
    for case in cases:
        try:
            with pa.memory_map(case["ipc"], "r") as src:
                table = ipc.open_file(src).read_all()
            # IPC buffers are only 8-byte aligned; the official writer (0.76) rejects unaligned
            # 16/32-byte decimals (a panic in a worker thread that leaves a 0-row file), so take
            # a copy into freshly allocated (64-byte aligned) buffers.
            table = pc.take(table, pa.array(range(table.num_rows), pa.int64()))
            if case["mode"] == "compact":
                vx.io.VortexWriteOptions.compact().write(table, case["out"])
            else:
                vx.io.write(table, case["out"])
            results.append({"out": case["out"], "error": None})
        except Exception as e:  # noqa: BLE001 - reported to the test
            results.append({"out": case["out"], "error": f"{type(e).__name__}: {e}"})
    json.dump({"version": vx.__version__, "results": results}, sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
