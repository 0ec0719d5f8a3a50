"""Why two articles are related: a similarity breakdown and a verdict.

Each part is in 0..1, 1 = most similar:

- narrative: cosine of the two multilingual text embeddings stored with the articles (negative
  cosines count as 0);
- meaning: a closer reading of the same texts by a stronger multilingual model, computed when asked
  (``linking.close_reading``): 0 = as alike as two unrelated news texts, 1 = the same text; None where
  that model is not installed;
- lexical: TF-IDF cosine of their words and entities, with the corpus statistics
  (``linking.lexical``): the specific words they share, rare ones weighing most;
- entities: weighted Jaccard of their canonical entities (mention counts);
- geography: Jaccard of the places among them (0.5 when neither names a place:
  nothing to compare, nothing against);
- time: exp(-gap / 30 days) between publication dates (0.5 when a date is unknown);
- overall: a weighted mean, weights from the grid in bench/similarity_semeval.py
  on the SemEval-2022 Task 8 training pairs (docs/benchmarks.md): the two
  readings of meaning together, and a small time part (constant on those
  undated pairs, decisive between events on dated news). Without the close
  reading its weight goes to ``narrative``.
"""

from __future__ import annotations

import math
from datetime import datetime

import numpy as np

OVERALL_WEIGHTS = {"narrative": 0.45, "meaning": 0.45, "lexical": 0.0, "entities": 0.0, "geography": 0.0,
                   "time": 0.1}
TIME_SCALE_DAYS = 30.0
NEUTRAL = 0.5


def weighted_jaccard(a: dict[int, float], b: dict[int, float]) -> float:
    keys = set(a) | set(b)
    if not keys:
        return 0.0
    return sum(min(a.get(k, 0), b.get(k, 0)) for k in keys) / sum(max(a.get(k, 0), b.get(k, 0)) for k in keys)


def day_gap(a: str | None, b: str | None) -> int | None:
    if not a or not b:
        return None
    return abs((datetime.fromisoformat(a[:10]) - datetime.fromisoformat(b[:10])).days)


def breakdown(vec_a, vec_b, ents_a: dict[int, tuple], ents_b: dict[int, tuple], published_a, published_b,
              lexical: float = 0.0, meaning: float | None = None) -> dict:
    """``ents_*``: entity id -> (name, type, mentions); ``lexical``: TF-IDF cosine of the two;
    ``meaning``: the close reading's part (``close_reading.similarity``), None when not read."""
    narrative = max(0.0, float(np.dot(vec_a, vec_b))) if vec_a is not None and vec_b is not None else 0.0
    entities = weighted_jaccard({k: v[2] for k, v in ents_a.items()}, {k: v[2] for k, v in ents_b.items()})
    places_a = {k for k, v in ents_a.items() if v[1] == "PLACE"}
    places_b = {k for k, v in ents_b.items() if v[1] == "PLACE"}
    geography = NEUTRAL if not places_a and not places_b else len(places_a & places_b) / len(places_a | places_b)
    gap = day_gap(published_a, published_b)
    time = NEUTRAL if gap is None else math.exp(-gap / TIME_SCALE_DAYS)
    parts = {"narrative": narrative, "meaning": meaning, "lexical": lexical, "entities": entities,
             "geography": geography, "time": time}
    weights = dict(OVERALL_WEIGHTS)
    if meaning is None:
        weights["narrative"] += weights.pop("meaning", 0.0)
    overall = sum(w * parts[k] for k, w in weights.items())
    return {"overall": round(overall, 4), **{k: None if v is None else round(v, 4) for k, v in parts.items()}}, gap


def explain(same_event: bool, same_story: bool, duplicate: bool, shared: list[str], gap: int | None,
            narrative: float) -> str:
    if duplicate:
        head = "Near-duplicates: one is a copy or light edit of the other"
    elif same_event:
        head = "Same event"
    elif same_story:
        head = "Same story, different events"
    elif narrative >= 0.5 or shared:
        head = "Related only by topic: not the same event or story"
    else:
        head = "Unrelated"
    about = f"; both mention {_join(shared[:4])}" if shared else "; no named entity in common"
    if gap is None:
        when = ". At least one publication date is unknown."
    elif gap == 0:
        when = ", published the same day."
    elif gap > 365:
        when = f", {gap:,} days (about {gap / 365.25:.1f} years) apart."
    else:
        when = f", {gap} day{'s' if gap != 1 else ''} apart."
    return head + about + when


def _join(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
