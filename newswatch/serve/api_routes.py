"""/api: the CLI's ``--json`` output over HTTP, paginated with ``limit`` and ``offset``."""

from __future__ import annotations

import json
from datetime import date
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Header, HTTPException, Path, Query, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from .. import api
from .render import safe_url
from .state import ServerState, TooManyAttempts, Upload

router = APIRouter(prefix="/api")

Limit = Annotated[int, Query(ge=0, le=500, description="At most this many (0-500).")]
Offset = Annotated[int, Query(ge=0, le=10_000_000, description="Skip this many first.")]
Since = Annotated[date | None, Query(description="Published on or after this day (YYYY-MM-DD).")]
Until = Annotated[date | None, Query(description="Published on or before this day (YYYY-MM-DD).")]
Source = Annotated[str | None, Query(max_length=200, description="Only this source (case-insensitive).")]
Language = Annotated[str | None, Query(pattern=r"^[A-Za-z]{2,3}$", description="ISO 639-1 code, e.g. en.")]
Key = Annotated[str, Path(max_length=500, description="Internal id, or the external id given at ingest.")]
EntityKey = Annotated[str, Path(max_length=200, description="Entity id, or any spelling of its name.")]


def corpus(request: Request) -> api.Newswatch:
    """This worker thread's read-only corpus.

    Called inside each endpoint, not as a dependency: FastAPI may run a sync
    dependency on a different thread from its endpoint, and a connection must
    stay with the thread that uses it.
    """
    state: ServerState = request.app.state.newswatch
    return state.reader()


@router.get("/stats", summary="Corpus figures", tags=["corpus"])
def stats(request: Request) -> dict:
    """Counts of articles, entities, quotes, events, stories, duplicates; languages and sources (as `stats --json`)."""
    nw = corpus(request)
    figures = nw.stats()
    figures.pop("database", None)  # a server path is nobody else's business
    return figures


@router.get("/articles", summary="List articles", tags=["articles"])
def articles(request: Request, since: Since = None, until: Until = None, source: Source = None,
             language: Language = None, limit: Limit = 50, offset: Offset = 0,
             all: Annotated[bool, Query(description="List near-duplicate copies too.")] = False) -> list[dict]:
    """Oldest publication first; each near-duplicate group once with its `copies` unless `all` (as `articles --json`)."""
    nw = corpus(request)
    if since and until and since > until:
        raise ValueError(f"since ({since}) is after until ({until})")
    return nw.articles(since, until, source, language, limit, offset, collapse=not all)


@router.get("/articles/{key:path}/similar", summary="Articles similar in meaning", tags=["articles"])
def similar(request: Request, key: Key, limit: Annotated[int, Query(ge=1, le=50)] = 5) -> list[dict]:
    """Nearest articles by embedding, the article's own near-duplicates left out."""
    nw = corpus(request)
    return nw.similar(key, limit)


@router.get("/articles/{key:path}", summary="One article", tags=["articles"])
def article(request: Request, key: Key) -> dict:
    """Clean and original text, metadata, dates, entity mentions, quotes, event, story, duplicates (as `show --json`)."""
    nw = corpus(request)
    return nw.article(key)


@router.get("/entities", summary="List entities", tags=["entities"])
def entities(request: Request, type: Annotated[Literal["PERSON", "ORG", "PLACE"] | None, Query()] = None,
             name: Annotated[str | None, Query(max_length=200, description="Part of any spelling.")] = None,
             limit: Limit = 50, offset: Offset = 0) -> list[dict]:
    """Most widely reported first, with name variants and roles (as `entities --json`)."""
    nw = corpus(request)
    return nw.entities(type, limit, offset, name)


@router.get("/entities/{key}", summary="One entity", tags=["entities"])
def entity(request: Request, key: EntityKey) -> dict:
    """Variants, roles, articles and quotes of one entity (as `entity --json`)."""
    nw = corpus(request)
    return nw.entity(key)


@router.get("/quotes", summary="List quotes", tags=["entities"])
def quotes(request: Request, speaker: Annotated[str | None, Query(max_length=200)] = None,
           direct: Annotated[bool | None, Query(description="true: direct quotes only; false: reported speech only")] = None,
           limit: Limit = 50, offset: Offset = 0) -> list[dict]:
    """Quotes with their speakers, oldest first (as `quotes --json`)."""
    nw = corpus(request)
    return nw.quotes(speaker, limit, offset, direct)


@router.get("/events", summary="List events", tags=["events and stories"])
def events(request: Request, story: Annotated[int | None, Query(ge=1)] = None, limit: Limit = 50,
           offset: Offset = 0) -> list[dict]:
    """Most recent first (as `events --json`)."""
    nw = corpus(request)
    return nw.events(limit, offset, story)


@router.get("/events/{event_id}", summary="One event", tags=["events and stories"])
def event(request: Request, event_id: Annotated[int, Path(ge=1)]) -> dict:
    """One event: its articles, sources and main entities (as one item of `events --json`)."""
    nw = corpus(request)
    return nw.event(event_id)


@router.get("/stories", summary="List stories", tags=["events and stories"])
def stories(request: Request, limit: Limit = 50, offset: Offset = 0,
            by: Literal["importance", "recent"] = "importance",
            min_articles: Annotated[int, Query(ge=1, le=1_000_000)] = 1) -> list[dict]:
    """Most important now first (distinct sources, articles and growth in the corpus's last week), or most
    recent activity first with `by=recent`; `min_articles` leaves out smaller stories (as `stories --json`)."""
    nw = corpus(request)
    return nw.stories(limit, offset, by, min_articles)


@router.get("/stories/{story_id}", summary="One story", tags=["events and stories"])
def story(request: Request, story_id: Annotated[int, Path(ge=1)]) -> dict:
    """One story with its timeline of events (as one item of `stories --json`)."""
    nw = corpus(request)
    return nw.story(story_id)


@router.get("/duplicates", summary="Near-duplicate groups", tags=["articles"])
def duplicates(request: Request, limit: Limit = 50, offset: Offset = 0) -> list[dict]:
    """Largest groups first, each with its canonical article and copies (as `duplicates --json`)."""
    nw = corpus(request)
    return nw.duplicates(limit, offset)


@router.get("/compare", summary="Why two articles are related", tags=["articles"])
def compare(request: Request, a: Annotated[str, Query(min_length=1, max_length=500)],
            b: Annotated[str, Query(min_length=1, max_length=500)]) -> dict:
    """Same event / story / duplicate, a similarity breakdown and a one-line explanation (as `compare --json`)."""
    nw = corpus(request)
    return nw.compare(a, b)


@router.get("/search", summary="Search articles", tags=["search"])
def search(request: Request, q: Annotated[str, Query(min_length=1, max_length=500, description="Words to look for.")],
           mode: Literal["hybrid", "text", "semantic"] = "hybrid", since: Since = None, until: Until = None,
           source: Source = None, language: Language = None,
           entity: Annotated[str | None, Query(max_length=200, description="Only articles naming this entity.")] = None,
           limit: Annotated[int, Query(ge=1, le=100)] = 20, offset: Annotated[int, Query(ge=0, le=10_000)] = 0) -> dict:
    """`{"results": [{"id", "external_id", "title", "snippet", "highlights", "score", ...}], "total": N}`.

    Full text (FTS5, bm25, titles weighted) and semantic (embeddings) combined by
    reciprocal rank fusion; `highlights` are [start, end) offsets into `snippet`.
    """
    nw = corpus(request)
    return nw.search(q, mode, since, until, source, language, entity, limit, offset)


# -- ingest -------------------------------------------------------------------

def require_token(request: Request, authorization: Annotated[str | None, Header()] = None,
                  x_newswatch_token: Annotated[str | None, Header()] = None) -> ServerState:
    state: ServerState = request.app.state.newswatch
    if not state.uploads_enabled:
        raise HTTPException(403, "this server is read-only: start it with --ingest-token to accept uploads")
    given = x_newswatch_token
    if authorization and authorization.lower().startswith("bearer "):
        given = authorization[7:].strip()
    if not given:
        raise HTTPException(401, "an ingest token is required (header 'Authorization: Bearer TOKEN')",
                            headers={"www-authenticate": "Bearer"})
    try:
        ok = state.token_ok(given, request.client.host if request.client else "")
    except TooManyAttempts as exc:
        raise HTTPException(429, str(exc), headers={"retry-after": str(exc.retry_after)}) from None
    if not ok:
        raise HTTPException(403, "wrong ingest token")
    return state


MAX_FILES = 200


class UploadTooLarge(HTTPException):
    """More records or URLs in one upload than the server takes at once (413)."""

    def __init__(self, message: str):
        super().__init__(413, message)


async def read_upload(request: Request) -> Upload:
    """An upload from a multipart form (files, url, text, title, source) or a JSON body ({records, urls})."""
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    upload = Upload()
    if kind == "application/json":
        try:
            body = json.loads(await request.body())
        except (ValueError, UnicodeDecodeError):
            raise ValueError("the request body is not valid JSON") from None
        except RecursionError:
            raise ValueError("the request body is JSON nested too deeply") from None
        if not isinstance(body, dict):
            raise ValueError('the JSON body must be an object: {"records": [...], "urls": [...]}')
        records, urls = body.get("records", []), body.get("urls", [])
        if not isinstance(records, list) or not all(isinstance(r, dict) for r in records):
            raise ValueError("records must be a list of objects shaped like JSONL lines (text or html required)")
        if not isinstance(urls, list) or not all(isinstance(u, str) for u in urls):
            raise ValueError("urls must be a list of strings")
        upload.texts, upload.urls = records, urls
    elif kind == "multipart/form-data" or kind == "application/x-www-form-urlencoded":
        form = await request.form(max_files=MAX_FILES, max_fields=50)
        for item in form.getlist("files"):
            if hasattr(item, "read") and item.filename:
                upload.files.append((item.filename, await item.read()))
        upload.urls = [u.strip() for field in form.getlist("url") if isinstance(field, str)
                       for u in field.split() if u.strip()]
        text = form.get("text")
        if isinstance(text, str) and text.strip():
            record = {"text": text}
            for name in ("title", "source"):
                value = form.get(name)
                if isinstance(value, str) and value.strip():
                    record[name] = value.strip()[:500]
            upload.texts = [record]
    else:
        raise ValueError("send multipart/form-data (files, url, text) or application/json ({records, urls})")
    most = request.app.state.newswatch.options.max_upload_records
    if len(upload.texts) + len(upload.urls) > most:
        raise UploadTooLarge(f"{len(upload.texts) + len(upload.urls):,} records and URLs in one request; "
                             f"the limit is {most:,}: send them in several requests")
    bad = [u for u in upload.urls if safe_url(u) is None]
    if bad:
        raise ValueError(f"not an http(s) URL: {bad[0][:200]!r}")
    if not upload:
        raise ValueError("nothing to ingest: give files, a URL or some text")
    return upload


class MergeBody(BaseModel):
    drop: str = Field(min_length=1, max_length=200, description="The entity (id or any spelling) that is this one.")


class SplitBody(BaseModel):
    spelling: str = Field(min_length=1, max_length=200, description="The spelling that names someone else.")


class RenameBody(BaseModel):
    name: str = Field(min_length=1, max_length=200, description="The name to show the entity with.")


def _correct(state: ServerState, change) -> dict:
    """A correction, written on a connection of its own (the readers are read-only)."""
    with api.open(state.db_path) as nw:
        return change(nw)


@router.post("/entities/{key}/merge", summary="Correction: another entity is this one (needs the token)",
             tags=["entities"])
def merge_entity(key: EntityKey, body: MergeBody, state: Annotated[ServerState, Depends(require_token)]) -> dict:
    """As `newswatch merge-entities KEY DROP`: DROP's mentions and spellings join KEY, now and in later linking."""
    return _correct(state, lambda nw: nw.merge_entities(key, body.drop))


@router.post("/entities/{key}/split", summary="Correction: a spelling names someone else (needs the token)",
             tags=["entities"])
def split_entity(key: EntityKey, body: SplitBody, state: Annotated[ServerState, Depends(require_token)]) -> dict:
    """As `newswatch split-entity KEY SPELLING`: the mentions so spelled get an entity of their own, kept apart."""
    return _correct(state, lambda nw: nw.split_entity(key, body.spelling))


@router.post("/entities/{key}/rename", summary="Correction: the name to show (needs the token)", tags=["entities"])
def rename_entity(key: EntityKey, body: RenameBody, state: Annotated[ServerState, Depends(require_token)]) -> dict:
    """As `newswatch rename-entity KEY NAME`."""
    return _correct(state, lambda nw: nw.rename_entity(key, body.name))


@router.get("/alerts", summary="Alerts, newest first", tags=["alerts"])
def alerts(request: Request, limit: Limit = 50, offset: Offset = 0,
           kind: Annotated[Literal["breaking", "watchlist"] | None, Query()] = None,
           watchlist: Annotated[int | None, Query(ge=1, description="Only this watchlist's alerts.")] = None
           ) -> list[dict]:
    """Breaking stories and watchlist matches (as `alerts --json`)."""
    return corpus(request).store.list_alerts(limit, offset, kind, watchlist)


@router.get("/watchlists", summary="Watchlists", tags=["alerts"])
def watchlists(request: Request) -> list[dict]:
    """Saved queries with the number of alerts each raised (as `watchlists list --json`)."""
    return corpus(request).store.list_watchlists()


@router.get("/sources", summary="Watched sources", tags=["alerts"])
def sources(request: Request) -> list[dict]:
    """The sources `newswatch watch` polls, with their last poll (as `sources list --json`)."""
    return corpus(request).store.list_sources()


@router.post("/ingest", summary="Ingest files, URLs or text (needs the ingest token)", tags=["ingest"],
             status_code=202)
async def ingest(request: Request, state: Annotated[ServerState, Depends(require_token)]):
    """Queue an ingest; returns the job (`id`, `status`). Poll `GET /api/ingest/{id}` for progress and errors."""
    job = state.submit(await read_upload(request))
    return JSONResponse(job.as_dict(), status_code=202, headers={"location": f"/api/ingest/{job.id}"})


@router.get("/ingest/{job_id}", summary="Progress of an ingest job", tags=["ingest"])
def ingest_job(job_id: Annotated[str, Path(pattern=r"^[0-9a-f]{12}$")],
               state: Annotated[ServerState, Depends(require_token)]) -> dict:
    job = state.job(job_id)
    if job is None:
        raise HTTPException(404, f"no ingest job {job_id}")
    return job.as_dict()
