"""TF-IDF over a growing corpus: weights from statistics kept up to date, never refitted.

The store counts, for every term, how many articles carry it (``df``) and how
many articles there are (``n``), adding each article as it arrives. An
article's lexical vector is its term weights (``analysis.lexical.terms``,
title words counted three times) with sublinear tf and smoothed idf, plus its
canonical entities as terms of their own (``e:ID``), so a rare shared name
weighs like a rare shared word. Vectors are sparse dicts, L2-normalised.

A cluster (an event, a story) keeps the sum of its members' vectors, cut to
its ``CLUSTER_TERMS`` heaviest terms, with the weights its members had when
they arrived: comparing against it never needs the whole corpus.

>>> v = tfidf({"munich": 1.0, "nato": 3.0}, {"munich": 1, "nato": 40}, 100)
>>> round(v["munich"], 3), round(v["nato"], 3)
(0.777, 0.63)
>>> round(cosine(v, v), 6)
1.0
"""

from __future__ import annotations

import math

CLUSTER_TERMS = 200


def entity_term(entity_id: int) -> str:
    return f"e:{entity_id}"


def idf(df: int, n: int) -> float:
    return math.log((n + 1) / (df + 1)) + 1.0


def tfidf(weights: dict[str, float], df: dict[str, int], n: int) -> dict[str, float]:
    """Sublinear tf x smoothed idf, L2-normalised."""
    v = {t: (1.0 + math.log(w)) * idf(df.get(t, 0), n) for t, w in weights.items() if w > 0}
    norm = math.sqrt(sum(x * x for x in v.values())) or 1.0
    return {t: x / norm for t, x in v.items()}


def cosine(a: dict[str, float], b: dict[str, float]) -> float:
    if len(a) > len(b):
        a, b = b, a
    dot = sum(x * b.get(t, 0.0) for t, x in a.items())
    na = math.sqrt(sum(x * x for x in a.values()))
    nb = math.sqrt(sum(x * x for x in b.values()))
    return dot / (na * nb) if na and nb else 0.0


def add_into(total: dict[str, float], v: dict[str, float], keep: int = CLUSTER_TERMS) -> dict[str, float]:
    """``total + v``, cut to the ``keep`` heaviest terms."""
    out = dict(total)
    for t, x in v.items():
        out[t] = out.get(t, 0.0) + x
    if len(out) > keep:
        out = dict(sorted(out.items(), key=lambda kv: -kv[1])[:keep])
    return out
