"""Reading what corpus linking made: events, stories (ranked by present importance), near-duplicate groups.

A mixin of SQLiteStore (it needs ``conn``). Writing them is ``store.corpus``'s.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from .views import _limit_sql

#: Days before the newest article that count as "now" when stories are ranked by importance.
RECENT_DAYS = 7


class LinkedViews:
    def _members(self, column: str, value: int) -> list[dict]:
        return [dict(r) for r in self.conn.execute(
            f"SELECT id, external_id, title, published, source, dup_group FROM articles WHERE {column} = ?"
            " ORDER BY published IS NULL, published, id", (value,))]

    def _top_entities(self, table: str, key: str, value: int, limit: int = 8) -> list[dict]:
        return [{"id": i, "name": n, "type": t} for i, n, t in self.conn.execute(
            f"SELECT e.id, e.name, e.type FROM {table} x JOIN entities e ON e.id = x.entity_id WHERE x.{key} = ?"
            " ORDER BY x.weight DESC, e.id LIMIT ?", (value, limit))]

    def _event_dict(self, row) -> dict:
        members = self._members("event_id", row["id"])
        return {
            "id": row["id"], "title": row["title"], "start": row["first_day"], "end": row["last_day"],
            "story_id": row["story_id"],
            "articles": [{"id": m["id"], "external_id": m["external_id"]} for m in members],
            "article_count": len(members),
            "sources": sorted({m["source"] for m in members if m["source"]}),
            "entities": self._top_entities("event_entities", "event_id", row["id"]),
        }

    def list_events(self, limit: int | None = 100, offset: int = 0, story_id: int | None = None) -> list[dict]:
        where, params = ("WHERE story_id = ?", [story_id]) if story_id is not None else ("", [])
        rows = self.conn.execute(
            f"SELECT * FROM events {where} ORDER BY last_day DESC, id DESC"
            + _limit_sql(limit, offset), params).fetchall()
        return [self._event_dict(r) for r in rows]

    def get_event(self, event_id: int) -> dict | None:
        row = self.conn.execute("SELECT * FROM events WHERE id = ?", (event_id,)).fetchone()
        return self._event_dict(row) if row else None

    def _story_dict(self, row) -> dict:
        events = self.conn.execute(
            "SELECT id, title, first_day, last_day, articles FROM events WHERE story_id = ?"
            " ORDER BY first_day IS NULL, first_day, id", (row["id"],)).fetchall()
        articles = [dict(r) for r in self.conn.execute(
            "SELECT a.id, a.external_id FROM articles a JOIN events e ON e.id = a.event_id WHERE e.story_id = ?"
            " ORDER BY a.published IS NULL, a.published, a.id", (row["id"],))]
        return {
            "id": row["id"], "title": row["title"], "start": row["first_day"], "end": row["last_day"],
            "events": [e["id"] for e in events],
            "timeline": [{"id": e["id"], "title": e["title"], "start": e["first_day"], "end": e["last_day"],
                          "articles": e["articles"]} for e in events],
            "articles": articles,
            "article_count": len(articles),
            "entities": self._top_entities("story_entities", "story_id", row["id"]),
        }

    def list_stories(self, limit: int | None = 100, offset: int = 0, order: str = "importance",
                     min_articles: int = 1) -> list[dict]:
        """Stories by present importance (default) or by last activity (``order="recent"``).

        Importance looks at the ``RECENT_DAYS`` before the newest publication
        day in the corpus: distinct sources count three, articles one, and the
        articles of the last two days once more (growth). Stories silent in
        that window follow, most recently active first.
        """
        if order not in ("importance", "recent"):
            raise ValueError(f"unknown story order {order!r}: use 'importance' or 'recent'")
        ranked: list[int] = []
        if order == "importance":
            newest = self.conn.execute("SELECT max(published) FROM articles").fetchone()[0]
            if newest:
                last = datetime.fromisoformat(newest[:10])
                since = (last - timedelta(days=RECENT_DAYS)).date().isoformat()
                fresh = (last - timedelta(days=2)).date().isoformat()
                ranked = [r[0] for r in self.conn.execute(
                    "SELECT e.story_id, 3 * count(DISTINCT coalesce(a.source, CAST(a.id AS TEXT))) + count(*)"
                    " + sum(CASE WHEN a.published >= ? THEN 1 ELSE 0 END) AS score FROM articles a JOIN events e ON e.id = a.event_id"
                    " JOIN stories s ON s.id = e.story_id"
                    " WHERE a.published >= ? AND s.articles >= ? GROUP BY e.story_id"
                    " ORDER BY score DESC, max(a.published) DESC, e.story_id DESC", (fresh, since, min_articles))]
        rows = [self.conn.execute("SELECT * FROM stories WHERE id = ?", (sid,)).fetchone()
                for sid in ranked[offset:offset + limit if limit is not None else None]]
        wanted = None if limit is None else limit - len(rows)
        if wanted is None or wanted > 0:
            skip = max(0, offset - len(ranked))
            # "last_day DESC, id DESC" puts undated ones last (NULL sorts lowest) and walks the
            # last_day index backwards; "last_day IS NULL" first would sort the whole table.
            seen = set(ranked)
            for row in self.conn.execute("SELECT * FROM stories WHERE articles >= ? ORDER BY last_day DESC, id DESC",
                                         (min_articles,)):
                if row["id"] in seen:
                    continue
                if skip:
                    skip -= 1
                    continue
                rows.append(row)
                if wanted is not None and len(rows) >= limit:
                    break
        return [self._story_dict(r) for r in rows]

    def get_story(self, story_id: int) -> dict | None:
        row = self.conn.execute("SELECT * FROM stories WHERE id = ?", (story_id,)).fetchone()
        return self._story_dict(row) if row else None

    def list_duplicate_groups(self, limit: int | None = 100, offset: int = 0) -> list[dict]:
        out = []
        for gid, canonical_id, size in self.conn.execute(
                "SELECT id, canonical_id, size FROM dup_groups ORDER BY size DESC, id"
                + _limit_sql(limit, offset)).fetchall():
            members = self._members("dup_group", gid)
            head = next(m for m in members if m["id"] == canonical_id)
            out.append({"id": gid, "size": size,
                        "canonical": {k: head[k] for k in ("id", "external_id", "title", "published", "source")},
                        "copies": [{k: m[k] for k in ("id", "external_id", "title", "published", "source")}
                                   for m in members if m["id"] != canonical_id]})
        return out
