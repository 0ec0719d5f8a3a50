"""Storage: where analysed articles are kept and queried.

``open_store`` picks a backend from the location: a path (or
``sqlite:///path``) opens the embedded SQLite store; other URL schemes are
for backends that register themselves in ``BACKENDS``.
"""

from __future__ import annotations

from collections.abc import Callable

from ..errors import UsageError
from .base import AddResult, ArticleFilter, Store
from .sqlite import SQLiteStore

BACKENDS: dict[str, Callable[..., Store]] = {"sqlite": SQLiteStore}


def open_store(location: str, readonly: bool = False) -> Store:
    """
    >>> open_store(":memory:").schema_version >= 1
    True
    """
    if "://" in location:
        scheme, _, rest = location.partition("://")
        if scheme not in BACKENDS:
            raise UsageError(f"unknown store scheme {scheme!r} in {location!r}; known: {sorted(BACKENDS)}")
        return BACKENDS[scheme](rest, readonly=readonly)  # sqlite:///tmp/x.db -> /tmp/x.db
    return SQLiteStore(location, readonly=readonly)


__all__ = ["AddResult", "ArticleFilter", "Store", "SQLiteStore", "open_store", "BACKENDS"]
