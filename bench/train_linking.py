"""Train the same-event and same-story decisions (newswatch/linking/linking_model.json).

Data (../shared/eval, never copied into the repository):
- ECB+: gold events (event level) and topics (story level), undated;
- GoogleNews-TS: gold events of short title+snippet items, undated;
- Timeline17: four dated stories over months (story level).

Each set is ingested once through the real pipeline into a cached SQLite file
(``--cache``), so the features are exactly what ``newswatch ingest`` computes.
Then the articles are replayed in arrival order (dated sets by publication
day, undated ones in a seeded shuffle) with *gold* clusters as the state:
each article is compared, with ``newswatch.linking.events.pair_features``,
against the clusters it could join online (its own gold cluster, when it
exists yet, is the positive; the 15 most similar others are negatives). At
story level the example is the first article of a new gold event against the
stories (ECB+), or an article against stories whose articles are at least a
week older (Timeline17, which has no event labels). Each set weighs the same.

"Mixed" is the training sets in one stream (Timeline17 in date order, the
undated ECB+ and GoogleNews-TS items spread through it at seeded places,
entities matched across the sets by type and name), scored per level over
every labelled article (a GoogleNews-TS event counts as its own story). It
is trained on and in the threshold choice as a fourth set, because a real
corpus is many unrelated stories at once: alone, each set offers its stories
only negatives of its own kind (Timeline17 has four stories), and a story
model trained so draws unrelated articles in (measured: Mixed story B3 F1
0.35 to 0.61 at the thresholds such a model chose).

The corpus's mean embedding, from which the embedding cosine is measured
(``events.background``), starts from a prior: the mean embedding of the
training sets, each weighing the same, written into the model file.

The model is a logistic regression (scikit-learn, fixed seed); its threshold
is the one that gives the best mean B-cubed F1 when the learned decision
drives an in-memory replay of online linking over every set (one threshold
for all sets). ``--holdout SET`` leaves a set out of training and threshold
choice and reports it alone: the honest figure for data never seen.

Usage: ./run bench train_linking.py [--holdout ECB+] [--out PATH] [--cache DIR]
"""

from __future__ import annotations

import argparse
import dataclasses
import itertools
import json
import random
import tempfile
from collections import defaultdict
from datetime import date
from pathlib import Path

import numpy as np
from _shared import load_module, machine
from clustering import bcubed

import newswatch
from newswatch.analysis.published import estimate_publication
from newswatch.linking import events as ev

SEED = 13
NEGATIVES = 15
PRIOR_WEIGHT = 200  # articles the shipped mean embedding weighs as, against the corpus's own
STORY_LAG_DAYS = 7
MODEL_PATH = Path(newswatch.__file__).parent / "linking" / "linking_model.json"
SETS = ("ECB+", "GoogleNews-TS", "Timeline17")


# -- the sets, ingested through the real pipeline ---------------------------------

def records(name: str) -> list[dict]:
    """JSONL-style records with gold labels under '_event' / '_story'."""
    if name == "ECB+":
        docs = load_module("ecbplus/load_ecbplus.py", "load_ecbplus").load()
        return [{"id": d["doc_id"], "text": d["text"], "_event": d["event"], "_story": d["topic"]} for d in docs]
    if name == "GoogleNews-TS":
        rows = load_module("googlenews_ts/load_googlenews.py", "load_googlenews").load("TS")
        return [{"id": f"gn-{i}", "text": text, "_event": label, "_story": None} for i, (label, text) in enumerate(rows)]
    arts, _ = load_module("timeline17/load_t17.py", "load_t17").load()
    return [{"id": f"{a['collection']}/{a['uid']}", "text": a["text"], "published": a["dct"], "_event": None,
             "_story": a["story"]} for a in arts]


def ingested(name: str, cache: Path) -> Path:
    path = cache / f"{name.replace('+', 'plus')}.db"
    if not path.exists():
        recs = records(name)
        tmp = path.with_suffix(".part")
        tmp.unlink(missing_ok=True)
        with newswatch.open(str(tmp)) as nw:
            nw.ingest_records([{k: v for k, v in r.items() if not k.startswith("_")} for r in recs])
        tmp.rename(path)
    return path


ENTITY_KEYS: dict[str, int] = {}


def load_articles(name: str, cache: Path) -> list[dict]:
    """Stored features of every article, with gold labels, in arrival order."""
    import sqlite3

    gold = {r["id"]: r for r in records(name)}
    conn = sqlite3.connect(ingested(name, cache))
    conn.row_factory = sqlite3.Row
    ents = defaultdict(dict)
    types = {}
    names = {i: f"{kind}:{name.casefold()}" for i, name, kind in conn.execute("SELECT id, name, type FROM entities")}
    for aid, eid, kind, n in conn.execute("SELECT article_id, entity_id, min(type), count(*) FROM mentions"
                                          " WHERE entity_id IS NOT NULL GROUP BY article_id, entity_id"):
        key = ENTITY_KEYS.setdefault(names[eid], len(ENTITY_KEYS) + 1)  # the same entity in every set
        ents[aid][key] = float(n)
        types[key] = kind
    out = []
    for r in conn.execute("SELECT id, external_id, title, text, published, embedding, terms, published_estimate"
                          " FROM articles WHERE embedding IS NOT NULL"):
        g = gold[r["external_id"]]
        # Estimated again from the text, so a cached set follows the current estimator.
        est = None if r["published"] else estimate_publication(r["text"] or "")
        out.append({
            "id": r["id"], "set": name, "event": g["_event"], "story": g["_story"],
            "vector": np.frombuffer(r["embedding"], dtype=np.float32), "terms": json.loads(r["terms"] or "{}"),
            "entities": ents[r["id"]], "types": {e: types[e] for e in ents[r["id"]]},
            "day": date.fromisoformat(r["published"][:10]) if r["published"] else None,
            "window": (date.fromisoformat(est["from"]), date.fromisoformat(est["to"])) if est else None,
            "words": len((r["text"] or "").split()) + len((r["title"] or "").split()),
        })
    if out[0]["day"] is not None:
        out.sort(key=lambda a: (a["day"], a["id"]))
    else:
        random.Random(SEED).shuffle(out)
    return out


def mean_embedding(data: dict[str, list[dict]]) -> np.ndarray:
    """The prior of the corpus's mean embedding: the sets' means, each set weighing the same."""
    return np.mean([np.mean([a["vector"] for a in arts], axis=0) for arts in data.values()], axis=0)


PRIOR: tuple[np.ndarray, float] | None = None  # set by main() before any features are made


class Stats:
    """Corpus statistics as the store keeps them (term counts, embedding sum), in memory."""

    def __init__(self):
        self.df: dict[str, int] = defaultdict(int)
        self.n = 0
        self.total: np.ndarray | None = None

    def features(self, a: dict) -> ev.Features:
        keys = list(a["terms"]) + [f"e:{e}" for e in a["entities"]]
        self.n += 1
        for k in keys:
            self.df[k] += 1
        self.total = a["vector"].astype(np.float32) if self.total is None else self.total + a["vector"]
        mean = ev.background(self.total, self.n, PRIOR)
        return ev.make_features(a["vector"], a["terms"], a["entities"], a["types"], self.df, self.n, a["day"],
                                a["window"], a["words"], mean)


def new_cluster(cid: int, dim: int) -> ev.Cluster:
    return ev.Cluster(cid, np.zeros(dim, np.float32), 0)


# -- training examples ----------------------------------------------------------

def in_window(f: ev.Features, c: ev.Cluster, days: int) -> bool:
    gap = ev.day_gap(f.span, (c.first, c.last))
    return gap is None or gap <= days


def examples(arts: list[dict]) -> dict[str, list]:
    stats = Stats()
    dim = len(arts[0]["vector"])
    events: dict = {}
    stories: dict = {}
    queue: list = []  # (day, story, features) of dated articles waiting to enter their story
    out = {ev.EVENT: [], ev.STORY: []}
    for a in arts:
        f = stats.features(a)
        if a["event"] is not None:
            # Only what the store would offer: a gold event outside the window is no candidate online either.
            cands = [c for c in events.values() if in_window(f, c, ev.EVENT_WINDOW_DAYS)]
            own = events.get(a["event"])
            out[ev.EVENT].extend(_pairs(f, cands, own if own in cands else None))
        if a["story"] is not None:
            if a["day"] is not None:  # dated, no event labels: its story as it was a week ago
                while queue and (a["day"] - queue[0][0]).days >= STORY_LAG_DAYS:
                    _, s, g = queue.pop(0)
                    stories.setdefault(s, new_cluster(len(stories) + 1, dim)).absorb(g)
                out[ev.STORY].extend(_pairs(f, list(stories.values()), stories.get(a["story"])))
                queue.append((a["day"], a["story"], f))
            elif a["event"] not in events:  # the first article of a new gold event
                out[ev.STORY].extend(_pairs(f, list(stories.values()), stories.get(a["story"])))
        if a["event"] is not None:
            events.setdefault(a["event"], new_cluster(len(events) + 1, dim)).absorb(f)
        if a["story"] is not None and a["day"] is None:
            stories.setdefault(a["story"], new_cluster(len(stories) + 1, dim)).absorb(f)
    return out


def _pairs(f: ev.Features, candidates: list[ev.Cluster], own: ev.Cluster | None) -> list[tuple[list[float], int]]:
    others = [c for c in candidates if c is not own]
    scored = sorted(others, key=lambda c: -(float(np.dot(f.direction, c.direction(f.background)))
                                            + ev.lexical.cosine(f.terms, c.terms)))
    rows = [([*ev.pair_features(f, c).values()], 0) for c in scored[:NEGATIVES]]
    if own is not None:
        rows.append(([*ev.pair_features(f, own).values()], 1))
    return rows


def fit(rows_by_set: dict[str, list]) -> tuple[dict[str, float], float]:
    from sklearn.linear_model import LogisticRegression

    x, y, w = [], [], []
    for rows in rows_by_set.values():
        if not rows:
            continue
        for feats, label in rows:
            x.append(feats)
            y.append(label)
            w.append(1.0 / len(rows))
    model = LogisticRegression(C=1.0, max_iter=2000, random_state=SEED)
    model.fit(np.array(x), np.array(y), sample_weight=np.array(w) * len(x) / len(rows_by_set))
    return dict(zip(ev.FEATURES, (round(float(c), 4) for c in model.coef_[0]))), round(float(model.intercept_[0]), 4)


# -- online replay, to choose thresholds and report --------------------------------

class Level:
    """The events (or stories) of a replay, with arrays for the store's candidate queries."""

    def __init__(self, dim: int, capacity: int):
        self.clusters: dict[int, ev.Cluster] = {}
        self.sums = np.zeros((capacity + 1, dim), np.float32)
        self.sizes = np.zeros(capacity + 1)
        self.first = np.zeros(capacity + 1, np.int64)  # ordinal days; meaningful where dated
        self.last = np.zeros(capacity + 1, np.int64)
        self.dated = np.zeros(capacity + 1, bool)
        self.alive = np.zeros(capacity + 1, bool)
        self.seq = np.zeros(capacity + 1, np.int64)  # when last updated (the store's updated_seq)
        self.by_entity: dict[int, set[int]] = defaultdict(set)

    def add(self, c: ev.Cluster) -> None:
        self.clusters[c.id] = c
        self.alive[c.id] = True

    def sync(self, c: ev.Cluster, seq: int) -> None:
        self.sums[c.id], self.sizes[c.id] = c.vector_sum, c.size
        self.dated[c.id] = c.first is not None
        if c.first is not None:
            self.first[c.id], self.last[c.id] = c.first.toordinal(), c.last.toordinal()
        self.seq[c.id] = max(self.seq[c.id], seq)
        for e in c.entities:
            self.by_entity[e].add(c.id)

    def fold(self, keep: ev.Cluster, gone: ev.Cluster, seq: int) -> None:
        keep.merge(gone)
        del self.clusters[gone.id]
        self.alive[gone.id] = False
        for e in gone.entities:
            self.by_entity[e].discard(gone.id)
        self.sync(keep, seq)

    def latest(self, mask: np.ndarray, n: int) -> list[int]:
        ids = np.nonzero(mask & self.alive)[0]
        if len(ids) > n:
            ids = ids[np.argsort(-self.seq[ids], kind="stable")[:n]]
        return ids.tolist()

    def with_entity(self, entity: int, n: int, by_recency: bool) -> list[int]:
        ids = list(self.by_entity.get(entity, ()))
        key = (lambda i: -self.seq[i]) if by_recency else (lambda i: -i)
        return sorted(ids, key=key)[:n]

    def shortlist(self, f: ev.Features, ids: set[int]) -> list[ev.Cluster]:
        """The ``ev.SHORTLIST`` candidates nearest in meaning, as the store's ``_load`` picks them."""
        if not ids:
            return []
        order = np.array(sorted(ids))
        means = self.sums[order] / np.maximum(self.sizes[order], 1)[:, None] - f.background
        means /= np.maximum(np.linalg.norm(means, axis=1, keepdims=True), 1e-12)
        scores = means @ f.direction
        top = order[np.argsort(-scores, kind="stable")[:ev.SHORTLIST]]
        return [self.clusters[i] for i in sorted(top.tolist())]


def event_candidates(events: Level, f: ev.Features) -> list[ev.Cluster]:
    """What ``CorpusLinker._event_candidates`` offers, from the replay's events."""
    span = f.span
    everything = np.ones_like(events.alive)
    if span is not None:
        low = ev.shift(span[0], -ev.EVENT_WINDOW_DAYS).toordinal()
        high = ev.shift(span[1], ev.EVENT_WINDOW_DAYS).toordinal()
        ids = set(np.nonzero(events.alive & events.dated & (events.last >= low) & (events.first <= high))[0].tolist())
        ids.update(events.latest(~events.dated, ev.UNDATED_CANDIDATES))
    else:
        ids = set(events.latest(everything, ev.UNDATED_CANDIDATES))
        for e in sorted(f.entities, key=lambda e: -f.entities[e])[:5]:
            ids.update(events.with_entity(e, 20, by_recency=False))
    return events.shortlist(f, ids)


def story_candidates(stories: Level, f: ev.Features) -> list[ev.Cluster]:
    """What ``CorpusLinker._story_candidates`` offers, from the replay's stories."""
    ids: set[int] = set()
    for e in sorted(f.entities, key=lambda e: -f.entities[e])[:10]:
        ids.update(stories.with_entity(e, 30, by_recency=True))
    span = f.span
    if span is not None:
        since = ev.shift(span[0], -ev.STORY_RECENT_DAYS).toordinal()
        ids.update(stories.latest(stories.dated & (stories.last >= since), ev.UNDATED_CANDIDATES))
    else:
        ids.update(stories.latest(np.ones_like(stories.alive), ev.UNDATED_CANDIDATES))
    return stories.shortlist(f, ids)


def replay(arts: list[dict], decisions: dict[str, ev.Decision], thresholds: dict[str, float]) -> tuple[list, list]:
    """Online linking in memory, as the store does it (without near-duplicates): event and story per article."""
    stats = Stats()
    dim = len(arts[0]["vector"])
    events, stories = Level(dim, len(arts)), Level(dim, len(arts))
    story_of: dict[int, int] = {}
    merged_into: dict[int, int] = {}
    event_ids, story_ids = itertools.count(1), itertools.count(1)
    merge_decision = dataclasses.replace(decisions[ev.EVENT], merge_threshold=thresholds.get("merge"))
    pred_event: list[int] = []

    def ranked(level, f, cands):
        return sorted(((decisions[level].score(ev.pair_features(f, c)), c) for c in cands),
                      key=lambda pc: (-pc[0], pc[1].id))

    def pick(level, scored):
        return scored[0][1] if scored and scored[0][0] >= thresholds[level] else None

    for seq, a in enumerate(arts, 1):
        f = stats.features(a)
        scored = ranked(ev.EVENT, f, event_candidates(events, f))
        event = pick(ev.EVENT, scored)
        if event is None:
            story = pick(ev.STORY, ranked(ev.STORY, f, story_candidates(stories, f)))
            if story is None:
                story = new_cluster(next(story_ids), dim)
                stories.add(story)
            event = new_cluster(next(event_ids), dim)
            events.add(event)
            story_of[event.id] = story.id
        event.absorb(f)
        events.sync(event, seq)
        story = stories.clusters[story_of[event.id]]
        story.absorb(f)
        stories.sync(story, seq)
        pred_event.append(event.id)
        # Consolidation, as the store does it: the grown event against the article's runners-up.
        for _, other in [pc for pc in scored if pc[1] is not event][:ev.MERGE_CANDIDATES]:
            if other.id not in events.clusters or ev.should_merge(ev.EVENT, event, other, f.background,
                                                                 merge_decision) is None:
                continue
            keep, gone = (event, other) if (event.size, -event.id) >= (other.size, -other.id) else (other, event)
            ks, gs = story_of[keep.id], story_of[gone.id]
            if ks != gs:
                stories.fold(stories.clusters[ks], stories.clusters[gs], seq)
                for e, s in story_of.items():
                    if s == gs:
                        story_of[e] = ks
            events.fold(keep, gone, seq)
            merged_into[gone.id] = keep.id
            event = keep

    def final(e):
        while e in merged_into:
            e = merged_into[e]
        return e

    pred_event = [final(e) for e in pred_event]
    pred_story = [story_of[e] for e in pred_event]
    return pred_event, pred_story


def bcubed_f1(gold: list, pred: list) -> float:
    return bcubed(gold, pred)[2]


def evaluate(arts, decisions, thresholds) -> dict[str, float]:
    """B-cubed F1 per level, over the articles labelled at that level."""
    predicted = dict(zip((ev.EVENT, ev.STORY), replay(arts, decisions, thresholds)))
    out = {}
    for level, pred in predicted.items():
        labelled = [i for i, a in enumerate(arts) if a[level] is not None]
        if labelled:
            out[level] = bcubed_f1([arts[i][level] for i in labelled], [pred[i] for i in labelled])
    return out


def mixed(data: dict[str, list[dict]]) -> list[dict]:
    """Every set in one stream: the dated articles in date order, the undated ones at seeded places among them."""
    def relabel(a, name):
        story = a["story"] if a["story"] is not None else a["event"]  # a GoogleNews-TS event is its own story
        return dict(a, event=None if a["event"] is None else f"{name}:{a['event']}", story=f"{name}:{story}")

    dated = sorted((relabel(a, n) for n, arts in data.items() for a in arts if a["day"] is not None),
                   key=lambda a: (a["day"], a["set"], a["id"]))
    undated = [relabel(a, n) for n, arts in data.items() for a in arts if a["day"] is None]
    rng = random.Random(SEED)
    places = sorted(rng.randrange(len(dated) + 1) for _ in undated)
    rng.shuffle(undated)
    out, j = [], 0
    for i, a in enumerate(dated + [None]):
        while j < len(places) and places[j] == i:
            out.append(undated[j])
            j += 1
        if a is not None:
            out.append(a)
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--holdout", choices=SETS, help="leave this set out of training and report it alone")
    ap.add_argument("--out", type=Path, help=f"where to write the model (default: {MODEL_PATH} unless --holdout)")
    ap.add_argument("--cache", type=Path, default=Path(tempfile.gettempdir()) / "newswatch-train")
    args = ap.parse_args()
    args.cache.mkdir(parents=True, exist_ok=True)
    print(f"machine: {machine()}")
    data = {name: load_articles(name, args.cache) for name in SETS}
    train = [n for n in SETS if n != args.holdout]
    global PRIOR
    PRIOR = (mean_embedding({n: data[n] for n in train}), PRIOR_WEIGHT)
    data["Mixed"] = mixed({n: data[n] for n in train})
    training = tuning = [*train, "Mixed"]
    rows = {n: examples(data[n]) for n in training}
    decisions, spec = {}, {}
    for level in (ev.EVENT, ev.STORY):
        weights, bias = fit({n: rows[n][level] for n in training})
        decisions[level] = ev.Decision(level, weights, bias, 0.5)
        spec[level] = {"weights": weights, "bias": bias}
        print(f"{level}: bias {bias}, " + ", ".join(f"{k} {v}" for k, v in weights.items()))
    # One event threshold and one story threshold for every set: the best mean F1 over the training sets
    # and their mixture.
    # Then the consolidation threshold (None: no merging), by the mean over both levels.
    grid = {ev.EVENT: (0.02, 0.035, 0.05, 0.075, 0.1), ev.STORY: (0.2, 0.3, 0.4, 0.5),
            "merge": (None, 0.3, 0.5, 0.6, 0.7)}
    chosen = {ev.EVENT: 0.2, ev.STORY: 0.5, "merge": None}
    for level in (ev.EVENT, ev.STORY, "merge"):
        best = None
        for t in grid[level]:
            th = dict(chosen, **{level: t})
            results = [evaluate(data[n], decisions, th) for n in tuning]
            scores = [r.get(level) for r in results] if level != "merge" else [v for r in results for v in r.values()]
            scores = [s for s in scores if s is not None]
            mean = sum(scores) / len(scores)
            print(f"  {level} threshold {t}: mean B3 F1 {mean:.3f} ({', '.join(f'{s:.3f}' for s in scores)})")
            if best is None or mean > best[0]:
                best = (mean, t)
        chosen[level] = best[1]
    for level in (ev.EVENT, ev.STORY):
        spec[level]["threshold"] = chosen[level]
        decisions[level] = ev.Decision(level, spec[level]["weights"], spec[level]["bias"], chosen[level])
    if chosen["merge"] is not None:
        spec[ev.EVENT]["merge_threshold"] = chosen["merge"]
    data["Timeline17, shuffled"] = random.Random(SEED).sample(data["Timeline17"], len(data["Timeline17"]))
    for n in data:
        tag = " (held out)" if args.holdout and n.startswith(args.holdout) else ""
        print(f"{n}{tag}: " + ", ".join(f"{k} B3 F1 {v:.3f}" for k, v in evaluate(data[n], decisions, chosen).items()))
    out = args.out or (None if args.holdout else MODEL_PATH)
    if out:
        payload = {"trained_on": f"{', '.join(train)} (../shared/eval), bench/train_linking.py seed {SEED}",
                   "features": list(ev.FEATURES), "decisions": spec,
                   "prior_weight": PRIOR_WEIGHT, "embedding_prior": [round(float(x), 6) for x in PRIOR[0]]}
        out.write_text(json.dumps(payload, indent=1) + "\n", encoding="utf-8")
        print(f"wrote {out}")


if __name__ == "__main__":
    main()
