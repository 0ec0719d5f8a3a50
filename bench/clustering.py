"""Events and stories against gold clusterings, with two baselines in the same run.

Sets: ECB+ (gold `event` labels at event level, `topic` labels at story level)
and GoogleNews-TS (event level). Items are ingested through the full pipeline
in a fixed shuffled order (seed 13; no set has publication dates), then
newswatch's online linking is replayed (`relink`) for each threshold in a
small grid, so the chosen defaults and their neighbours are all visible.

Baselines, on the same items:
- TF-IDF (sublinear tf, English stop words) + average-linkage agglomerative
  clustering on cosine distance, at the best distance threshold for that very
  set ("oracle": a real system cannot tune on its test set);
- HDBSCAN (scikit-learn, min_cluster_size=2) on the same wordllama embeddings
  newswatch uses; noise points count as singletons.

Scores: B-cubed precision / recall / F1 and adjusted mutual information.

Usage: ./run bench clustering.py [--sets ECB+,GoogleNews-TS] [--limit N]
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

EVENT_GRID = (0.40, 0.45, 0.50, 0.55)
STORY_GRID = (0.30, 0.35, 0.40, 0.45)


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
    if name == "ECB+":
        docs = load_module("ecbplus/load_ecbplus.py", "load_ecbplus").load()
        items = [(d["doc_id"], d["text"], d["event"], d["topic"]) for d in docs]
    else:
        rows = load_module("googlenews_ts/load_googlenews.py", "load_googlenews").load("TS")
        items = [(f"gn-{i}", text, label, None) for i, (label, text) in enumerate(rows)]
    random.Random(13).shuffle(items)
    return items[:limit] if limit else items


def ours(nw, stored_as: list[int]) -> tuple[list, list]:
    rows = {aid: (e, s) for aid, e, s in nw.store.conn.execute(
        "SELECT a.id, a.event_id, e.story_id FROM articles a JOIN events e ON e.id = a.event_id")}
    return [rows[i][0] for i in stored_as], [rows[i][1] for i in stored_as]


def tfidf_oracle(texts, gold):
    """Average linkage on TF-IDF cosine distance, built once, cut at several thresholds."""
    from scipy.cluster.hierarchy import fcluster, linkage
    from scipy.spatial.distance import squareform
    from sklearn.feature_extraction.text import TfidfVectorizer

    x = TfidfVectorizer(sublinear_tf=True, stop_words="english").fit_transform(texts)
    distance = 1.0 - (x @ x.T).toarray()  # rows are L2-normalised: a dot product is the cosine
    np.fill_diagonal(distance, 0.0)
    tree = linkage(squareform(np.clip(distance, 0, 2), checks=False), method="average")
    best = None
    for threshold in (0.5, 0.6, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95):
        labels = list(fcluster(tree, t=threshold, criterion="distance"))
        f = bcubed(gold, labels)[2]
        if best is None or f > best[0]:
            best = (f, threshold, labels)
    return best


def hdbscan(vectors):
    from sklearn.cluster import HDBSCAN

    labels = HDBSCAN(min_cluster_size=2, copy=True).fit_predict(vectors)
    return [f"n{i}" if label < 0 else int(label) for i, label in enumerate(labels)]


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sets", default="ECB+,GoogleNews-TS")
    ap.add_argument("--limit", type=int)
    args = ap.parse_args()
    print(f"machine: {machine()}")
    print(f"defaults: EVENT_THRESHOLD={ev.EVENT_THRESHOLD}, STORY_THRESHOLD={ev.STORY_THRESHOLD}")
    print("| set | level | system | B3 P | B3 R | B3 F1 | AMI |")
    print("|---|---|---|---|---|---|---|")
    defaults = (ev.EVENT_THRESHOLD, ev.STORY_THRESHOLD)
    for name in args.sets.split(","):
        items = load_set(name, args.limit)
        ids = [i[0] for i in items]
        gold_event = [i[2] for i in items]
        gold_topic = [i[3] for i in items]
        with tempfile.TemporaryDirectory() as tmp:
            nw = newswatch.open(str(Path(tmp) / "c.db"))
            t0 = time.perf_counter()
            report = nw.ingest_records({"id": i, "text": text} for i, text, _, _ in items)
            ingest_s = time.perf_counter() - t0
            # Items whose text is already stored (exact repeats) share that article's clusters.
            by_ext = dict(nw.store.conn.execute("SELECT external_id, id FROM articles"))
            for d in report.duplicate_of:
                by_ext[ids[int(d["input"].strip("<>").split()[1]) - 1]] = d["id"]
            stored_as = [by_ext[i] for i in ids]
            blobs = dict(nw.store.conn.execute("SELECT id, embedding FROM articles"))
            vectors = np.stack([np.frombuffer(blobs[a], dtype=np.float32) for a in stored_as])
            for threshold in EVENT_GRID:
                ev.EVENT_THRESHOLD = threshold
                t0 = time.perf_counter()
                nw.relink()
                link_s = time.perf_counter() - t0
                pred_event, pred_story = ours(nw, stored_as)
                mark = " (default)" if threshold == defaults[0] else ""
                print(f"| {name} | event | newswatch, event threshold {threshold}{mark} | "
                      f"{scores(gold_event, pred_event)} |", flush=True)
            ev.EVENT_THRESHOLD = defaults[0]
            if gold_topic[0] is not None:
                for threshold in STORY_GRID:
                    ev.STORY_THRESHOLD = threshold
                    nw.relink()
                    _, pred_story = ours(nw, stored_as)
                    mark = " (default)" if threshold == defaults[1] else ""
                    print(f"| {name} | story | newswatch, story threshold {threshold}{mark} | "
                          f"{scores(gold_topic, pred_story)} |", flush=True)
                ev.STORY_THRESHOLD = defaults[1]
            nw.close()
        texts = [i[1] for i in items]
        for level, gold in (("event", gold_event), ("story", gold_topic)):
            if gold[0] is None:
                continue
            f, threshold, labels = tfidf_oracle(texts, gold)
            print(f"| {name} | {level} | TF-IDF agglomerative, oracle threshold {threshold} | {scores(gold, labels)} |")
            print(f"| {name} | {level} | HDBSCAN on the same embeddings | {scores(gold, hdbscan(vectors))} |",
                  flush=True)
        print(f"({name}: {len(items)} items; full ingest {len(items) / ingest_s:.0f} items/s; one relink "
              f"{len(items) / link_s:.0f} items/s; peak {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024} MB)")


if __name__ == "__main__":
    main()
