"""Queries the web pages need beyond the Store interface (a mixin of SQLiteStore)."""

from __future__ import annotations

SUMMARY_COLUMNS = ("id", "external_id", "title", "published", "language", "source", "url")


#: LIMIT for "no limit": the largest 64-bit integer (SQLite's -1 means all rows, PostgreSQL refuses it).
ALL_ROWS = 2**63 - 1


def _limit_sql(limit: int | None, offset: int) -> str:
    """' LIMIT n OFFSET m'; ints only, so safe to inline."""
    return f" LIMIT {ALL_ROWS if limit is None else int(limit)} OFFSET {int(offset)}"


def _fold(text: str) -> str:
    from ..analysis.names import fold

    return fold(text)


class WebViews:
    """Needs ``conn`` from the store it is mixed into."""

    def activity(self, story_id: int | None = None, event_id: int | None = None,
                 entity_id: int | None = None) -> list[tuple[str, int]]:
        """Articles per publication day (local date as published) of one story, event or entity."""
        if story_id is not None:
            sql, arg = ("SELECT substr(a.published, 1, 10) AS d, count(*) FROM articles a JOIN events e"
                        " ON e.id = a.event_id WHERE e.story_id = ? AND a.published IS NOT NULL"), story_id
        elif event_id is not None:
            sql, arg = ("SELECT substr(published, 1, 10) AS d, count(*) FROM articles a"
                        " WHERE event_id = ? AND published IS NOT NULL"), event_id
        elif entity_id is not None:
            sql, arg = ("SELECT substr(a.published, 1, 10) AS d, count(*) FROM articles a WHERE a.id IN"
                        " (SELECT article_id FROM mentions WHERE entity_id = ?) AND a.published IS NOT NULL"),\
                entity_id
        else:
            raise ValueError("activity needs a story_id, event_id or entity_id")
        return [(d, n) for d, n in self.conn.execute(sql + " GROUP BY d ORDER BY d", (arg,))]

    def nearby_events(self, story_id: int, event_id: int | None, day: str | None, limit: int = 12) -> list[dict]:
        """The story's other events closest in time to ``day`` (by date), without loading the whole story."""
        other = "" if event_id is None else f" AND id != {int(event_id)}"
        rows = self.conn.execute(
            f"SELECT id, title, first_day, last_day, articles FROM events WHERE story_id = ?{other}"
            " ORDER BY first_day IS NULL, abs(julianday(first_day) - julianday(coalesce(?, first_day))), id LIMIT ?",
            (story_id, day, limit)).fetchall()
        return sorted(({"id": r["id"], "title": r["title"], "start": r["first_day"], "end": r["last_day"],
                        "articles": r["articles"]} for r in rows), key=lambda e: (e["start"] is None, e["start"] or ""))

    def get_summary(self, article_id: int) -> dict | None:
        row = self.conn.execute(f"SELECT {', '.join(SUMMARY_COLUMNS)}, dup_group, event_id FROM articles WHERE id = ?",
                                (article_id,)).fetchone()
        return dict(row) if row else None

    def story_sources(self, story_id: int) -> int:
        return self.conn.execute(
            "SELECT count(DISTINCT a.source) FROM articles a JOIN events e ON e.id = a.event_id"
            " WHERE e.story_id = ?", (story_id,)).fetchone()[0]

    def event_articles(self, event_id: int) -> list[dict]:
        """An event's articles, oldest first, each near-duplicate group once (its earliest member) with ``copies``."""
        shown: dict[int, dict] = {}
        out = []
        for m in self._members("event_id", event_id):
            group = m.pop("dup_group")
            if group is not None and group in shown:
                shown[group]["copies"] += 1
                shown[group]["copy_ids"].append(m["id"])
                continue
            m.update(copies=0, copy_ids=[])
            if group is not None:
                shown[group] = m
            out.append(m)
        return out

    def story_quotes(self, story_id: int, limit: int = 6) -> list[dict]:
        """The story's quotes with a known speaker, the most quoted speakers first, one quote per article."""
        # Each article's quote by its most mentioned speaker.
        rows = self.conn.execute(
            "SELECT id FROM (SELECT q.id, s.mentions, a.published, row_number() OVER (PARTITION BY q.article_id"
            " ORDER BY s.mentions DESC, q.id) AS nth FROM quotes q JOIN articles a ON a.id = q.article_id"
            " JOIN events e ON e.id = a.event_id JOIN entities s ON s.id = q.speaker_id"
            " WHERE e.story_id = ? AND q.direct = 1) best WHERE nth = 1 ORDER BY mentions DESC, published, id LIMIT ?",
            (story_id, 4 * limit))
        wanted = [r[0] for r in rows]
        quotes = {q["id"]: q for q in self.list_quotes(ids=wanted, limit=None)} if wanted else {}
        out, said = [], set()
        for quote_id in wanted:
            quote = quotes.get(quote_id)
            # Syndicated copies repeat the same words: each quote once.
            if quote is None or _fold(quote["text"]) in said:
                continue
            said.add(_fold(quote["text"]))
            out.append(quote)
        return out[:limit]

    def co_entities(self, entity_id: int, limit: int = 12) -> list[dict]:
        """Entities named in the same articles as this one, by the number of articles shared."""
        # Each article once (not once per pair of mentions): a widely named entity has thousands of them.
        return [{"id": i, "name": n, "type": t, "articles": c} for i, n, t, c in self.conn.execute(
            "WITH mine AS (SELECT DISTINCT article_id FROM mentions WHERE entity_id = ?),"
            " pairs AS (SELECT DISTINCT m.article_id, m.entity_id FROM mine JOIN mentions m"
            " ON m.article_id = mine.article_id WHERE m.entity_id IS NOT NULL AND m.entity_id != ?),"
            " shared AS (SELECT entity_id, count(*) AS n FROM pairs GROUP BY entity_id)"
            " SELECT e.id, e.name, e.type, shared.n FROM shared JOIN entities e ON e.id = shared.entity_id"
            " ORDER BY shared.n DESC, e.mentions DESC, e.id LIMIT ?", (entity_id, entity_id, limit))]
