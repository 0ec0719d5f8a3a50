"""PostgreSQL backend: one database shared by many processes and machines.

``--db postgresql://user@host/dbname`` (psycopg 3). The schema is created by
the numbered files in ``store/postgres/migrations`` (its version in the
``newswatch_schema`` table). The store's SQL is the SQLite backend's, run
through ``connection.PgConnection``; what differs is here: connecting, the
write transaction, full-text search (``fulltext``) and, where the server has
pgvector, a vector index for semantic search.

Writers are serialised: every write transaction first takes one advisory
lock (``WRITE_LOCK``), held until it commits. Linking is online clustering:
each article is compared with the events and stories as the articles before
it left them, so two batches linked at once would each miss the other's
articles, and the outcome would depend on timing. Several ingest processes
therefore analyse in parallel (the expensive part) and take turns to store and
link, as they do on SQLite, whose write lock does the same. Readers (the web
server) never wait for the lock.

Without pgvector, semantic search reads the embeddings into memory, as on
SQLite (``store.search.EmbeddingIndex``, or a scan per query).
"""

from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit

import numpy as np
import psycopg

from ...errors import StoreError
from ..relational import RelationalStore, numbered_sql
from .connection import PgConnection
from .fulltext import TsSearch

#: pg_advisory_xact_lock key every write transaction takes ("nwsw"); the migrations take MIGRATE_LOCK.
WRITE_LOCK = 0x6E777377
MIGRATE_LOCK = WRITE_LOCK + 1
#: Candidates an HNSW scan considers (pgvector's default, 40, would cap a semantic search at 40 hits).
EF_SEARCH = 400


def vector_text(vector: np.ndarray) -> str:
    """A vector as pgvector reads it: '[0.1,0.2,...]'."""
    return "[" + ",".join(f"{x:.7g}" for x in np.asarray(vector, np.float32)) + "]"


def redact(url: str) -> str:
    """The URL without its password, for messages and ``stats``.

    >>> redact("postgresql://news:secret@db.example:5432/corpus")
    'postgresql://news@db.example:5432/corpus'
    """
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.rsplit("@", 1)[1]
    user = parts.username or ""
    return urlunsplit(parts._replace(netloc=f"{user}@{netloc}" if user else netloc))


def schema_migrations() -> list[tuple[int, str, str]]:
    return numbered_sql("newswatch.store.postgres.migrations")


class PostgresStore(RelationalStore):
    # The server or the connection failed, or this user may not write: an ingest stops (as on SQLite)
    # rather than blaming each article in turn.
    database_errors = (StoreError, psycopg.OperationalError, psycopg.errors.ReadOnlySqlTransaction,
                       psycopg.errors.InsufficientPrivilege)

    def __init__(self, url: str, readonly: bool = False):
        if not url.startswith(("postgresql://", "postgres://")):
            url = "postgresql://" + url
        self.url = url
        self.location = redact(url)
        self.readonly = readonly
        self._init_caches()
        self._ts_configs: dict = {}
        self._vector_table_ready = False
        try:
            self.conn = PgConnection(url)
        except psycopg.Error as exc:
            reason = " ".join(line.strip() for line in str(exc).splitlines() if line.strip())[:300] \
                or type(exc).__name__
            raise StoreError(f"{self.location}: cannot connect to PostgreSQL ({reason})") from None
        try:
            self._migrate()
            self.vectors = self._setup_vectors()
            if readonly:
                self.conn.execute("SET default_transaction_read_only = on")
        except BaseException:
            self.conn.close()
            raise

    # -- schema -------------------------------------------------------------

    @property
    def schema_version(self) -> int:
        row = self.conn.execute("SELECT to_regclass('newswatch_schema') IS NOT NULL").fetchone()
        if not row[0]:
            return 0
        return self.conn.execute("SELECT coalesce(max(version), 0) FROM newswatch_schema").fetchone()[0]

    def _migrate(self) -> None:
        known = schema_migrations()
        if self.schema_version == len(known):
            return
        raw = self.conn.raw
        # One process migrates; the others wait here, then find the work done.
        raw.execute("SELECT pg_advisory_lock(%s)", (MIGRATE_LOCK,))
        try:
            raw.execute("CREATE TABLE IF NOT EXISTS newswatch_schema (version INTEGER PRIMARY KEY, applied_at"
                        " TIMESTAMPTZ NOT NULL DEFAULT now())")
            current = self.schema_version
            if current > len(known):
                raise StoreError(f"{self.location}: schema version {current} is newer than this newswatch knows"
                                 f" ({len(known)}); upgrade newswatch")
            for version, name, sql in known[current:]:
                try:
                    with raw.transaction():
                        raw.execute(sql)  # no parameters: the whole file in one round trip
                        raw.execute("INSERT INTO newswatch_schema (version) VALUES (%s)", (version,))
                except psycopg.Error as exc:
                    raise StoreError(f"{self.location}: migration {version:04d}_{name} failed: {exc}") from None
        finally:
            raw.execute("SELECT pg_advisory_unlock(%s)", (MIGRATE_LOCK,))

    # -- pgvector -------------------------------------------------------------

    def _setup_vectors(self) -> bool:
        """Whether pgvector is there (installed now if the server has it and the user may)."""
        raw = self.conn.raw
        if raw.execute("SELECT 1 FROM pg_extension WHERE extname = 'vector'").fetchone() is None:
            if self.readonly or raw.execute(
                    "SELECT 1 FROM pg_available_extensions WHERE name = 'vector'").fetchone() is None:
                return False
            try:
                raw.execute("CREATE EXTENSION IF NOT EXISTS vector")
            except psycopg.Error:  # not allowed to: semantic search reads embeddings instead
                return False
        try:
            raw.execute(f"SET hnsw.ef_search = {EF_SEARCH}")
            raw.execute("SET hnsw.iterative_scan = relaxed_order")  # pgvector 0.8: filtered scans keep going
        except psycopg.Error:
            pass
        return True

    def _vector_table(self, dim: int) -> None:
        self.conn.raw.execute(
            f"CREATE TABLE IF NOT EXISTS article_vectors (article_id INTEGER PRIMARY KEY REFERENCES articles (id)"
            f" ON DELETE CASCADE, embedding vector({int(dim)}) NOT NULL)")
        self.conn.raw.execute("CREATE INDEX IF NOT EXISTS article_vectors_hnsw ON article_vectors"
                              " USING hnsw (embedding vector_ip_ops)")

    def _embedding_stored(self, article_id: int, vector: np.ndarray) -> None:
        if not self.vectors:
            return
        if not self._vector_table_ready:  # made on the first embedding: its size is the model's
            self._vector_table(len(vector))
            self._vector_table_ready = True
        self.conn.execute("INSERT INTO article_vectors (article_id, embedding) VALUES (?, CAST(? AS vector))"
                          " ON CONFLICT (article_id) DO UPDATE SET embedding = excluded.embedding",
                          (article_id, vector_text(vector)))

    def nearest_articles(self, vector: np.ndarray, flt, entity_id, limit: int) -> list[tuple[int, float]] | None:
        """The ``limit`` nearest articles by pgvector's HNSW index; None when there is no such index."""
        if not self.vectors:
            return None
        if not self._vector_table_ready:  # looked up once: a reader never writes the first embedding itself
            if self.conn.execute("SELECT to_regclass('article_vectors')").fetchone()[0] is None:
                return None
            self._vector_table_ready = True
        from ..search import filter_sql

        where, params = filter_sql(flt, entity_id, "", [])
        text = vector_text(vector)
        rows = self.conn.execute(
            "SELECT v.article_id, -(v.embedding <#> CAST(? AS vector)) AS score FROM article_vectors v"
            f" JOIN articles a ON a.id = v.article_id{where} ORDER BY v.embedding <#> CAST(? AS vector) LIMIT ?",
            [text, *params, text, limit]).fetchall()
        return [(r[0], float(r[1])) for r in rows]

    # -- what RelationalStore asks of a backend ----------------------------------

    def _begin(self) -> None:
        self.conn.execute("BEGIN")
        self.conn.execute("SELECT pg_advisory_xact_lock(?)", (WRITE_LOCK,))

    def reader(self):
        conn = PgConnection(self.url)
        conn.execute("SET default_transaction_read_only = on")
        return conn

    def fulltext(self):
        return TsSearch(self.conn, self._ts_configs)

    def close(self) -> None:
        self.conn.close()

    # -- entity linking's candidates ------------------------------------------------

    def _candidate_rows(self, keys: list[str], per_key: int) -> list:
        # The shared query ranks every entity under the keys at once, and PostgreSQL's planner answers it by
        # reading the whole entities table into a hash join: a cost that grew with the corpus (0.9 ms of
        # each of 25 calls per article at 20,000 entities). Per key, a lateral join reads only that key's
        # entities through the indexes. Same rows, same order.
        return self.conn.execute(
            "SELECT keys.key, c.id, c.type, c.mentions, v.text"
            " FROM unnest(CAST(? AS text[])) WITH ORDINALITY AS keys (key, n)"
            " CROSS JOIN LATERAL (SELECT e.id, e.type, e.mentions FROM entity_keys k JOIN entities e"
            " ON e.id = k.entity_id WHERE k.key = keys.key ORDER BY e.mentions DESC, e.id LIMIT ?) c"
            " LEFT JOIN entity_variants v ON v.entity_id = c.id"
            " ORDER BY keys.n, c.mentions DESC, c.id, v.text", [keys, per_key]).fetchall()
