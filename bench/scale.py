"""Does the cost of adding one article grow with the corpus? Linking and storage up to 100k real articles.

Per-article analysis (cleaning, NER, embedding) costs the same whatever the
corpus size, so this benchmark reuses an analysis already done: it reads the
articles of a corpus ingested by `newswatch ingest` (real text from
`real_corpus.py`: real entities, mention chains, quotes, embeddings, MinHash
signatures, undated articles, near-duplicates) and adds them again, in the
order they were stored, to a new SQLite store, which links entities,
near-duplicates, events and stories exactly as in a real ingest. Past the
source's size it goes round again: round k moves every date k * 12 years
later, replaces 60% of each MinHash value (so most copies are new text to
the duplicate index, a few still copies) and nudges each embedding, so the
corpus keeps growing instead of repeating itself.

Reported around each corpus size: wall-clock and CPU milliseconds per added
article (CPU: this process only, so a busy machine shows in wall time, not
in CPU), the part of it spent in Python's garbage collector, and bytes the
process wrote per article (SQLite's WAL and checkpoints: the cost of keeping
the indexes).

With ``--postgres URL`` (an empty database) the same articles then go into
PostgreSQL too, in the same run, and both stores are searched at the end:
the 95th percentile of text and hybrid searches (SQLite with the in-memory
embedding index the web server keeps, PostgreSQL with pgvector's HNSW index
when the server has it). On PostgreSQL the CPU column is this process's only
(the server's work shows in the wall time).

Usage:
  ./run bench real_corpus.py --articles 20000 --out /tmp/real20k.jsonl
  ./run newswatch --db /tmp/real20k.db ingest /tmp/real20k.jsonl --max-bytes 100000000
  ./run bench scale.py --source /tmp/real20k.db --articles 100000 [--keep /tmp/scale100k.db]
      [--postgres postgresql://user@host/emptydb] [--only-postgres]
"""

from __future__ import annotations

import argparse
import gc
import json
import shutil
import sqlite3
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

import numpy as np
from _shared import machine, peak_rss_mb

from newswatch.documents import Article, EntityChain, EntityMention, Quote, RawDocument
from newswatch.store import open_store
from newswatch.store.sqlite import SQLiteStore

BATCH = 100
ROUND_YEARS = 12


class GCTimer:
    """Seconds spent in the garbage collector (all generations), from ``gc.callbacks``: a cost that grows
    with the number of live Python objects, not with the work per article."""

    def __init__(self):
        self.total, self._start = 0.0, None
        gc.callbacks.append(self._callback)

    def _callback(self, phase: str, info: dict) -> None:
        if phase == "start":
            self._start = time.perf_counter()
        elif self._start is not None:
            self.total += time.perf_counter() - self._start
            self._start = None


def _written_bytes() -> int:
    try:
        for line in Path("/proc/self/io").read_text().splitlines():
            if line.startswith("write_bytes:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def stored_articles(source: str):
    """The source corpus's articles, as analysed Article objects, in stored order."""
    con = sqlite3.connect(source)
    con.row_factory = sqlite3.Row
    last = 0
    while rows := con.execute("SELECT * FROM articles WHERE id > ? AND embedding IS NOT NULL ORDER BY id LIMIT 500",
                              (last,)).fetchall():
        last = rows[-1]["id"]
        for r in rows:
            raw = RawDocument(origin=r["origin"], format=r["format"], text=r["raw_text"], title=r["raw_title"],
                              url=r["url"], source=r["source"], author=r["author"],
                              published=datetime.fromisoformat(r["published"]) if r["published"] else None,
                              external_id=r["external_id"])
            art = Article(raw, text=r["text"], title=r["title"], language=r["language"])
            chains: dict[int, int] = {}
            for m in con.execute("SELECT m.*, e.name FROM mentions m LEFT JOIN entities e ON e.id = m.entity_id"
                                 " WHERE article_id = ? ORDER BY start", (r["id"],)):
                chain = -1
                if m["entity_id"] is not None:
                    if m["entity_id"] not in chains:
                        chains[m["entity_id"]] = len(art.chains)
                        art.chains.append(EntityChain(m["name"] or m["text"], m["type"]))
                    chain = chains[m["entity_id"]]
                    art.chains[chain].mentions.append(len(art.mentions))
                art.mentions.append(EntityMention(m["text"], m["start"], m["end"], m["label"], m["type"], chain))
            for q in con.execute("SELECT * FROM quotes WHERE article_id = ?", (r["id"],)):
                art.quotes.append(Quote(q["text"], q["start"], q["end"], q["cue"], bool(q["direct"]),
                                        q["speaker_text"], q["speaker_start"], q["speaker_end"],
                                        chains.get(q["speaker_id"])))
            art.embedding = np.frombuffer(r["embedding"], dtype=np.float32).copy()
            art.fingerprint = np.frombuffer(r["fingerprint"], dtype=np.uint64).copy()
            art.terms = json.loads(r["terms"]) if r["terms"] else {}
            art.published_estimate = json.loads(r["published_estimate"]) if r["published_estimate"] else None
            yield art
    con.close()


def rounds(source: str, n: int, seed: int = 7):
    """``n`` articles: the source's, then later rounds of varied copies (see the module docstring)."""
    rng = np.random.default_rng(seed)
    made, k = 0, 0
    while made < n:
        for art in stored_articles(source):
            if made >= n:
                return
            if k:
                raw = art.raw
                raw.external_id = f"{raw.external_id}#round{k}" if raw.external_id else None
                if raw.published:
                    raw.published = raw.published + timedelta(days=round(365.25 * ROUND_YEARS * k))
                art.published_estimate = None  # an estimate was of the original's window
                fp = art.fingerprint
                swap = rng.random(len(fp)) < 0.6
                fp[swap] = rng.integers(0, 2**63, size=int(swap.sum()), dtype=np.int64).astype(np.uint64)
                vec = art.embedding + rng.normal(0, 0.02, size=len(art.embedding)).astype(np.float32)
                art.embedding = vec / np.linalg.norm(vec)
                art.text = art.text + f"\n\n(round {k})"  # a new content hash: not an exact copy
            made += 1
            yield art
        k += 1


def fill(store, args, checkpoints) -> tuple[dict, float]:
    """Add the articles to ``store`` a batch at a time; per-checkpoint timings and the total seconds."""
    timings: dict[int, list[tuple[float, float, int, float]]] = {}
    collector = GCTimer()
    batch, done = [], 0
    t_all = time.perf_counter()
    for art in rounds(args.source, args.articles):
        batch.append(art)
        if len(batch) == BATCH:
            t0, c0, w0, g0 = time.perf_counter(), time.process_time(), _written_bytes(), collector.total
            store.add_articles(batch)
            wall = (time.perf_counter() - t0) * 1000 / BATCH
            cpu = (time.process_time() - c0) * 1000 / BATCH
            wrote = (_written_bytes() - w0) // BATCH
            in_gc = (collector.total - g0) * 1000 / BATCH
            done += BATCH
            for cp in checkpoints:
                if cp - 10 * BATCH < done <= cp:
                    timings.setdefault(cp, []).append((wall, cpu, wrote, in_gc))
            batch = []
            if done in checkpoints:  # partial results survive an interrupted long run
                wall, cpu, wrote, in_gc = (float(np.mean(col)) for col in zip(*timings[done]))
                print(f"  {done:,} articles after {time.perf_counter() - t_all:.0f} s: {wall:.2f} ms wall, "
                      f"{cpu:.2f} ms CPU ({in_gc:.2f} in the garbage collector), {wrote / 1024:.0f} KB written "
                      f"per article; {len(gc.get_objects()):,} live objects", flush=True)
    gc.callbacks.remove(collector._callback)
    return timings, time.perf_counter() - t_all


def search_latency(store, location: str, queries: list[str]) -> dict[str, float]:
    """p50 and p95 milliseconds of text and hybrid searches, as the web server runs them."""
    from newswatch.analysis.features import embed
    from newswatch.store.search import EmbeddingIndex, search

    index = None if location.startswith("postgresql") and getattr(store, "vectors", False) else \
        EmbeddingIndex(location)
    vectors = embed(queries)
    out = {}
    for mode in ("text", "hybrid"):
        times = []
        for q, v in zip(queries, vectors):
            t0 = time.perf_counter()
            search(store, q, v if mode == "hybrid" else None, mode, index=index)
            times.append((time.perf_counter() - t0) * 1000)
        out[f"{mode} p50"], out[f"{mode} p95"] = float(np.percentile(times, 50)), float(np.percentile(times, 95))
    return out


def sample_queries(store, n: int = 200, seed: int = 3) -> list[str]:
    """Two words from the titles of random stored articles."""
    rng = np.random.default_rng(seed)
    titles = [r[0] for r in store.conn.execute("SELECT title FROM articles WHERE title IS NOT NULL ORDER BY id")]
    queries = []
    for i in rng.choice(len(titles), size=min(n, len(titles)), replace=False):
        words = [w for w in titles[i].split() if len(w) > 3 and w.isalpha()]
        if len(words) >= 2:
            queries.append(" ".join(words[:2]))
    return queries


def report(name: str, store, location: str, timings: dict, total: float, checkpoints, args, queries) -> None:
    stats = store.stats()
    print(f"\n## {name}: {args.articles:,} articles (real analysis from {args.source}) stored and linked in"
          f" {total:.0f} s; {stats['events']:,} events, {stats['stories']:,} stories, {stats['entities']:,} entities,"
          f" {stats['duplicate_groups']:,} near-duplicate groups, {stats['undated']:,} undated; peak"
          f" {peak_rss_mb():.0f} MB")
    print("| corpus size | wall ms per added article | CPU ms | of which GC | KB written per article | wall vs 1,000 |"
          " CPU vs 1,000 |")
    print("|---|---|---|---|---|---|---|")
    base_wall = np.mean([t[0] for t in timings[checkpoints[0]]])
    base_cpu = np.mean([t[1] for t in timings[checkpoints[0]]])
    for cp in checkpoints:
        wall = float(np.mean([t[0] for t in timings[cp]]))
        cpu = float(np.mean([t[1] for t in timings[cp]]))
        kb = float(np.mean([t[2] for t in timings[cp]])) / 1024
        in_gc = float(np.mean([t[3] for t in timings[cp]]))
        print(f"| {cp:,} | {wall:.2f} | {cpu:.2f} | {in_gc:.2f} | {kb:.0f} | {wall / base_wall:.2f}x |"
              f" {cpu / base_cpu:.2f}x |")
    latency = search_latency(store, location, queries)
    print(f"search over {len(queries)} two-word queries: " + ", ".join(f"{k} {v:.1f} ms" for k, v in latency.items()),
          flush=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--source", required=True, help="a corpus ingested by newswatch (see Usage)")
    ap.add_argument("--articles", type=int, default=100_000)
    ap.add_argument("--keep", type=Path, help="keep the SQLite database built here (for profiling what follows)")
    ap.add_argument("--postgres", help="also fill this (empty) PostgreSQL database, in the same run")
    ap.add_argument("--only-postgres", action="store_true", help="skip SQLite (its figures from another run)")
    args = ap.parse_args()
    # 10k, 30k, 50k, 70k and 90k fall on about the same stretch of the ~20k-article source, each a round
    # later: those are the sizes to compare (the stretch before a checkpoint decides its cost too).
    checkpoints = sorted({1_000, 10_000, 20_000, 30_000, 50_000, 70_000, 90_000, args.articles}
                         & set(range(1, args.articles + 1)) | {args.articles})
    print(f"machine: {machine()}")
    queries = None
    with tempfile.TemporaryDirectory() as tmp:
        if not args.only_postgres:
            path = str(Path(tmp) / "scale.db")
            store = SQLiteStore(path)
            timings, total = fill(store, args, checkpoints)
            queries = sample_queries(store)
            report("SQLite", store, path, timings, total, checkpoints, args, queries)
            size_mb = Path(path).stat().st_size / 2**20
            print(f"database file {size_mb:.0f} MB")
            store.close()
            if args.keep:
                shutil.copyfile(path, args.keep)
        if args.postgres:
            store = open_store(args.postgres)
            if store.count_articles():
                raise SystemExit(f"{args.postgres} is not empty")
            timings, total = fill(store, args, checkpoints)
            queries = queries or sample_queries(store)
            report("PostgreSQL", store, args.postgres, timings, total, checkpoints, args, queries)
            size = store.conn.execute("SELECT pg_database_size(current_database())").fetchone()[0]
            print(f"database {size / 2**20:.0f} MB; pgvector: {store.vectors}")
            store.close()


if __name__ == "__main__":
    main()
