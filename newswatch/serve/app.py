"""The ASGI application: JSON API under /api, pages everywhere else, assets under /static.

Every response carries a Content-Security-Policy that allows scripts, styles
and images from this server only, so even a rendering mistake cannot run
script from an article. Errors reach clients as one coded line (JSON for
/api, a page otherwise); stack traces go to the server log only.
"""

from __future__ import annotations

import logging
from contextlib import asynccontextmanager
from importlib import resources

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from .. import __version__
from ..config import ServeOptions
from ..errors import NewswatchError, NotFoundError, StoreError
from .state import ServerState

log = logging.getLogger("newswatch.serve")

SECURITY_HEADERS = {
    "content-security-policy": ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:;"
                                " connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"),
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "x-frame-options": "DENY",
}
INGEST_PATHS = ("/api/ingest", "/upload")


class BodyLimit:
    """Refuses request bodies over the limit (413) before they are read into memory."""

    def __init__(self, app, options: ServeOptions):
        self.app = app
        self.options = options

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        path = scope["path"]
        limit = self.options.max_upload_bytes if path.startswith(INGEST_PATHS) else self.options.max_body_bytes
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > limit):
            return await _too_large(scope, send, limit)
        seen = 0

        async def counted():
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    raise _BodyTooLarge()
            return message

        try:
            await self.app(scope, counted, send)
        except _BodyTooLarge:
            await _too_large(scope, send, limit)


class _BodyTooLarge(Exception):
    pass


async def _too_large(scope, send, limit: int):
    response = _error(scope["path"], 413, "E413", f"request body over the limit of {limit:,} bytes")
    await response(scope, _no_body, send)


async def _no_body():
    return {"type": "http.request", "body": b"", "more_body": False}


def _error(path: str, status: int, code: str, message: str, details: list | None = None):
    if path.startswith("/api") or path in ("/openapi.json",):
        body = {"error": {"code": code, "message": message}}
        if details:
            body["error"]["details"] = details
        return JSONResponse(body, status_code=status, headers=SECURITY_HEADERS)
    from .pages import error_page

    return error_page(status, code, message)


def _validation_message(exc: RequestValidationError) -> tuple[str, list]:
    details = []
    for err in exc.errors():
        where = ".".join(str(p) for p in err.get("loc", ()) if p not in ("query", "path", "body"))
        details.append({"parameter": where, "problem": err.get("msg", "invalid")})
    text = "; ".join(f"{d['parameter']}: {d['problem']}" for d in details) or "invalid request"
    return f"bad request parameter ({text})", details


def create_app(db_path: str, options: ServeOptions | None = None) -> FastAPI:
    """The newswatch web application over the corpus at ``db_path``.

    >>> app = create_app(":memory:")
    >>> sorted(p for p in app.openapi()["paths"] if p.startswith("/api/stories"))
    ['/api/stories', '/api/stories/{story_id}']
    """
    options = options or ServeOptions()
    state = ServerState(db_path, options)

    @asynccontextmanager
    async def lifespan(_app):
        yield
        state.close()

    app = FastAPI(title="newswatch", version=__version__, docs_url=None, redoc_url=None, lifespan=lifespan,
                  description="The JSON API of a newswatch corpus. Every list is paginated with `limit` and "
                              "`offset`; objects are the same as the CLI's `--json` output.")
    app.state.newswatch = state

    @app.middleware("http")
    async def security_headers(request: Request, call_next):
        response = await call_next(request)
        for key, value in SECURITY_HEADERS.items():
            response.headers.setdefault(key, value)
        return response

    @app.exception_handler(RequestValidationError)
    async def on_validation(request: Request, exc: RequestValidationError):
        message, details = _validation_message(exc)
        return _error(request.url.path, 400, "E400", message, details)

    @app.exception_handler(NotFoundError)
    async def on_not_found(request: Request, exc: NotFoundError):
        return _error(request.url.path, 404, exc.code, str(exc))

    @app.exception_handler(StoreError)
    async def on_store(request: Request, exc: StoreError):
        log.error("store error on %s: %s", request.url.path, exc)
        return _error(request.url.path, 503, exc.code, "the database is not available right now")

    @app.exception_handler(NewswatchError)
    async def on_newswatch(request: Request, exc: NewswatchError):
        return _error(request.url.path, 400, exc.code, str(exc))

    @app.exception_handler(ValueError)
    async def on_value(request: Request, exc: ValueError):
        return _error(request.url.path, 400, "E400", str(exc))

    @app.exception_handler(OverflowError)
    async def on_overflow(request: Request, exc: OverflowError):
        # An id or paging number past what the database holds (2^63 - 1): nothing can be there.
        return _error(request.url.path, 400, "E400", "a number in the request is too large (at most 2^63 - 1)")

    @app.exception_handler(StarletteHTTPException)
    async def on_http(request: Request, exc: StarletteHTTPException):
        code = f"E{exc.status_code}"
        message = exc.detail if isinstance(exc.detail, str) else "request refused"
        if exc.status_code == 404 and message == "Not Found":
            message = f"no page at {request.url.path}"
        response = _error(request.url.path, exc.status_code, code, message)
        for key, value in (exc.headers or {}).items():
            response.headers[key] = value
        return response

    @app.exception_handler(Exception)
    async def on_crash(request: Request, exc: Exception):
        log.exception("internal error on %s", request.url.path)
        return _error(request.url.path, 500, "E500", "internal error; the details are in the server log")

    from . import api_routes, pages

    app.include_router(api_routes.router)
    app.include_router(pages.router)
    app.mount("/static", StaticFiles(directory=str(resources.files("newswatch.serve") / "static")), name="static")

    # The body limit wraps the whole app, so it applies before any route reads a byte.
    app.add_middleware(BodyLimit, options=options)
    return app
