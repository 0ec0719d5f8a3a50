"""Per-article analysis: a pipeline of named components.

Each component is a callable ``(Article) -> Article`` that enriches the
article it is given. Components are registered by name with a factory that
receives the ``IngestOptions``, so a pipeline is just a list of names, and a
later stage (entities, quotes) plugs in with ``@register("entities")``.

>>> from newswatch.config import IngestOptions
>>> from newswatch.documents import RawDocument, Article
>>> nlp = Pipeline(["clean", "dates"], IngestOptions())
>>> art = nlp(Article(RawDocument(origin="x", format="text", text="# # #\\nIt rained yesterday.")))
>>> art.text, [d.text for d in art.dates]
('It rained yesterday.', ['yesterday'])
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from ..config import IngestOptions
from ..documents import Article

Component = Callable[[Article], Article]
_REGISTRY: dict[str, Callable[[IngestOptions], Component]] = {}

#: The analysis every ingested article goes through, in order.
DEFAULT_PIPELINE = ("clean", "language", "dates")


def register(name: str):
    """Register a component factory under ``name``."""

    def wrap(factory: Callable[[IngestOptions], Component]):
        if name in _REGISTRY:
            raise ValueError(f"a pipeline component named {name!r} is already registered")
        _REGISTRY[name] = factory
        return factory

    return wrap


def registered() -> list[str]:
    return sorted(_REGISTRY)


class Pipeline:
    def __init__(self, names: Iterable[str] = DEFAULT_PIPELINE, options: IngestOptions | None = None):
        options = options or IngestOptions()
        self.names = tuple(names)
        unknown = [n for n in self.names if n not in _REGISTRY]
        if unknown:
            raise ValueError(f"unknown pipeline component(s) {unknown}; registered: {registered()}")
        self.components = [_REGISTRY[n](options) for n in self.names]

    def __call__(self, article: Article) -> Article:
        for component in self.components:
            article = component(article)
        return article


@register("clean")
def _make_clean(options: IngestOptions) -> Component:
    from .cleaning import clean

    return clean


@register("language")
def _make_language(options: IngestOptions) -> Component:
    from .language import language

    return lambda article: language(article, options.languages)


@register("dates")
def _make_dates(options: IngestOptions) -> Component:
    from .dates import tag_dates

    return lambda article: tag_dates(article, options.reference_date)
