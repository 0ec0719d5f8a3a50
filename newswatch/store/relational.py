"""What every SQL backend shares: storing analysed articles with their linking decisions, and reading them.

A backend (``store.sqlite``, ``store.postgres``) supplies the connection
(``conn``: ``execute``/``executemany`` with ``?`` placeholders, rows read by
position or column name), its schema, its write transaction and its full-text
index; the SQL here and in the mixins (entities, linking, alerts, views,
rebuild) is written once for both (see ``store.postgres.connection`` for the
few spellings that are translated).
"""

from __future__ import annotations

import hashlib
import json
import re
from abc import abstractmethod
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime, timezone
from importlib import resources

from ..documents import Article
from ..errors import StoreError
from ..linking.duplicates import utc_key
from ..linking.known_names import KnownNames
from .alerts import AlertStore
from .base import AddResult, ArticleFilter, Store
from .corpus import CorpusLinker, DecodedTerms, StoredBands, blob_vec, vec_blob
from .entities import EntityStore
from .linked import LinkedViews
from .rebuild import Rebuild
from .sources import SourceStore
from .views import SUMMARY_COLUMNS, WebViews, _limit_sql


def numbered_sql(package: str) -> list[tuple[int, str, str]]:
    """(version, name, sql) of the ``NNNN_name.sql`` files in ``package``, in order (both backends' migrations)."""
    found = []
    for entry in resources.files(package).iterdir():
        m = re.match(r"(\d{4})_(\w+)\.sql$", entry.name)
        if m:
            found.append((int(m.group(1)), m.group(2), entry.read_text(encoding="utf-8")))
    found.sort()
    if [v for v, _, _ in found] != list(range(1, len(found) + 1)):
        raise StoreError(f"the migrations in {package} are not numbered 0001, 0002, ... without gaps")
    return found


def _arrival_key(art: Article, index: int):
    published = art.raw.published
    return (published is None, utc_key(published.isoformat()) if published else "", index)


class RelationalStore(EntityStore, SourceStore, AlertStore, Rebuild, LinkedViews, WebViews, Store):
    """The store over any SQL backend; subclasses connect and say how to open a write transaction."""

    #: Where the data lives, as the user named it (a path, or a URL without its password).
    location: str = ""

    def _init_caches(self) -> None:
        self._merged: dict[int, int] = {}  # entity ids retired by merges -> where they went
        self._known: KnownNames | None = None  # loaded on the first article no NER model reads
        self._decoded_terms = DecodedTerms()  # clusters' term vectors, parsed once per change
        self._bands = StoredBands()  # the near-duplicate index, read on the first article linked
        self._write_seq = -1  # corpus_stats 'write_seq' after this process's last write transaction
        self._corrections_read = None  # entity_corrections, read once per write transaction

    # -- what a backend supplies ----------------------------------------------

    @property
    @abstractmethod
    def schema_version(self) -> int: ...

    @abstractmethod
    def _begin(self) -> None:
        """Open a write transaction that no other writer can interleave with (linking is sequential)."""

    @abstractmethod
    def reader(self):
        """A connection of its own for long reads beside this one's writes (the caller closes it)."""

    @abstractmethod
    def fulltext(self):
        """The full-text index (``store.search.FullText``) over this connection."""

    def _embedding_stored(self, article_id: int, vector) -> None:
        """Called when an article's embedding is written (a backend with a vector index adds it there)."""

    def nearest_articles(self, vector, flt, entity_id, limit: int) -> list[tuple[int, float]] | None:
        """The nearest articles by the backend's own vector index; None when it has none (search reads the
        embeddings instead, ``store.search.semantic_hits``)."""
        return None

    # -- writing ------------------------------------------------------------

    @contextmanager
    def _transaction(self):
        """One write transaction: all of it lands, or (on any error or interrupt) none of it."""
        self._begin()
        self._merged = {}
        self._corrections_read = None
        try:
            self._note_other_writers()
            yield
            self.conn.execute("COMMIT")
        except BaseException:
            if self.conn.in_transaction:
                self.conn.execute("ROLLBACK")
            self._bands.reset()
            self._known = None  # it may hold names of what was just rolled back
            raise

    def _note_other_writers(self) -> None:
        """Count this write; if another process wrote since our last one, forget the names we hold in memory.

        Several processes may write into one database (ingests into PostgreSQL, or
        into one SQLite file): the known names one of them keeps in memory would
        miss what the others stored, and its articles would be linked otherwise than
        one writer would link them. A counter bumped by every write transaction
        tells (the write lock is held, so it is exact).
        """
        seq = self.conn.execute(
            "INSERT INTO corpus_stats (name, value) VALUES ('write_seq', 1)"
            " ON CONFLICT (name) DO UPDATE SET value = corpus_stats.value + 1 RETURNING value").fetchone()[0]
        if seq != self._write_seq + 1:
            self._known = None
        self._write_seq = seq

    def _find_existing(self, article: Article, digest: str) -> tuple[tuple[int, str] | None, str]:
        """The stored article this one repeats (id, reason), or None; and the content hash to store it under."""
        ext = article.raw.external_id
        if ext is not None:
            row = self.conn.execute("SELECT id FROM articles WHERE external_id = ?", (ext,)).fetchone()
            if row:
                return (row[0], "same external id"), digest
        # The same text from another publisher is that publisher's coverage (a near-duplicate group,
        # ``linking.duplicates``), not a copy to drop: wire stories and shared headlines are common.
        # Such a copy is stored under the hash with its source's key appended (content_hash is unique).
        source = (article.raw.source or "").casefold()
        plain_taken = False
        for row_id, stored_source, stored_hash in self.conn.execute(
                "SELECT id, source, content_hash FROM articles"
                " WHERE content_hash = ? OR (content_hash > ? AND content_hash < ?)",
                (digest, digest + ":", digest + ";")):
            if not source or not stored_source or stored_source.casefold() == source:
                return (row_id, "same content"), digest
            plain_taken = plain_taken or stored_hash == digest
        if not plain_taken:
            return None, digest
        return None, f"{digest}:{hashlib.sha256(source.encode()).hexdigest()[:16]}"

    def add_articles(self, articles: Sequence[Article]) -> list[AddResult]:
        results: dict[int, AddResult] = {}
        now = datetime.now(timezone.utc).isoformat(timespec="seconds")
        # Online clustering sees a batch in publication order, as if the articles arrived then.
        order = sorted(range(len(articles)), key=lambda i: _arrival_key(articles[i], i))
        with self._transaction():
            for index in order:
                art = articles[index]
                existing, digest = self._find_existing(art, art.content_hash)
                if existing:
                    results[index] = AddResult(existing[0], True, existing[1])
                    continue
                raw = art.raw
                article_id = self.conn.execute(
                    "INSERT INTO articles (external_id, content_hash, title, text, raw_text, url, source, author,"
                    " published, language, format, origin, reference_date, cleaning, ingested_at, raw_title,"
                    " declared_language) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?) RETURNING id",
                    (
                        raw.external_id, digest, art.title, art.text, raw.text, raw.url, raw.source, raw.author,
                        raw.published.isoformat() if raw.published else None, art.language, raw.format,
                        raw.origin, art.reference_date.isoformat() if art.reference_date else None,
                        json.dumps([c.as_dict() for c in art.cleaning], ensure_ascii=False), now, raw.title,
                        raw.language,
                    ),
                ).fetchone()[0]
                self._insert_analysis(article_id, art)
                results[index] = AddResult(article_id, False)
        return [results[i] for i in range(len(articles))]

    def _store_names(self, article_id: int, art: Article) -> set[int]:
        """Link the article's name chains to corpus entities and write its mentions; the entities touched."""
        self._retype_places(art)
        for chain in art.chains:
            self._link_chain(art, chain)
        self._locate_places(art)
        # A merge while linking a later chain may have retired an entity an earlier chain got.
        for chain in art.chains:
            chain.entity_id = self._current_entity(chain.entity_id)
        rows = [(article_id, m.start, m.end, m.text, m.label, m.type, art.chains[m.chain].entity_id)
                for m in art.mentions if m.chain >= 0]
        self.conn.executemany(
            'INSERT OR IGNORE INTO mentions (article_id, start, "end", text, label, type, entity_id)'
            " VALUES (?,?,?,?,?,?,?)", rows)
        variant_counts = Counter((r[6], r[3]) for r in rows)
        self.conn.executemany(
            "INSERT INTO entity_variants (entity_id, text, count) VALUES (?,?,?)"
            " ON CONFLICT (entity_id, text) DO UPDATE SET count = entity_variants.count + excluded.count",
            [(e, t, n) for (e, t), n in variant_counts.items()])
        mention_counts = Counter(r[6] for r in rows)
        self.conn.executemany("UPDATE entities SET mentions = mentions + ?, articles = articles + 1 WHERE id = ?",
                              [(n, e) for e, n in mention_counts.items()])
        return set(mention_counts)

    def _insert_analysis(self, article_id: int, art: Article) -> None:
        """Dates, entity mentions (linked to corpus entities) and quotes of one article."""
        self.conn.executemany(
            'INSERT OR IGNORE INTO article_dates (article_id, start, "end", text, value, date_from, date_to)'
            " VALUES (?,?,?,?,?,?,?)",
            [(article_id, d.start, d.end, d.text, d.value, d.date_from, d.date_to) for d in art.dates],
        )
        self._find_known_names(article_id, art)
        touched = self._store_names(article_id, art)
        self.conn.executemany(
            'INSERT INTO quotes (article_id, start, "end", text, cue, direct, speaker_text, speaker_start,'
            " speaker_end, speaker_id) VALUES (?,?,?,?,?,?,?,?,?,?)",
            [(article_id, q.start, q.end, q.text, q.cue, int(q.direct), q.speaker_text, q.speaker_start,
              q.speaker_end, art.chains[q.chain].entity_id if q.chain is not None else None) for q in art.quotes],
        )
        self._refresh_display_names(touched)
        if art.embedding is not None and art.fingerprint is not None:
            self.conn.execute("UPDATE articles SET fingerprint = ?, embedding = ?, terms = ?, published_estimate = ?"
                              " WHERE id = ?", (art.fingerprint.tobytes(), vec_blob(art.embedding),
                                                json.dumps(art.terms, ensure_ascii=False),
                                                json.dumps(art.published_estimate) if art.published_estimate else None,
                                                article_id))
            self._embedding_stored(article_id, art.embedding)
            linker = CorpusLinker(self.conn, self._decoded_terms, self._bands)
            copy_of = linker.link_duplicates(article_id, art)
            linker.link_event(article_id, art, copy_of)

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
        article["mentions"] = [dict(r) for r in self.conn.execute(
            'SELECT m.text, m.start, m."end", m.type, m.label, m.entity_id, e.name AS entity_name FROM mentions m'
            " LEFT JOIN entities e ON e.id = m.entity_id WHERE m.article_id = ? ORDER BY m.start", (article_id,))]
        article["quotes"] = self.list_quotes(article_id=article_id, limit=None)
        for blob in ("fingerprint", "embedding", "terms"):
            article.pop(blob, None)
        if article.get("published_estimate"):
            article["published_estimate"] = json.loads(article["published_estimate"])
        article["event"] = self.get_event(article["event_id"]) if article.get("event_id") else None
        article["story"] = None
        if article["event"]:
            story = self.conn.execute("SELECT id, title FROM stories WHERE id = ?",
                                      (article["event"]["story_id"],)).fetchone()
            article["story"] = {"id": story["id"], "title": story["title"]}
        article["duplicates"] = [m for m in self._members("dup_group", article["dup_group"]) if m["id"] != article_id] \
            if article.get("dup_group") else []
        article["dates"] = [
            dict(r) for r in self.conn.execute(
                'SELECT text, start, "end", value, date_from, date_to FROM article_dates'
                " WHERE article_id = ? ORDER BY start", (article_id,))
        ]
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
        return _limit_sql(flt.limit, flt.offset)

    _ORDER = " ORDER BY published IS NULL, published, id"

    def list_articles(self, flt: ArticleFilter | None = None, collapse: bool = False) -> list[dict]:
        """Article summaries; with ``collapse`` a near-duplicate group shows once, by its canonical article."""
        where, params = self._where(flt)
        if collapse:
            where += (" AND " if where else " WHERE ") + (
                "(dup_group IS NULL OR id = (SELECT canonical_id FROM dup_groups g WHERE g.id = dup_group))")
        cols = ", ".join(SUMMARY_COLUMNS)
        sql = (f"SELECT {cols}, (SELECT size - 1 FROM dup_groups g WHERE g.id = dup_group) AS copies"
               f" FROM articles{where}{self._ORDER}{self._page(flt)}")
        return [{**dict(r), "copies": r["copies"] or 0} for r in self.conn.execute(sql, params)]

    def features(self, article_id: int) -> dict:
        """What compare needs of a stored article."""
        row = self.conn.execute("SELECT embedding, published, event_id, dup_group FROM articles WHERE id = ?",
                                (article_id,)).fetchone()
        entities: dict[int, tuple[str, str, int]] = {}
        for entity_id, name, kind, n in self.conn.execute(
                "SELECT e.id, e.name, e.type, count(*) FROM mentions m JOIN entities e ON e.id = m.entity_id"
                " WHERE m.article_id = ? GROUP BY e.id", (article_id,)):
            entities[entity_id] = (name, kind, n)
        story = None
        if row["event_id"] is not None:
            story = self.conn.execute("SELECT story_id FROM events WHERE id = ?", (row["event_id"],)).fetchone()[0]
        return {"vector": blob_vec(row["embedding"]) if row["embedding"] else None, "published": row["published"],
                "event_id": row["event_id"], "story_id": story, "dup_group": row["dup_group"], "entities": entities}

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
            "entities": q("SELECT count(*) FROM entities WHERE mentions > 0").fetchone()[0],
            "entity_mentions": q("SELECT count(*) FROM mentions").fetchone()[0],
            "quotes": q("SELECT count(*) FROM quotes").fetchone()[0],
            "events": q("SELECT count(*) FROM events").fetchone()[0],
            "stories": q("SELECT count(*) FROM stories").fetchone()[0],
            "duplicate_groups": q("SELECT count(*) FROM dup_groups").fetchone()[0],
            "undated": q("SELECT count(*) FROM articles WHERE published IS NULL").fetchone()[0],
            "date_mentions": q("SELECT count(*) FROM article_dates").fetchone()[0],
            "first_published": first,
            "last_published": last,
            "languages": grouped("language"),
            "sources": grouped("source"),
            "formats": grouped("format"),
            "schema_version": self.schema_version,
            "database": self.location,
        }

