"""Near-duplicate detection: precision and recall on real articles and edited copies of them.

Originals: the ECB+ documents and the PolNeAR articles. For every other
original (fixed seed) one copy is made with the edits syndication makes:
a changed headline, one sentence dropped, about 3% of words replaced, and a
credit line added ("(Reporting by ...)"). ECB+ holds several independent
reports of each event, so same-event pairs are realistic hard negatives.

Everything is ingested through the store with only the cleaning and feature
stages (so the decisions are the store's own LSH + Jaccard rule), then:

- recall: copies grouped with their original;
- precision: of all pairs newswatch put in one group, the share that are an
  original and its copy (or two copies of it);
- same-event false merges: ECB+ pairs of different documents about the same
  event that were grouped.

Baseline in the same run: "embedding cosine >= 0.95" (a copy is any article
whose wordllama vector is that close to an earlier one).

Usage: ./run bench duplicates.py
"""

from __future__ import annotations

import random
import re
import tempfile
from collections import defaultdict
from itertools import combinations
from pathlib import Path

import numpy as np
from _shared import load_module, machine

import newswatch
from newswatch import analysis

FILLER = ["very", "also", "now", "still", "reportedly", "officially", "quickly", "largely", "nearly", "recently"]


def edit(text: str, rng: random.Random) -> str:
    sentences = re.split(r"(?<=[.!?])\s+", text.strip())
    if len(sentences) > 3:
        del sentences[rng.randrange(1, len(sentences))]
    words = " ".join(sentences).split(" ")
    for _ in range(max(1, len(words) // 33)):
        words[rng.randrange(len(words))] = rng.choice(FILLER)
    return " ".join(words) + "\n\n(Reporting by Staff; editing by Desk)"


def main():
    rng = random.Random(11)
    ecb = load_module("ecbplus/load_ecbplus.py", "load_ecbplus").load()
    pol = load_module("polnear/load_polnear.py", "load_polnear")
    originals = [(f"ecb:{d['doc_id']}", d["text"], d["event"]) for d in ecb]
    originals += [(f"pol:{doc}", text, None) for doc, text in sorted(
        {d["doc"]: d["text"] for split in ("train", "dev") for d in pol.load(split)}.items())]
    records, source_of = [], {}
    for ident, text, _ in originals:
        records.append({"id": ident, "title": text.split("\n", 1)[0][:100], "text": text})
        source_of[ident] = ident
    for ident, text, _ in originals[::2]:
        records.append({"id": ident + "#copy", "title": "Copy: " + text.split("\n", 1)[0][:80], "text": edit(text, rng)})
        source_of[ident + "#copy"] = ident
    rng.shuffle(records)

    original_init = analysis.Pipeline.__init__

    def light(self, _names=analysis.DEFAULT_PIPELINE, options=None):
        original_init(self, ("clean", "features"), options)

    analysis.Pipeline.__init__ = light
    with tempfile.TemporaryDirectory() as tmp:
        nw = newswatch.open(str(Path(tmp) / "d.db"))
        nw.ingest_records(records)
        rows = nw.store.conn.execute("SELECT external_id, dup_group, embedding FROM articles").fetchall()
        nw.close()
    analysis.Pipeline.__init__ = original_init

    group_of = {ext: g for ext, g, _ in rows}
    vectors = {ext: np.frombuffer(e, dtype=np.float32) for ext, _, e in rows}

    def evaluate(groups: dict[str, object]):
        members = defaultdict(list)
        for ext, g in groups.items():
            if g is not None:
                members[g].append(ext)
        pairs = [(a, b) for m in members.values() for a, b in combinations(sorted(m), 2)]
        true = sum(source_of[a] == source_of[b] for a, b in pairs)
        copies = [r["id"] for r in records if r["id"].endswith("#copy")]
        found = sum(groups.get(c) is not None and groups.get(c) == groups.get(source_of[c]) for c in copies)
        event_of = {f"ecb:{d['doc_id']}": d["event"] for d in ecb}
        same_event = [(a, b) for a, b in pairs if a in event_of and b in event_of and event_of[a] == event_of[b]
                      and source_of[a] != source_of[b]]
        precision = true / len(pairs) if pairs else 1.0
        return precision, found / len(copies), len(pairs), len(same_event)

    # baseline: cosine >= 0.95 to an earlier article (in ingest order) joins its group
    order = [r["id"] for r in records if r["id"] in vectors]
    base_groups: dict[str, object] = {}
    seen_ids, seen_vecs = [], []
    for ext in order:
        v = vectors[ext]
        if seen_vecs:
            sims = np.stack(seen_vecs) @ v
            j = int(np.argmax(sims))
            if sims[j] >= 0.95:
                base_groups[ext] = base_groups.setdefault(seen_ids[j], seen_ids[j])
        seen_ids.append(ext)
        seen_vecs.append(v)
    print(f"machine: {machine()}")
    print(f"{len(originals)} originals, {len(records) - len(originals)} edited copies")
    print("| method | precision | recall | grouped pairs | same-event false merges |")
    print("|---|---|---|---|---|")
    for name, groups in (("newswatch (MinHash LSH, Jaccard >= 0.5)", group_of),
                         ("embedding cosine >= 0.95 (baseline)", base_groups)):
        p, r, n, bad = evaluate(groups)
        print(f"| {name} | {p:.3f} | {r:.3f} | {n} | {bad} |")


if __name__ == "__main__":
    main()
