"""The store side of corpus linking: near-duplicates, events, stories.

The decisions are ``newswatch.linking``'s; this module loads their candidates
and records the outcome, inside the transaction that stores the article.
"""

from __future__ import annotations

import json
import sqlite3
from collections import OrderedDict
from datetime import date

import numpy as np

from ..analysis.features import jaccard
from ..documents import Article
from ..linking import duplicates as dup
from ..linking import events as ev
from ..linking import lexical


def vec_blob(v: np.ndarray) -> bytes:
    return np.asarray(v, dtype=np.float32).tobytes()


def blob_vec(b: bytes) -> np.ndarray:
    return np.frombuffer(b, dtype=np.float32)


def _day(value: str | None) -> date | None:
    return date.fromisoformat(value[:10]) if value else None


class DecodedTerms:
    """Clusters' term vectors as last decoded, so a candidate met again is not parsed again.

    A cluster's terms are stored as JSON and rewritten whenever it grows. The
    text read back is compared with the text decoded last time (a memory
    comparison, far cheaper than parsing 200 terms), so a cluster that did not
    change is never parsed twice. Measured on an ECB+ ingest: JSON parsing was
    6 of the main process's 38 s of linking and storing.
    """

    def __init__(self, capacity: int = 2000):
        self.capacity = capacity
        self._entries: OrderedDict[tuple[str, int], tuple[str, dict[str, float]]] = OrderedDict()

    def get(self, table: str, cluster_id: int, text: str | None) -> dict[str, float]:
        if not text:
            return {}
        key = (table, cluster_id)
        entry = self._entries.get(key)
        if entry is not None and entry[0] == text:
            self._entries.move_to_end(key)
            return entry[1]
        terms = json.loads(text)
        self._entries[key] = (text, terms)
        self._entries.move_to_end(key)
        if len(self._entries) > self.capacity:
            self._entries.popitem(last=False)
        return terms


class StoredBands:
    """The near-duplicate index (``linking.duplicates.BandIndex``) over the ``article_bands`` table.

    Linking an article appends one row, its band keys, under a growing
    ``seq``: a sequential write, where a table keyed by band took 32 random
    ones. The index is read once per process, on first use, and then catches
    up on rows other processes added (``seq`` past the last one seen) each
    time it is used. A rolled-back transaction can leave ``seq`` values that
    the next rows reuse, so the store calls ``reset`` then, and the index is
    read afresh. So it is when any process clears the linking tables (relink,
    reanalyze): the clear draws a new ``bands_epoch``, and ``seq`` starts again.

    Only a writer uses it, inside its write transaction.
    """

    def __init__(self):
        self.index: dup.BandIndex | None = None
        self.seen = 0
        self.epoch: int | None = None

    def reset(self) -> None:
        self.index, self.seen = None, 0

    def synced(self, conn: sqlite3.Connection) -> dup.BandIndex:
        row = conn.execute("SELECT value FROM corpus_stats WHERE name = 'bands_epoch'").fetchone()
        epoch = row[0] if row else None
        if self.index is not None and epoch != self.epoch:
            self.reset()
        if self.index is None:
            self._backfill(conn)
            self.index, self.seen, self.epoch = dup.BandIndex(), 0, epoch
        ids, keys = [], []  # read in pages, indexed at once: one sort, and no copy of all the rows at a time
        while rows := conn.execute("SELECT seq, article_id, keys FROM article_bands WHERE seq > ? ORDER BY seq"
                                   " LIMIT 20000", (self.seen,)).fetchall():
            keys.append(dup.blob_keys(b"".join(r[2] for r in rows)).reshape(len(rows), dup.BANDS))
            ids.append(np.fromiter((r[1] for r in rows), dtype=np.int64, count=len(rows)))
            self.seen = rows[-1][0]
        if ids:
            self.index.add_many(np.concatenate(ids), np.concatenate(keys))
        return self.index

    def add(self, conn: sqlite3.Connection, article_id: int, keys: list[int]) -> None:
        """Index a linked article (after ``synced`` in the same transaction)."""
        self.seen = conn.execute("INSERT INTO article_bands (article_id, keys) VALUES (?, ?) RETURNING seq",
                                 (article_id, dup.keys_blob(keys))).fetchone()[0]
        self.index.add(article_id, keys)

    @staticmethod
    def _backfill(conn: sqlite3.Connection) -> None:
        """A database from before ``article_bands`` (migration 0015): its linked articles' keys, once."""
        if conn.execute("SELECT 1 FROM corpus_stats WHERE name = 'bands_backfill'").fetchone() is None:
            return
        conn.executemany("INSERT INTO article_bands (article_id, keys) VALUES (?, ?)",
                         ((i, dup.keys_blob(dup.band_keys(np.frombuffer(fp, dtype=np.uint64)))) for i, fp in
                          conn.execute("SELECT id, fingerprint FROM articles WHERE fingerprint IS NOT NULL"
                                       " ORDER BY id").fetchall()))
        conn.execute("DELETE FROM corpus_stats WHERE name = 'bands_backfill'")


class CorpusLinker:
    def __init__(self, conn: sqlite3.Connection, terms: DecodedTerms | None = None,
                 bands: StoredBands | None = None):
        self.conn = conn
        self.terms = terms if terms is not None else DecodedTerms()
        self.bands = bands if bands is not None else StoredBands()

    # -- near-duplicates -------------------------------------------------------

    def link_duplicates(self, article_id: int, art: Article) -> int | None:
        """Record the article's LSH bands; return the id of the article it copies, if any."""
        q = self.conn.execute
        keys = dup.band_keys(art.fingerprint)
        candidates = sorted(self.bands.synced(self.conn).candidates(keys) - {article_id})
        best, best_j = None, 0.0
        for other in candidates:
            row = q("SELECT fingerprint FROM articles WHERE id = ?", (other,)).fetchone()
            if row is None or row[0] is None:
                continue
            j = jaccard(np.frombuffer(row[0], dtype=np.uint64), art.fingerprint)
            if j >= dup.THRESHOLD and (j > best_j or (j == best_j and other < best)):
                best, best_j = other, j
        self.bands.add(self.conn, article_id, keys)
        if best is None:
            return None
        group = q("SELECT dup_group FROM articles WHERE id = ?", (best,)).fetchone()[0]
        if group is None:
            group = q("INSERT INTO dup_groups (canonical_id, size) VALUES (?, 1) RETURNING id", (best,)).fetchone()[0]
            q("UPDATE articles SET dup_group = ? WHERE id = ?", (group, best))
        q("UPDATE articles SET dup_group = ? WHERE id = ?", (group, article_id))
        members = [{"id": i, "published": p, "length": n} for i, p, n in q(
            "SELECT id, published, length(text) FROM articles WHERE dup_group = ?", (group,))]
        q("UPDATE dup_groups SET canonical_id = ?, size = ? WHERE id = ?", (dup.canonical(members), len(members), group))
        return best

    # -- events and stories ----------------------------------------------------

    _ENTITY_TABLE = {"events": ("event_entities", "event_id"), "stories": ("story_entities", "story_id")}

    def features(self, art: Article) -> ev.Features:
        """The article's linking features; counts it into the corpus term statistics first."""
        counts: dict[int, float] = {}
        types: dict[int, str] = {}
        for chain in art.chains:
            if chain.entity_id is not None:
                counts[chain.entity_id] = counts.get(chain.entity_id, 0.0) + len(chain.mentions)
                types[chain.entity_id] = chain.type
        n_docs, df = self._count_terms(list(art.terms or {}) + [lexical.entity_term(e) for e in counts])
        mean = self._count_embedding(art.embedding)
        est = art.published_estimate
        window = (_day(est["from"]), _day(est["to"])) if est else None
        day = art.raw.published.date() if art.raw.published else None
        words = len(art.text.split()) + len((art.title or "").split())
        return ev.make_features(art.embedding, art.terms or {}, counts, types, df, n_docs, day, window, words, mean)

    def stored_features(self, article_id: int) -> ev.Features | None:
        """A stored article's linking features against the corpus statistics as they are now (read only)."""
        q = self.conn.execute
        row = q("SELECT title, text, embedding, terms, published, published_estimate FROM articles WHERE id = ?",
                (article_id,)).fetchone()
        if row is None or row["embedding"] is None:
            return None
        counts, types = {}, {}
        for entity_id, kind, n in q("SELECT entity_id, min(type), count(*) FROM mentions WHERE article_id = ?"
                                    " AND entity_id IS NOT NULL GROUP BY entity_id", (article_id,)):
            counts[entity_id], types[entity_id] = float(n), kind
        terms = json.loads(row["terms"]) if row["terms"] else {}
        keys = list(terms) + [lexical.entity_term(e) for e in counts]
        df = self._df(keys)
        found = q("SELECT value FROM corpus_stats WHERE name = 'articles'").fetchone()
        est = json.loads(row["published_estimate"]) if row["published_estimate"] else None
        words = len(row["text"].split()) + len((row["title"] or "").split())
        return ev.make_features(blob_vec(row["embedding"]), terms, counts, types, df, found[0] if found else 1,
                                _day(row["published"]), (_day(est["from"]), _day(est["to"])) if est else None,
                                words, self.background())

    def background(self) -> np.ndarray:
        """The corpus's mean embedding as linking uses it (``linking.events.background``)."""
        total, count = self._embedding_sum()
        return ev.background(total, count)

    def _embedding_sum(self) -> tuple[np.ndarray | None, int]:
        row = self.conn.execute("SELECT vector, count FROM corpus_vectors WHERE name = 'embedding_sum'").fetchone()
        if row is not None:
            return blob_vec(row[0]).copy(), row[1]
        total, count = None, 0  # a corpus linked before the table existed: its events hold the sums
        for blob, n in self.conn.execute("SELECT vector_sum, articles FROM events WHERE articles > 0"):
            v = blob_vec(blob)
            total = v.copy() if total is None else total + v
            count += n
        return total, count

    def _count_embedding(self, vector: np.ndarray) -> np.ndarray:
        """Add an article's embedding to the corpus's sum; the mean that linking then measures from."""
        total, count = self._embedding_sum()
        total = np.asarray(vector, np.float32) if total is None else total + vector
        self.conn.execute("INSERT INTO corpus_vectors (name, count, vector) VALUES ('embedding_sum', ?, ?)"
                          " ON CONFLICT (name) DO UPDATE SET count = excluded.count, vector = excluded.vector",
                          (count + 1, vec_blob(total)))
        return ev.background(total, count + 1)

    def _df(self, keys: list[str]) -> dict[str, int]:
        df: dict[str, int] = {}
        for i in range(0, len(keys), 500):
            chunk = keys[i:i + 500]
            df.update(self.conn.execute(f"SELECT term, df FROM term_stats WHERE term IN ({','.join('?' * len(chunk))})",
                                        chunk))
        return df

    def _count_terms(self, terms: list[str]) -> tuple[int, dict[str, int]]:
        q = self.conn.execute
        q("INSERT INTO corpus_stats (name, value) VALUES ('articles', 1)"
          " ON CONFLICT (name) DO UPDATE SET value = corpus_stats.value + 1")
        self.conn.executemany("INSERT INTO term_stats (term, df) VALUES (?, 1)"
                              " ON CONFLICT (term) DO UPDATE SET df = term_stats.df + 1", [(t,) for t in terms])
        n_docs = q("SELECT value FROM corpus_stats WHERE name = 'articles'").fetchone()[0]
        return n_docs, self._df(terms)

    def _clusters(self, table: str, rows: list[sqlite3.Row], only: set[int] | None = None) -> list[ev.Cluster]:
        """Candidates with their entity weights, loaded in one query rather than one per candidate.

        ``only``: load just these entities' weights and each cluster's total
        (``Cluster.entity_total``), which is all that comparing one article
        needs: a story of thousands of articles has tens of thousands of
        entity rows, and reading them all for every article was a quarter of
        the linking time at 20,000 articles.
        """
        if not rows:
            return []
        entity_table, key = self._ENTITY_TABLE[table]
        entities: dict[int, dict[int, float]] = {r["id"]: {} for r in rows}
        totals: dict[int, float | None] = {r["id"]: None for r in rows}
        marks = ",".join("?" * len(rows))
        if only is None:
            found = self.conn.execute(
                f"SELECT {key}, entity_id, weight FROM {entity_table} WHERE {key} IN ({marks})", list(entities))
        elif not only:
            found = []  # nothing to compare: the caller only adds to the sums
        else:
            wanted = sorted(only)
            found = self.conn.execute(
                f"SELECT {key}, entity_id, weight FROM {entity_table} WHERE {key} IN ({marks})"
                f" AND entity_id IN ({','.join('?' * len(wanted))})", [*entities, *wanted])
            totals.update({cid: 0.0 for cid in totals})
            totals.update(self.conn.execute(f"SELECT {key}, sum(weight) FROM {entity_table} WHERE {key} IN ({marks})"
                                            f" GROUP BY {key}", list(entities)).fetchall())
        for cid, entity_id, weight in found:
            entities[cid][entity_id] = weight
        return [ev.Cluster(r["id"], blob_vec(r["vector_sum"]).copy(), r["articles"], entities[r["id"]],
                           self.terms.get(table, r["id"], r["terms"]), _day(r["first_day"]), _day(r["last_day"]),
                           totals[r["id"]])
                for r in rows]

    def _event_candidates(self, f: ev.Features) -> list[ev.Cluster]:
        q = self.conn.execute
        ids: set[int] = set()
        span = f.span
        if span is not None:
            low = ev.shift(span[0], -ev.EVENT_WINDOW_DAYS).isoformat()
            high = ev.shift(span[1], ev.EVENT_WINDOW_DAYS).isoformat()
            ids.update(r[0] for r in q("SELECT id FROM events WHERE last_day >= ? AND first_day <= ?", (low, high)))
            ids.update(r[0] for r in q("SELECT id FROM events WHERE first_day IS NULL ORDER BY updated_seq DESC"
                                       " LIMIT ?", (ev.UNDATED_CANDIDATES,)))
        else:
            ids.update(r[0] for r in q("SELECT id FROM events ORDER BY updated_seq DESC LIMIT ?",
                                       (ev.UNDATED_CANDIDATES,)))
            # Undated text has no window: events naming its rarest entities are candidates too.
            for entity_id in sorted(f.entities, key=lambda e: -f.entities[e])[:5]:
                ids.update(r[0] for r in q("SELECT event_id FROM event_entities WHERE entity_id = ?"
                                           " ORDER BY event_id DESC LIMIT 20", (entity_id,)))
        return self._load("events", ids, f)

    def _load(self, table: str, ids: set[int], f: ev.Features) -> list[ev.Cluster]:
        """The candidates nearest in meaning (at most ``ev.SHORTLIST``), fully loaded.

        Centroids are cheap to read and compare; terms and entity weights are not,
        and a cluster far from the article in meaning never wins the decision.
        """
        if not ids:
            return []
        ordered = sorted(ids)
        found: list[tuple[int, bytes, int]] = []
        for i in range(0, len(ordered), 500):
            chunk = ordered[i:i + 500]
            found.extend(self.conn.execute(
                f"SELECT id, vector_sum, articles FROM {table} WHERE id IN ({','.join('?' * len(chunk))})", chunk))
        # All centroids at once (as bench/train_linking.py's replay does): hundreds of candidates per article.
        cids = np.fromiter((r[0] for r in found), dtype=np.int64, count=len(found))
        sums = np.frombuffer(b"".join(r[1] for r in found), dtype=np.float32).reshape(len(found), -1)
        sizes = np.fromiter((r[2] for r in found), dtype=np.float32, count=len(found))
        means = sums / np.maximum(sizes, 1)[:, None]
        if f.background is not None:
            means = means - f.background
        means[sizes == 0] = 0.0  # an emptied cluster points nowhere
        means /= np.maximum(np.linalg.norm(means, axis=1, keepdims=True), 1e-12)
        scores = means @ f.direction
        order = np.argsort(cids, kind="stable")
        cids, scores = cids[order], scores[order]
        keep = sorted(cids[np.argsort(-scores, kind="stable")[:ev.SHORTLIST]].tolist())
        rows = self.conn.execute(f"SELECT * FROM {table} WHERE id IN ({','.join('?' * len(keep))})", keep).fetchall()
        # Events are small and are compared whole when consolidating; stories only with this article.
        return self._clusters(table, rows, only=set(f.entities) if table == "stories" else None)

    def _story_candidates(self, f: ev.Features) -> list[ev.Cluster]:
        q = self.conn.execute
        ids: set[int] = set()
        for entity_id in sorted(f.entities, key=lambda e: -f.entities[e])[:10]:
            ids.update(r[0] for r in q(
                "SELECT s.id FROM story_entities se JOIN stories s ON s.id = se.story_id WHERE se.entity_id = ?"
                " ORDER BY s.updated_seq DESC LIMIT 30", (entity_id,)))
        span = f.span
        if span is not None:
            since = ev.shift(span[0], -ev.STORY_RECENT_DAYS).isoformat()
            ids.update(r[0] for r in q("SELECT id FROM stories WHERE last_day >= ? ORDER BY updated_seq DESC"
                                       " LIMIT ?", (since, ev.UNDATED_CANDIDATES)))
        else:
            ids.update(r[0] for r in q("SELECT id FROM stories ORDER BY updated_seq DESC LIMIT ?",
                                       (ev.UNDATED_CANDIDATES,)))
        return self._load("stories", ids, f)

    def link_event(self, article_id: int, art: Article, copy_of: int | None) -> tuple[int, int]:
        """Put the article into an event (and so a story); returns (event id, story id)."""
        q = self.conn.execute
        f = self.features(art)
        event_id = None
        runners: list[ev.Cluster] = []
        if copy_of is not None:  # a copy belongs where its original is
            event_id = q("SELECT event_id FROM articles WHERE id = ?", (copy_of,)).fetchone()[0]
        if event_id is None:
            ranked = ev.rank(ev.EVENT, f, self._event_candidates(f))
            event_id, _ = ev.best(ev.EVENT, ranked)
            runners = [c for _, c in ranked if c.id != event_id][:ev.MERGE_CANDIDATES]
        if event_id is None:
            story_id, _ = ev.choose(ev.STORY, f, self._story_candidates(f))
            if story_id is None:
                story_id = q("INSERT INTO stories (vector_sum, updated_seq) VALUES (?, ?) RETURNING id",
                             (vec_blob(np.zeros(len(f.vector), np.float32)), article_id)).fetchone()[0]
            event_id = q("INSERT INTO events (story_id, vector_sum, updated_seq) VALUES (?,?,?) RETURNING id",
                         (story_id, vec_blob(np.zeros(len(f.vector), np.float32)), article_id)).fetchone()[0]
            q("UPDATE stories SET events = events + 1 WHERE id = ?", (story_id,))
        story_id = q("SELECT story_id FROM events WHERE id = ?", (event_id,)).fetchone()[0]
        q("UPDATE articles SET event_id = ? WHERE id = ?", (event_id, article_id))
        self._absorb("events", event_id, article_id, f)
        self._absorb("stories", story_id, article_id, f)
        self._retitle(event_id, story_id, article_id, art)
        event_id = self._consolidate(event_id, runners, article_id, f.background)
        story_id = q("SELECT story_id FROM events WHERE id = ?", (event_id,)).fetchone()[0]
        return event_id, story_id

    # -- consolidation: mending what arrival order split ----------------------------

    def _consolidate(self, event_id: int, runners: list[ev.Cluster], seq: int,
                     background: np.ndarray) -> int:
        """Fold into the grown event every runner-up the event decision now calls the same happening.

        The runners-up are the events the article itself was nearly put in: an
        article close to two events is the evidence that they may be one.
        Returns the id of the event the article is in at the end.
        """
        row = self.conn.execute("SELECT * FROM events WHERE id = ?", (event_id,)).fetchone()
        grown = self._clusters("events", [row])[0]
        folded: set[int] = set()
        for other in runners:  # loaded for this article's decision: current unless folded just now
            if other.id in folded or ev.should_merge(ev.EVENT, grown, other, background) is None:
                continue
            keep, gone = (grown, other) if (grown.size, -grown.id) >= (other.size, -other.id) else (other, grown)
            self._merge_events(keep, gone, seq)
            folded.add(gone.id)
            grown = keep  # merge() left the surviving cluster's sums up to date in memory
        return grown.id

    def _merge_events(self, keep: ev.Cluster, gone: ev.Cluster, seq: int) -> None:
        q = self.conn.execute
        keep_story = q("SELECT story_id FROM events WHERE id = ?", (keep.id,)).fetchone()[0]
        gone_story = q("SELECT story_id FROM events WHERE id = ?", (gone.id,)).fetchone()[0]
        if gone_story != keep_story:  # one happening is in one story
            self._merge_stories(keep_story, gone_story, seq)
        q("UPDATE articles SET event_id = ? WHERE event_id = ?", (keep.id, gone.id))
        self._fold("events", keep, gone, seq)
        q("UPDATE stories SET events = events - 1 WHERE id = ?", (keep_story,))
        self._retitle_story(keep_story)

    def _merge_stories(self, keep_id: int, gone_id: int, seq: int) -> None:
        q = self.conn.execute
        rows = q("SELECT * FROM stories WHERE id IN (?, ?)", (keep_id, gone_id)).fetchall()
        by_id = {c.id: c for c in self._clusters("stories", rows)}
        n_events = sum(r["events"] for r in rows)
        q("UPDATE events SET story_id = ? WHERE story_id = ?", (keep_id, gone_id))
        self._fold("stories", by_id[keep_id], by_id[gone_id], seq)
        q("UPDATE stories SET events = ? WHERE id = ?", (n_events, keep_id))

    def _fold(self, table: str, keep: ev.Cluster, gone: ev.Cluster, seq: int) -> None:
        """``gone``'s sums into ``keep``, then ``gone`` deleted (its members must already point at ``keep``)."""
        entity_table, key = self._ENTITY_TABLE[table]
        keep.merge(gone)
        self._save(table, keep, seq)
        self.conn.executemany(
            f"INSERT INTO {entity_table} ({key}, entity_id, weight) VALUES (?,?,?)"
            f" ON CONFLICT ({key}, entity_id) DO UPDATE SET weight = excluded.weight",
            [(keep.id, e, w) for e, w in keep.entities.items()])
        self.conn.execute(f"DELETE FROM {entity_table} WHERE {key} = ?", (gone.id,))
        self.conn.execute(f"DELETE FROM {table} WHERE id = ?", (gone.id,))

    def _absorb(self, table: str, cluster_id: int, article_id: int, f: ev.Features) -> None:
        row = self.conn.execute(f"SELECT * FROM {table} WHERE id = ?", (cluster_id,)).fetchone()
        cluster = self._clusters(table, [row], only=set())[0]  # absorbing adds weights: the stored ones are not read
        cluster.absorb(f)
        self._save(table, cluster, article_id)
        entity_table, key = self._ENTITY_TABLE[table]
        self.conn.executemany(
            f"INSERT INTO {entity_table} ({key}, entity_id, weight) VALUES (?,?,?)"
            f" ON CONFLICT ({key}, entity_id) DO UPDATE SET weight = {entity_table}.weight + excluded.weight",
            [(cluster_id, e, w) for e, w in f.entities.items()])

    def _save(self, table: str, cluster: ev.Cluster, seq: int) -> None:
        self.conn.execute(
            f"UPDATE {table} SET vector_sum = ?, articles = ?, first_day = ?, last_day = ?, terms = ?,"
            " updated_seq = CASE WHEN updated_seq > ? THEN updated_seq ELSE ? END WHERE id = ?",
            (vec_blob(cluster.vector_sum), cluster.size, cluster.first.isoformat() if cluster.first else None,
             cluster.last.isoformat() if cluster.last else None, json.dumps(cluster.terms), seq, seq, cluster.id))

    def _retitle(self, event_id: int, story_id: int, article_id: int, art: Article) -> None:
        """The event's title is its most central headline; the story's, its largest event's."""
        q = self.conn.execute
        vector_sum, current = q("SELECT vector_sum, title_article FROM events WHERE id = ?", (event_id,)).fetchone()
        centre = blob_vec(vector_sum)
        centre = centre / (np.linalg.norm(centre) or 1.0)
        better = current is None
        if not better and art.title:
            blob = q("SELECT embedding FROM articles WHERE id = ?", (current,)).fetchone()[0]
            old_title = q("SELECT title FROM articles WHERE id = ?", (current,)).fetchone()[0]
            better = not old_title or (blob is not None and float(np.dot(art.embedding, centre)) >
                                       float(np.dot(blob_vec(blob), centre)))
        if better:
            title = art.title or (art.text[:80] + "…" if len(art.text) > 80 else art.text)
            q("UPDATE events SET title = ?, title_article = ? WHERE id = ?", (title, article_id, event_id))
        self._retitle_story(story_id)

    def _retitle_story(self, story_id: int) -> None:
        top = self.conn.execute("SELECT title FROM events WHERE story_id = ? ORDER BY articles DESC, id LIMIT 1",
                                (story_id,)).fetchone()
        self.conn.execute("UPDATE stories SET title = ? WHERE id = ?", (top[0], story_id))
