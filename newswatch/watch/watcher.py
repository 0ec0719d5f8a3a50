"""The watch loop: APScheduler starts each source's next poll when it is due; one thread stores.

Each source has one scheduled job, a fetch at its ``next_poll_at`` (sources
never polled, and overdue ones after a restart, are due at once). Fetches run
in APScheduler's thread pool, so a slow site does not hold the others; what
they bring is queued for the thread that called ``run``, which analyses and
stores it (SQLite has one writer at a time, and the analysis's time budget
works on the main thread) and then schedules that source's next poll.
Every ``SYNC_SECONDS`` the source list is read again, so ``newswatch sources
add/remove`` take effect while the watcher runs.

A watcher killed at any moment loses nothing: a poll's articles and then its
outcome are each written in a transaction; a poll whose outcome was not yet
recorded is simply done again, and its articles are then known duplicates.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable
from datetime import datetime, timezone

from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.schedulers.background import BackgroundScheduler

from .poll import Fetch, PollOutcome, Poller

SYNC_SECONDS = 30
FETCH_THREADS = 4


def _due(source: dict) -> datetime:
    now = datetime.now(timezone.utc)
    if not source.get("next_poll_at"):
        return now
    due = datetime.fromisoformat(source["next_poll_at"])
    return max(due if due.tzinfo else due.replace(tzinfo=timezone.utc), now)


class Watcher:
    """Polls the sources of ``open_corpus()`` (a function returning a ``Newswatch``) until ``stop()``."""

    def __init__(self, open_corpus: Callable, poller: Poller, on_poll: Callable[[PollOutcome], None] | None = None,
                 channels: list | None = None, on_delivery_failure: Callable[[str], None] | None = None):
        self.open_corpus = open_corpus
        self.poller = poller
        self.on_poll = on_poll or (lambda outcome: None)
        self.channels = channels or []  # where alerts go (``alerts.deliver``), after each poll
        self.on_delivery_failure = on_delivery_failure or (lambda line: None)
        self._fetched: queue.Queue[Fetch | None] = queue.Queue()
        self._stopping = threading.Event()
        self._busy: set[int] = set()  # sources being fetched or waiting to be stored (no second job meanwhile)
        self._busy_lock = threading.Lock()
        self._scheduler = BackgroundScheduler(executors={"default": ThreadPoolExecutor(FETCH_THREADS)},
                                              job_defaults={"coalesce": True, "max_instances": 1,
                                                            "misfire_grace_time": None},
                                              timezone=timezone.utc)

    def once(self) -> list[PollOutcome]:
        """Poll every source once (fetches in parallel, politely), store what came; the outcomes in source order."""
        from concurrent.futures import ThreadPoolExecutor as Pool

        outcomes: dict[int, PollOutcome] = {}
        with Pool(FETCH_THREADS) as pool, self.open_corpus() as nw:
            sources = nw.store.list_sources()
            for fetched in pool.map(self.poller.fetch, sources):
                outcome = self.poller.store(nw, fetched)
                outcomes[outcome.source_id] = outcome
                self.on_poll(outcome)
                self._deliver(nw)
        return [outcomes[s["id"]] for s in sources]

    def _deliver(self, nw) -> None:
        from ..alerts.deliver import deliver

        for line in deliver(nw.store, self.channels):
            self.on_delivery_failure(line)

    def run(self) -> None:
        """Poll until ``stop()`` (or KeyboardInterrupt); stores on the calling thread."""
        self._scheduler.add_job(self._sync, "interval", seconds=SYNC_SECONDS, id="sync",
                                next_run_time=datetime.now(timezone.utc))
        self._scheduler.start()
        try:
            with self.open_corpus() as nw:
                while not self._stopping.is_set():
                    try:
                        fetched = self._fetched.get(timeout=0.5)
                    except queue.Empty:
                        continue
                    if fetched is None:
                        break
                    source_id = fetched.source["id"]
                    current = nw.store.get_source(source_id)
                    if current is not None:  # else removed while it was being fetched
                        fetched.source = current
                        outcome = self.poller.store(nw, fetched)
                        self.on_poll(outcome)
                        self._schedule(nw.store.get_source(source_id))
                        self._deliver(nw)
                    with self._busy_lock:
                        self._busy.discard(source_id)
        finally:
            self._scheduler.shutdown(wait=False)

    def stop(self) -> None:
        self._stopping.set()
        self._fetched.put(None)

    def _job_id(self, source: dict) -> str:
        return f"source-{source['id']}"

    def _schedule(self, source: dict | None) -> None:
        if source is None or self._stopping.is_set():
            return
        self._scheduler.add_job(self._fetch, "date", run_date=_due(source), args=[source["id"]],
                                id=self._job_id(source), replace_existing=True)

    def _fetch(self, source_id: int) -> None:
        with self._busy_lock:
            if source_id in self._busy:
                return
            self._busy.add(source_id)
        with self.open_corpus() as nw:
            source = nw.store.get_source(source_id)
        if source is None:
            with self._busy_lock:
                self._busy.discard(source_id)
            return
        self._fetched.put(self.poller.fetch(source))

    def _sync(self) -> None:
        """Schedule sources added since the last look; drop the jobs of removed ones."""
        with self.open_corpus() as nw:
            sources = nw.store.list_sources()
        wanted = {self._job_id(s): s for s in sources}
        for job in self._scheduler.get_jobs():
            if job.id.startswith("source-") and job.id not in wanted:
                job.remove()
        for job_id, source in wanted.items():
            with self._busy_lock:
                busy = source["id"] in self._busy
            if not busy and self._scheduler.get_job(job_id) is None:
                self._schedule(source)
