"""Reads Vortex files with the official library and saves what it reads, for gyre's writer tests.

Usage: python read_back.py JOBS.json
JOBS.json is a JSON array of {"path": "x.vortex", "out": "x.arrow"}. Every file is opened with
`vortex.open(path).to_arrow().read_all()` in this one process (interpreter start-up and import
cost once), and the table is written to `out` as an Arrow IPC file. Prints one JSON object:
{"version": ..., "results": [{"path", "ok", "rows", "schema", "error"}]}. A file that fails to
read is reported, not fatal.
"""

import json
import sys
import traceback

import pyarrow as pa
import vortex as vx


def read_one(path: str, out: str) -> dict:
    try:
        table = vx.open(path).to_arrow().read_all()
        with pa.OSFile(out, "wb") as sink:
            with pa.ipc.new_file(sink, table.schema) as writer:
                writer.write_table(table)
        return {"path": path, "ok": True, "rows": table.num_rows, "schema": str(table.schema)}
    except BaseException as e:  # noqa: BLE001 - a panic in the Rust reader surfaces as BaseException
        return {"path": path, "ok": False, "error": f"{type(e).__name__}: {e}", "trace": traceback.format_exc(limit=3)}


def main() -> None:
    with open(sys.argv[1], encoding="utf8") as f:
        jobs = json.load(f)
    results = [read_one(j["path"], j["out"]) for j in jobs]
    print(json.dumps({"version": getattr(vx, "__version__", "?"), "results": results}))


if __name__ == "__main__":
    main()
