"""Alerts in the store: watchlists, the alerts raised as articles arrive, and their delivery per channel.

A mixin of RelationalStore (it needs ``conn``, ``fulltext`` and ``_transaction``). The rules are
``newswatch.alerts.rules``'s; this module finds what they look at (the new
articles a watchlist matches, the recent articles of the stories that just
grew) and records what fired. An alert's ``key`` is unique, so deciding again
(a re-poll, a restart, a relink) never raises the same alert twice.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

from ..alerts.rules import BreakingRule, breaking, watchlist_query
from ..errors import NotFoundError
from .views import ALL_ROWS

ALERT_COLUMNS = ("id", "kind", "key", "created_at", "title", "article_id", "event_id", "story_id", "watchlist_id",
                 "detail")
WATCHLIST_COLUMNS = ("id", "name", "query", "entity_id", "source", "language", "created_at")


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def _utc(value: str) -> datetime | None:
    """An ISO time as naive UTC (a date alone is its midnight)."""
    try:
        t = datetime.fromisoformat(value)
    except (TypeError, ValueError):
        return None
    return t.astimezone(timezone.utc).replace(tzinfo=None) if t.tzinfo else t


class AlertStore:
    breaking_rule = BreakingRule()

    # -- watchlists -------------------------------------------------------------

    def add_watchlist(self, name: str, query: str, entity_id: int | None = None, source: str | None = None,
                      language: str | None = None) -> dict:
        """Save a query; ``ValueError`` when the name is taken or the query cannot be read."""
        name = name.strip()
        if not name:
            raise ValueError("a watchlist needs a name")
        watchlist_query(query)  # raises with what to fix
        if self.conn.execute("SELECT 1 FROM watchlists WHERE name = ?", (name,)).fetchone():
            raise ValueError(f"a watchlist named {name!r} exists: remove it first, or choose another name")
        with self._transaction():
            watchlist_id = self.conn.execute(
                "INSERT INTO watchlists (name, query, entity_id, source, language, created_at) VALUES (?,?,?,?,?,?)"
                " RETURNING id", (name, query, entity_id, source, language, _now())).fetchone()[0]
        return self.get_watchlist(watchlist_id)

    def get_watchlist(self, key: str | int) -> dict | None:
        column = "id" if isinstance(key, int) or str(key).isdigit() else "name"
        row = self.conn.execute(f"SELECT {', '.join(WATCHLIST_COLUMNS)} FROM watchlists WHERE {column} = ?",
                                (int(key) if column == "id" else key,)).fetchone()
        return dict(zip(WATCHLIST_COLUMNS, row)) if row else None

    def list_watchlists(self) -> list[dict]:
        """Every watchlist, with the number of alerts it raised (``alerts``)."""
        rows = self.conn.execute(
            f"SELECT {', '.join(WATCHLIST_COLUMNS)}, (SELECT count(*) FROM alerts x WHERE x.watchlist_id = w.id)"
            " FROM watchlists w ORDER BY id").fetchall()
        return [dict(zip(WATCHLIST_COLUMNS + ("alerts",), r)) for r in rows]

    def remove_watchlist(self, key: str | int) -> dict:
        found = self.get_watchlist(key)
        if found is None:
            raise NotFoundError(f"no watchlist {key!r} (see: newswatch watchlists list)")
        with self._transaction():
            self.conn.execute("DELETE FROM watchlists WHERE id = ?", (found["id"],))
        return found

    # -- raising ----------------------------------------------------------------

    def raise_alerts(self, article_ids: list[int]) -> list[dict]:
        """The alerts that these newly stored articles raise (each stored once); the new ones."""
        if not article_ids:
            return []
        new: list[dict] = []
        # The watchlists as stored: their alert counts are not needed here, on every batch of an ingest.
        watchlists = [dict(zip(WATCHLIST_COLUMNS, r)) for r in self.conn.execute(
            f"SELECT {', '.join(WATCHLIST_COLUMNS)} FROM watchlists ORDER BY id")]
        with self._transaction():
            for watchlist in watchlists:
                new += self._watchlist_alerts(watchlist, article_ids)
            new += self._breaking_alerts(article_ids)
        return new

    def _insert_alert(self, kind: str, key: str, title: str, detail: dict, **ids) -> dict | None:
        row = self.conn.execute(
            "INSERT OR IGNORE INTO alerts (kind, key, created_at, title, article_id, event_id, story_id, watchlist_id,"
            " detail) VALUES (?,?,?,?,?,?,?,?,?) RETURNING id",
            (kind, key, _now(), title, ids.get("article_id"), ids.get("event_id"), ids.get("story_id"),
             ids.get("watchlist_id"), json.dumps(detail, ensure_ascii=False))).fetchone()
        return self.get_alert(row[0]) if row else None

    def _watchlist_alerts(self, watchlist: dict, article_ids: list[int]) -> list[dict]:
        matched = sorted(self.fulltext().matching(watchlist_query(watchlist["query"]), article_ids))
        if not matched:
            return []
        conditions, params = [], []
        if watchlist["source"]:
            conditions.append("a.source = ? COLLATE NOCASE")
            params.append(watchlist["source"])
        if watchlist["language"]:
            conditions.append("a.language = ?")
            params.append(watchlist["language"])
        if watchlist["entity_id"] is not None:
            conditions.append("a.id IN (SELECT article_id FROM mentions WHERE entity_id = ?)")
            params.append(watchlist["entity_id"])
        conditions.append(f"a.id IN ({','.join('?' * len(matched))})")
        rows = self.conn.execute(
            "SELECT a.id, a.title, a.dup_group, a.event_id, e.story_id FROM articles a"
            f" LEFT JOIN events e ON e.id = a.event_id WHERE {' AND '.join(conditions)} ORDER BY a.id",
            [*params, *matched]).fetchall()
        out = []
        for article_id, title, dup_group, event_id, story_id in rows:
            # One alert per near-duplicate group: a syndicated copy is not news twice.
            if dup_group is not None and self.conn.execute(
                    "SELECT 1 FROM alerts x JOIN articles a ON a.id = x.article_id"
                    " WHERE x.watchlist_id = ? AND a.dup_group = ? AND a.id != ?",
                    (watchlist["id"], dup_group, article_id)).fetchone():
                continue
            alert = self._insert_alert(
                "watchlist", f"watchlist:{watchlist['id']}:article:{article_id}",
                f"{watchlist['name']}: {title or '(untitled)'}", {"query": watchlist["query"]},
                article_id=article_id, event_id=event_id, story_id=story_id, watchlist_id=watchlist["id"])
            if alert:
                out.append(alert)
        return out

    def _breaking_alerts(self, article_ids: list[int]) -> list[dict]:
        rule = self.breaking_rule
        marks = ",".join("?" * len(article_ids))
        stories = [r[0] for r in self.conn.execute(
            f"SELECT DISTINCT e.story_id FROM articles a JOIN events e ON e.id = a.event_id WHERE a.id IN ({marks})",
            article_ids)]
        out = []
        for story_id in stories:
            # Publication times only: a dump of undated files all "arrives" within the hour, which is
            # no news at all.
            newest = self.conn.execute(
                "SELECT max(a.published) FROM articles a JOIN events e ON e.id = a.event_id"
                " WHERE e.story_id = ?", (story_id,)).fetchone()[0]
            if newest is None:
                continue
            # A text bound a day wider than needed (stored times carry their own offsets); exact below.
            since = (datetime.fromisoformat(newest[:10]) - rule.history - rule.window - timedelta(days=1)).date()
            rows = self.conn.execute(
                "SELECT a.published, a.source, a.id, a.event_id FROM articles a"
                " JOIN events e ON e.id = a.event_id WHERE e.story_id = ? AND a.published >= ?"
                " AND (a.dup_group IS NULL OR a.id = (SELECT min(id) FROM articles d WHERE d.dup_group = a.dup_group)"
                " OR a.source IS NOT NULL)", (story_id, since.isoformat())).fetchall()
            times = [(t, s) for t, s in ((_utc(r[0]), r[1]) for r in rows) if t is not None]
            verdict = breaking(times, rule)
            if not verdict.fired or self._broke_lately(story_id, verdict.window_end):
                continue
            story = self.conn.execute("SELECT title FROM stories WHERE id = ?", (story_id,)).fetchone()
            hours = rule.window.total_seconds() / 3600
            latest = max(rows, key=lambda r: _utc(r[0]) or datetime.min)
            alert = self._insert_alert(
                "breaking", f"breaking:story:{story_id}:{verdict.window_end.isoformat(timespec='minutes')}",
                f"Breaking: {story[0] if story else 'a story'} ({verdict.recent} articles from {verdict.sources} "
                f"sources in {hours:g} h)", verdict.as_dict(), article_id=latest[2], event_id=latest[3],
                story_id=story_id)
            if alert:
                out.append(alert)
        return out

    def _broke_lately(self, story_id: int, window_end: datetime) -> bool:
        for (detail,) in self.conn.execute("SELECT detail FROM alerts WHERE kind = 'breaking' AND story_id = ?",
                                           (story_id,)):
            ended = _utc(json.loads(detail or "{}").get("window_end") or "")
            if ended is not None and abs(window_end - ended) < self.breaking_rule.quiet:
                return True
        return False

    # -- reading and delivering ---------------------------------------------------

    def get_alert(self, alert_id: int) -> dict | None:
        row = self.conn.execute(f"SELECT {', '.join(ALERT_COLUMNS)} FROM alerts WHERE id = ?", (alert_id,)).fetchone()
        return self._alert_dict(row) if row else None

    def _alert_dict(self, row) -> dict:
        alert = dict(zip(ALERT_COLUMNS, row))
        alert["detail"] = json.loads(alert["detail"] or "{}")
        if alert["article_id"] is not None:
            art = self.conn.execute("SELECT external_id, title, url, source, published FROM articles WHERE id = ?",
                                    (alert["article_id"],)).fetchone()
            if art:
                alert["article"] = dict(zip(("external_id", "title", "url", "source", "published"), art))
        return alert

    def list_alerts(self, limit: int | None = 100, offset: int = 0, kind: str | None = None,
                    watchlist_id: int | None = None) -> list[dict]:
        """Alerts, newest first."""
        if kind not in (None, "breaking", "watchlist"):
            raise ValueError(f"unknown alert kind {kind!r}: use 'breaking' or 'watchlist'")
        conditions, params = [], []
        if kind:
            conditions.append("kind = ?")
            params.append(kind)
        if watchlist_id is not None:
            conditions.append("watchlist_id = ?")
            params.append(watchlist_id)
        where = f" WHERE {' AND '.join(conditions)}" if conditions else ""
        rows = self.conn.execute(f"SELECT {', '.join(ALERT_COLUMNS)} FROM alerts{where} ORDER BY id DESC"
                                 f" LIMIT ? OFFSET ?", [*params, ALL_ROWS if limit is None else limit, offset]).fetchall()
        return [self._alert_dict(r) for r in rows]

    def open_channel(self, channel: str) -> None:
        """Start a delivery channel: it gets the alerts raised from now on (a known channel keeps its place)."""
        with self._transaction():
            self.conn.execute("INSERT OR IGNORE INTO alert_channels (channel, since_alert_id)"
                              " SELECT ?, coalesce(max(id), 0) FROM alerts", (channel,))

    def undelivered_alerts(self, channel: str, now: datetime | None = None) -> list[dict]:
        """Alerts not yet delivered to ``channel`` and due for a try (a channel never opened is opened now)."""
        row = self.conn.execute("SELECT since_alert_id FROM alert_channels WHERE channel = ?", (channel,)).fetchone()
        if row is None:  # only then a write: this runs after every poll
            self.open_channel(channel)
            row = self.conn.execute("SELECT since_alert_id FROM alert_channels WHERE channel = ?", (channel,)).fetchone()
        since = row[0]
        due = (now or datetime.now(timezone.utc)).isoformat(timespec="seconds")
        rows = self.conn.execute(
            f"SELECT {', '.join('x.' + c for c in ALERT_COLUMNS)} FROM alerts x LEFT JOIN alert_deliveries d"
            " ON d.alert_id = x.id AND d.channel = ? WHERE x.id > ? AND d.delivered_at IS NULL"
            " AND (d.next_attempt IS NULL OR d.next_attempt <= ?) ORDER BY x.id", (channel, since, due)).fetchall()
        return [self._alert_dict(r) for r in rows]

    def delivery_attempts(self, alert_id: int, channel: str) -> int:
        row = self.conn.execute("SELECT attempts FROM alert_deliveries WHERE alert_id = ? AND channel = ?",
                                (alert_id, channel)).fetchone()
        return row[0] if row else 0

    def record_delivery(self, alert_id: int, channel: str, error: str | None = None,
                        retry_at: datetime | None = None) -> None:
        """A delivery done (``error`` None) or failed (tried again at ``retry_at``), counted as an attempt."""
        with self._transaction():
            self.conn.execute("INSERT OR IGNORE INTO alert_deliveries (alert_id, channel) VALUES (?, ?)",
                              (alert_id, channel))
            self.conn.execute(
                "UPDATE alert_deliveries SET attempts = attempts + 1, delivered_at = ?, next_attempt = ?,"
                " last_error = ? WHERE alert_id = ? AND channel = ?",
                (None if error else _now(), retry_at.isoformat(timespec="seconds") if retry_at else None, error,
                 alert_id, channel))
