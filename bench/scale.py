"""Does the cost of adding one article grow with the corpus? Linking and storage at 10k and 100k.

Per-article analysis (cleaning, NER, embedding) costs the same whatever the
corpus size, so this benchmark skips it: synthetic analysed articles are fed
straight to the SQLite store, which links entities, near-duplicates, events
and stories exactly as in a real ingest. Articles arrive in time order over
a steady 100 a day, so that the corpus grows while the daily news volume (what
an article is compared with) stays as in a real feed; each belongs to one of
many short-lived happenings (its embedding is the happening's vector plus
noise) and names three people from a pool that grows with the corpus.

Reported: milliseconds per added article, averaged over the batches around
each corpus size, and the same for the first batches as the baseline.

Usage: ./run bench scale.py [--articles 100000]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

import numpy as np
from _shared import machine, peak_rss_mb

from newswatch.documents import Article, EntityChain, EntityMention, RawDocument
from newswatch.store.sqlite import SQLiteStore

DIM = 256
BATCH = 100


PER_DAY = 100


def make_articles(n: int, seed: int = 7):
    rng = np.random.default_rng(seed)
    happenings = max(50, n // 8)  # about 12 new happenings a day, 8 articles each
    topic = rng.normal(size=(happenings, DIM)).astype(np.float32)
    start = datetime(2024, 1, 1)
    syllables = ["ka", "lo", "mi", "ren", "sa", "tor", "vi", "del", "an", "bru", "che", "dov", "el", "fa", "gim", "hal"]

    def word(k: int) -> str:
        return "".join(syllables[int(x)] for x in rng.integers(0, len(syllables), size=k)).capitalize()

    names = sorted({f"{word(2)} {word(3)}" for _ in range(max(200, n // 5))})
    for i in range(n):
        day = start + timedelta(days=i / PER_DAY)
        h = min(happenings - 1, int(happenings * i / n) + int(rng.integers(0, 3)))
        vec = topic[h] + 0.6 * rng.normal(size=DIM).astype(np.float32)
        vec /= np.linalg.norm(vec)
        # two people belong to the happening, a third is anyone met so far (names grow with the corpus)
        seen = max(20, len(names) * (i + 1) // n)
        people = [names[(h * 7 + k) % seen] for k in range(2)] + [names[int(rng.integers(seen))]]
        text = " ".join(people) + f" report {i}."
        raw = RawDocument(origin=f"synthetic:{i}", format="jsonl", text=text, title=f"Report {i}", published=day,
                          external_id=f"s{i}")
        art = Article(raw, text=text, title=raw.title, language="en")
        pos = 0
        for c, name in enumerate(people):
            art.mentions.append(EntityMention(name, pos, pos + len(name), "PERSON", "PERSON", chain=c))
            art.chains.append(EntityChain(name, "PERSON", mentions=[c]))
            pos += len(name) + 1
        art.embedding = vec
        art.fingerprint = rng.integers(0, 2**63, size=128, dtype=np.int64).astype(np.uint64)
        yield art


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--articles", type=int, default=100_000)
    args = ap.parse_args()
    checkpoints = sorted({1_000, 10_000, args.articles} & set(range(1, args.articles + 1)) | {args.articles})
    timings: dict[int, list[float]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        store = SQLiteStore(Path(tmp) / "scale.db")
        batch, done = [], 0
        t_all = time.perf_counter()
        for art in make_articles(args.articles):
            batch.append(art)
            if len(batch) == BATCH:
                t0 = time.perf_counter()
                store.add_articles(batch)
                per = (time.perf_counter() - t0) * 1000 / BATCH
                done += BATCH
                for cp in checkpoints:
                    if cp - 10 * BATCH < done <= cp:
                        timings.setdefault(cp, []).append(per)
                batch = []
        total = time.perf_counter() - t_all
        stats = store.stats()
        size_mb = Path(store.path).stat().st_size / 2**20
        store.close()
    print(f"machine: {machine()}")
    print(f"{args.articles:,} synthetic articles in {total:.0f} s; {stats['events']:,} events, "
          f"{stats['stories']:,} stories, {stats['entities']:,} entities; database {size_mb:.0f} MB; "
          f"peak {peak_rss_mb():.0f} MB")
    print("| corpus size | ms per added article (last 1,000 before it) | vs 1,000 |")
    print("|---|---|---|")
    base = np.mean(timings[checkpoints[0]])
    for cp in checkpoints:
        ms = float(np.mean(timings[cp]))
        print(f"| {cp:,} | {ms:.2f} | {ms / base:.2f}x |")


if __name__ == "__main__":
    main()
