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


class BandIndex:
    """Which indexed signatures share at least one LSH band with a new one: the near-duplicate candidates.

    Held in memory, 8 bytes per band (the low 32 bits of the key, and the
    article id, below 2**32): 256 bytes per article, 26 MB at 100,000
    articles. A stored index keyed by band (a B-tree with 32 random inserts
    per article) was more than half of what an ingest wrote to disk. A
    shortened key may now and then meet an unrelated article: candidates are
    checked against their signatures anyway.

    New keys go to a small dictionary; it is folded into the sorted arrays
    once it holds a quarter as many entries as they do, so adding costs
    amortised O(log n) and a lookup is a binary search.

    >>> index = BandIndex()
    >>> index.add(1, band_keys(list(range(128))))
    >>> index.add(2, band_keys(list(range(1000, 1128))))
    >>> sorted(index.candidates(band_keys(list(range(4)) + [9] * 124)))
    [1]
    >>> len(index)
    2
    """

    _FOLD_AT = 1 << 16  # pending entries before the first fold

    def __init__(self):
        self._keys = np.zeros(0, dtype=np.uint32)
        self._ids = np.zeros(0, dtype=np.uint32)
        self._pending: dict[int, list[int]] = {}
        self._pending_count = 0
        self._articles = 0

    def __len__(self) -> int:
        return self._articles

    def add(self, article_id: int, keys: Sequence[int]) -> None:
        for key in keys:
            self._pending.setdefault(key & 0xFFFFFFFF, []).append(article_id)
        self._pending_count += len(keys)
        self._articles += 1
        if self._pending_count >= self._fold_at():
            self._fold()

    def add_many(self, article_ids: np.ndarray, keys: np.ndarray) -> None:
        """Many articles at once: ``keys`` has one row of band keys per id (int64).

        A few (another writer's latest articles) go where ``add`` puts them;
        many (a whole table read at start) are sorted in with what is pending,
        in one sort.
        """
        if not len(article_ids):
            return
        if len(article_ids) * keys.shape[1] < self._fold_at():
            for article_id, row in zip(np.asarray(article_ids).tolist(), np.asarray(keys).tolist()):
                self.add(article_id, row)
            return
        short = (np.asarray(keys, dtype=np.int64) & 0xFFFFFFFF).astype(np.uint32).ravel()
        ids = np.repeat(np.asarray(article_ids, dtype=np.uint32), keys.shape[1])
        pending_keys, pending_ids = self._take_pending()
        self._merge(np.concatenate([pending_keys, short]), np.concatenate([pending_ids, ids]))
        self._articles += len(article_ids)

    def candidates(self, keys: Sequence[int]) -> set[int]:
        """Ids of indexed articles sharing a band with ``keys``."""
        short = np.asarray([k & 0xFFFFFFFF for k in keys], dtype=np.uint32)
        found: set[int] = set()
        if len(self._keys):
            lo = np.searchsorted(self._keys, short, "left")
            hi = np.searchsorted(self._keys, short, "right")
            for a, b in zip(lo.tolist(), hi.tolist()):
                if b > a:
                    found.update(self._ids[a:b].tolist())
        for key in short.tolist():
            found.update(self._pending.get(key, ()))
        return found

    def _fold_at(self) -> int:
        return max(self._FOLD_AT, len(self._keys) // 4)

    def _take_pending(self) -> tuple[np.ndarray, np.ndarray]:
        keys = np.fromiter((k for k, ids in self._pending.items() for _ in ids), dtype=np.uint32,
                           count=self._pending_count)
        ids = np.fromiter((i for v in self._pending.values() for i in v), dtype=np.uint32,
                          count=self._pending_count)
        self._pending, self._pending_count = {}, 0
        return keys, ids

    def _fold(self) -> None:
        if self._pending:
            self._merge(*self._take_pending())

    def _merge(self, keys: np.ndarray, ids: np.ndarray) -> None:
        keys = np.concatenate([self._keys, keys])
        ids = np.concatenate([self._ids, ids])
        order = np.argsort(keys, kind="stable")
        self._keys, self._ids = keys[order], ids[order]


def keys_blob(keys: Sequence[int]) -> bytes:
    """Band keys as stored (little-endian int64)."""
    return np.asarray(keys, dtype="<i8").tobytes()


def blob_keys(blob: bytes) -> np.ndarray:
    return np.frombuffer(blob, dtype="<i8")


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
