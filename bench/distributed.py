"""Dask against plain `newswatch ingest`: the same stored result? How long? Where does it stop scaling?

For each set (ECB+, GoogleNews-TS by default), in one run on one machine:

1. `newswatch ingest FILE` (the machine's worker processes, --workers 2) and
   `newswatch ingest FILE --dask local --workers 2` (a Dask LocalCluster of 2
   worker processes), each into a new SQLite file, each timed as a whole
   command; then the two stores are compared: articles, near-duplicate
   groups, events, stories, entities and quotes must be identical.
2. The two parts of an ingest, measured apart for the projection: analysis
   (CPU seconds per article in one process: what a worker core spends) and
   storing + linking (seconds per article in the single writer, on SQLite
   and, with --postgres, on PostgreSQL), the part that stays on one machine.

From these: articles per second with N machines of C cores analysing is
about min(N * C / analysis, 1 / linking); past N * C = analysis / linking
cores the single linking writer is the limit.

Usage: ./run bench distributed.py [--sets ECB+,GoogleNews-TS] [--limit N] [--postgres postgresql://.../emptydb]
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

from _shared import machine
from ingest import write_dataset

from newswatch import api


def snapshot(location: str) -> dict:
    """What a reader sees of a stored corpus, keyed by the articles' external ids (not by row ids)."""
    with api.open(location, readonly=True) as nw:
        store = nw.store
        arts = store.list_articles()
        key = {a["id"]: a["external_id"] for a in arts}
        events, stories, groups = {}, {}, {}
        for a in arts:
            full = store.get_article(a["id"])
            events.setdefault(full["event_id"], []).append(key[a["id"]])
            stories.setdefault((full["story"] or {}).get("id"), []).append(key[a["id"]])
            if full["dup_group"] is not None:
                groups.setdefault(full["dup_group"], []).append(key[a["id"]])
        return {
            "articles": sorted((key[a["id"]], a["title"], a["language"], a["published"]) for a in arts),
            "near-duplicates": sorted(sorted(g) for g in groups.values()),
            "events": sorted(sorted(e) for e in events.values()),
            "stories": sorted(sorted(s) for s in stories.values()),
            "entities": sorted((e["name"], e["type"], e["articles"], e["mentions"])
                               for e in store.list_entities(limit=None)),
            "quotes": sorted((q["external_id"], q["start"], q["text"], (q["speaker"] or {}).get("name") or "")
                             for q in store.list_quotes(limit=None)),
        }


def timed_ingest(path: Path, db: Path, *extra: str) -> float:
    t0 = time.perf_counter()
    subprocess.run([sys.executable, "-m", "newswatch", "--db", str(db), "ingest", str(path), "--no-progress",
                    "--workers", "2", *extra], check=True, capture_output=True, text=True)
    return time.perf_counter() - t0


def parts(path: Path, postgres: str | None) -> dict:
    """Analysis CPU per article (one process) and storing + linking seconds per article (one writer)."""
    from newswatch.analysis import DEFAULT_PIPELINE, Pipeline
    from newswatch.config import IngestOptions
    from newswatch.documents import Article
    from newswatch.sources import read_inputs
    from newswatch.store import open_store

    options = IngestOptions(workers=1)
    docs = [d for d in read_inputs([str(path)], options) if not isinstance(d, Exception)]
    pipeline = Pipeline(DEFAULT_PIPELINE, options)
    list(pipeline.pipe([Article(docs[0])]))  # models loaded outside the timing
    c0 = time.process_time()
    analysed = [a for a in pipeline.pipe(Article(d) for d in docs) if a.error is None and a.text.strip()]
    analysis = (time.process_time() - c0) / len(docs)
    out = {"analysis": analysis, "articles": len(analysed)}
    targets = [("SQLite", None)] + ([("PostgreSQL", postgres)] if postgres else [])
    with tempfile.TemporaryDirectory() as tmp:
        for name, location in targets:
            store = open_store(location or str(Path(tmp) / "link.db"))
            t0 = time.perf_counter()
            for i in range(0, len(analysed), 100):
                store.add_articles(analysed[i:i + 100])
            out[f"linking {name}"] = (time.perf_counter() - t0) / len(analysed)
            if location:  # leave the database empty for the next set
                store.conn.execute("DROP SCHEMA public CASCADE")
                store.conn.execute("CREATE SCHEMA public")
            store.close()
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sets", default="ECB+,GoogleNews-TS")
    ap.add_argument("--limit", type=int)
    ap.add_argument("--postgres", help="an empty PostgreSQL database, for the linking cost there")
    args = ap.parse_args()
    print(f"machine: {machine()}")
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for name in args.sets.split(","):
            path = Path(tmp) / f"{name}.jsonl"
            n = write_dataset(name, path, args.limit)
            plain_db, dask_db = Path(tmp) / f"{name}-plain.db", Path(tmp) / f"{name}-dask.db"
            plain = timed_ingest(path, plain_db)
            dask = timed_ingest(path, dask_db, "--dask", "local")
            a, b = snapshot(str(plain_db)), snapshot(str(dask_db))
            same = [k for k in a if a[k] == b[k]]
            differ = [k for k in a if a[k] != b[k]]
            costs = parts(path, args.postgres)
            rows.append((name, n, plain, dask, same, differ, costs))
            print(json.dumps({"set": name, "items": n, "plain s": round(plain, 1), "dask s": round(dask, 1),
                              "identical": same, "different": differ,
                              **{k: round(v * 1000, 2) if isinstance(v, float) else v for k, v in costs.items()}}),
                  flush=True)
    print("\n| set | items | plain ingest s | --dask local s | dask / plain | stored result |")
    print("|---|---|---|---|---|---|")
    for name, n, plain, dask, same, differ, _ in rows:
        verdict = "identical (" + ", ".join(same) + ")" if not differ else "DIFFERS in " + ", ".join(differ)
        print(f"| {name} | {n} | {plain:.1f} | {dask:.1f} | {dask / plain:.2f}x | {verdict} |")
    print("\n| set | analysis CPU ms per article | linking ms per article, SQLite | PostgreSQL |"
          " cores the single writer keeps busy (SQLite / PostgreSQL) |")
    print("|---|---|---|---|---|")
    for name, _, _, _, _, _, costs in rows:
        pg = costs.get("linking PostgreSQL")
        print(f"| {name} | {costs['analysis'] * 1000:.1f} | {costs['linking SQLite'] * 1000:.1f} |"
              f" {pg * 1000:.1f} |" if pg else f"| {name} | {costs['analysis'] * 1000:.1f} |"
              f" {costs['linking SQLite'] * 1000:.1f} | - |", end="")
        cores = costs["analysis"] / costs["linking SQLite"]
        print(f" {cores:.0f} / {costs['analysis'] / pg:.0f} |" if pg else f" {cores:.0f} / - |")


if __name__ == "__main__":
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    main()
