"""Rebuilding what is derived from the stored articles: ``relink`` and ``reanalyze`` (a mixin of RelationalStore).

``relink`` replays linking from stored features in one transaction;
``reanalyze`` runs the analysis again in batches that other writers can get
between, and resumes after an interruption (its progress is kept in
``corpus_stats``).
"""

from __future__ import annotations

import json
import secrets
from collections import deque
from collections.abc import Iterator
from datetime import datetime

import numpy as np

from ..documents import Article, RawDocument
from ..errors import StoreError
from .corpus import CorpusLinker, blob_vec, vec_blob


class Rebuild:
    """Needs ``conn``, ``reader``, ``_bands``, ``_transaction`` and ``_insert_analysis`` from the store it joins."""

    _LINK_TABLES = ("article_bands", "dup_groups", "event_entities", "story_entities", "events", "stories",
                    "term_stats", "corpus_stats", "corpus_vectors")
    _ANALYSIS_TABLES = ("quotes", "mentions", "entity_roles", "entity_keys", "entity_variants", "entities",
                        "article_dates", "name_candidates")

    def relink(self, progress=None) -> int:
        """Rebuild near-duplicate groups, events and stories from stored features, in publication order.

        Cheap compared with ``reanalyze`` (no NER is rerun): use it after changing
        the linking settings, or after an upgrade that changed the features
        (missing embeddings and terms are computed from the stored text first).
        One transaction: interrupted, nothing changes.
        """
        from ..analysis.published import estimate_publication
        from ..documents import EntityChain

        if self._stat("reanalyze_next") is not None:
            raise StoreError("a reanalysis was interrupted: run `newswatch reanalyze` to finish it first")
        self._refresh_features()
        rows = self.conn.execute(
            "SELECT id, title, text, language, published, fingerprint, embedding, terms, published_estimate FROM articles"
            " WHERE embedding IS NOT NULL ORDER BY published IS NULL, published, id").fetchall()
        done = 0
        with self._transaction():
            generation = self._stat("analysis_generation")
            self._clear(self._LINK_TABLES)
            if generation is not None:  # corpus figures are rebuilt; which analysis they come from is kept
                self._set_stats(analysis_generation=generation)
            linker = CorpusLinker(self.conn, bands=self._bands)
            for row in rows:
                published = datetime.fromisoformat(row["published"]) if row["published"] else None
                raw = RawDocument(origin="", format="", text="", published=published)
                art = Article(raw, text=row["text"], title=row["title"])
                art.embedding = blob_vec(row["embedding"])
                art.fingerprint = np.frombuffer(row["fingerprint"], dtype=np.uint64)
                art.terms = json.loads(row["terms"]) if row["terms"] else {}
                art.published_estimate = (
                    json.loads(row["published_estimate"]) if row["published_estimate"]
                    else None if published else estimate_publication(row["text"], row["language"]))
                chains = self.conn.execute("SELECT entity_id, min(type), count(*) FROM mentions WHERE article_id = ?"
                                           " AND entity_id IS NOT NULL GROUP BY entity_id", (row["id"],)).fetchall()
                art.chains = [EntityChain(name="", type=t, mentions=list(range(n)), entity_id=e) for e, t, n in chains]
                copy_of = linker.link_duplicates(row["id"], art)
                linker.link_event(row["id"], art, copy_of)
                done += 1
                if progress:
                    progress(done, len(rows))
        return done

    def _refresh_features(self) -> None:
        """Embeddings and terms for articles stored before they existed (or by an older model)."""
        from ..analysis.features import embed, embedding_text, fingerprint
        from ..analysis.lexical import terms

        rows = self.conn.execute("SELECT id, title, text, language, fingerprint FROM articles"
                                 " WHERE embedding IS NULL OR terms IS NULL").fetchall()
        for i in range(0, len(rows), 200):
            chunk = rows[i:i + 200]
            arts = [Article(RawDocument(origin="", format="", text=""), text=r["text"], title=r["title"]) for r in chunk]
            vectors = embed([embedding_text(a) for a in arts])
            with self._transaction():
                for r, v in zip(chunk, vectors):
                    fp = r["fingerprint"] if r["fingerprint"] is not None else fingerprint(r["text"]).tobytes()
                    self.conn.execute(
                        "UPDATE articles SET embedding = ?, terms = ?, fingerprint = ? WHERE id = ?",
                        (vec_blob(v), json.dumps(terms(r["title"], r["text"], r["language"]), ensure_ascii=False),
                         fp, r["id"]))
                    self._embedding_stored(r["id"], v)

    def _clear(self, tables: tuple[str, ...]) -> None:
        for table in tables:
            self.conn.execute(f"DELETE FROM {table}")
        if set(tables) & set(self._LINK_TABLES):
            self.conn.execute("UPDATE articles SET dup_group = NULL, event_id = NULL")
            # Other writers' near-duplicate indexes hold what was cleared: a new epoch tells them to reread.
            self._set_stats(bands_epoch=secrets.randbits(62))
            self._bands.reset()

    # -- re-running the analysis -----------------------------------------------

    def reanalyze(self, analyse, progress=None, batch_size: int = 100) -> int:
        """Run the analysis again over every stored article; returns how many were analysed.

        ``analyse`` takes an iterable of ``RawDocument`` and yields ``Article``
        objects in the same order. Everything derived (entities, quotes, dates,
        duplicates, events, stories) is cleared first, then rebuilt batch by
        batch in the order the articles were stored: the order a fresh ingest of
        the same inputs links them in, so the result is what that ingest gives.

        Each batch is analysed outside any transaction and stored in one of its
        own, so other writers (an ingest) get in between batches; articles they
        add are left as their ingest made them. Interrupted, the next call
        carries on from the first batch not stored. An article whose analysis
        fails keeps its text and is listed in ``reanalyze_failures``.
        """
        self.reanalyze_failures: list[str] = []
        with self._transaction():
            start = self._stat("reanalyze_next")
            if start is None:
                upto = self.conn.execute("SELECT coalesce(max(id), 0) FROM articles").fetchone()[0]
                generation = (self._stat("analysis_generation") or 0) + 1
                self._clear(self._ANALYSIS_TABLES + self._LINK_TABLES)
                start = 0
                self._set_stats(analysis_generation=generation, reanalyze_next=start, reanalyze_upto=upto)
            upto = self._stat("reanalyze_upto")
        total = self.conn.execute("SELECT count(*) FROM articles WHERE id <= ?", (upto,)).fetchone()[0]
        done = self.conn.execute("SELECT count(*) FROM articles WHERE id < ?", (start,)).fetchone()[0]
        rows: deque = deque()  # read, not yet stored, in order

        def raws() -> Iterator[RawDocument]:
            # Read on a connection of its own, a page at a time: the analysis pulls from this on a thread
            # of its own when it runs in worker processes, and no read snapshot is held for long.
            reader = self.reader()
            after = start - 1
            try:
                while page := reader.execute(
                        "SELECT id, origin, format, raw_text, raw_title, title, url, source, author, published,"
                        " declared_language, external_id FROM articles WHERE id > ? AND id <= ? ORDER BY id"
                        " LIMIT 500", (after, upto)).fetchall():
                    for row in page:
                        rows.append(row)
                        yield self._raw_document(row)
                    after = page[-1]["id"]
            finally:
                reader.close()

        batch: list[tuple[object, Article]] = []
        for art in analyse(raws()):
            batch.append((rows.popleft(), art))
            if len(batch) >= batch_size:
                done += self._store_reanalysed(batch)
                if progress:
                    progress(done, total)
        if batch:
            done += self._store_reanalysed(batch)
            if progress:
                progress(done, total)
        with self._transaction():
            self.conn.execute("DELETE FROM corpus_stats WHERE name IN ('reanalyze_next', 'reanalyze_upto')")
        return done

    def _store_reanalysed(self, batch: list) -> int:
        """One transaction: the new analysis of a batch, linked, and where the next call would resume."""
        with self._transaction():
            for row, art in batch:
                if art.error:
                    self.reanalyze_failures.append(f"article {row['id']}: {art.error}")
                    continue
                self.conn.execute(
                    "UPDATE articles SET title = ?, text = ?, language = ?, reference_date = ?, cleaning = ?"
                    " WHERE id = ?",
                    (art.title, art.text, art.language, art.reference_date.isoformat() if art.reference_date else None,
                     json.dumps([c.as_dict() for c in art.cleaning], ensure_ascii=False), row["id"]))
                self._insert_analysis(row["id"], art)
            self._set_stats(reanalyze_next=batch[-1][0]["id"] + 1)
        n = len(batch)
        batch.clear()
        return n

    @staticmethod
    def _raw_document(r) -> RawDocument:
        return RawDocument(
            origin=r["origin"], format=r["format"], text=r["raw_text"],
            title=r["raw_title"] if r["raw_title"] is not None else r["title"], url=r["url"],
            source=r["source"], author=r["author"],
            published=datetime.fromisoformat(r["published"]) if r["published"] else None,
            language=r["declared_language"], external_id=r["external_id"])

    def _stat(self, name: str) -> int | None:
        row = self.conn.execute("SELECT value FROM corpus_stats WHERE name = ?", (name,)).fetchone()
        return row[0] if row else None

    def _set_stats(self, **values: int) -> None:
        self.conn.executemany("INSERT INTO corpus_stats (name, value) VALUES (?, ?)"
                              " ON CONFLICT (name) DO UPDATE SET value = excluded.value", list(values.items()))
