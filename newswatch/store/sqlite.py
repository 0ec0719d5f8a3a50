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

import json
import re
import sqlite3
from collections.abc import Iterator, Sequence
from datetime import datetime, timezone
from importlib import resources
from pathlib import Path

from ..documents import Article
from ..errors import NotFoundError, StoreError
from .base import AddResult, ArticleFilter, Store

SUMMARY_COLUMNS = ("id", "external_id", "title", "published", "language", "source", "url")


def migrations() -> list[tuple[int, str, str]]:
    """(version, name, sql) for every migration shipped with the package, in order."""
    found = []
    for entry in resources.files("newswatch.store.migrations").iterdir():
        m = re.match(r"(\d{4})_(\w+)\.sql$", entry.name)
        if m:
            found.append((int(m.group(1)), m.group(2), entry.read_text(encoding="utf-8")))
    found.sort()
    if [v for v, _, _ in found] != list(range(1, len(found) + 1)):
        raise StoreError("migrations are not numbered 0001, 0002, ... without gaps")
    return found


class SQLiteStore(Store):
    """
    >>> store = SQLiteStore(":memory:")
    >>> store.schema_version == len(migrations())
    True
    >>> store.count_articles()
    0
    """

    def __init__(self, path: str | Path, readonly: bool = False):
        self.path = str(path)
        try:
            if readonly:
                if not Path(self.path).exists():
                    raise StoreError(f"{self.path}: no such database (run 'newswatch ingest' first)")
                uri = f"file:{Path(self.path).resolve()}?mode=ro"
                self.conn = sqlite3.connect(uri, uri=True, check_same_thread=False)
            else:
                if self.path != ":memory:":
                    Path(self.path).parent.mkdir(parents=True, exist_ok=True)
                self.conn = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
            self.conn.row_factory = sqlite3.Row
            self.conn.execute("PRAGMA foreign_keys = ON")
            self.conn.execute("PRAGMA busy_timeout = 10000")
            if not readonly:
                self.conn.execute("PRAGMA journal_mode = WAL")
                self.conn.execute("PRAGMA synchronous = NORMAL")
                self._migrate()
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"{self.path}: cannot open as a newswatch database ({exc})") from None

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
        for version, name, sql in known[current:]:
            try:
                self.conn.execute("BEGIN IMMEDIATE")
                for statement in _split_sql(sql):
                    self.conn.execute(statement)
                self.conn.execute(f"PRAGMA user_version = {version}")
                self.conn.execute("COMMIT")
            except sqlite3.Error as exc:
                self.conn.execute("ROLLBACK")
                raise StoreError(f"{self.path}: migration {version:04d}_{name} failed: {exc}") from None

    # -- writing ------------------------------------------------------------

    def _find_existing(self, article: Article, digest: str) -> tuple[int, str] | None:
        ext = article.raw.external_id
        if ext is not None:
            row = self.conn.execute("SELECT id FROM articles WHERE external_id = ?", (ext,)).fetchone()
            if row:
                return row[0], "same external id"
        row = self.conn.execute("SELECT id FROM articles WHERE content_hash = ?", (digest,)).fetchone()
        if row:
            return row[0], "same content"
        return None

    def add_articles(self, articles: Sequence[Article]) -> list[AddResult]:
        results: list[AddResult] = []
        now = datetime.now(timezone.utc).isoformat(timespec="seconds")
        try:
            self.conn.execute("BEGIN IMMEDIATE")
            for art in articles:
                digest = art.content_hash
                existing = self._find_existing(art, digest)
                if existing:
                    results.append(AddResult(existing[0], True, existing[1]))
                    continue
                raw = art.raw
                cur = self.conn.execute(
                    "INSERT INTO articles (external_id, content_hash, title, text, raw_text, url, source, author,"
                    " published, language, format, origin, reference_date, cleaning, ingested_at)"
                    " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                    (
                        raw.external_id, digest, art.title, art.text, raw.text, raw.url, raw.source, raw.author,
                        raw.published.isoformat() if raw.published else None, art.language, raw.format,
                        raw.origin, art.reference_date.isoformat() if art.reference_date else None,
                        json.dumps([c.as_dict() for c in art.cleaning], ensure_ascii=False), now,
                    ),
                )
                article_id = cur.lastrowid
                self.conn.executemany(
                    'INSERT OR IGNORE INTO article_dates (article_id, start, "end", text, value, date_from, date_to)'
                    " VALUES (?,?,?,?,?,?,?)",
                    [(article_id, d.start, d.end, d.text, d.value, d.date_from, d.date_to) for d in art.dates],
                )
                results.append(AddResult(article_id, False))
            self.conn.execute("COMMIT")
        except BaseException:
            if self.conn.in_transaction:
                self.conn.execute("ROLLBACK")
            raise
        return results

    # -- reading ------------------------------------------------------------

    def _resolve(self, key: str | int) -> int | None:
        text = str(key)
        row = self.conn.execute("SELECT id FROM articles WHERE external_id = ?", (text,)).fetchone()
        if row:
            return row[0]
        if text.isdigit():
            row = self.conn.execute("SELECT id FROM articles WHERE id = ?", (int(text),)).fetchone()
            if row:
                return row[0]
        return None

    def get_article(self, key: str | int) -> dict | None:
        article_id = self._resolve(key)
        if article_id is None:
            return None
        row = self.conn.execute("SELECT * FROM articles WHERE id = ?", (article_id,)).fetchone()
        article = dict(row)
        article["cleaning"] = json.loads(article["cleaning"])
        article["dates"] = [
            dict(r) for r in self.conn.execute(
                'SELECT text, start, "end", value, date_from, date_to FROM article_dates'
                " WHERE article_id = ? ORDER BY start", (article_id,))
        ]
        return article

    def require_article(self, key: str | int) -> dict:
        article = self.get_article(key)
        if article is None:
            raise NotFoundError(f"no article with id or external id {str(key)!r}")
        return article

    @staticmethod
    def _where(flt: ArticleFilter | None) -> tuple[str, list]:
        if flt is None:
            return "", []
        clauses, params = [], []
        if flt.since:
            clauses.append("published >= ?")
            params.append(flt.since.isoformat())
        if flt.until:
            # published may carry a time: anything on the 'until' day counts.
            clauses.append("substr(published, 1, 10) <= ?")
            params.append(flt.until.isoformat())
        if flt.source:
            clauses.append("source = ? COLLATE NOCASE")
            params.append(flt.source)
        if flt.language:
            clauses.append("language = ?")
            params.append(flt.language.lower())
        return (" WHERE " + " AND ".join(clauses)) if clauses else "", params

    @staticmethod
    def _page(flt: ArticleFilter | None) -> str:
        if flt is None or (flt.limit is None and not flt.offset):
            return ""
        limit = -1 if flt.limit is None else int(flt.limit)
        return f" LIMIT {limit} OFFSET {int(flt.offset)}"

    _ORDER = " ORDER BY published IS NULL, published, id"

    def list_articles(self, flt: ArticleFilter | None = None) -> list[dict]:
        where, params = self._where(flt)
        cols = ", ".join(SUMMARY_COLUMNS)
        sql = f"SELECT {cols} FROM articles{where}{self._ORDER}{self._page(flt)}"
        return [dict(r) for r in self.conn.execute(sql, params)]

    def iter_articles(self, flt: ArticleFilter | None = None) -> Iterator[dict]:
        where, params = self._where(flt)
        sql = f"SELECT id FROM articles{where}{self._ORDER}{self._page(flt)}"
        for (article_id,) in self.conn.execute(sql, params).fetchall():
            yield self.get_article(article_id)

    def count_articles(self, flt: ArticleFilter | None = None) -> int:
        where, params = self._where(flt)
        return self.conn.execute(f"SELECT count(*) FROM articles{where}", params).fetchone()[0]

    def stats(self) -> dict:
        q = self.conn.execute
        first, last = q("SELECT min(published), max(published) FROM articles").fetchone()

        def grouped(column: str) -> dict:
            rows = q(f"SELECT coalesce({column}, 'unknown') AS k, count(*) FROM articles GROUP BY k ORDER BY count(*) DESC, k")
            return {k: n for k, n in rows}

        return {
            "articles": q("SELECT count(*) FROM articles").fetchone()[0],
            "undated": q("SELECT count(*) FROM articles WHERE published IS NULL").fetchone()[0],
            "date_mentions": q("SELECT count(*) FROM article_dates").fetchone()[0],
            "first_published": first,
            "last_published": last,
            "languages": grouped("language"),
            "sources": grouped("source"),
            "formats": grouped("format"),
            "schema_version": self.schema_version,
            "database": self.path,
        }

    def close(self) -> None:
        self.conn.close()


def _split_sql(script: str) -> list[str]:
    """Statements of a migration file (none of ours put ';' inside a string)."""
    body = "\n".join(line for line in script.splitlines() if not line.strip().startswith("--"))
    return [s.strip() for s in body.split(";") if s.strip()]
