"""The Python API: what a notebook (and the CLI, which is a thin layer over it) uses.

>>> import newswatch
>>> nw = newswatch.open(":memory:")
>>> report = nw.ingest_records([{"id": "a1", "title": "Storm", "text": "It rained yesterday.",
...                              "published": "2024-03-02"}])
>>> report.ingested, nw.article("a1")["dates"][0]["value"]
(1, '2024-03-01')
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable, Iterable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass, field
from datetime import date
from typing import IO

import numpy as np

from .analysis import DEFAULT_PIPELINE, Pipeline
from .config import IngestOptions, default_db_path
from .documents import Article, RawDocument
from .errors import InputError, NotFoundError
from . import errors
from .sources import read_inputs
from .sources.jsonl import parse_record
from .sources.validate import validate
from .store import ArticleFilter, Store, open_store

EXPORT_FIELDS = ("id", "newswatch_id", "title", "text", "url", "source", "author", "published", "language")


@dataclass
class IngestReport:
    """Running counts of an ingest; ``as_dict`` is the ``ingest --json`` contract."""

    ingested: int = 0
    duplicates: int = 0
    failed: list[InputError] = field(default_factory=list)
    new_ids: list[int] = field(default_factory=list)
    duplicate_of: list[dict] = field(default_factory=list)
    alerts: list[dict] = field(default_factory=list)  # raised by the new articles (breaking, watchlists)

    @property
    def seen(self) -> int:
        return self.ingested + self.duplicates + len(self.failed)

    def as_dict(self) -> dict:
        return {
            "ingested": self.ingested,
            "duplicates": self.duplicates,
            "failed": [e.as_dict() for e in self.failed],
        }


ProgressCallback = Callable[[IngestReport], None]


class Newswatch:
    """A newswatch corpus: a store plus the pipeline that fills it."""

    def __init__(self, store: Store):
        self.store = store
        #: An in-memory embedding index (``store.search.EmbeddingIndex``) that a
        #: long-running process sets, so semantic search does not re-read every vector.
        self.embedding_index = None

    # -- ingest -------------------------------------------------------------

    def ingest(self, inputs: Iterable[str], options: IngestOptions | None = None,
               progress: ProgressCallback | None = None, stdin: IO[str] | None = None) -> IngestReport:
        """Read, analyse and store every input (paths, directories, URLs, '-' for stdin)."""
        options = options or IngestOptions()
        return self._ingest_items(read_inputs(inputs, options, stdin=stdin), options, progress)

    def ingest_records(self, records: Iterable[dict], options: IngestOptions | None = None,
                       progress: ProgressCallback | None = None) -> IngestReport:
        """Ingest dicts shaped like JSONL lines (``text`` or ``html`` required)."""
        options = options or IngestOptions()

        def items() -> Iterator[RawDocument | InputError]:
            for i, record in enumerate(records, start=1):
                try:
                    yield parse_record(record, f"<record {i}>")
                except InputError as exc:
                    yield exc

        return self._ingest_items(items(), options, progress)

    def ingest_items(self, items: Iterable[RawDocument | InputError], options: IngestOptions | None = None,
                     progress: ProgressCallback | None = None) -> IngestReport:
        """Analyse and store documents already read (``newswatch.sources``); errors among them are reported."""
        return self._ingest_items(items, options or IngestOptions(), progress)

    def _ingest_items(self, items: Iterable[RawDocument | InputError], options: IngestOptions,
                      progress: ProgressCallback | None) -> IngestReport:
        pipeline = Pipeline(DEFAULT_PIPELINE, options)
        report = IngestReport()
        batch: list[Article] = []

        def flush():
            stored = []
            for art, result in self._store_batch(batch, report):
                if result.duplicate:
                    report.duplicates += 1
                    report.duplicate_of.append({"input": art.raw.origin, "id": result.id, "reason": result.reason})
                else:
                    report.ingested += 1
                    report.new_ids.append(result.id)
                    stored.append(result.id)
            report.alerts += self.store.raise_alerts(stored)
            batch.clear()
            if progress:
                progress(report)

        def articles() -> Iterator[Article]:
            for item in items:
                if isinstance(item, RawDocument):
                    if options.default_source and not item.source:
                        item.source = options.default_source
                    try:
                        yield Article(validate(item))
                        continue
                    except InputError as exc:
                        item = exc
                report.failed.append(item)
                if progress:
                    progress(report)

        with ExitStack() as stack:
            client = None
            if options.dask:
                from .analysis.distributed import open_client

                client = stack.enter_context(open_client(options.dask, options.workers))
            for article in pipeline.pipe(articles(), workers=options.workers, dask=client):
                if article.error is None and not article.text.strip():
                    article.error = "no text left after removing boilerplate"
                if article.error is not None:
                    code = errors.EMPTY if not article.text.strip() else errors.ANALYSIS_FAILED
                    report.failed.append(InputError(article.raw.origin, article.error, code))
                    continue
                batch.append(article)
                if len(batch) >= options.batch_size:
                    flush()
        if batch:
            flush()
        elif progress:
            progress(report)
        return report

    def _store_batch(self, batch: list[Article], report: IngestReport) -> list[tuple[Article, object]]:
        """Store a batch in one transaction; if an article in it breaks linking, store the rest one by one.

        Database errors (locked, disk full) are not the article's fault and
        stop the ingest; anything else is a defect that one article's content
        triggered, and costs only that article (reported with its reason).
        """
        try:
            return list(zip(batch, self.store.add_articles(batch)))
        except Exception as exc:
            if isinstance(exc, self.store.database_errors):
                raise
            if len(batch) == 1:
                report.failed.append(InputError(batch[0].raw.origin, f"could not be stored: {type(exc).__name__}: "
                                                f"{exc}", errors.ANALYSIS_FAILED))
                return []
        return [pair for art in batch for pair in self._store_batch([art], report)]

    # -- reading ------------------------------------------------------------

    def articles(self, since: date | None = None, until: date | None = None, source: str | None = None,
                 language: str | None = None, limit: int | None = None, offset: int = 0,
                 collapse: bool = False) -> list[dict]:
        """Article summaries: id, external_id, title, published, language, source, url, copies.

        With ``collapse`` each group of near-duplicates appears once, as its canonical article.
        """
        return self.store.list_articles(ArticleFilter(since, until, source, language, limit, offset), collapse)

    def article(self, key: str | int) -> dict:
        """One article, by internal id or by the external id it was ingested with."""
        found = self.store.get_article(key)
        if found is None:
            raise NotFoundError(f"no article with id or external id {str(key)!r}")
        return found

    def stats(self) -> dict:
        return self.store.stats()

    def entities(self, type: str | None = None, limit: int | None = 100, offset: int = 0,
                 name: str | None = None) -> list[dict]:
        """Canonical entities, most widely reported first: id, name, type, variants, roles, articles."""
        return self.store.list_entities(type, limit, offset, name)

    def entity(self, key: str | int) -> dict:
        """One entity by id or by any of its spellings, with its articles and quotes."""
        return self.store.get_entity(self._entity_id(key))

    # -- corrections: what a user knows better; kept by spelling, so later linking and reanalysis follow it

    def merge_entities(self, keep: str | int, drop: str | int) -> dict:
        """Make ``drop`` part of ``keep`` (ids or spellings); its spellings join ``keep`` from now on."""
        keep_id = self.store.merge_entities_as_told(self._entity_id(keep), self._entity_id(drop))
        return self.store.get_entity(keep_id)

    def split_entity(self, key: str | int, spelling: str) -> dict:
        """Take the mentions spelled ``spelling`` out of an entity into a new one, never to be linked back."""
        return self.store.get_entity(self.store.split_entity_as_told(self._entity_id(key), spelling))

    def rename_entity(self, key: str | int, name: str) -> dict:
        """Give an entity the name a user chose; later spellings do not change it."""
        entity_id = self._entity_id(key)
        self.store.rename_entity_as_told(entity_id, name)
        return self.store.get_entity(entity_id)

    def _entity_id(self, key: str | int) -> int:
        entity_id = self.store.find_entity(key)
        if entity_id is None:
            raise NotFoundError(f"no entity with id or name {str(key)!r} (list them with: newswatch entities)")
        return entity_id

    def quotes(self, speaker: str | int | None = None, limit: int | None = 100, offset: int = 0,
               direct: bool | None = None) -> list[dict]:
        """Quotes, optionally only those of one speaker (entity id or name)."""
        speaker_id = self._entity_id(speaker) if speaker is not None else None
        return self.store.list_quotes(speaker_id=speaker_id, limit=limit, offset=offset, direct=direct)

    def events(self, limit: int | None = 100, offset: int = 0, story: int | None = None) -> list[dict]:
        """Events, most recent first: id, title, start, end, articles [{id, external_id}], entities."""
        return self.store.list_events(limit, offset, story)

    def event(self, event_id: int) -> dict:
        found = self.store.get_event(event_id)
        if found is None:
            raise NotFoundError(f"no event with id {event_id!r} (list them with: newswatch events)")
        return found

    def stories(self, limit: int | None = 100, offset: int = 0, order: str = "importance",
                min_articles: int = 1) -> list[dict]:
        """Stories, most important now first (or most recent, ``order="recent"``): id, title, start, end,
        events (ids, and a timeline), articles. ``min_articles`` leaves out smaller stories."""
        return self.store.list_stories(limit, offset, order, min_articles)

    def story(self, story_id: int) -> dict:
        found = self.store.get_story(story_id)
        if found is None:
            raise NotFoundError(f"no story with id {story_id!r} (list them with: newswatch stories)")
        return found

    def duplicates(self, limit: int | None = 100, offset: int = 0) -> list[dict]:
        """Groups of near-duplicate articles, each with its canonical article and copies."""
        return self.store.list_duplicate_groups(limit, offset)

    def compare(self, a: str | int, b: str | int) -> dict:
        """Why two articles are related: same event / story / duplicate, a similarity breakdown, an explanation."""
        from .analysis.features import lead_text
        from .linking import close_reading
        from .linking.similarity import breakdown, explain

        art_a, art_b = self.article(a), self.article(b)
        fa, fb = self.store.features(art_a["id"]), self.store.features(art_b["id"])
        evidence = self._evidence(art_a["id"], art_b["id"])
        texts = [lead_text(art["title"], art["text"]) for art in (art_a, art_b)]  # what the stored embedding read
        similarity, gap = breakdown(fa["vector"], fb["vector"], fa["entities"], fb["entities"],
                                    fa["published"], fb["published"], evidence.get("features", {}).get("lexical", 0.0),
                                    close_reading.similarity(*texts))
        shared_ids = sorted(set(fa["entities"]) & set(fb["entities"]),
                            key=lambda e: -(fa["entities"][e][2] + fb["entities"][e][2]))
        shared = [{"id": e, "name": fa["entities"][e][0], "type": fa["entities"][e][1]} for e in shared_ids]
        same_event = fa["event_id"] is not None and fa["event_id"] == fb["event_id"]
        same_story = fa["story_id"] is not None and fa["story_id"] == fb["story_id"]
        duplicate = fa["dup_group"] is not None and fa["dup_group"] == fb["dup_group"]
        return {
            "a": {"id": art_a["id"], "external_id": art_a["external_id"], "title": art_a["title"]},
            "b": {"id": art_b["id"], "external_id": art_b["external_id"], "title": art_b["title"]},
            "same_event": same_event, "same_story": same_story, "duplicate": duplicate,
            "similarity": similarity, "shared_entities": shared, "time_gap_days": gap, "evidence": evidence,
            "explanation": explain(same_event, same_story, duplicate, [s["name"] for s in shared], gap,
                                   similarity["narrative"]),
        }

    def _evidence(self, a: int, b: int) -> dict:
        """What the learned event and story decisions make of the pair: probability and each feature's part."""
        from .linking import events as ev
        from .store.corpus import CorpusLinker

        linker = CorpusLinker(self.store.conn)
        fa, fb = linker.stored_features(a), linker.stored_features(b)
        if fa is None or fb is None:
            return {}
        other = ev.Cluster(b, np.zeros_like(fb.vector), 0)
        other.absorb(fb)
        features = ev.pair_features(fa, other)
        out = {"features": {k: round(v, 4) for k, v in features.items()}}
        for level, decision in ev.load_model().items():
            out[level] = {"probability": round(decision.score(features), 4), "bias": decision.bias,
                          "contributions": decision.contributions(features)}
        return out

    def search(self, query: str, mode: str = "hybrid", since: date | None = None, until: date | None = None,
               source: str | None = None, language: str | None = None, entity: str | int | None = None,
               limit: int = 20, offset: int = 0) -> dict:
        """Full-text and semantic search: ``{"results": [{"id", "external_id", "title", "snippet", "score", ...}], "total"}``."""
        from .store.search import MODES, search

        if mode not in MODES:
            raise ValueError(f"unknown search mode {mode!r}: use one of {', '.join(MODES)}")
        if not query or not query.strip():
            raise ValueError("the search query is empty: give at least one word")
        entity_id = self._entity_id(entity) if entity is not None else None
        vector = None
        if mode != "text":
            from .analysis.features import embed

            vector = embed([query])[0]
        return search(self.store, query, vector, mode, ArticleFilter(since, until, source, language),
                      entity_id, limit, offset, self.embedding_index, self.store.spellings(query))

    def similar(self, key: str | int, limit: int = 5) -> list[dict]:
        """Articles nearest in meaning to one article (itself and its near-duplicates left out)."""
        from .store.search import semantic_hits

        art = self.article(key)
        vector = self.store.features(art["id"])["vector"]
        if vector is None:
            return []
        skip = {art["id"], *(d["id"] for d in art["duplicates"])}
        hits = semantic_hits(self.store, vector, None, None, limit + len(skip) + 5, self.embedding_index)
        out = []
        for article_id, score in hits:
            if article_id in skip:
                continue
            row = self.store.get_summary(article_id)
            if row["dup_group"] is not None and row["dup_group"] == art["dup_group"]:
                continue
            out.append({**{k: row[k] for k in ("id", "external_id", "title", "published", "source", "event_id")},
                        "score": round(score, 4)})
            if len(out) == limit:
                break
        return out

    def relink(self, progress=None) -> int:
        """Rebuild near-duplicate groups, events and stories from stored features (no re-analysis)."""
        return self.store.relink(progress)

    def reanalyze(self, options: IngestOptions | None = None, progress=None) -> int:
        """Run the current analysis (cleaning, dates, entities, quotes) again over every stored article.

        Stored ``options.batch_size`` articles per transaction; see ``SQLiteStore.reanalyze``.
        """
        options = options or IngestOptions()
        pipeline = Pipeline(DEFAULT_PIPELINE, options)
        return self.store.reanalyze(lambda raws: pipeline.pipe((Article(r) for r in raws), options.workers), progress,
                                    batch_size=options.batch_size)

    # -- export -------------------------------------------------------------

    def export(self, out: IO[str], fmt: str = "jsonl", flt: ArticleFilter | None = None) -> int:
        """Write articles as JSONL (re-ingestable, ids kept) or CSV; returns the count written."""
        if fmt not in ("jsonl", "csv"):
            raise ValueError(f"unknown export format {fmt!r}: use 'jsonl' or 'csv'")
        writer = csv.DictWriter(out, fieldnames=[*EXPORT_FIELDS, "dates"]) if fmt == "csv" else None
        if writer:
            writer.writeheader()
        n = 0
        for art in self.store.iter_articles(flt):
            row = export_row(art)
            if writer:
                row["dates"] = "; ".join(f"{d['text']}={d['value']}" for d in art["dates"])
                writer.writerow(row)
            else:
                row["dates"] = art["dates"]
                out.write(json.dumps(row, ensure_ascii=False) + "\n")
            n += 1
        return n

    def close(self) -> None:
        self.store.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def export_row(art: dict) -> dict:
    # "id" is the user's own id when there is one, so that an export can be
    # ingested again (or compared with an evaluation file) without losing it.
    return {
        "id": art["external_id"] if art["external_id"] is not None else f"newswatch:{art['id']}",
        "newswatch_id": art["id"],
        "title": art["title"],
        "text": art["text"],
        "url": art["url"],
        "source": art["source"],
        "author": art["author"],
        "published": art["published"],
        "language": art["language"],
    }


def open(location: str | None = None, readonly: bool = False) -> Newswatch:  # noqa: A001 (mirrors builtins.open on purpose)
    """Open (creating if needed) the corpus at ``location`` (default: $NEWSWATCH_DB or ./newswatch.db)."""
    return Newswatch(open_store(location or default_db_path(), readonly=readonly))


__all__ = ["Newswatch", "IngestReport", "IngestOptions", "open"]
