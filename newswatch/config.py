"""Defaults in one place.

``IngestOptions`` gathers every knob of the ingest stage; the CLI and the Python
API both build one, so the two always behave alike.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import date
from pathlib import Path

#: Where the database lives when neither ``--db`` nor ``NEWSWATCH_DB`` says.
DEFAULT_DB = "newswatch.db"

#: Languages the detector can choose from. Loading all 75 of lingua's models
#: costs ~1.4 GB of memory; this subset covers the major news languages
#: (including all of SemEval-2022 Task 8's) at a fraction of that.
DEFAULT_LANGUAGES = (
    "en", "de", "fr", "es", "it", "pt", "nl", "pl", "ru", "uk", "tr", "ar",
    "zh", "ja", "ko", "sv", "da", "nb", "fi", "cs", "ro", "hu", "el", "he",
    # Without Slovak every Slovak report was "Czech" (+10 MB). Slovene, Croatian, Bulgarian, Catalan and the
    # Baltic languages would add 140 MB per process together: add them to IngestOptions.languages if needed.
    "sk",
)

#: Files found while walking a directory that are never articles.
SKIPPED_SUFFIXES = frozenset({".db", ".db-wal", ".db-shm", ".sqlite", ".pyc", ".gz", ".zip"})


#: Names and quotes are read from at most this many characters of an article
#: (the first ones): far beyond any news report, and it keeps the model's time
#: and memory bounded on a runaway input. The whole text is still stored.
ANALYSED_CHARS = 100_000
#: A watched source's default interval between polls.
DEFAULT_INTERVAL_SECONDS = 900
#: The shortest interval a watched source may ask for (politeness).
MIN_INTERVAL_SECONDS = 30


def default_db_path() -> str:
    return os.environ.get("NEWSWATCH_DB") or DEFAULT_DB


@dataclass(frozen=True)
class IngestOptions:
    """How inputs are read, cleaned and dated.

    >>> IngestOptions().max_bytes
    20000000
    """

    #: Largest file or download accepted, in bytes.
    max_bytes: int = 20_000_000
    #: Seconds a URL fetch may take in all (connecting, redirects and the whole download).
    fetch_timeout: float = 15.0
    #: Allow URLs that resolve to loopback or private addresses.
    allow_private: bool = False
    #: Date that relative expressions ("2 weeks ago") are resolved against
    #: when an article has no publication date of its own.
    reference_date: date | None = None
    #: Take ``reference_date`` as the publication date of articles that have none
    #: (otherwise it only resolves their relative dates, and linking uses the
    #: window estimated from their text).
    reference_as_published: bool = False
    #: Articles written per database transaction.
    batch_size: int = 100
    #: Languages the detector may answer with (ISO 639-1).
    languages: tuple[str, ...] = DEFAULT_LANGUAGES
    #: Source name used when an input does not say (overrides nothing).
    default_source: str | None = None
    #: Processes analysing articles on large ingests (extra ones start only
    #: after the first few hundred articles, where they pay for themselves).
    workers: int = min(2, os.cpu_count() or 1)
    #: Run the analysis on Dask: "local" (a LocalCluster of ``workers`` processes) or a
    #: scheduler's address ("tcp://host:8786"). None: this machine's worker processes.
    dask: str | None = None
    #: User-Agent sent when fetching URLs.
    user_agent: str = "newswatch/0.1 (+offline news monitor)"
    #: Seconds one article may spend in one analysis step before it fails alone
    #: (enforced where the ingest runs on a process's main thread: the CLI and its workers).
    analysis_timeout: float = 30.0

    def __post_init__(self):
        if self.max_bytes <= 0:
            raise ValueError(f"max_bytes must be a positive number of bytes, got {self.max_bytes}")
        if self.fetch_timeout <= 0:
            raise ValueError(f"fetch_timeout must be positive seconds, got {self.fetch_timeout}")
        if self.workers < 1:
            raise ValueError(f"workers must be at least 1, got {self.workers}")
        if self.analysis_timeout <= 0:
            raise ValueError(f"analysis_timeout must be positive seconds, got {self.analysis_timeout}")
        if self.batch_size < 1:
            raise ValueError(f"batch_size must be at least 1, got {self.batch_size}")


def is_hidden(path: Path) -> bool:
    return any(part.startswith(".") and part not in (".", "..") for part in path.parts)


@dataclass(frozen=True)
class ServeOptions:
    """How ``newswatch serve`` runs.

    >>> ServeOptions(port=0)
    Traceback (most recent call last):
    ...
    ValueError: port must be between 1 and 65535, got 0
    """

    #: Interface to listen on; loopback unless the user decides otherwise.
    host: str = "127.0.0.1"
    port: int = 8000
    #: Secret that unlocks uploads (the web form and POST /api/ingest);
    #: without it the server is read-only.
    ingest_token: str | None = None
    #: Host names answered besides loopback and ``host`` ("*": any, when a proxy checks them).
    allowed_hosts: tuple[str, ...] = ()
    #: Largest upload accepted by the ingest endpoints, in bytes, and in records or URLs.
    max_upload_bytes: int = 50_000_000
    max_upload_records: int = 10_000
    #: Wrong ingest tokens a client may give per minute before it is made to wait.
    token_attempts_per_minute: int = 10
    #: Largest body accepted anywhere else (every other route is a GET).
    max_body_bytes: int = 64_000
    #: Processes answering requests (they share the port), and threads in each (each thread
    #: with its own read connection); more requests wait in line.
    workers: int = min(2, os.cpu_count() or 1)
    threads: int = 4
    #: Bytes of finished pages and API answers kept until the corpus changes (0: none).
    cache_bytes: int = 64_000_000
    #: Rows per page on the web pages; the API's ``limit`` is capped at ``max_page``.
    page_size: int = 20
    max_page: int = 500
    #: A story page shows this many events at a time (a story can hold hundreds),
    #: each with at most ``event_rows_shown`` of its reports (its event page has them all).
    story_events_per_page: int = 12
    event_rows_shown: int = 5

    def __post_init__(self):
        if not 1 <= self.port <= 65535:
            raise ValueError(f"port must be between 1 and 65535, got {self.port}")
        if self.ingest_token is not None and len(self.ingest_token) < 8:
            raise ValueError("the ingest token must be at least 8 characters: it is the only lock on uploads")
        if self.max_upload_bytes <= 0 or self.max_body_bytes <= 0:
            raise ValueError("body size limits must be positive numbers of bytes")
        if self.threads < 1 or self.workers < 1:
            raise ValueError(f"workers and threads must be at least 1, got {self.workers} and {self.threads}")
        if self.max_upload_records <= 0 or self.token_attempts_per_minute <= 0:
            raise ValueError("max_upload_records and token_attempts_per_minute must be positive")
        bad = [h for h in self.allowed_hosts if not h or any(c in h for c in "/ @")]
        if bad:
            raise ValueError(f"allowed host {bad[0]!r} is not a host name: give a name like news.example.org")
