"""Events and stories against gold clusterings, with baselines in the same run.

Sets: ECB+ (gold `event` labels at event level, `topic` labels at story
level), GoogleNews-TS (event level), Timeline17 (story level: four dated
stories over months, in one stream in publication order, and again with the
stream shuffled). Items go through the full pipeline (`ingest_records`,
batches of 100 as `newswatch ingest` writes them); undated sets arrive in a
fixed shuffled order (seed 13). The decisions are the shipped model's
(newswatch/linking/linking_model.json, from bench/train_linking.py), with
its thresholds: nothing is chosen per set here.

Baselines, on the same items, cut at the best threshold *for that very set*
("oracle": a real system cannot tune on its test set):
- TF-IDF (sublinear tf, English stop words) + average-linkage agglomerative
  clustering on cosine distance;
- the same agglomerative clustering on the multilingual embeddings newswatch stores.

Scores: B-cubed precision / recall / F1 and adjusted mutual information.

Usage: ./run bench clustering.py [--sets ECB+,GoogleNews-TS,Timeline17] [--limit N]
"""

from __future__ import annotations

import argparse
import random
import resource
import tempfile
import time
from collections import defaultdict
from pathlib import Path

import numpy as np
from _shared import load_module, machine

import newswatch
from newswatch.linking import events as ev

def bcubed(gold: list, pred: list) -> tuple[float, float, float]:
    by_gold, by_pred = defaultdict(set), defaultdict(set)
    for i, (g, p) in enumerate(zip(gold, pred)):
        by_gold[g].add(i)
        by_pred[p].add(i)
    precision = recall = 0.0
    for i, (g, p) in enumerate(zip(gold, pred)):
        both = len(by_gold[g] & by_pred[p])
        precision += both / len(by_pred[p])
        recall += both / len(by_gold[g])
    precision, recall = precision / len(gold), recall / len(gold)
    return precision, recall, 2 * precision * recall / (precision + recall)


def scores(gold, pred) -> str:
    from sklearn.metrics import adjusted_mutual_info_score

    p, r, f = bcubed(gold, pred)
    return f"{p:.3f} | {r:.3f} | {f:.3f} | {adjusted_mutual_info_score(gold, pred):.3f}"


def load_set(name: str, limit: int | None):
    """(id, text, published, gold event, gold story) per item, in arrival order."""
    if name == "ECB+":
        docs = load_module("ecbplus/load_ecbplus.py", "load_ecbplus").load()
        items = [(d["doc_id"], d["text"], None, d["event"], d["topic"]) for d in docs]
    elif name == "GoogleNews-TS":
        rows = load_module("googlenews_ts/load_googlenews.py", "load_googlenews").load("TS")
        items = [(f"gn-{i}", text, None, label, None) for i, (label, text) in enumerate(rows)]
    else:
        arts, _ = load_module("timeline17/load_t17.py", "load_t17").load()
        items = [(f"{a['collection']}/{a['uid']}", a["text"], a["dct"], None, a["story"]) for a in arts]
        if name == "Timeline17":
            items.sort(key=lambda i: (i[2], i[0]))
    if name != "Timeline17":
        random.Random(13).shuffle(items)
    return items[:limit] if limit else items


def ours(nw, stored_as: list[int]) -> tuple[list, list]:
    rows = {aid: (e, s) for aid, e, s in nw.store.conn.execute(
        "SELECT a.id, a.event_id, e.story_id FROM articles a JOIN events e ON e.id = a.event_id")}
    return [rows[i][0] for i in stored_as], [rows[i][1] for i in stored_as]


def agglomerative_oracle(x, gold):
    """Average linkage on cosine distance of L2-normalised rows, cut at the best threshold for ``gold``."""
    from scipy.cluster.hierarchy import fcluster, linkage
    from scipy.spatial.distance import squareform

    sim = x @ x.T
    distance = 1.0 - (sim.toarray() if hasattr(sim, "toarray") else sim)
    np.fill_diagonal(distance, 0.0)
    tree = linkage(squareform(np.clip(distance, 0, 2), checks=False), method="average")
    best = None
    for threshold in (0.3, 0.4, 0.5, 0.6, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95):
        labels = list(fcluster(tree, t=threshold, criterion="distance"))
        f = bcubed(gold, labels)[2]
        if best is None or f > best[0]:
            best = (f, threshold, labels)
    return best


def tfidf_oracle(texts, gold):
    from sklearn.feature_extraction.text import TfidfVectorizer

    return agglomerative_oracle(TfidfVectorizer(sublinear_tf=True, stop_words="english").fit_transform(texts), gold)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sets", default="ECB+,GoogleNews-TS,Timeline17,Timeline17-shuffled")
    ap.add_argument("--limit", type=int)
    args = ap.parse_args()
    print(f"machine: {machine()}")
    model = ev.load_model()
    print("thresholds: " + ", ".join(f"{k} {d.threshold}" for k, d in model.items()))
    print("| set | level | system | B3 P | B3 R | B3 F1 | AMI |")
    print("|---|---|---|---|---|---|---|")
    for name in args.sets.split(","):
        items = load_set(name, args.limit)
        ids = [i[0] for i in items]
        with tempfile.TemporaryDirectory() as tmp:
            nw = newswatch.open(str(Path(tmp) / "c.db"))
            t0 = time.perf_counter()
            report = nw.ingest_records({"id": i, "text": text, **({"published": day} if day else {})}
                                       for i, text, day, _, _ in items)
            ingest_s = time.perf_counter() - t0
            # Items whose text is already stored (exact repeats) share that article's clusters.
            by_ext = dict(nw.store.conn.execute("SELECT external_id, id FROM articles"))
            for d in report.duplicate_of:
                by_ext[ids[int(d["input"].strip("<>").split()[1]) - 1]] = d["id"]
            stored_as = [by_ext[i] for i in ids]
            blobs = dict(nw.store.conn.execute("SELECT id, embedding FROM articles"))
            vectors = np.stack([np.frombuffer(blobs[a], dtype=np.float32) for a in stored_as])
            pred_event, pred_story = ours(nw, stored_as)
            n_events = len(set(pred_event))
            n_stories = len(set(pred_story))
            t0 = time.perf_counter()
            nw.relink()
            link_s = time.perf_counter() - t0
            relinked = ours(nw, stored_as)
            nw.close()
        texts = [i[1] for i in items]
        for level, gold, pred, again in (("event", [i[3] for i in items], pred_event, relinked[0]),
                                         ("story", [i[4] for i in items], pred_story, relinked[1])):
            if gold[0] is None:
                continue
            print(f"| {name} | {level} | **newswatch, as ingested** | {scores(gold, pred)} |")
            print(f"| {name} | {level} | newswatch after `relink` | {scores(gold, again)} |")
            f, threshold, labels = tfidf_oracle(texts, gold)
            print(f"| {name} | {level} | TF-IDF agglomerative, oracle threshold {threshold} | {scores(gold, labels)} |")
            f, threshold, labels = agglomerative_oracle(vectors, gold)
            print(f"| {name} | {level} | embedding agglomerative, oracle threshold {threshold} | "
                  f"{scores(gold, labels)} |", flush=True)
        print(f"({name}: {len(items)} items, {n_events} events, {n_stories} stories; full ingest "
              f"{len(items) / ingest_s:.0f} items/s; relink {len(items) / link_s:.0f} items/s; "
              f"peak {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024} MB)", flush=True)


if __name__ == "__main__":
    main()
