"""Watched sources in the store: the list `newswatch watch` polls and what each poll found.

A mixin of SQLiteStore (it needs ``conn``). Each poll's outcome is written in
one short transaction after its articles are stored, so a watcher killed
between the two only polls that source again (its articles are then known
duplicates): nothing is lost and nothing is stored twice.
"""

from __future__ import annotations

from datetime import datetime, timezone

SOURCE_COLUMNS = ("id", "url", "title", "interval_seconds", "added_at", "last_polled_at", "last_status", "last_error",
                  "consecutive_errors", "next_poll_at", "etag", "last_modified", "items_seen", "items_new")


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


class SourceStore:
    def add_source(self, url: str, interval_seconds: int) -> tuple[dict, bool]:
        """Add ``url`` to the watched sources (or set its interval if it is there); (the source, whether new)."""
        with self._transaction():
            row = self.conn.execute("SELECT id FROM sources WHERE url = ?", (url,)).fetchone()
            if row:
                self.conn.execute("UPDATE sources SET interval_seconds = ? WHERE id = ?", (interval_seconds, row[0]))
            else:
                self.conn.execute("INSERT INTO sources (url, interval_seconds, added_at) VALUES (?, ?, ?)",
                                  (url, interval_seconds, _now()))
        return self.get_source(url), row is None

    def get_source(self, key: str | int) -> dict | None:
        """One source by id or URL."""
        column = "id" if isinstance(key, int) or str(key).isdigit() else "url"
        row = self.conn.execute(f"SELECT {', '.join(SOURCE_COLUMNS)} FROM sources WHERE {column} = ?",
                                (int(key) if column == "id" else key,)).fetchone()
        return dict(zip(SOURCE_COLUMNS, row)) if row else None

    def list_sources(self) -> list[dict]:
        rows = self.conn.execute(f"SELECT {', '.join(SOURCE_COLUMNS)} FROM sources ORDER BY id").fetchall()
        return [dict(zip(SOURCE_COLUMNS, r)) for r in rows]

    def remove_source(self, key: str | int) -> dict | None:
        """Stop watching a source (its articles stay); the removed source, or None if there was none."""
        source = self.get_source(key)
        if source:
            with self._transaction():
                self.conn.execute("DELETE FROM sources WHERE id = ?", (source["id"],))
        return source

    def record_poll(self, source_id: int, *, status: str, error: str | None, next_poll_at: str,
                    title: str | None = None, etag: str | None = None, last_modified: str | None = None,
                    seen: int = 0, new: int = 0) -> None:
        """What one poll found; a failure counts towards the back-off and keeps the validators it had."""
        with self._transaction():
            if error is None:
                self.conn.execute(
                    "UPDATE sources SET last_polled_at = ?, last_status = ?, last_error = NULL,"
                    " consecutive_errors = 0, next_poll_at = ?, title = coalesce(?, title), etag = ?,"
                    " last_modified = ?, items_seen = items_seen + ?, items_new = items_new + ? WHERE id = ?",
                    (_now(), status, next_poll_at, title, etag, last_modified, seen, new, source_id))
            else:
                self.conn.execute(
                    "UPDATE sources SET last_polled_at = ?, last_status = ?, last_error = ?,"
                    " consecutive_errors = consecutive_errors + 1, next_poll_at = ?,"
                    " items_seen = items_seen + ?, items_new = items_new + ? WHERE id = ?",
                    (_now(), status, error, next_poll_at, seen, new, source_id))

    def stored_urls(self, urls: list[str]) -> set[str]:
        """Which of these URLs an article already has (so a page is not fetched twice)."""
        found: set[str] = set()
        for i in range(0, len(urls), 500):
            chunk = urls[i:i + 500]
            found.update(r[0] for r in self.conn.execute(
                f"SELECT url FROM articles WHERE url IN ({','.join('?' * len(chunk))})", chunk))
        return found
