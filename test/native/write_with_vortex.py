#!/usr/bin/env python3
"""Converts Arrow IPC files to .vortex files with the official writer (one process, many cases).

Usage:  python write_with_vortex.py MANIFEST.json

MANIFEST.json is a JSON array of cases:

    [{"ipc": "/abs/in.arrow", "out": "/abs/out.vortex", "mode": "default" | "compact"}, ...]

Each ``ipc`` file is an Arrow IPC *file* (as written by apache-arrow's ``tableToIPC(t, 'file')``);
it is written unchanged (same schema and values; buffers re-aligned) with ``vortex.io.write``
(mode ``default``) or ``vortex.io.VortexWriteOptions.compact().write`` (mode ``compact``), and the
written file's row count is checked (the official writer can silently drop rows it panics on).

Prints one JSON object to stdout: {"version": "...", "results": [{"out": ..., "ok": bool,
"error": str | null}, ...]}. A failing case does not stop the others.
"""

from __future__ import annotations

import json
import sys
import traceback

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.ipc as ipc

import vortex as vx


def read_ipc(path: str) -> pa.Table:
    # IPC buffers are only 8-byte aligned. The official writer panics (in a worker thread, leaving
    # a 0-row file behind and raising nothing) on 16-byte decimals that are not 16-byte aligned,
    # so have every buffer re-allocated with 64-byte alignment (or copied, on older pyarrow).
    if hasattr(ipc, "Alignment"):
        opts = ipc.IpcReadOptions(ensure_alignment=ipc.Alignment.At64Byte)
        with pa.memory_map(path, "r") as src:
            return ipc.open_file(src, options=opts).read_all()
    with pa.memory_map(path, "r") as src:
        table = ipc.open_file(src).read_all()
    return pc.take(table, pa.array(range(table.num_rows), pa.int64()))


def write_case(case: dict) -> None:
    table = read_ipc(case["ipc"])
    mode = case.get("mode", "default")
    if mode == "default":
        vx.io.write(table, case["out"])
    elif mode == "compact":
        vx.io.VortexWriteOptions.compact().write(table, case["out"])
    else:
        raise ValueError(f"unknown mode {mode!r}")
    # Guard against silent partial writes (see read_ipc).
    rows = len(vx.open(case["out"]))
    if rows != table.num_rows:
        raise RuntimeError(f"official writer wrote {rows} rows, expected {table.num_rows}")


def main() -> int:
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    with open(sys.argv[1], encoding="utf-8") as f:
        cases = json.load(f)
    results = []
    for case in cases:
        try:
            write_case(case)
            results.append({"out": case["out"], "ok": True, "error": None})
        except Exception as e:  # noqa: BLE001 - reported per case
            results.append(
                {"out": case["out"], "ok": False, "error": f"{type(e).__name__}: {e}\n{traceback.format_exc(limit=3)}"}
            )
    json.dump({"version": getattr(vx, "__version__", "unknown"), "results": results}, sys.stdout)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
