"""Answers kept for the next reader: every page and API answer is the same for everyone until the corpus changes.

Under load the server's time goes to building the same front page, the same
top stories and the same searches again and again. This ASGI layer keeps the
body of each successful GET, keyed by path and query, in a byte-bounded LRU,
and drops everything as soon as any connection commits to the database
(``PRAGMA data_version``, checked per request: one cheap statement). Uploads,
job pages and static files (already cheap) pass through.

Readers asking for the same page while it is being built wait for that one
build instead of starting their own: after every commit (a watcher storing
new articles while people read), fifty readers of the front page would
otherwise build it fifty times at once.
"""

from __future__ import annotations

import asyncio
from collections import OrderedDict

from ..store.search import ChangeProbe

UNCACHED_PREFIXES = ("/static", "/upload", "/api/ingest")


class ResponseCache:
    """Byte-bounded LRU of whole GET responses, emptied when the database changes."""

    def __init__(self, app, db_path: str, max_bytes: int):
        self.app = app
        self.max_bytes = max_bytes
        self._probe = ChangeProbe(db_path)
        self._entries: OrderedDict[bytes, tuple[int, list, bytes]] = OrderedDict()
        self._bytes = 0
        self._building: dict[tuple[bytes, int], asyncio.Event] = {}
        self.hits = self.misses = self.waits = 0

    async def __call__(self, scope, receive, send):
        if (scope["type"] != "http" or scope["method"] != "GET" or self.max_bytes <= 0
                or scope["path"].startswith(UNCACHED_PREFIXES)):
            return await self.app(scope, receive, send)
        if self._probe.changed():
            self._entries.clear()
            self._bytes = 0
        version = self._probe.seen
        key = scope["path"].encode("utf-8", "surrogateescape") + b"?" + scope.get("query_string", b"")
        building = self._building.get((key, version))
        if building is not None:  # someone is building this very page: wait, then answer from the cache
            self.waits += 1
            await building.wait()
        entry = self._entries.get(key)
        if entry is not None and self._probe.seen == version:
            self._entries.move_to_end(key)
            self.hits += 1
            status, headers, body = entry
            await send({"type": "http.response.start", "status": status, "headers": headers})
            await send({"type": "http.response.body", "body": body})
            return
        self.misses += 1
        done = self._building.setdefault((key, version), asyncio.Event())
        try:
            await self._build(scope, receive, send, key, version)
        finally:
            if self._building.get((key, version)) is done:
                del self._building[(key, version)]
            done.set()

    async def _build(self, scope, receive, send, key: bytes, version: int) -> None:
        captured: dict = {"parts": [], "complete": False}

        async def capturing_send(message):
            if message["type"] == "http.response.start":
                captured["status"], captured["headers"] = message["status"], list(message.get("headers", []))
            elif message["type"] == "http.response.body":
                captured["parts"].append(message.get("body", b""))
                captured["complete"] = not message.get("more_body", False)
            await send(message)

        await self.app(scope, receive, capturing_send)
        # Kept only if nothing was committed while it was built: it could mix old and new data.
        if captured.get("status") == 200 and captured["complete"] and self._probe.version() == version:
            self._keep(key, captured["status"], captured["headers"], b"".join(captured["parts"]))

    def _keep(self, key: bytes, status: int, headers: list, body: bytes) -> None:
        size = len(key) + len(body) + sum(len(k) + len(v) for k, v in headers)
        if size > self.max_bytes // 20:  # one huge answer must not push out everything else
            return
        self._entries[key] = (status, headers, body)
        self._bytes += size
        while self._bytes > self.max_bytes:
            old_key, (_, old_headers, old_body) = self._entries.popitem(last=False)
            self._bytes -= len(old_key) + len(old_body) + sum(len(k) + len(v) for k, v in old_headers)

    def close(self) -> None:
        self._probe.close()
