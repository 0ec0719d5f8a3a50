"""Events and stories: learned decisions over explainable evidence.

An *event* is one happening (a few days: a summit, a verdict, an eruption);
a *story* is a thread of events over months or years (a cable break and the
trial two years later). Each article joins the event that the event model
says it most probably belongs to, or opens a new one; a new event joins the
story the story model prefers, or opens one. Both decisions are logistic
regressions over the same kinds of evidence (``pair_features``), trained by
``bench/train_linking.py`` on labelled data and shipped as
``linking/linking_model.json``; ``newswatch compare`` shows what each piece of
evidence contributed.

The evidence of an article against a cluster (an event or a story):

- ``embedding``: cosine of the article's multilingual embedding and the
  cluster's centroid: what it is about, in any language;
- ``lexical``: TF-IDF cosine of their words and entities (``linking.lexical``):
  the specific words, rare names weighing most;
- ``entity_share``: the share of the article's entities (rarity-weighted)
  that the cluster has; ``entity_cover``: the share of the cluster's entity
  weight that the article has; ``person_share``, ``place_share``: the same
  share for people and for places; ``no_entities``: one side has none;
- ``gap``: log(1 + days) between the article's date (or the window estimated
  from its text) and the cluster's span; ``undated``: no date on one side;
- ``short``: the article is a headline or a snippet (under ``SHORT_WORDS``
  words), whose similarities are noisier;
- ``size``: log of the cluster's article count.

Consolidation mends what arrival order got wrong: after an article joins an
event, the grown event is compared (as one large article, with the same event
decision) with the other events the article was close to; when the decision
says they are one happening (``merge_threshold`` in the model, chosen by the
training script's replay), the smaller event is folded into the larger, and
their stories become one. Stories are not merged on their own: measured,
story-to-story merging joined different topics far more often than it mended
splits (bench/train_linking.py's notes).

Candidates: events active within ``EVENT_WINDOW_DAYS`` of the article's date
(or estimated window), and undated events recently active; stories sharing
one of its main entities or recently active; of those, the ``SHORTLIST``
nearest in meaning get the full comparison. So the work for one new article
depends on the news around its date, not on the size of the corpus.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache
from importlib import resources

import numpy as np

from . import lexical

EVENT_WINDOW_DAYS = 10
STORY_RECENT_DAYS = 60
UNDATED_CANDIDATES = 300  # events an undated article is compared with (the most recently active)
SHORTLIST = 30  # candidates nearest in meaning that get the full comparison
SHORT_WORDS = 40
MERGE_CANDIDATES = 5  # runners-up an event is checked against for consolidation
EVENT, STORY = "event", "story"


@dataclass
class Features:
    """What linking knows of an article (or of the first article of a new event)."""

    vector: np.ndarray
    terms: dict[str, float] = field(default_factory=dict)  # TF-IDF, words and e:ID entity terms, L2-normalised
    entities: dict[int, float] = field(default_factory=dict)  # entity id -> rarity-weighted mentions
    entity_types: dict[int, str] = field(default_factory=dict)
    day: date | None = None  # publication day
    window: tuple[date, date] | None = None  # estimated from the text when there is no publication day
    words: int = 0

    @property
    def span(self) -> tuple[date, date] | None:
        if self.day is not None:
            return self.day, self.day
        return self.window


@dataclass
class Cluster:
    """An event or a story as linking sees it: sums over its articles and its time span."""

    id: int
    vector_sum: np.ndarray
    size: int
    entities: dict[int, float] = field(default_factory=dict)  # entity id -> summed weight
    terms: dict[str, float] = field(default_factory=dict)  # summed TF-IDF vectors, heaviest terms
    first: date | None = None
    last: date | None = None

    @property
    def centroid(self) -> np.ndarray:
        norm = float(np.linalg.norm(self.vector_sum))
        return self.vector_sum / norm if norm else self.vector_sum

    def absorb(self, f: Features) -> None:
        self.vector_sum = self.vector_sum + f.vector
        self.size += 1
        for e, w in f.entities.items():
            self.entities[e] = self.entities.get(e, 0.0) + w
        self.terms = lexical.add_into(self.terms, f.terms)
        if f.span is not None:
            lo, hi = f.span
            self.first = lo if self.first is None or lo < self.first else self.first
            self.last = hi if self.last is None or hi > self.last else self.last

    def merge(self, other: Cluster) -> None:
        self.vector_sum = self.vector_sum + other.vector_sum
        self.size += other.size
        for e, w in other.entities.items():
            self.entities[e] = self.entities.get(e, 0.0) + w
        self.terms = lexical.add_into(self.terms, other.terms)
        days = [d for d in (self.first, self.last, other.first, other.last) if d is not None]
        self.first, self.last = (min(days), max(days)) if days else (None, None)

    def as_features(self) -> Features:
        """The cluster seen as one (large) article, for cluster-to-cluster comparisons."""
        n = float(self.size or 1)
        return Features(self.centroid, dict(self.terms), {e: w / n for e, w in self.entities.items()}, {},
                        None, (self.first, self.last) if self.first else None, SHORT_WORDS)


def make_features(vector, terms: dict[str, float], entity_counts: dict[int, float], entity_types: dict[int, str],
                  df: dict[str, int], n_docs: int, day: date | None, window: tuple[date, date] | None,
                  words: int) -> Features:
    """Features from an article's raw parts and the corpus statistics (``df`` must already count it)."""
    raw_terms = dict(terms)
    for entity_id, n in entity_counts.items():
        raw_terms[lexical.entity_term(entity_id)] = n
    entities = {e: n * lexical.idf(df.get(lexical.entity_term(e), 0), n_docs) for e, n in entity_counts.items()}
    return Features(np.asarray(vector, dtype=np.float32), lexical.tfidf(raw_terms, df, n_docs), entities,
                    entity_types, day, None if day else window, words)


def shift(day: date, days: int) -> date:
    """``day`` moved by ``days``, held at the calendar's ends instead of overflowing."""
    try:
        return day + timedelta(days=days)
    except OverflowError:
        return date.max if days > 0 else date.min


def day_gap(a: tuple[date, date] | None, b: tuple[date, date] | None) -> int | None:
    """Days between two spans (0 when they overlap), None when either is unknown."""
    if a is None or b is None or b[0] is None:
        return None
    if a[1] < b[0]:
        return (b[0] - a[1]).days
    if b[1] < a[0]:
        return (a[0] - b[1]).days
    return 0


def _share(weights: dict[int, float], other: dict[int, float]) -> float:
    total = sum(weights.values())
    return sum(w for e, w in weights.items() if e in other) / total if total else 0.0


def pair_features(f: Features, c: Cluster, entity_types: dict[int, str] | None = None) -> dict[str, float]:
    """The evidence that article ``f`` belongs to cluster ``c``, by name (see the module's docstring)."""
    types = entity_types if entity_types is not None else f.entity_types
    has_entities = bool(f.entities) and bool(c.entities)
    cluster_mass = {e: w / max(c.size, 1) for e, w in c.entities.items()}
    persons = {e: w for e, w in f.entities.items() if types.get(e) == "PERSON"}
    places = {e: w for e, w in f.entities.items() if types.get(e) == "PLACE"}
    gap = day_gap(f.span, (c.first, c.last))
    return {
        "embedding": max(0.0, float(np.dot(f.vector, c.centroid))),
        "lexical": lexical.cosine(f.terms, c.terms),
        "entity_share": _share(f.entities, c.entities) if has_entities else 0.0,
        "entity_cover": _share(cluster_mass, f.entities) if has_entities else 0.0,
        "person_share": _share(persons, c.entities) if persons and c.entities else 0.0,
        "place_share": _share(places, c.entities) if places and c.entities else 0.0,
        "no_entities": 0.0 if has_entities else 1.0,
        "gap": math.log1p(gap) if gap is not None else 0.0,
        "undated": 1.0 if gap is None else 0.0,
        "short": 1.0 if f.words < SHORT_WORDS else 0.0,
        "size": math.log(max(c.size, 1)),
    }


FEATURES = tuple(pair_features(Features(np.zeros(1)), Cluster(0, np.zeros(1), 1)))


@dataclass(frozen=True)
class Decision:
    """A logistic regression over ``FEATURES``: P(same) = sigmoid(bias + sum(weight * feature))."""

    level: str
    weights: dict[str, float]
    bias: float
    threshold: float
    merge_threshold: float | None = None  # two clusters are one when their pair scores this much (None: never)

    def score(self, features: dict[str, float]) -> float:
        z = self.bias + sum(self.weights.get(k, 0.0) * v for k, v in features.items())
        return 1.0 / (1.0 + math.exp(-max(-40.0, min(40.0, z))))

    def contributions(self, features: dict[str, float]) -> dict[str, float]:
        """Each feature's additive part of the log-odds (the bias is ``bias``)."""
        return {k: round(self.weights.get(k, 0.0) * v, 4) for k, v in features.items()}


@lru_cache(maxsize=1)
def load_model() -> dict[str, Decision]:
    """The shipped decisions (``linking_model.json``, written by bench/train_linking.py)."""
    data = json.loads(resources.files("newswatch.linking").joinpath("linking_model.json").read_text("utf-8"))
    return {level: Decision(level, spec["weights"], spec["bias"], spec["threshold"], spec.get("merge_threshold"))
            for level, spec in data["decisions"].items()}


#: Settable at run time (tests, benchmarks): None means the model's own threshold.
THRESHOLDS: dict[str, float | None] = {EVENT: None, STORY: None}


def rank(level: str, f: Features, candidates: list[Cluster]) -> list[tuple[float, Cluster]]:
    """Candidates with their probability of being ``f``'s cluster, most probable first (ties: lowest id)."""
    decision = load_model()[level]
    scored = [(decision.score(pair_features(f, c)), c) for c in candidates]
    return sorted(scored, key=lambda pc: (-pc[0], pc[1].id))


def best(level: str, ranked: list[tuple[float, Cluster]]) -> tuple[int | None, float]:
    """The first of ``rank``'s list if its probability reaches the threshold, else None; and that probability."""
    if not ranked:
        return None, 0.0
    threshold = THRESHOLDS.get(level) or load_model()[level].threshold
    p, cluster = ranked[0]
    return (cluster.id if p >= threshold else None), p


def choose(level: str, f: Features, candidates: list[Cluster]) -> tuple[int | None, float]:
    """The most probable candidate if its probability reaches the threshold, else None."""
    return best(level, rank(level, f, candidates))


def should_merge(level: str, grown: Cluster, other: Cluster, decision: Decision | None = None) -> float | None:
    """The probability that two clusters are one, when it reaches the merge threshold; else None."""
    decision = decision or load_model()[level]
    if decision.merge_threshold is None:
        return None
    p = decision.score(pair_features(grown.as_features(), other))
    return p if p >= decision.merge_threshold else None
