"""The web pages: server-rendered with Jinja (autoescaped), a few lines of optional JavaScript."""

from __future__ import annotations

from datetime import date
from importlib import resources
from typing import Annotated, Literal
from urllib.parse import urlencode

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates

from .. import __version__
from ..errors import NotFoundError
from .api_routes import corpus, read_upload
from .render import annotate, chart, isolate_bidi, marked, safe_url, span_label
from .state import ServerState, TooManyAttempts

router = APIRouter(include_in_schema=False)
templates = Jinja2Templates(directory=str(resources.files("newswatch.serve") / "templates"))
templates.env.globals.update(version=__version__, span_label=span_label, safe_url=safe_url)
templates.env.filters["day"] = lambda value: (value or "undated")[:10]
# Every printed value (a source, a name, a title) keeps its direction controls to itself.
templates.env.finalize = isolate_bidi
templates.env.filters["join"] = lambda items, sep="": sep.join(str(isolate_bidi(i)) for i in items)

TYPE_NAMES = {"PERSON": "person", "ORG": "organisation", "PLACE": "place"}
templates.env.globals["type_names"] = TYPE_NAMES


def _state(request: Request) -> ServerState:
    return request.app.state.newswatch


def render(request: Request, template: str, status: int = 200, **context) -> HTMLResponse:
    context.setdefault("uploads_enabled", _state(request).uploads_enabled)
    return templates.TemplateResponse(request, template, context, status_code=status)


def error_page(status: int, code: str, message: str) -> HTMLResponse:
    template = templates.get_template("error.html")
    return HTMLResponse(template.render(status=status, code=code, message=message), status_code=status)


Page = Annotated[int, Query(ge=1, le=100_000, description="Page number, from 1.")]


def _pager(request: Request, page: int, has_next: bool) -> dict:
    def link(n: int) -> str:
        params = dict(request.query_params)
        params["page"] = str(n)
        return f"{request.url.path}?{urlencode(params)}"

    return {"page": page, "prev": link(page - 1) if page > 1 else None, "next": link(page + 1) if has_next else None}


@router.get("/", response_class=HTMLResponse)
def home(request: Request, page: Page = 1):
    nw = corpus(request)
    size = _state(request).options.page_size
    stories = nw.stories(limit=size + 1, offset=(page - 1) * size)
    has_next = len(stories) > size
    stories = stories[:size]
    for story in stories:
        story["sources"] = nw.store.story_sources(story["id"])
        story["people"] = [e for e in story["entities"] if e["type"] == "PERSON"][:3]
        story["spark"] = chart(nw.store.activity(story_id=story["id"]), width=120, height=28)
    figures = _state(request).cached("stats", nw.stats)
    return render(request, "home.html", stories=stories, stats=figures, pager=_pager(request, page, has_next))


@router.get("/stories/{story_id}", response_class=HTMLResponse)
def story(request: Request, story_id: Annotated[int, Path(ge=1)], page: Page = 1):
    nw = corpus(request)
    found = nw.story(story_id)
    options = _state(request).options
    timeline, size, shown = found["timeline"], options.story_events_per_page, options.event_rows_shown
    start = (page - 1) * size
    events = []
    for item in timeline[start:start + size]:
        event = nw.event(item["id"])
        rows = nw.store.event_articles(item["id"])
        event["rows"], event["more_rows"] = rows[:shown], max(0, len(rows) - shown)
        events.append(event)
    return render(request, "story.html", story=found, events=events,
                  pager=_pager(request, page, start + size < len(timeline)),
                  volume=chart(nw.store.activity(story_id=story_id)),
                  sources=nw.store.story_sources(story_id), quotes=nw.store.story_quotes(story_id))


@router.get("/events/{event_id}", response_class=HTMLResponse)
def event(request: Request, event_id: Annotated[int, Path(ge=1)]):
    nw = corpus(request)
    found = nw.event(event_id)
    rows = nw.store.event_articles(event_id)
    lead = nw.article(rows[0]["id"]) if rows else None
    story_info = nw.story(found["story_id"]) if found["story_id"] else None
    quotes = [q for row in rows for q in nw.store.list_quotes(article_id=row["id"], limit=None) if q["speaker"]]
    return render(request, "event.html", event=found, rows=rows, lead=lead, story=story_info,
                  paragraphs=annotate(lead["text"], lead["mentions"], lead["quotes"]) if lead else [],
                  quotes=quotes[:12], volume=chart(nw.store.activity(event_id=event_id)))


@router.get("/articles/{key:path}", response_class=HTMLResponse)
def article(request: Request, key: Annotated[str, Path(max_length=500)]):
    nw = corpus(request)
    art = nw.article(key)
    same_event = [r for r in nw.store.event_articles(art["event_id"]) if r["id"] != art["id"]
                  and art["id"] not in r["copy_ids"]] if art["event_id"] else []
    # A story can run for years with hundreds of events: the ones nearest this article's are listed.
    other_events = nw.store.nearby_events(art["story"]["id"], art["event"]["id"] if art["event"] else None,
                                          (art["published"] or "")[:10] or None) if art["story"] else []
    return render(request, "article.html", art=art, paragraphs=annotate(art["text"], art["mentions"], art["quotes"]),
                  same_event=same_event, other_events=other_events, similar=nw.similar(art["id"], 5),
                  entities=_article_entities(art))


def _article_entities(art: dict) -> list[dict]:
    seen: dict[int, dict] = {}
    for m in art["mentions"]:
        if m["entity_id"] is None:
            continue
        item = seen.setdefault(m["entity_id"], {"id": m["entity_id"], "name": m["entity_name"] or m["text"],
                                                "type": m["type"], "count": 0})
        item["count"] += 1
    return sorted(seen.values(), key=lambda e: (-e["count"], e["name"]))


@router.get("/entities", response_class=HTMLResponse)
def entities(request: Request, type: Annotated[Literal["", "PERSON", "ORG", "PLACE"], Query()] = "",
             name: Annotated[str, Query(max_length=200)] = "", page: Page = 1):
    nw = corpus(request)
    size = 50
    rows = nw.entities(type or None, size + 1, (page - 1) * size, name.strip() or None)
    return render(request, "entities.html", rows=rows[:size], type=type, name=name,
                  pager=_pager(request, page, len(rows) > size))


@router.get("/entities/{key}", response_class=HTMLResponse)
def entity(request: Request, key: Annotated[str, Path(max_length=200)]):
    nw = corpus(request)
    found = nw.entity(key)
    if str(found["id"]) != key:  # a name or spelling: one canonical address per entity
        return RedirectResponse(f"/entities/{found['id']}", status_code=303)
    return _entity_page(request, found)


def _entity_page(request: Request, found: dict, status: int = 200, **extra) -> HTMLResponse:
    nw = corpus(request)
    articles = sorted(found["articles"], key=lambda a: a["published"] or "", reverse=True)
    return render(request, "entity.html", status=status, entity=found, articles=articles[:60],
                  more=max(0, len(articles) - 60), volume=chart(nw.store.activity(entity_id=found["id"])),
                  co=nw.store.co_entities(found["id"]), **extra)


def _token_refusal(request: Request, token) -> tuple[int, str, int | None] | None:
    """Why a form's ingest token is refused (status, problem, seconds to wait), or None when it is right."""
    try:
        ok = _state(request).token_ok(token if isinstance(token, str) else None,
                                      request.client.host if request.client else "")
    except TooManyAttempts as exc:
        return 429, str(exc), exc.retry_after
    return None if ok else (403, "wrong or missing ingest token", None)


def _refused(response: HTMLResponse, retry_after: int | None) -> HTMLResponse:
    if retry_after is not None:
        response.headers["retry-after"] = str(retry_after)
    return response


@router.post("/entities/{entity_id}/correct", response_class=HTMLResponse)
async def correct_entity(request: Request, entity_id: Annotated[int, Path(ge=1)]):
    """A correction from the entity page's form (the ingest token grants it, as it grants uploads)."""
    from .. import api

    state = _state(request)
    form = await request.form(max_files=0, max_fields=10)
    action, value, token = (form.get(k) for k in ("action", "value", "token"))

    def again(status: int, problem: str, retry_after: int | None = None) -> HTMLResponse:
        page = _entity_page(request, corpus(request).entity(str(entity_id)), status, problem=problem,
                            correction={"action": action, "value": value if isinstance(value, str) else ""})
        return _refused(page, retry_after)

    if not state.uploads_enabled:
        return again(403, "this server is read-only: start it with --ingest-token to accept corrections")
    refusal = _token_refusal(request, token)
    if refusal:
        return again(*refusal)
    value = value.strip() if isinstance(value, str) else ""
    if action not in ("rename", "split", "merge") or not value or len(value) > 200:
        return again(400, "choose what is wrong and give a name, a spelling or the other entity (up to 200 characters)")
    try:
        with api.open(state.db_path) as nw:
            if action == "rename":
                result = nw.rename_entity(entity_id, value)
            elif action == "split":
                result = nw.split_entity(entity_id, value)
            else:
                result = nw.merge_entities(entity_id, value)
    except (NotFoundError, ValueError) as exc:
        return again(404 if isinstance(exc, NotFoundError) else 400, str(exc))
    return RedirectResponse(f"/entities/{result['id']}", status_code=303)


@router.get("/search", response_class=HTMLResponse)
def search(request: Request, q: Annotated[str, Query(max_length=500)] = "",
           mode: Literal["hybrid", "text", "semantic"] = "hybrid",
           since: Annotated[date | None, Query()] = None, until: Annotated[date | None, Query()] = None,
           source: Annotated[str, Query(max_length=200)] = "",
           language: Annotated[str, Query(pattern=r"^([A-Za-z]{2,3})?$")] = "",
           entity: Annotated[str, Query(max_length=200)] = "", page: Page = 1):
    nw = corpus(request)
    figures = _state(request).cached("stats", nw.stats)
    context = dict(q=q, mode=mode, since=since, until=until, source=source, language=language, entity=entity,
                   sources=list(figures["sources"]), languages=list(figures["languages"]), found=None,
                   pager=None, problem=None)
    if q.strip():
        size = _state(request).options.page_size
        try:
            found = nw.search(q, mode, since, until, source or None, language or None, entity or None,
                              limit=size, offset=(page - 1) * size)
        except NotFoundError as exc:
            context["problem"] = str(exc)
            return render(request, "search.html", **context)
        for hit in found["results"]:
            hit["pieces"] = marked(hit["snippet"], hit["highlights"])
        context.update(found=found, pager=_pager(request, page, found["total"] > page * size))
    return render(request, "search.html", **context)


@router.get("/compare", response_class=HTMLResponse)
def compare(request: Request, a: Annotated[str, Query(max_length=500)] = "",
            b: Annotated[str, Query(max_length=500)] = ""):
    nw = corpus(request)
    if not a.strip() or not b.strip():
        return render(request, "compare.html", a=a, b=b, result=None)
    result = nw.compare(a.strip(), b.strip())
    left, right = nw.article(result["a"]["id"]), nw.article(result["b"]["id"])
    return render(request, "compare.html", a=a, b=b, result=result, left=left, right=right,
                  left_entities=_article_entities(left), right_entities=_article_entities(right))


# -- upload -------------------------------------------------------------------

@router.get("/upload", response_class=HTMLResponse)
def upload_form(request: Request):
    return render(request, "upload.html", problem=None, values={})


@router.post("/upload", response_class=HTMLResponse)
async def upload(request: Request):
    state = _state(request)
    if not state.uploads_enabled:
        return render(request, "upload.html", status=403, values={},
                      problem="this server is read-only: start it with --ingest-token to accept uploads")
    form = await request.form(max_files=200, max_fields=50)
    # What was typed comes back with the error, so nothing has to be typed twice (files must be chosen again).
    values = {k: form.get(k) for k in ("url", "title", "source", "text") if isinstance(form.get(k), str)}
    refusal = _token_refusal(request, form.get("token"))
    if refusal:
        status, problem, retry_after = refusal
        return _refused(render(request, "upload.html", status=status, values=values, problem=problem), retry_after)
    try:
        job = state.submit(await read_upload(request))
    except ValueError as exc:
        return render(request, "upload.html", status=400, values=values, problem=str(exc))
    # The job page is only reachable with its unguessable id, which stands in for the token from here on.
    return RedirectResponse(f"/upload/jobs/{job.id}", status_code=303)


@router.get("/upload/jobs/{job_id}", response_class=HTMLResponse)
def upload_job(request: Request, job_id: Annotated[str, Path(pattern=r"^[0-9a-f]{12}$")]):
    job = _state(request).job(job_id)
    if job is None:
        raise NotFoundError(f"no upload job {job_id} (jobs are kept while the server runs)")
    return render(request, "job.html", job=job)


# -- API documentation ----------------------------------------------------------

@router.get("/docs", response_class=HTMLResponse)
def docs(request: Request):
    """The OpenAPI description as a page, drawn here: no documentation UI is fetched from a CDN."""
    spec = request.app.openapi()
    endpoints = []
    for path, methods in spec.get("paths", {}).items():
        for method, op in methods.items():
            params = [{"name": p["name"], "where": p["in"], "required": p.get("required", False),
                       "type": _type_name(p.get("schema", {})), "description": p.get("description", "")}
                      for p in op.get("parameters", [])]
            endpoints.append({"method": method.upper(), "path": path, "summary": op.get("summary", ""),
                              "description": op.get("description", ""), "params": params,
                              "tag": (op.get("tags") or ["other"])[0]})
    return render(request, "docs.html", endpoints=endpoints, title=spec["info"]["title"])


def _type_name(schema: dict) -> str:
    if "anyOf" in schema:
        return " or ".join(_type_name(s) for s in schema["anyOf"] if s.get("type") != "null")
    if "enum" in schema:
        return " | ".join(map(str, schema["enum"]))
    bounds = [f"{k} {schema[k]}" for k in ("minimum", "maximum", "maxLength") if k in schema]
    kind = schema.get("format") or schema.get("type", "any")
    return kind + (f" ({', '.join(bounds)})" if bounds else "")


AlertKind = Annotated[Literal["", "breaking", "watchlist"], Query()]


@router.get("/alerts", response_class=HTMLResponse)
def alerts(request: Request, kind: AlertKind = "", page: Page = 1):
    nw = corpus(request)
    size = 50
    rows = nw.store.list_alerts(size + 1, (page - 1) * size, kind or None)
    return render(request, "alerts.html", rows=rows[:size], kind=kind, watchlists=nw.store.list_watchlists(),
                  sources=nw.store.list_sources(), pager=_pager(request, page, len(rows) > size))


ATOM_ENTRIES = 100


def _atom(request: Request, rows: list[dict], title: str) -> Response:
    from ..alerts.deliver import atom

    site = str(request.base_url).rstrip("/")  # the Host was checked against the names this server answers
    return Response(atom(rows, title, f"{site}{request.url.path}", site), media_type="application/atom+xml")


@router.get("/alerts.atom")
def alerts_atom(request: Request):
    return _atom(request, corpus(request).store.list_alerts(ATOM_ENTRIES), "newswatch alerts")


@router.get("/watchlists/{watchlist_id}/alerts.atom")
def watchlist_atom(request: Request, watchlist_id: Annotated[int, Path(ge=1)]):
    nw = corpus(request)
    found = nw.store.get_watchlist(watchlist_id)
    if found is None:
        raise NotFoundError(f"no watchlist {watchlist_id}")
    return _atom(request, nw.store.list_alerts(ATOM_ENTRIES, watchlist_id=watchlist_id),
                 f"newswatch alerts: {found['name']}")
