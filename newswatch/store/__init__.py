"""Storage: where analysed articles are kept and queried.

``open_store`` picks a backend from the location: a path (or
``sqlite:///path``) opens the embedded SQLite store, and
``postgresql://user@host/db`` a PostgreSQL database (``store.postgres``).
"""

from __future__ import annotations

from collections.abc import Callable

from ..errors import UsageError
from .base import AddResult, ArticleFilter, Store
from .sqlite import SQLiteStore

def _postgres(location: str, readonly: bool = False) -> Store:
    from .postgres import PostgresStore  # psycopg is imported only by those who use it

    return PostgresStore(location, readonly=readonly)


def _sqlite(location: str, readonly: bool = False) -> Store:
    return SQLiteStore(location.removeprefix("sqlite://"), readonly=readonly)  # sqlite:///tmp/x.db -> /tmp/x.db


#: URL scheme -> opener(location, readonly).
BACKENDS: dict[str, Callable[..., Store]] = {"sqlite": _sqlite, "postgresql": _postgres, "postgres": _postgres}


def is_postgres(location: str) -> bool:
    """Whether a ``--db`` location names a PostgreSQL database."""
    return location.startswith(("postgresql://", "postgres://"))


def connect(location: str):
    """A plain connection of its own to the database at ``location``, for a side job beside the store.

    The web server's change probe, embedding index and upload jobs each keep
    one. SQLite: a ``sqlite3`` connection; PostgreSQL: a ``PgConnection``.
    Both take the store's SQL and return rows readable by position.
    """
    if is_postgres(location):
        from .postgres.connection import PgConnection

        return PgConnection(location)
    import sqlite3

    return sqlite3.connect(location.removeprefix("sqlite://"), check_same_thread=False, timeout=30)


def open_store(location: str, readonly: bool = False) -> Store:
    """
    >>> open_store(":memory:").schema_version >= 1
    True
    """
    if "://" in location:
        scheme = location.partition("://")[0]
        if scheme not in BACKENDS:
            raise UsageError(f"unknown store scheme {scheme!r} in {location!r}; known: {sorted(BACKENDS)}")
        return BACKENDS[scheme](location, readonly=readonly)
    return SQLiteStore(location, readonly=readonly)


__all__ = ["AddResult", "ArticleFilter", "Store", "SQLiteStore", "open_store", "connect", "is_postgres", "BACKENDS"]
