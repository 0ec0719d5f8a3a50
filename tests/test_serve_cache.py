"""The server's answer cache: one build per page per corpus version, however many readers ask at once."""

import asyncio
import sqlite3

from newswatch.serve.cache import ResponseCache


class SlowPage:
    """An ASGI app that takes a while to build a page and counts how often it did."""

    def __init__(self):
        self.builds = 0

    async def __call__(self, scope, receive, send):
        self.builds += 1
        await asyncio.sleep(0.05)
        await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"text/html")]})
        await send({"type": "http.response.body", "body": f"front page, build {self.builds}".encode()})


def _get(cache, path="/"):
    bodies = []

    async def send(message):
        if message["type"] == "http.response.body":
            bodies.append(message["body"])

    async def receive():
        return {"type": "http.request"}

    return cache({"type": "http", "method": "GET", "path": path, "query_string": b""}, receive, send), bodies


def test_readers_asking_for_one_page_at_once_share_one_build_and_a_commit_starts_a_new_one(tmp_path):
    db = tmp_path / "c.db"
    with sqlite3.connect(db) as con:
        con.execute("CREATE TABLE t (x)")
    app = SlowPage()
    cache = ResponseCache(app, str(db), max_bytes=1_000_000)

    async def readers(n):
        calls = [_get(cache) for _ in range(n)]
        await asyncio.gather(*(c for c, _ in calls))
        return [b for _, bodies in calls for b in bodies]

    try:
        first = asyncio.run(readers(20))
        assert app.builds == 1 and set(first) == {b"front page, build 1"}
        with sqlite3.connect(db) as con:  # another process stores an article
            con.execute("INSERT INTO t VALUES (1)")
        second = asyncio.run(readers(20))
        assert app.builds == 2 and set(second) == {b"front page, build 2"}
    finally:
        cache.close()
