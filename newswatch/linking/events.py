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
  cluster's mean embedding, both measured from the corpus's mean embedding
  (``background``): what it is about, in any language. Raw embeddings of news
  share a large common part (two random articles have cosine 0.17, an article
  and the mean of 2,000 random ones 0.42), so without centring a large
  cluster's mean looks like everything and draws every article in;
- ``lexical``: TF-IDF cosine of their words and entities (``linking.lexical``):
  the specific words, rare names weighing most;
- ``entity_share``: the share of the article's entity weight (rarity times
  1 + log mentions) that the cluster's average article also carries (the sum
  of the smaller weights); ``entity_cover``: that overlap as a share of the
  cluster's average entity weight; ``person_share``, ``place_share``: the
  share for people and for places; ``no_entities``: one side has none. An
  entity counts by how commonly the cluster's articles carry it: a story of
  thousands of articles that mentions a name once has not "got" that name;
- ``gap``: log(1 + days) between the article's date (or the window estimated
  from its text) and the cluster's span; ``undated``: no date on one side.
  The two kinds of date share one weight: the sets with event labels are all
  undated, so a separate weight for real dates would be learned from nothing;
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
from functools import cached_property
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
    background: np.ndarray | None = None  # the corpus's mean embedding (``background()``) when compared

    @cached_property
    def direction(self) -> np.ndarray:
        """The embedding measured from the corpus's mean, unit length: what sets this text apart."""
        return _unit(self.vector - self.background if self.background is not None else self.vector)

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
    #: The sum of all entity weights when ``entities`` holds only some of them (a large story loaded
    #: for one article needs only that article's entities and this total); None: ``entities`` is complete.
    entity_total: float | None = None

    @property
    def entity_mass(self) -> float:
        """The sum of the cluster's entity weights."""
        return self.entity_total if self.entity_total is not None else sum(self.entities.values())

    def direction(self, background: np.ndarray | None) -> np.ndarray:
        """The members' mean embedding measured from the corpus's mean, unit length (zeros when empty)."""
        if not self.size:
            return np.zeros_like(self.vector_sum)
        mean = self.vector_sum / self.size
        return _unit(mean - background if background is not None else mean)

    def absorb(self, f: Features) -> None:
        self.vector_sum = self.vector_sum + f.vector
        self.size += 1
        for e, w in f.entities.items():
            self.entities[e] = self.entities.get(e, 0.0) + w
        if self.entity_total is not None:
            self.entity_total += sum(f.entities.values())
        self.terms = lexical.add_into(self.terms, f.terms)
        if f.span is not None:
            lo, hi = f.span
            self.first = lo if self.first is None or lo < self.first else self.first
            self.last = hi if self.last is None or hi > self.last else self.last

    def merge(self, other: Cluster) -> None:
        if self.entity_total is not None or other.entity_total is not None:
            raise ValueError("merging needs both clusters' complete entity weights: load them without `only`")
        self.vector_sum = self.vector_sum + other.vector_sum
        self.size += other.size
        for e, w in other.entities.items():
            self.entities[e] = self.entities.get(e, 0.0) + w
        self.terms = lexical.add_into(self.terms, other.terms)
        days = [d for d in (self.first, self.last, other.first, other.last) if d is not None]
        self.first, self.last = (min(days), max(days)) if days else (None, None)

    def as_features(self, background: np.ndarray | None) -> Features:
        """The cluster seen as one (large) article, for cluster-to-cluster comparisons."""
        n = float(self.size or 1)
        return Features(self.vector_sum / n, dict(self.terms), {e: w / n for e, w in self.entities.items()}, {},
                        None, (self.first, self.last) if self.first else None, SHORT_WORDS, background)


def _unit(v: np.ndarray) -> np.ndarray:
    norm = float(np.linalg.norm(v))
    return v / norm if norm else v


def background(total: np.ndarray | None, count: int, prior: tuple[np.ndarray, float] | None = None) -> np.ndarray:
    """The corpus's mean embedding: ``total`` (the sum of ``count`` article embeddings) and the shipped prior.

    The prior (the mean over the training sets, in ``linking_model.json``)
    weighs as ``prior_weight`` articles, so a corpus of a few articles is
    measured against news in general, and a large one against itself.
    ``prior`` (mean, weight) replaces the shipped one (the training script's).
    """
    prior, weight = prior or _prior()
    if total is None or not count:
        return prior
    return ((prior * weight + total) / (weight + count)).astype(np.float32)


@lru_cache(maxsize=1)
def _prior() -> tuple[np.ndarray, float]:
    data = _model_data()
    return np.asarray(data["embedding_prior"], dtype=np.float32), float(data["prior_weight"])


def make_features(vector, terms: dict[str, float], entity_counts: dict[int, float], entity_types: dict[int, str],
                  df: dict[str, int], n_docs: int, day: date | None, window: tuple[date, date] | None,
                  words: int, mean: np.ndarray | None = None) -> Features:
    """Features from an article's raw parts and the corpus statistics (``df`` must already count it).

    ``mean`` is the corpus's mean embedding (``background()``), None for raw cosines.
    """
    raw_terms = dict(terms)
    for entity_id, n in entity_counts.items():
        raw_terms[lexical.entity_term(entity_id)] = n
    entities = {e: (1.0 + math.log(max(n, 1.0))) * lexical.idf(df.get(lexical.entity_term(e), 0), n_docs)
                for e, n in entity_counts.items()}
    return Features(np.asarray(vector, dtype=np.float32), lexical.tfidf(raw_terms, df, n_docs), entities,
                    entity_types, day, None if day else window, words, mean)


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


def _overlap(weights: dict[int, float], other: dict[int, float]) -> float:
    """The entity weight two sides have in common: the sum of the smaller weight of each shared entity."""
    return sum(min(w, other[e]) for e, w in weights.items() if e in other)


def _share(weights: dict[int, float], other: dict[int, float]) -> float:
    total = sum(weights.values())
    return _overlap(weights, other) / total if total else 0.0


def pair_features(f: Features, c: Cluster, entity_types: dict[int, str] | None = None) -> dict[str, float]:
    """The evidence that article ``f`` belongs to cluster ``c``, by name (see the module's docstring)."""
    types = entity_types if entity_types is not None else f.entity_types
    size = max(c.size, 1)
    total_mass = c.entity_mass / size
    has_entities = bool(f.entities) and total_mass > 0
    cluster_mass = {e: w / size for e, w in c.entities.items()}
    persons = {e: w for e, w in f.entities.items() if types.get(e) == "PERSON"}
    places = {e: w for e, w in f.entities.items() if types.get(e) == "PLACE"}
    gap = day_gap(f.span, (c.first, c.last))
    return {
        "embedding": max(0.0, float(np.dot(f.direction, c.direction(f.background)))),
        "lexical": lexical.cosine(f.terms, c.terms),
        "entity_share": _share(f.entities, cluster_mass) if has_entities else 0.0,
        "entity_cover": _overlap(f.entities, cluster_mass) / total_mass if has_entities else 0.0,
        "person_share": _share(persons, cluster_mass) if persons and cluster_mass else 0.0,
        "place_share": _share(places, cluster_mass) if places and cluster_mass else 0.0,
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
def _model_data() -> dict:
    return json.loads(resources.files("newswatch.linking").joinpath("linking_model.json").read_text("utf-8"))


@lru_cache(maxsize=1)
def load_model() -> dict[str, Decision]:
    """The shipped decisions (``linking_model.json``, written by bench/train_linking.py)."""
    data = _model_data()
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


def should_merge(level: str, grown: Cluster, other: Cluster, background: np.ndarray | None,
                 decision: Decision | None = None) -> float | None:
    """The probability that two clusters are one, when it reaches the merge threshold; else None."""
    decision = decision or load_model()[level]
    if decision.merge_threshold is None:
        return None
    p = decision.score(pair_features(grown.as_features(background), other))
    return p if p >= decision.merge_threshold else None
