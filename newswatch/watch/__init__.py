"""Watching sources: feeds and pages polled on a schedule, their new items ingested as they come.

The loop, in the order data flows:

1. ``sourcelist``: the sources to watch, from a file (one URL a line, or the
   OPML that feed readers export) or from the database (``newswatch sources``);
2. ``polite``: at most one request at a time per host, a minimum delay
   between them, robots.txt respected;
3. ``poll``: one poll of one source: a conditional GET (ETag,
   Last-Modified), the body read as a feed, a page or JSONL, the items
   ingested through the ordinary pipeline, and the outcome (with back-off
   after failures) recorded on the source;
4. ``watcher``: APScheduler runs each source's next poll when it is due,
   fetching in a few threads, while one thread analyses and stores, so the
   store sees one writer and each article the same analysis as ``ingest``.

``newswatch watch --once`` polls every source once and exits (for cron and
tests); without it the watcher runs until stopped.
"""

from .poll import PollOutcome, Poller, next_poll_time
from .sourcelist import read_source_list
from .watcher import Watcher

__all__ = ["PollOutcome", "Poller", "Watcher", "next_poll_time", "read_source_list"]
