"""Ingest throughput and peak memory on ECB+, GoogleNews-TS and PolNeAR texts.

Each configuration runs in a fresh process (so peak memory is its own) and
ingests the whole set into a new SQLite file through the public API:

- store only: JSONL parsed and written to SQLite, no analysis (the baseline);
- + clean: the cleaning step added;
- + language + dates: the foundation's pipeline;
- full: every stage `newswatch ingest` runs (newswatch.analysis.DEFAULT_PIPELINE:
  + publication estimate, entities, quotes, and the features stage: MinHash,
  embedding, terms), stored with duplicate, event and story linking.

Peak memory is given for the main process and, where spaCy started worker
processes (after the first 200 articles), for the largest worker.

Ratios against the baseline are reported because these machines are noisy.

Usage: ./run bench ingest.py [--limit N] [--sets ECB+,PolNeAR] [--configs "store only,full"]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _shared import load_module, machine, peak_rss_mb

from newswatch.analysis import DEFAULT_PIPELINE

CONFIGS = {"store only": ("copy_raw",), "+ clean": ("clean",), "+ language + dates": ("clean", "language", "dates"),
           "full": DEFAULT_PIPELINE}
SETS = ("ECB+", "GoogleNews-TS", "PolNeAR")


def write_dataset(name: str, out: Path, limit: int | None) -> int:
    if name == "ECB+":
        docs = load_module("ecbplus/load_ecbplus.py", "load_ecbplus").load()
        records = [{"id": d["doc_id"], "text": d["text"], "title": d["text"].split("\n", 1)[0][:120]} for d in docs]
    elif name == "PolNeAR":
        loader = load_module("polnear/load_polnear.py", "load_polnear")
        texts = {d["doc"]: d["text"] for split in ("train", "dev") for d in loader.load(split)}
        records = [{"id": doc, "text": text} for doc, text in sorted(texts.items())]
    else:
        items = load_module("googlenews_ts/load_googlenews.py", "load_googlenews").load("TS")
        records = [{"id": f"gn-{i}", "text": text} for i, (_label, text) in enumerate(items)]
    records = records[:limit] if limit else records
    with open(out, "w", encoding="utf-8") as fh:
        for r in records:
            fh.write(json.dumps(r) + "\n")
    return len(records)


def worker(config: str, path: str) -> None:
    import newswatch
    from newswatch import analysis, api

    @analysis.register("copy_raw")
    def _copy_raw(options):
        def copy(article):
            article.text, article.title = article.raw.text, article.raw.title
            return article
        return copy

    names = CONFIGS[config]
    original = analysis.Pipeline.__init__

    def only(self, _names=analysis.DEFAULT_PIPELINE, options=None):
        original(self, names, options)

    analysis.Pipeline.__init__ = only  # the benchmark chooses the stages, nothing else changes
    with tempfile.TemporaryDirectory() as tmp:
        nw = newswatch.open(str(Path(tmp) / "bench.db"))
        t0 = time.perf_counter()
        report = nw.ingest([path])
        seconds = time.perf_counter() - t0
        nw.close()
    import resource

    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(json.dumps({"seconds": seconds, "ingested": report.ingested, "duplicates": report.duplicates,
                      "failed": len(report.failed), "peak_mb": peak_rss_mb(), "worker_mb": children}))
    del api


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--limit", type=int, help="only the first N items of each set")
    ap.add_argument("--sets", default=",".join(SETS), help=f"comma-separated, from {', '.join(SETS)}")
    ap.add_argument("--configs", default=",".join(CONFIGS), help=f"comma-separated, from {', '.join(CONFIGS)}")
    ap.add_argument("--worker", nargs=2, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.worker:
        worker(*args.worker)
        return
    print(f"machine: {machine()}")
    print("| set | items | configuration | seconds | articles/s | peak MB (main / NER worker) | time vs store only |")
    print("|---|---|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as tmp:
        for name in args.sets.split(","):
            path = Path(tmp) / f"{name}.jsonl"
            n = write_dataset(name, path, args.limit)
            base = None
            for config in ["store only", *[c for c in args.configs.split(",") if c != "store only"]]:
                out = subprocess.run([sys.executable, __file__, "--worker", config, str(path)], capture_output=True,
                                     text=True, check=True, env={**os.environ, "PYTHONPATH": str(Path(__file__).parent)})
                r = json.loads(out.stdout.strip().splitlines()[-1])
                base = base or r["seconds"]
                stored = r["ingested"] + r["duplicates"]
                in_worker = f" / {r['worker_mb']:.0f}" if r["worker_mb"] > 1 else ""
                print(f"| {name} | {n} | {config} | {r['seconds']:.1f} | {stored / r['seconds']:,.0f} | "
                      f"{r['peak_mb']:.0f}{in_worker} | {r['seconds'] / base:.1f}x |", flush=True)
                if r["failed"]:
                    print(f"  ({r['failed']} failed, {r['duplicates']} duplicates)")


if __name__ == "__main__":
    main()
