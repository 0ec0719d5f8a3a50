"""The storage contract every backend implements.

The pipeline, the API and the web server only talk to a ``Store``. It is a
few interfaces, one per thing a caller needs: articles (written a batch at a
time with their linking decisions, atomically; read back), entities and
quotes, events and stories, watched sources, alerts, rebuilding. Search is
``store.search`` over the backend's ``fulltext()`` index.

SQLite (``store.sqlite``) is the embedded default and PostgreSQL
(``store.postgres``) the shared one; both are ``store.relational.RelationalStore``,
which implements these interfaces once in SQL. ``tests/test_store_contract.py``
runs the same tests on each backend: passing them is what "a backend works" means.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date

from ..documents import Article
from ..errors import StoreError


@dataclass
class AddResult:
    """What happened to one article handed to ``Store.add_articles``."""

    id: int  # the stored article (the earlier one, for a duplicate)
    duplicate: bool
    reason: str | None = None  # "same external id" | "same content"


@dataclass
class ArticleFilter:
    """Which articles to list; every field is optional.

    >>> ArticleFilter(since=date(2017, 1, 1), language="en").language
    'en'
    """

    since: date | None = None
    until: date | None = None
    source: str | None = None
    language: str | None = None
    limit: int | None = None
    offset: int = 0

    def __post_init__(self):
        if self.since and self.until and self.since > self.until:
            raise ValueError(f"'since' ({self.since}) is after 'until' ({self.until}): swap them")
        if self.limit is not None and self.limit < 0:
            raise ValueError("limit must be zero or more")
        if self.offset < 0:
            raise ValueError("offset must be zero or more")


class EntityContract(ABC):
    """People, organisations and places across the corpus, their spellings, and who said what."""

    @abstractmethod
    def list_entities(self, kind: str | None = None, limit: int | None = 100, offset: int = 0,
                      name: str | None = None) -> list[dict]: ...

    @abstractmethod
    def find_entity(self, key: str | int) -> int | None:
        """An entity id from an id, a name or any spelling (case and accents ignored)."""

    @abstractmethod
    def get_entity(self, key: str | int) -> dict | None: ...

    @abstractmethod
    def spellings(self, text: str) -> list[str]: ...

    @abstractmethod
    def list_quotes(self, speaker_id: int | None = None, article_id: int | None = None, limit: int | None = 100,
                    offset: int = 0, ids: list[int] | None = None) -> list[dict]: ...

    @abstractmethod
    def merge_entities_as_told(self, keep_id: int, drop_id: int) -> None: ...

    @abstractmethod
    def split_entity_as_told(self, entity_id: int, spelling: str) -> int: ...

    @abstractmethod
    def rename_entity_as_told(self, entity_id: int, name: str) -> None: ...


class LinkedContract(ABC):
    """What corpus linking made: near-duplicate groups, events and stories."""

    @abstractmethod
    def list_events(self, limit: int | None = 100, offset: int = 0, story_id: int | None = None) -> list[dict]: ...

    @abstractmethod
    def get_event(self, event_id: int) -> dict | None: ...

    @abstractmethod
    def list_stories(self, limit: int | None = 100, offset: int = 0, order: str = "importance",
                     min_articles: int = 1) -> list[dict]: ...

    @abstractmethod
    def get_story(self, story_id: int) -> dict | None: ...

    @abstractmethod
    def list_duplicate_groups(self, limit: int | None = 100, offset: int = 0) -> list[dict]: ...


class SourceContract(ABC):
    """The feeds and pages ``newswatch watch`` polls, and what each poll found."""

    @abstractmethod
    def add_source(self, url: str, interval_seconds: int) -> tuple[dict, bool]: ...

    @abstractmethod
    def get_source(self, key: str | int) -> dict | None: ...

    @abstractmethod
    def list_sources(self) -> list[dict]: ...

    @abstractmethod
    def remove_source(self, key: str | int) -> dict | None: ...

    @abstractmethod
    def record_poll(self, source_id: int, *, status: str, error: str | None, next_poll_at: str, **found) -> None: ...

    @abstractmethod
    def stored_urls(self, urls: list[str]) -> set[str]: ...


class AlertContract(ABC):
    """Watchlists, the alerts new articles raise (each once), and their delivery per channel."""

    @abstractmethod
    def add_watchlist(self, name: str, query: str, entity_id: int | None = None, source: str | None = None,
                      language: str | None = None) -> dict: ...

    @abstractmethod
    def list_watchlists(self) -> list[dict]: ...

    @abstractmethod
    def list_alerts(self, limit: int | None = 100, offset: int = 0, kind: str | None = None,
                    watchlist_id: int | None = None) -> list[dict]: ...

    @abstractmethod
    def undelivered_alerts(self, channel: str, now=None) -> list[dict]: ...

    @abstractmethod
    def record_delivery(self, alert_id: int, channel: str, error: str | None = None, retry_at=None) -> None: ...


class RebuildContract(ABC):
    """Everything derived, built again: linking only (``relink``) or the whole analysis (``reanalyze``)."""

    @abstractmethod
    def relink(self, progress=None) -> int: ...

    @abstractmethod
    def reanalyze(self, analyse, progress=None, batch_size: int = 100) -> int: ...


class Store(EntityContract, LinkedContract, SourceContract, AlertContract, RebuildContract):
    """A place that keeps articles and all that is derived from them. Use as a context manager to close it."""

    #: Exceptions that mean the database itself failed (locked, disk full, gone):
    #: an ingest stops on them, where any other error in ``add_articles`` is
    #: blamed on one article of the batch and costs only that article.
    database_errors: tuple[type[BaseException], ...] = (StoreError,)

    @abstractmethod
    def add_articles(self, articles: Sequence[Article]) -> list[AddResult]:
        """Store a batch atomically: all of it lands, or none of it.

        An article whose external id or content hash is already stored is not
        stored again; its result says ``duplicate=True`` and points at the
        stored one.
        """

    @abstractmethod
    def get_article(self, key: str | int) -> dict | None:
        """One article by internal id or external id, as a plain dict."""

    @abstractmethod
    def list_articles(self, flt: ArticleFilter | None = None) -> list[dict]:
        """Article summaries (no text), oldest publication first."""

    @abstractmethod
    def iter_articles(self, flt: ArticleFilter | None = None) -> Iterator[dict]:
        """Whole articles (with text and dates), for exports."""

    @abstractmethod
    def count_articles(self, flt: ArticleFilter | None = None) -> int: ...

    @abstractmethod
    def stats(self) -> dict: ...

    def raise_alerts(self, article_ids: list[int]) -> list[dict]:
        """The alerts (breaking stories, watchlist matches) that newly stored articles raise; none by default."""
        return []

    @abstractmethod
    def close(self) -> None: ...

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
