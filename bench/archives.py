"""Reading archives: does memory stay flat whatever the archive's size, and what does each format cost?

The same records (a JSONL file from `real_corpus.py`) are written as plain
JSONL, gzip JSONL and Parquet (row groups of 10,000), then read back with
`newswatch.sources.read_inputs`, each in a fresh process so peak memory is
that format's alone: records per second and peak resident memory. The
baseline in the same run is the whole-file path a small JSONL takes (the
file read and decoded at once, then split into lines): the way every JSONL
was read before archives were streamed.

Reading is all that is measured (no analysis, no store): an ingest's cost is
the analysis (see "Ingest throughput"); this shows what the reader adds and
that it holds a few hundred records at a time, not the archive.

Usage:
  ./run bench real_corpus.py --articles 20000 --out /tmp/real20k.jsonl
  ./run bench archives.py --jsonl /tmp/real20k.jsonl [--copies 5]
"""

from __future__ import annotations

import argparse
import gzip
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _shared import machine

FORMATS = ("whole JSONL (baseline)", "streamed JSONL", "gzip JSONL", "Parquet")


def _read(kind: str, path: str) -> None:
    """In a child process: read every record, print one JSON line of figures."""
    from newswatch.config import IngestOptions
    from newswatch.documents import RawDocument
    from newswatch.sources import read_inputs

    size = Path(path).stat().st_size
    # The whole-file path is the one a JSONL under --max-bytes takes; the others stream whatever the limit.
    limit = size + 1 if kind == FORMATS[0] else 10_000_000
    start = time.perf_counter()
    good = bad = 0
    for item in read_inputs([path], IngestOptions(max_bytes=limit)):
        if isinstance(item, RawDocument):
            good += 1
        else:
            bad += 1
    seconds = time.perf_counter() - start
    print(json.dumps({"records": good, "errors": bad, "seconds": seconds, "peak_mb": _peak_since_exec_mb(),
                      "file_mb": size / 1e6}))


def _peak_since_exec_mb() -> float:
    # Not getrusage's ru_maxrss: it survives exec, so a child forked from the (large) parent would show the
    # parent's size. VmHWM belongs to this program's own address space.
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def _write_all(source: Path, copies: int, folder: Path) -> dict[str, Path]:
    import pyarrow as pa
    import pyarrow.parquet as pq

    lines = source.read_text(encoding="utf-8").splitlines()
    records = []
    for copy in range(copies):
        for line in lines:
            record = json.loads(line)
            record["id"] = f"{record.get('id')}-{copy}"
            records.append(record)
    plain = folder / "archive.jsonl"
    with plain.open("w", encoding="utf-8") as out:
        for record in records:
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
    with plain.open("rb") as src, gzip.open(folder / "archive.jsonl.gz", "wb", compresslevel=6) as dst:
        shutil.copyfileobj(src, dst)
    columns = sorted({key for record in records for key in record})
    table = pa.table({c: [r.get(c) for r in records] for c in columns})
    pq.write_table(table, folder / "archive.parquet", row_group_size=10_000)
    return {FORMATS[0]: plain, FORMATS[1]: plain, FORMATS[2]: folder / "archive.jsonl.gz",
            FORMATS[3]: folder / "archive.parquet"}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--jsonl", type=Path, required=True, help="records to write in each format")
    ap.add_argument("--copies", type=int, default=5, help="the records this many times over (a larger archive)")
    ap.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        _read(*args.child)
        return
    with tempfile.TemporaryDirectory() as tmp:
        paths = _write_all(args.jsonl, args.copies, Path(tmp))
        print(f"Machine: {machine()}")
        print("| format | file MB | records | errors | seconds | records/s | peak MB |")
        print("|---|---|---|---|---|---|---|")
        for kind, path in paths.items():
            out = subprocess.run([sys.executable, __file__, "--jsonl", str(args.jsonl), "--child", kind, str(path)],
                                 capture_output=True, text=True, check=True)
            r = json.loads(out.stdout.strip().splitlines()[-1])
            print(f"| {kind} | {r['file_mb']:,.0f} | {r['records']:,} | {r['errors']} | {r['seconds']:.1f} | "
                  f"{r['records'] / r['seconds']:,.0f} | {r['peak_mb']:,.0f} |", flush=True)


if __name__ == "__main__":
    main()
