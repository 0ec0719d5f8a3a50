"""Build a large corpus for the web benchmark (bench/web.py): N linked articles without NER.

The articles are scale.py's synthetic happenings (a steady 100 a day, each
naming three people, embeddings clustered by happening), given readable text:
each one's body is sentences drawn from the bundled demo corpus, so that full-
text search has real words, real posting lists and real snippets to build.
Linking (duplicates, events, stories, entities) runs as in a real ingest.

Usage: ./run bench web_corpus.py --articles 100000 --db /tmp/newswatch-100k.db
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from pathlib import Path

import numpy as np
from tqdm import tqdm

from scale import make_articles
from newswatch.documents import EntityMention
from newswatch.store.sqlite import SQLiteStore

DEMO = Path(__file__).resolve().parent.parent / "newswatch" / "demo" / "corpus" / "wire.jsonl"


def demo_sentences() -> tuple[list[str], list[str]]:
    sentences, titles = [], []
    for line in DEMO.read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        titles.append(record["title"])
        sentences += [s for s in re.split(r"(?<=[.!?”])\s+", record["text"]) if len(s) > 30]
    return sentences, titles


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--articles", type=int, default=100_000)
    ap.add_argument("--db", required=True, help="where to write the corpus (must not exist)")
    args = ap.parse_args()
    if Path(args.db).exists():
        sys.exit(f"web_corpus: {args.db} exists; remove it or choose another path")
    sentences, titles = demo_sentences()
    rng = np.random.default_rng(11)
    store = SQLiteStore(args.db)
    t0 = time.perf_counter()
    batch = []
    for art in tqdm(make_articles(args.articles), total=args.articles, unit="article", mininterval=5):
        people = [m.text for m in art.mentions]
        picked = [sentences[int(i)] for i in rng.integers(0, len(sentences), size=6)]
        lead = f"{people[0]} and {people[1]} spoke on the record; {people[2]} declined to comment."
        art.text = lead + "\n\n" + "\n\n".join(picked)
        art.title = f"{titles[int(rng.integers(len(titles)))]} ({art.raw.external_id})"
        art.mentions = [EntityMention(p, art.text.index(p), art.text.index(p) + len(p), "PERSON", "PERSON", chain=c)
                        for c, p in enumerate(people)]
        art.raw.source = f"Outlet {int(rng.integers(40))}"
        batch.append(art)
        if len(batch) == 100:
            store.add_articles(batch)
            batch = []
    if batch:
        store.add_articles(batch)
    stats = store.stats()
    store.close()
    print(f"{stats['articles']:,} articles, {stats['events']:,} events, {stats['stories']:,} stories, "
          f"{stats['entities']:,} entities in {time.perf_counter() - t0:.0f} s -> {args.db}")


if __name__ == "__main__":
    main()
