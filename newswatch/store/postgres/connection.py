"""A psycopg connection that runs the store's SQL as it is written for SQLite.

The store modules (entities, linking, alerts, views...) write one SQL for both
backends: the common ground of SQLite and PostgreSQL, plus the few SQLite
spellings that have a fixed PostgreSQL equivalent, rewritten here:

- ``?`` placeholders become ``%s`` (and a literal ``%`` becomes ``%%``);
- ``INSERT OR IGNORE INTO ...`` becomes ``INSERT INTO ... ON CONFLICT DO NOTHING``;
- ``x = ? COLLATE NOCASE`` becomes ``lower(x) = lower(%s)``;
- ``LIKE`` becomes ``ILIKE`` (SQLite's LIKE ignores case).

Rows can be read by position and by column name, as ``sqlite3.Row``'s can.
Anything else must be written portably (``RETURNING id`` rather than
``lastrowid``, a conflict target on every upsert, ``CASE`` rather than the
two-argument ``max``): the contract tests run every statement on both.

>>> translate("SELECT id FROM t WHERE a = ? AND b LIKE '%x'")
"SELECT id FROM t WHERE a = %s AND b ILIKE '%%x'"
>>> translate("INSERT OR IGNORE INTO t (a) VALUES (?) RETURNING id")
'INSERT INTO t (a) VALUES (%s) ON CONFLICT DO NOTHING RETURNING id'
>>> translate("SELECT 1 FROM t WHERE e.name = ? COLLATE NOCASE")
'SELECT 1 FROM t WHERE lower(e.name) = lower(%s)'
"""

from __future__ import annotations

import re
from functools import lru_cache

import psycopg
from psycopg.pq import TransactionStatus

_LITERAL = re.compile(r"'(?:[^']|'')*'|\"(?:[^\"]|\"\")*\"")
_NOCASE = re.compile(r"([\w.]+) = \? COLLATE NOCASE")
_IGNORE = re.compile(r"^\s*INSERT OR IGNORE INTO", re.I)
_RETURNING = re.compile(r"\sRETURNING\s", re.I)


def _outside_literals(sql: str) -> str:
    """Placeholders, percent signs and LIKE, outside quoted text and names."""
    out, pos = [], 0
    for m in _LITERAL.finditer(sql):
        out.append(_code(sql[pos:m.start()]))
        out.append(m.group(0).replace("%", "%%"))
        pos = m.end()
    out.append(_code(sql[pos:]))
    return "".join(out)


def _code(part: str) -> str:
    part = part.replace("%", "%%")
    part = _NOCASE.sub(r"lower(\1) = lower(?)", part)
    part = re.sub(r"\bLIKE\b", "ILIKE", part)
    return part.replace("?", "%s")


@lru_cache(maxsize=2048)
def translate(sql: str) -> str:
    """The PostgreSQL spelling of one statement written for SQLite (see the module's docstring)."""
    if _IGNORE.match(sql):
        sql = _IGNORE.sub("INSERT INTO", sql, count=1)
        found = _RETURNING.search(sql)
        if found:
            sql = sql[:found.start()] + " ON CONFLICT DO NOTHING" + sql[found.start():]
        else:
            sql = sql.rstrip().rstrip(";") + " ON CONFLICT DO NOTHING"
    return _outside_literals(sql)


class Row(tuple):
    """A result row read by position (``row[0]``) or by column name (``row["id"]``), like ``sqlite3.Row``."""

    _index: dict[str, int] = {}

    def __getitem__(self, key):
        if isinstance(key, str):
            return tuple.__getitem__(self, self._index[key])
        return tuple.__getitem__(self, key)

    def keys(self) -> list[str]:
        return list(self._index)


@lru_cache(maxsize=1024)
def _row_class(names: tuple[str, ...]) -> type[Row]:
    index: dict[str, int] = {}
    for i, name in enumerate(names):
        index.setdefault(name, i)
    return type("Row", (Row,), {"_index": index, "__slots__": ()})


def _row_factory(cursor):
    description = cursor.description
    if description is None:
        return tuple
    cls = _row_class(tuple(c.name for c in description))
    return lambda values: cls(values)


class PgConnection:
    """The subset of ``sqlite3.Connection`` the store uses, over one psycopg connection in autocommit mode.

    Transactions are opened explicitly (``BEGIN``) by the store, as on SQLite.
    """

    def __init__(self, dsn: str):
        self.raw = psycopg.connect(dsn, autocommit=True, row_factory=_row_factory)

    def execute(self, sql: str, params=()) -> psycopg.Cursor:
        # Binary results: embeddings and centroids (2 KB each, hundreds per article linked) come as they
        # are stored, where the text protocol sends bytea as hexadecimal, twice the size, to be decoded.
        return self.raw.execute(translate(sql), tuple(params) if params is not None else (), binary=True)

    def executemany(self, sql: str, seq) -> psycopg.Cursor:
        cur = self.raw.cursor()
        rows = [tuple(p) for p in seq]
        if rows:
            cur.executemany(translate(sql), rows)
        return cur

    def __enter__(self):
        """``with conn:`` runs the block in one transaction, as it does for a ``sqlite3`` connection."""
        self.execute("BEGIN")
        return self

    def __exit__(self, exc_type, exc, tb):
        self.execute("ROLLBACK" if exc_type else "COMMIT")

    @property
    def in_transaction(self) -> bool:
        return self.raw.info.transaction_status != TransactionStatus.IDLE

    def close(self) -> None:
        self.raw.close()
