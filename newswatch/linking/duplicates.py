"""Near-duplicates: syndicated copies and lightly edited reprints.

Candidates come from locality-sensitive hashing over MinHash signatures
(``BANDS`` bands of ``ROWS`` values: two texts whose shingle sets have
Jaccard similarity J become candidates with probability 1 - (1 - J^ROWS)^BANDS,
99.9% at J = 0.6 and 23% at J = 0.3); a candidate is a duplicate when the
signatures estimate J >= ``THRESHOLD``.

A group's canonical article is the earliest published; among equally dated
(or undated) ones the fullest text, then the lowest id, so the choice is the
same whatever order the copies arrived in.

>>> band_keys([7] * 128)[:2] == band_keys([7] * 128)[:2]
True
"""

from __future__ import annotations

import hashlib
import struct
from collections.abc import Sequence
from datetime import datetime, timezone

import numpy as np

BANDS = 32
ROWS = 4
#: Estimated shingle Jaccard at or above which two articles are copies of one text.
THRESHOLD = 0.5


def band_keys(signature: Sequence[int] | np.ndarray) -> list[int]:
    """One signed 64-bit key per band (stable across processes, unlike hash())."""
    values = np.asarray(signature, dtype=np.uint64)
    keys = []
    for band in range(BANDS):
        chunk = values[band * ROWS:(band + 1) * ROWS].tobytes()
        digest = hashlib.blake2b(chunk, digest_size=8, person=struct.pack("<Q", band)).digest()
        keys.append(struct.unpack("<q", digest)[0])
    return keys


def utc_key(published: str | None) -> str:
    """Sortable UTC form of an ISO timestamp ('' when unknown); naive times are taken as UTC."""
    if not published:
        return ""
    moment = datetime.fromisoformat(published)
    if moment.tzinfo is not None:
        try:
            moment = moment.astimezone(timezone.utc).replace(tzinfo=None)
        except OverflowError:  # at the calendar's very ends: the local time is near enough
            moment = moment.replace(tzinfo=None)
    return moment.isoformat(timespec="seconds")


def canonical(members: list[dict]) -> int:
    """Id of the article that stands for a group: earliest, else fullest, else lowest id.

    ``members`` are dicts with ``id``, ``published`` (ISO string or None) and ``length``.

    >>> canonical([{"id": 1, "published": "2024-12-06T16:00:00+01:00", "length": 900},
    ...            {"id": 2, "published": "2024-12-06T14:30:00-03:00", "length": 990}])
    1
    """
    def key(m: dict):
        return (m["published"] is None, utc_key(m["published"]), -m["length"], m["id"])

    return min(members, key=key)["id"]
