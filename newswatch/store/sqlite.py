"""SQLite backend: one file, WAL journal, versioned migrations.

Migrations are the numbered ``*.sql`` files in ``store/migrations``; the
schema version lives in ``PRAGMA user_version``, and each migration runs in
its own transaction, so an old database is brought up to date on open and a
failed migration leaves it at the last good version.

Batches are written in one ``BEGIN IMMEDIATE`` transaction: a process killed
mid-ingest leaves every batch either fully stored or absent, and re-running
the ingest stores the rest and reports the stored ones as duplicates.
"""

from __future__ import annotations

import sqlite3
import time
from contextlib import closing
from pathlib import Path

from ..errors import StoreError
from .relational import RelationalStore, numbered_sql


def migrations() -> list[tuple[int, str, str]]:
    """(version, name, sql) for every SQLite migration shipped with the package, in order."""
    return numbered_sql("newswatch.store.migrations")


class SQLiteStore(RelationalStore):
    """
    >>> store = SQLiteStore(":memory:")
    >>> store.schema_version == len(migrations())
    True
    >>> store.count_articles()
    0
    """

    database_errors = (StoreError, sqlite3.OperationalError)

    def __init__(self, path: str | Path, readonly: bool = False):
        self.path = self.location = str(path)
        self._init_caches()
        try:
            if readonly:
                if not Path(self.path).exists():
                    raise StoreError(f"{self.path}: no such database (run 'newswatch ingest' first)")
                # A database from an older newswatch is brought up to date before it is read.
                with closing(sqlite3.connect(self.path)) as probe:
                    outdated = probe.execute("PRAGMA user_version").fetchone()[0] < len(migrations())
                if outdated:
                    SQLiteStore(self.path).close()
                uri = f"file:{Path(self.path).resolve()}?mode=ro"
                self.conn = sqlite3.connect(uri, uri=True, check_same_thread=False)
            else:
                if self.path != ":memory:":
                    Path(self.path).parent.mkdir(parents=True, exist_ok=True)
                self.conn = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
            self.conn.row_factory = sqlite3.Row
            self.conn.execute("PRAGMA foreign_keys = ON")
            self.conn.execute("PRAGMA busy_timeout = 10000")
            # Linking reads many small rows (centroids, entity weights) all over the file:
            # SQLite's default 2 MB page cache turned that into a cost that grew with the corpus.
            self.conn.execute("PRAGMA cache_size = -131072")  # 128 MB
            self.conn.execute("PRAGMA mmap_size = 1073741824")
            if not readonly:
                self._set_wal()
                self.conn.execute("PRAGMA synchronous = NORMAL")
                self._migrate()
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"{self.path}: cannot open as a newswatch database ({exc})") from None

    def _set_wal(self) -> None:
        """Write-ahead logging; switching to it takes a lock that busy_timeout does not wait for, so retry."""
        for attempt in range(100):
            try:
                self.conn.execute("PRAGMA journal_mode = WAL")
                return
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc) or attempt == 99:
                    raise
                time.sleep(0.1)

    # -- schema -------------------------------------------------------------

    @property
    def schema_version(self) -> int:
        return self.conn.execute("PRAGMA user_version").fetchone()[0]

    def _migrate(self) -> None:
        current = self.schema_version
        known = migrations()
        if current > len(known):
            raise StoreError(
                f"{self.path}: schema version {current} is newer than this newswatch knows ({len(known)}); upgrade newswatch"
            )
        if current == len(known):
            return
        # Off while migrating (it cannot change inside a transaction): a migration that rebuilds a table
        # (0017) drops the old one, which with foreign keys on would delete the rows that point at it.
        self.conn.execute("PRAGMA foreign_keys = OFF")
        try:
            self._run_migrations(known[current:])
        finally:
            self.conn.execute("PRAGMA foreign_keys = ON")

    def _run_migrations(self, pending) -> None:
        for version, name, sql in pending:
            try:
                self.conn.execute("BEGIN IMMEDIATE")
                # Another process may have run this step while we waited for the lock.
                if self.schema_version >= version:
                    self.conn.execute("COMMIT")
                    continue
                for statement in _split_sql(sql):
                    self.conn.execute(statement)
                self.conn.execute(f"PRAGMA user_version = {version}")
                self.conn.execute("COMMIT")
            except sqlite3.Error as exc:
                self.conn.execute("ROLLBACK")
                raise StoreError(f"{self.path}: migration {version:04d}_{name} failed: {exc}") from None

    # -- what RelationalStore asks of a backend ----------------------------------

    def _begin(self) -> None:
        # IMMEDIATE takes the write lock now: two ingests never interleave their linking.
        self.conn.execute("BEGIN IMMEDIATE")

    def reader(self):
        if self.path == ":memory:":  # the only connection that sees this database
            return _Shared(self.conn)
        conn = sqlite3.connect(self.path, check_same_thread=False)
        conn.row_factory = sqlite3.Row
        return conn

    def fulltext(self):
        from .search import Fts5

        return Fts5(self.conn)

    def close(self) -> None:
        self.conn.close()


class _Shared:
    """The store's own connection lent out as a reader: closing it is a no-op."""

    def __init__(self, conn):
        self._conn = conn

    def execute(self, *args):
        return self._conn.execute(*args)

    def close(self) -> None:
        pass


def _split_sql(script: str) -> list[str]:
    """Statements of a migration file; a trigger's BEGIN ... END stays one statement."""
    statements, current = [], []
    for line in script.splitlines():
        if line.strip().startswith("--"):
            continue
        current.append(line)
        text = "\n".join(current).strip()
        if text and sqlite3.complete_statement(text):
            statements.append(text.rstrip(";").strip())
            current = []
    rest = "\n".join(current).strip()
    if rest:
        statements.append(rest)
    return statements
