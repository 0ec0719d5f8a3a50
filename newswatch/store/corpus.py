"""SQLite side of corpus linking: near-duplicates, events, stories.

The decisions are ``newswatch.linking``'s; this module loads their candidates
and records the outcome, inside the transaction that stores the article.
"""

from __future__ import annotations

import sqlite3
from datetime import date, timedelta

import numpy as np

from ..documents import Article
from ..linking import duplicates as dup
from ..linking import events as ev

EMBED_DIM = 256


def vec_blob(v: np.ndarray) -> bytes:
    return np.asarray(v, dtype=np.float32).tobytes()


def blob_vec(b: bytes) -> np.ndarray:
    return np.frombuffer(b, dtype=np.float32)


def article_features(art: Article) -> ev.Features:
    entities: dict[int, float] = {}
    for chain in art.chains:
        if chain.entity_id is not None:
            entities[chain.entity_id] = entities.get(chain.entity_id, 0.0) + len(chain.mentions)
    day = art.raw.published.date() if art.raw.published else None
    return ev.Features(np.asarray(art.embedding, dtype=np.float32), entities, day)


class CorpusLinker:
    def __init__(self, conn: sqlite3.Connection):
        self.conn = conn

    # -- near-duplicates -------------------------------------------------------

    def link_duplicates(self, article_id: int, art: Article) -> int | None:
        """Record the article's LSH bands; return the id of the article it copies, if any."""
        q = self.conn.execute
        keys = dup.band_keys(art.fingerprint)
        marks = ",".join("?" * len(keys))
        candidates = [r[0] for r in q(f"SELECT DISTINCT article_id FROM lsh_bands WHERE key IN ({marks})", keys)]
        best, best_j = None, 0.0
        for other in candidates:
            blob = q("SELECT fingerprint FROM articles WHERE id = ?", (other,)).fetchone()[0]
            j = float(np.count_nonzero(np.frombuffer(blob, dtype=np.uint64) == art.fingerprint)) / len(art.fingerprint)
            if j >= dup.THRESHOLD and (j > best_j or (j == best_j and other < best)):
                best, best_j = other, j
        self.conn.executemany("INSERT OR IGNORE INTO lsh_bands (key, article_id) VALUES (?,?)",
                              [(k, article_id) for k in keys])
        if best is None:
            return None
        group = q("SELECT dup_group FROM articles WHERE id = ?", (best,)).fetchone()[0]
        if group is None:
            group = q("INSERT INTO dup_groups (canonical_id, size) VALUES (?, 1)", (best,)).lastrowid
            q("UPDATE articles SET dup_group = ? WHERE id = ?", (group, best))
        q("UPDATE articles SET dup_group = ? WHERE id = ?", (group, article_id))
        members = [{"id": i, "published": p, "length": n} for i, p, n in q(
            "SELECT id, published, length(text) FROM articles WHERE dup_group = ?", (group,))]
        q("UPDATE dup_groups SET canonical_id = ?, size = ? WHERE id = ?", (dup.canonical(members), len(members), group))
        return best

    # -- events and stories ----------------------------------------------------

    _ENTITY_TABLE = {"events": ("event_entities", "event_id"), "stories": ("story_entities", "story_id")}

    def _clusters(self, table: str, rows: list[sqlite3.Row]) -> list[ev.Cluster]:
        """Candidates with their entity weights, loaded in one query rather than one per candidate."""
        if not rows:
            return []
        entity_table, key = self._ENTITY_TABLE[table]
        entities: dict[int, dict[int, float]] = {r["id"]: {} for r in rows}
        marks = ",".join("?" * len(rows))
        for cid, entity_id, weight in self.conn.execute(
                f"SELECT {key}, entity_id, weight FROM {entity_table} WHERE {key} IN ({marks})", list(entities)):
            entities[cid][entity_id] = weight
        return [ev.Cluster(r["id"], blob_vec(r["vector_sum"]).copy(), r["articles"], entities[r["id"]],
                           date.fromisoformat(r["first_day"]) if r["first_day"] else None,
                           date.fromisoformat(r["last_day"]) if r["last_day"] else None) for r in rows]

    def _event_candidates(self, f: ev.Features) -> list[ev.Cluster]:
        if f.day is not None:
            low = (f.day - timedelta(days=ev.EVENT_WINDOW_DAYS)).isoformat()
            high = (f.day + timedelta(days=ev.EVENT_WINDOW_DAYS)).isoformat()
            rows = self.conn.execute("SELECT * FROM events WHERE last_day >= ? AND first_day <= ?", (low, high))
        else:
            rows = self.conn.execute("SELECT * FROM events ORDER BY updated_seq DESC LIMIT ?",
                                     (ev.UNDATED_CANDIDATES,))
        return self._clusters("events", rows.fetchall())

    def _story_candidates(self, f: ev.Features) -> list[ev.Cluster]:
        ids: set[int] = set()
        top = sorted(f.entities, key=lambda e: -f.entities[e])[:10]
        for entity_id in top:
            ids.update(r[0] for r in self.conn.execute(
                "SELECT s.id FROM story_entities se JOIN stories s ON s.id = se.story_id WHERE se.entity_id = ?"
                " ORDER BY s.updated_seq DESC LIMIT 30", (entity_id,)))
        if f.day is not None:
            since = (f.day - timedelta(days=ev.STORY_RECENT_DAYS)).isoformat()
            ids.update(r[0] for r in self.conn.execute(
                "SELECT id FROM stories WHERE last_day >= ? ORDER BY updated_seq DESC LIMIT ?",
                (since, ev.UNDATED_CANDIDATES)))
        else:
            ids.update(r[0] for r in self.conn.execute(
                "SELECT id FROM stories ORDER BY updated_seq DESC LIMIT ?", (ev.UNDATED_CANDIDATES,)))
        if not ids:
            return []
        rows = self.conn.execute(f"SELECT * FROM stories WHERE id IN ({','.join('?' * len(ids))}) ORDER BY id",
                                 sorted(ids)).fetchall()
        return self._clusters("stories", rows)

    def link_event(self, article_id: int, art: Article, copy_of: int | None) -> tuple[int, int]:
        """Put the article into an event (and so a story); returns (event id, story id)."""
        q = self.conn.execute
        f = article_features(art)
        event_id = None
        if copy_of is not None:  # a copy belongs where its original is
            event_id = q("SELECT event_id FROM articles WHERE id = ?", (copy_of,)).fetchone()[0]
        if event_id is None:
            event_id, _ = ev.choose_event(f, self._event_candidates(f))
        if event_id is None:
            story_id, _ = ev.choose_story(f, self._story_candidates(f))
            if story_id is None:
                story_id = q("INSERT INTO stories (vector_sum, updated_seq) VALUES (?, ?)",
                             (vec_blob(np.zeros(len(f.vector), np.float32)), article_id)).lastrowid
            event_id = q("INSERT INTO events (story_id, vector_sum, updated_seq) VALUES (?,?,?)",
                         (story_id, vec_blob(np.zeros(len(f.vector), np.float32)), article_id)).lastrowid
            q("UPDATE stories SET events = events + 1 WHERE id = ?", (story_id,))
        story_id = q("SELECT story_id FROM events WHERE id = ?", (event_id,)).fetchone()[0]
        q("UPDATE articles SET event_id = ? WHERE id = ?", (event_id, article_id))
        self._absorb("events", event_id, article_id, f)
        self._absorb("stories", story_id, article_id, f)
        self._retitle(event_id, story_id, article_id, art)
        return event_id, story_id

    def _absorb(self, table: str, cluster_id: int, article_id: int, f: ev.Features) -> None:
        q = self.conn.execute
        row = q(f"SELECT vector_sum, first_day, last_day FROM {table} WHERE id = ?", (cluster_id,)).fetchone()
        total = blob_vec(row[0]) + f.vector
        first, last = row[1], row[2]
        if f.day is not None:
            d = f.day.isoformat()
            first = d if first is None or d < first else first
            last = d if last is None or d > last else last
        q(f"UPDATE {table} SET vector_sum = ?, articles = articles + 1, first_day = ?, last_day = ?, updated_seq = ?"
          " WHERE id = ?", (vec_blob(total), first, last, article_id, cluster_id))
        entity_table, key = self._ENTITY_TABLE[table]
        self.conn.executemany(
            f"INSERT INTO {entity_table} ({key}, entity_id, weight) VALUES (?,?,?)"
            " ON CONFLICT DO UPDATE SET weight = weight + excluded.weight",
            [(cluster_id, e, w) for e, w in f.entities.items()])

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
        top = q("SELECT title FROM events WHERE story_id = ? ORDER BY articles DESC, id LIMIT 1", (story_id,)).fetchone()
        q("UPDATE stories SET title = ? WHERE id = ?", (top[0], story_id))
