"""The storage interface every backend implements.

The pipeline and the query layer only talk to a ``Store``; SQLite is the
embedded default (``store.sqlite``), and another backend (PostgreSQL, say)
implements the same methods and registers its URL scheme in ``store.open_store``.
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


class Store(ABC):
    """A place that keeps articles. Use as a context manager to close it."""

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
