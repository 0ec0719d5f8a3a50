"""Search: full text and semantic (embeddings), combined.

- text: every word of the query must occur, ranked with titles weighted 5x;
  when no article has them all, any word will do. The index is the backend's
  own (``FullText``): SQLite's FTS5 (bm25, accents ignored) here, PostgreSQL's
  text search in ``store.postgres.fulltext``.
  A query that is a known spelling of an entity ("Lindquist") also finds the
  entity's other spellings ("Mikael Lindqvist").
- semantic: cosine between the query's embedding and each article's.
- hybrid (the default): reciprocal rank fusion of the two lists
  (score = sum of 1 / (60 + rank)), so an article found both ways ranks first.

Near-duplicate copies are folded into their group's first hit ("copies": N).
Snippets are plain text with the matched words given as [start, end) offsets,
so that no caller ever has to trust markup built from article text.
"""

from __future__ import annotations

import re
import threading

import numpy as np

from .base import ArticleFilter

RRF_K = 60
SEMANTIC_POOL = 200  # nearest articles considered by semantic search
SEMANTIC_FLOOR = 0.20  # cosine below which a semantic hit is noise (short queries score low)
_OPEN, _CLOSE = "\x02", "\x03"
_TOKEN = re.compile(r"\w+")
MODES = ("hybrid", "text", "semantic")


def fts_query(query: str, any_word: bool = False) -> str | None:
    """A safe FTS5 query: each word quoted (no operator or syntax error can slip in)."""
    words = _TOKEN.findall(query)
    if not words:
        return None
    return (" OR " if any_word else " ").join(f'"{w}"' for w in words)


def _plain_snippet(marked: str) -> tuple[str, list[list[int]]]:
    out, highlights, pos, start = [], [], 0, None
    for ch in marked:
        if ch == _OPEN:
            start = pos
        elif ch == _CLOSE and start is not None:
            highlights.append([start, pos])
            start = None
        else:
            out.append(ch)
            pos += 1
    return "".join(out), highlights


def _filtered(flt: ArticleFilter | None, entity_id: int | None) -> bool:
    """Whether the filters restrict anything (and so need the articles table)."""
    from .relational import RelationalStore

    return entity_id is not None or bool(RelationalStore._where(flt)[0])


def filter_sql(flt: ArticleFilter | None, entity_id: int | None, where: str, params: list) -> tuple[str, list]:
    """A WHERE clause (on ``articles a``) for the search filters, after ``where``; and its parameters."""
    from .relational import RelationalStore

    clause, extra = RelationalStore._where(flt)
    conditions = [c for c in (where, clause.removeprefix(" WHERE ")) if c]
    params = params + extra
    if entity_id is not None:
        conditions.append("a.id IN (SELECT article_id FROM mentions WHERE entity_id = ?)")
        params.append(entity_id)
    return (" WHERE " + " AND ".join(conditions)) if conditions else "", params


def spelling_phrases(query: str, variants: list[str]) -> list[tuple[str, ...]]:
    """The words of a name and of every spelling of it, each spelling once, the query's first.

    >>> spelling_phrases("Lindquist", ["Mikael Lindqvist", "Lindquist"])
    [('Lindquist',), ('Mikael', 'Lindqvist')]
    """
    phrases: list[tuple[str, ...]] = []
    for text in [query, *variants]:
        words = tuple(_TOKEN.findall(text))
        if words and words not in phrases:
            phrases.append(words)
    return phrases


def spelling_query(query: str, variants: list[str]) -> str | None:
    """An FTS query for a name and every spelling of it, each as a phrase.

    >>> spelling_query("Lindquist", ["Mikael Lindqvist", "Lindquist"])
    '"Lindquist" OR "Mikael Lindqvist"'
    """
    phrases = spelling_phrases(query, variants)
    return " OR ".join('"' + " ".join(words) + '"' for words in phrases) if phrases else None


class FullText:
    """A backend's full-text index, as search and watchlists use it."""

    def hits(self, query: str, flt, entity_id, limit: int,
             variants: list[str] | None = None) -> tuple[list[tuple[int, float]], object]:
        """The best ``limit`` (id, score) pairs, best first, and what found them (for ``snippets``).

        ``variants``: other spellings of the name the query is, all searched for.
        """
        raise NotImplementedError

    def snippets(self, found, ids: list[int]) -> dict[int, str]:
        """A passage of each article around what ``found`` matched, matches between ``\\x02`` and ``\\x03``."""
        raise NotImplementedError

    def matching(self, expression: str, ids: list[int]) -> set[int]:
        """Which of ``ids`` match a watchlist query (as ``alerts.rules.watchlist_query`` reads it)."""
        raise NotImplementedError


class Fts5(FullText):
    """SQLite FTS5 over ``articles_fts`` (migration 0004): bm25, titles weighted 5x, accents ignored."""

    def __init__(self, conn):
        self.conn = conn

    def hits(self, query, flt, entity_id, limit, variants=None):
        attempts = [spelling_query(query, variants)] if variants else []
        attempts += [fts_query(query, False), fts_query(query, True)]
        for q in attempts:
            if q is None:
                return [], None
            where, params = filter_sql(flt, entity_id, "articles_fts MATCH ?", [q])
            # No snippet here: SQLite would build one for every matching row before sorting,
            # which for a common word in a large corpus costs more than the search itself.
            # Nor a join when nothing filters on the article's columns (a third of the time for common words).
            source = "articles_fts JOIN articles a ON a.id = articles_fts.rowid" if _filtered(flt, entity_id) \
                else "articles_fts"
            rows = self.conn.execute(
                f"SELECT articles_fts.rowid, bm25(articles_fts, 5.0, 1.0) AS rank FROM {source}{where}"
                f" ORDER BY rank LIMIT ?", [*params, limit]).fetchall()
            if rows:
                return [(r[0], -r[1]) for r in rows], q
        return [], None

    def snippets(self, found, ids):
        if not ids or not found:
            return {}
        marks = ",".join("?" * len(ids))
        return dict(self.conn.execute(
            f"SELECT rowid, snippet(articles_fts, 1, '{_OPEN}', '{_CLOSE}', '…', 24) FROM articles_fts"
            f" WHERE articles_fts MATCH ? AND rowid IN ({marks})", [found, *ids]).fetchall())

    def matching(self, expression, ids):
        if not ids:
            return set()
        return {r[0] for r in self.conn.execute(
            f"SELECT rowid FROM articles_fts WHERE articles_fts MATCH ? AND rowid IN ({','.join('?' * len(ids))})",
            [expression, *ids])}


class ChangeProbe:
    """Tells whether the database changed since the last look: for copies a long-running process keeps.

    SQLite: ``PRAGMA data_version`` on a connection of its own moves whenever
    another connection commits, so the check is one cheap statement.
    PostgreSQL: the position of the write-ahead log, which moves with any
    write to the server (some of them not the corpus's: a spare refresh, never
    a missed one).

    >>> probe = ChangeProbe(":memory:")
    >>> probe.changed(), probe.changed()
    (True, False)
    """

    def __init__(self, path: str):
        from . import connect, is_postgres

        self.conn = connect(path)
        self._statement = "SELECT pg_current_wal_lsn()" if is_postgres(path) else "PRAGMA data_version"
        self._seen = None

    def version(self):
        """The current data version (moves when another connection commits)."""
        return self.conn.execute(self._statement).fetchone()[0]

    def changed(self) -> bool:
        version = self.version()
        changed, self._seen = version != self._seen, version
        return changed

    @property
    def seen(self):
        """The version the last ``changed()`` read."""
        return self._seen

    def close(self) -> None:
        self.conn.close()


class EmbeddingIndex:
    """Every article's embedding, held in memory by a long-running process (the web server).

    Reading 100k embeddings from SQLite costs more than the search itself, so
    a server keeps them here. When another connection has committed
    (``PRAGMA data_version``), only what changed is read: articles are added
    with growing ids, so new rows are appended; the whole copy is read again
    only when rows went away or a reanalysis rewrote them (the
    ``analysis_generation`` corpus figure moves).

    >>> index = EmbeddingIndex(":memory:")
    >>> index.nearest(np.ones(4, dtype=np.float32), None, 5)
    []
    """

    def __init__(self, path: str):
        self.path = path
        self._probe = ChangeProbe(path)
        self._lock = threading.Lock()
        self._ids = np.zeros(0, dtype=np.int64)
        self._matrix = np.zeros((0, 0), dtype=np.float32)
        self._generation = None
        self.full_loads = 0  # how often the whole copy was read (the figure an incremental index keeps low)

    def _refresh(self) -> None:
        if not self._probe.changed():
            return
        conn = self._probe.conn
        try:
            count, = conn.execute("SELECT count(*) FROM articles WHERE embedding IS NOT NULL").fetchone()
            row = conn.execute("SELECT value FROM corpus_stats WHERE name = 'analysis_generation'").fetchone()
        except Exception as exc:  # an empty database, not migrated yet
            if "no such table" in str(exc) or "does not exist" in str(exc):
                return
            raise
        generation = row[0] if row else 0
        last = int(self._ids[-1]) if len(self._ids) else 0
        if generation == self._generation:
            rows = conn.execute("SELECT id, embedding FROM articles WHERE embedding IS NOT NULL AND id > ?"
                                " ORDER BY id", (last,)).fetchall()
            if len(self._ids) + len(rows) == count:
                self._append(rows)
                return
        self._generation = generation
        self._ids = np.zeros(0, dtype=np.int64)
        self._matrix = np.zeros((0, 0), dtype=np.float32)
        self.full_loads += 1
        self._append(conn.execute("SELECT id, embedding FROM articles WHERE embedding IS NOT NULL"
                                  " ORDER BY id").fetchall())

    def _append(self, rows: list) -> None:
        if not rows:
            return
        ids = np.fromiter((r[0] for r in rows), dtype=np.int64, count=len(rows))
        matrix = np.frombuffer(b"".join(r[1] for r in rows), dtype=np.float32).reshape(len(rows), -1)
        if len(self._ids) and matrix.shape[1] != self._matrix.shape[1]:
            raise ValueError("stored embeddings differ in size: run `newswatch reanalyze`")
        self._ids = np.concatenate([self._ids, ids])
        # Grown by concatenation: a new array each time, so a search holding the old one is undisturbed.
        self._matrix = np.concatenate([self._matrix, matrix]) if len(self._matrix) else matrix.copy()

    def nearest(self, vector: np.ndarray, allowed: set[int] | None, limit: int) -> list[tuple[int, float]]:
        """The ``limit`` articles closest to ``vector`` (cosine), optionally only among ``allowed`` ids."""
        with self._lock:
            self._refresh()
            ids, matrix = self._ids, self._matrix
        if allowed is not None:
            keep = np.isin(ids, np.fromiter(allowed, dtype=np.int64, count=len(allowed)))
            ids, matrix = ids[keep], matrix[keep]
        return _nearest(ids, matrix, vector, limit)

    def close(self) -> None:
        self._probe.close()


def semantic_hits(store, vector: np.ndarray, flt, entity_id, limit: int, index: EmbeddingIndex | None = None):
    """The ``limit`` articles nearest in meaning to ``vector`` (cosine, best first), filters applied."""
    found = store.nearest_articles(vector, flt, entity_id, limit)  # a backend's own vector index (pgvector)
    if found is not None:
        return [(i, s) for i, s in found if s >= SEMANTIC_FLOOR]
    conn = store.conn
    where, params = filter_sql(flt, entity_id, "a.embedding IS NOT NULL", [])
    if index is not None:
        allowed = {r[0] for r in conn.execute(f"SELECT a.id FROM articles a{where}", params)} \
            if _filtered(flt, entity_id) else None
        return index.nearest(vector, allowed, limit)
    rows = conn.execute(f"SELECT a.id, a.embedding FROM articles a{where}", params).fetchall()
    if not rows:
        return []
    ids = np.fromiter((r[0] for r in rows), dtype=np.int64, count=len(rows))
    matrix = np.frombuffer(b"".join(r[1] for r in rows), dtype=np.float32).reshape(len(rows), -1)
    return _nearest(ids, matrix, vector, limit)


def _nearest(ids: np.ndarray, matrix: np.ndarray, vector: np.ndarray, limit: int) -> list[tuple[int, float]]:
    """The ``limit`` rows of ``matrix`` closest to ``vector`` (best first), above the noise floor."""
    if not len(ids) or matrix.shape[1] != len(vector):  # vectors of another model: nothing comparable
        return []
    scores = matrix @ vector
    top = np.argpartition(-scores, limit)[:limit] if len(ids) > limit else np.arange(len(ids))
    top = top[np.argsort(-scores[top], kind="stable")]
    return [(int(ids[i]), float(scores[i])) for i in top if scores[i] >= SEMANTIC_FLOOR]


def search(store, query: str, vector: np.ndarray | None, mode: str = "hybrid",
           flt: ArticleFilter | None = None, entity_id: int | None = None, limit: int = 20, offset: int = 0,
           index: EmbeddingIndex | None = None, variants: list[str] | None = None) -> dict:
    if mode not in MODES:
        raise ValueError(f"unknown search mode {mode!r}: use one of {', '.join(MODES)}")
    conn, fulltext = store.conn, store.fulltext()
    pool = max(SEMANTIC_POOL, offset + limit)
    text, fts = fulltext.hits(query, flt, entity_id, pool, variants) if mode in ("hybrid", "text") else ([], None)
    semantic = semantic_hits(store, vector, flt, entity_id, pool, index) if mode in ("hybrid", "semantic") and \
        vector is not None else []
    fused: dict[int, float] = {}
    for ranked in (text, semantic):
        for rank, hit in enumerate(ranked):
            fused[hit[0]] = fused.get(hit[0], 0.0) + 1.0 / (RRF_K + rank + 1)
    how = {h[0]: "text" for h in text}
    for h in semantic:
        how[h[0]] = "both" if h[0] in how else "semantic"
    order = sorted(fused, key=lambda i: (-fused[i], i))
    groups = _column(conn, "dup_group", order)
    kept, copies, first_of_group = [], {}, {}
    for article_id in order:
        group = groups.get(article_id)
        if group is not None and group in first_of_group:
            copies[first_of_group[group]] += 1
            continue
        if group is not None:
            first_of_group[group] = article_id
        kept.append(article_id)
        copies[article_id] = 0
    page = kept[offset:offset + limit]
    marks = ",".join("?" * len(page))
    rows = {r[0]: r for r in conn.execute(
        "SELECT id, external_id, title, published, source, substr(text, 1, 240) FROM articles"
        f" WHERE id IN ({marks})", page)} if page else {}
    snippets = fulltext.snippets(fts, [i for i in page if how[i] != "semantic"]) if fts else {}
    results = []
    for article_id in page:
        row = rows[article_id]
        snippet, highlights = _plain_snippet(snippets[article_id]) if article_id in snippets else (row[5], [])
        results.append({"id": row[0], "external_id": row[1], "title": row[2], "published": row[3],
                        "source": row[4], "snippet": snippet, "highlights": highlights,
                        "score": round(fused[article_id], 6), "match": how[article_id],
                        "copies": copies[article_id]})
    return {"query": query, "mode": mode, "total": len(kept), "results": results}


def _column(conn, column: str, ids: list[int]) -> dict[int, object]:
    out: dict[int, object] = {}
    for i in range(0, len(ids), 500):
        chunk = ids[i:i + 500]
        out.update(conn.execute(f"SELECT id, {column} FROM articles WHERE id IN ({','.join('?' * len(chunk))})",
                                chunk).fetchall())
    return out
