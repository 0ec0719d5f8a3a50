"""Per-article analysis: a pipeline of named components.

Each component is a callable ``(Article) -> Article`` that enriches the
article it is given; a component that works faster on many articles at once
(the NER model) also has ``pipe(articles) -> articles``. Components are
registered by name with a factory that receives the ``IngestOptions``, so a
pipeline is just a list of names, and a new stage plugs in with
``@register("name")``.

>>> from newswatch.config import IngestOptions
>>> from newswatch.documents import RawDocument, Article
>>> nlp = Pipeline(["clean", "dates"], IngestOptions())
>>> art = nlp(Article(RawDocument(origin="x", format="text", text="# # #\\nIt rained yesterday.")))
>>> art.text, [d.text for d in art.dates]
('It rained yesterday.', ['yesterday'])
"""

from __future__ import annotations

import itertools
import multiprocessing
from collections.abc import Callable, Iterable, Iterator

from ..config import IngestOptions
from ..documents import Article
from .budget import AnalysisTimeout, time_budget

Component = Callable[[Article], Article]
_REGISTRY: dict[str, Callable[[IngestOptions], Component]] = {}

#: The analysis every ingested article goes through, in order.
DEFAULT_PIPELINE = ("clean", "language", "dates", "published", "entities", "quotes", "features")


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


#: Articles analysed in the calling process before worker processes start:
#: starting them costs more than it saves on the smallest ingests. Measured on
#: ECB+ (982 articles): 200 serial articles took 39.3 s and 889 MB in the main
#: process, 32 took 34.4 s and 443 MB (the workers load what they need).
PARALLEL_AFTER = 32
#: Articles sent to a worker as one task: the NER model runs them as one batch,
#: and the round trip between processes is paid once per task.
WORKER_BATCH = 16
_WORKER: Pipeline | None = None


class Pipeline:
    def __init__(self, names: Iterable[str] = DEFAULT_PIPELINE, options: IngestOptions | None = None):
        options = options or IngestOptions()
        self.options = options
        self.names = tuple(names)
        unknown = [n for n in self.names if n not in _REGISTRY]
        if unknown:
            raise ValueError(f"unknown pipeline component(s) {unknown}; registered: {registered()}")
        self.components = [_REGISTRY[n](options) for n in self.names]

    def __call__(self, article: Article) -> Article:
        return next(self.pipe([article]))

    def pipe(self, articles: Iterable[Article], workers: int = 1, dask=None) -> Iterator[Article]:
        """Analyse a stream lazily, in order; an article whose analysis fails gets ``error`` set.

        With ``workers > 1``, after the first ``PARALLEL_AFTER`` articles the
        rest are analysed by that many forked processes, which inherit the
        models already loaded here. With ``dask`` (a ``dask.distributed.Client``)
        every article is analysed on that cluster (``analysis.distributed``).
        """
        if dask is not None:
            from . import distributed

            yield from distributed.analyse(dask, self.names, self.options, articles)
            return
        stream = iter(articles)
        if workers <= 1:
            yield from self._pipe(stream)
            return
        yield from self._pipe(itertools.islice(stream, PARALLEL_AFTER))
        first = next(stream, None)
        if first is None:
            return
        global _WORKER
        _WORKER = self
        context = multiprocessing.get_context("fork")
        batches = _batched(itertools.chain([first], stream), WORKER_BATCH)
        with context.Pool(workers) as pool:
            for batch in pool.imap(_analyse_in_worker, batches):
                yield from batch

    def _pipe(self, articles: Iterable[Article]) -> Iterator[Article]:
        stream: Iterable[Article] = articles
        budget = self.options.analysis_timeout
        for name, component in zip(self.names, self.components):
            guard = _guarded_pipe if hasattr(component, "pipe") else _guarded
            stream = guard(name, component, stream, budget)
        return iter(stream)


def _batched(stream: Iterator[Article], size: int) -> Iterator[list[Article]]:
    while batch := list(itertools.islice(stream, size)):
        yield batch


def _analyse_in_worker(batch: list[Article]) -> list[Article]:
    # Every step in _pipe is guarded, so a failing article comes back with ``error`` set, never as an exception.
    return list(_WORKER._pipe(batch))


def _guarded(name: str, component: Component, stream: Iterable[Article], budget: float) -> Iterator[Article]:
    """One article at a time, each within ``budget`` seconds; a failure is that article's alone."""
    for article in stream:
        if article.error is None:
            try:
                with time_budget(budget, f"analysis step {name!r}"):
                    article = component(article)
            except AnalysisTimeout as exc:
                article.error = f"{exc} on this article; it was not stored"
            except Exception as exc:  # one article's failure never costs the others
                article.error = f"analysis step {name!r} failed: {type(exc).__name__}: {exc}"
        yield article


def _guarded_pipe(name: str, component, stream: Iterable[Article], budget: float) -> Iterator[Article]:
    """A batched component, a batch at a time; a batch that fails or overruns is redone one article at a time."""
    for batch in _batched(iter(stream), WORKER_BATCH):
        try:
            with time_budget(budget, f"analysis step {name!r}"):  # a normal batch takes a second or two
                done = list(component.pipe(batch))
        except Exception:  # including AnalysisTimeout: find the culprit, keep the rest
            done = list(_guarded(name, component, batch, budget))
        yield from done


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


@register("published")
def _make_published(options: IngestOptions) -> Component:
    from datetime import datetime

    from .published import estimate

    def published(article: Article) -> Article:
        if article.raw.published is None and options.reference_as_published and options.reference_date:
            article.raw.published = datetime.combine(options.reference_date, datetime.min.time())
        return estimate(article)

    return published


@register("entities")
def _make_entities(options: IngestOptions) -> Component:
    from .entities import EntityRecognizer

    return EntityRecognizer()


@register("quotes")
def _make_quotes(options: IngestOptions) -> Component:
    from .quotes import extract_quotes

    return extract_quotes


@register("features")
def _make_features(options: IngestOptions) -> Component:
    from .features import FeatureExtractor

    return FeatureExtractor()
