"""TF-IDF over a growing corpus: weights from statistics kept up to date, never refitted.

The store counts, for every term, how many articles carry it (``df``) and how
many articles there are (``n``), adding each article as it arrives. An
article's lexical vector is its term weights (``analysis.lexical.terms``,
title words counted three times) with sublinear tf and a probabilistic idf, plus its
canonical entities as terms of their own (``e:ID``), so a rare shared name
weighs like a rare shared word. Vectors are sparse dicts, L2-normalised.

A cluster (an event, a story) keeps the sum of its members' vectors, cut to
its ``CLUSTER_TERMS`` heaviest terms, with the weights its members had when
they arrived: comparing against it never needs the whole corpus.

>>> v = tfidf({"munich": 1.0, "nato": 3.0}, {"munich": 1, "nato": 40}, 100)
>>> round(v["munich"], 3), round(v["nato"], 3)
(0.858, 0.514)
>>> round(cosine(v, v), 6)
1.0
"""

from __future__ import annotations

import math

CLUSTER_TERMS = 200


def entity_term(entity_id: int) -> str:
    return f"e:{entity_id}"


#: Articles the corpus is taken to have on top of its own, none of them carrying the term: in a corpus
#: of a handful of articles a word that most of them carry is not yet known to be common (they may all
#: report one event), while in a large one the count is its own.
BACKGROUND_ARTICLES = 50


def idf(df: int, n: int) -> float:
    """Probabilistic idf (as BM25's) over the corpus and ``BACKGROUND_ARTICLES``: near 0 for a term nearly
    every article of a large corpus carries, about log(n / df) for a rare one."""
    n += BACKGROUND_ARTICLES
    return math.log(1.0 + (n - df + 0.5) / (df + 0.5))


def tfidf(weights: dict[str, float], df: dict[str, int], n: int) -> dict[str, float]:
    """Sublinear tf x idf, L2-normalised."""
    v = {t: (1.0 + math.log(w)) * idf(df.get(t, 0), n) for t, w in weights.items() if w > 0}
    norm = math.sqrt(sum(x * x for x in v.values())) or 1.0
    return {t: x / norm for t, x in v.items()}


def cosine(a: dict[str, float], b: dict[str, float]) -> float:
    # The shared keys by set intersection and the norms by hypot, both in C: a cluster's vector has
    # 200 terms, an article shares a few of them, and linking computes this for every candidate.
    shared = a.keys() & b.keys()
    if not shared:
        return 0.0
    dot = sum(a[t] * b[t] for t in shared)
    na, nb = math.hypot(*a.values()), math.hypot(*b.values())
    return dot / (na * nb) if na and nb else 0.0


def add_into(total: dict[str, float], v: dict[str, float], keep: int = CLUSTER_TERMS) -> dict[str, float]:
    """``total + v``, cut to the ``keep`` heaviest terms."""
    out = dict(total)
    for t, x in v.items():
        out[t] = out.get(t, 0.0) + x
    if len(out) > keep:
        out = dict(sorted(out.items(), key=lambda kv: -kv[1])[:keep])
    return out
