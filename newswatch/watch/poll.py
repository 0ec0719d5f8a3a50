"""One poll of one source: fetch (conditionally, politely), read its items, ingest them, record the outcome.

The work is split in two so a watcher can fetch many sources at once while a
single thread writes: ``Poller.fetch`` only talks to the network (any
thread), ``Poller.store`` analyses, stores and records (the writer).

A poll *fails* when the source cannot be fetched or read as a whole (refused,
unreachable, HTTP error, timeout, too large, not a feed or page): the source
is retried after a back-off that doubles with each consecutive failure
(``next_poll_time``). One bad entry in a good feed costs only that entry. A
headline-only entry is an article like any other.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from urllib.parse import urlsplit

from ..config import DEFAULT_INTERVAL_SECONDS, IngestOptions
from ..documents import RawDocument
from ..errors import InputError
from ..sources import read_fetched
from ..sources.fetch import Fetched, fetch
from .polite import HostGate, Robots

#: The longest wait between polls of a failing source.
MAX_BACKOFF_SECONDS = 24 * 3600


def next_poll_time(interval_seconds: int, consecutive_errors: int, now: datetime | None = None) -> datetime:
    """When to poll next: after the interval, doubled for each failure in a row (at most a day).

    >>> t = datetime(2024, 1, 1, tzinfo=timezone.utc)
    >>> [str(next_poll_time(600, n, t).time()) for n in (0, 1, 3)]
    ['00:10:00', '00:20:00', '01:20:00']
    """
    now = now or datetime.now(timezone.utc)
    wait = min(interval_seconds * 2 ** min(consecutive_errors, 16), MAX_BACKOFF_SECONDS)
    return now + timedelta(seconds=wait)


@dataclass
class Fetch:
    """What ``Poller.fetch`` got for a source: a body (or a 304) and its items, or the reason it failed."""

    source: dict
    got: Fetched | None = None
    error: InputError | None = None
    items: list | None = None  # documents and entry errors read from the body


@dataclass
class PollOutcome:
    """One poll as reported to people (``watch --json`` prints ``as_dict``)."""

    source_id: int
    url: str
    status: str  # new, unchanged, not modified, failed
    new: int = 0
    duplicates: int = 0
    entries: int = 0
    error: str | None = None
    entry_errors: list[InputError] = field(default_factory=list)
    next_poll_at: str | None = None
    alerts: list[dict] = field(default_factory=list)  # raised by this poll's new articles

    def as_dict(self) -> dict:
        return {"source": self.source_id, "url": self.url, "status": self.status, "new": self.new,
                "duplicates": self.duplicates, "entries": self.entries, "error": self.error,
                "entry_errors": [e.as_dict() for e in self.entry_errors], "next_poll_at": self.next_poll_at,
                "alerts": [{"id": a["id"], "kind": a["kind"], "title": a["title"]} for a in self.alerts]}


class Poller:
    """Polls sources with ``options``' limits (timeout, size, private addresses), politely."""

    def __init__(self, options: IngestOptions, gate: HostGate | None = None, robots: bool = True,
                 fetch_articles: bool = False, stored_urls: Callable[[list[str]], set[str]] | None = None):
        self.options = options
        self.gate = gate or HostGate()
        self.robots = Robots(self._fetch_text, options.user_agent) if robots else None
        #: Fetch each new feed entry's page for its full text (``stored_urls`` says which are stored already).
        self.fetch_articles = fetch_articles
        self.stored_urls = stored_urls or (lambda urls: set())

    def _fetch_text(self, url: str) -> str:
        with self.gate.visit(url):
            got = fetch(url, self.options)
        return got.data.decode("utf-8", "replace")

    def _polite_fetch(self, url: str, etag: str | None = None, last_modified: str | None = None) -> Fetched:
        """``fetch`` if robots.txt allows it, through the host's gate; ``InputError`` otherwise."""
        if self.robots is not None and not self.robots.allowed(url):
            raise InputError(url, "robots.txt of the site disallows fetching it")
        with self.gate.visit(url):
            return fetch(url, self.options, etag=etag, last_modified=last_modified)

    def fetch(self, source: dict) -> Fetch:
        """The source's body, conditional on what the last poll saw; never raises for the source's faults."""
        url = source["url"]
        try:
            got = self._polite_fetch(url, source.get("etag"), source.get("last_modified"))
        except InputError as exc:
            return Fetch(source, error=exc)
        items = None if got.not_modified else list(read_fetched(url, got))
        if items and self.fetch_articles:
            items = self._full_texts(items)
        return Fetch(source, got=got, items=items)

    def _full_texts(self, items: list) -> list:
        """Feed entries with their pages' text, fetched under the same rules; a page that fails keeps the summary."""
        entries = [i for i in items if isinstance(i, RawDocument) and i.format == "feed" and i.url]
        stored = self.stored_urls([e.url for e in entries])
        notes = []
        for entry in entries:
            if entry.url in stored or not entry.url.lower().startswith(("http://", "https://")):
                continue
            try:
                page = next(iter(read_fetched(entry.url, self._polite_fetch(entry.url))), None)
                if isinstance(page, InputError):
                    raise page
            except InputError as exc:
                notes.append(InputError(entry.origin, f"full text not fetched ({exc.problem}); the entry's "
                                        "summary is stored", exc.code))
                continue
            if isinstance(page, RawDocument) and len(page.text) > len(entry.text):
                entry.text = page.text
                entry.format = page.format
                entry.title = entry.title or page.title
                entry.author = entry.author or page.author
                entry.published = entry.published or page.published
        return items + notes

    def store(self, nw, fetched: Fetch) -> PollOutcome:
        """Ingest what was fetched and record the poll on the source (the writer's half)."""
        source = fetched.source
        interval = int(source.get("interval_seconds") or DEFAULT_INTERVAL_SECONDS)
        outcome = PollOutcome(source["id"], source["url"], "failed")
        error, title = fetched.error, None
        if error is None and fetched.got.not_modified:
            outcome.status = "not modified"
        elif error is None:
            docs = [i for i in fetched.items if isinstance(i, RawDocument)]  # read in ``fetch``
            outcome.entry_errors = [i for i in fetched.items if isinstance(i, InputError)]
            if not docs and outcome.entry_errors:
                error = outcome.entry_errors.pop(0)  # the body as a whole is unreadable
            else:
                title = next((d.source for d in docs if d.source), None)
                for doc in docs:  # a page names no source: its site does
                    doc.source = doc.source or title or urlsplit(source["url"]).hostname
                report = nw.ingest_items(docs, self.options)
                outcome.entry_errors += report.failed
                outcome.alerts = report.alerts
                outcome.new, outcome.duplicates, outcome.entries = report.ingested, report.duplicates, len(docs)
                outcome.status = "new" if report.ingested else "unchanged"
        errors_in_a_row = 0 if error is None else int(source.get("consecutive_errors") or 0) + 1
        due = next_poll_time(interval, errors_in_a_row).isoformat(timespec="seconds")
        outcome.next_poll_at = due
        if error is not None:
            outcome.error = error.problem
            nw.store.record_poll(source["id"], status="failed", error=f"[{error.code}] {error.problem}",
                                 next_poll_at=due)
        else:
            got = fetched.got
            nw.store.record_poll(source["id"], status=outcome.status, error=None, next_poll_at=due,
                                 title=title, etag=got.etag,
                                 last_modified=got.last_modified, seen=outcome.entries, new=outcome.new)
        return outcome
