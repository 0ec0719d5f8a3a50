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

import anyio
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from .. import __version__
from ..config import ServeOptions
from ..errors import NewswatchError, NotFoundError, StoreError
from .cache import ResponseCache
from .guard import Guard, json_error
from .state import ServerState

log = logging.getLogger("newswatch.serve")

def _error(path: str, status: int, code: str, message: str, details: list | None = None):
    if path.startswith("/api") or path in ("/openapi.json",):
        return json_error(status, code, message, details)
    from .pages import error_page

    return error_page(status, code, message)


class NewswatchApp(FastAPI):
    """FastAPI with the request guard outermost: outside even the handler that answers crashes with a 500."""

    def __init__(self, *args, serve_options: ServeOptions, **kwargs):
        self.serve_options = serve_options
        super().__init__(*args, **kwargs)

    def build_middleware_stack(self):
        self.response_cache = ResponseCache(super().build_middleware_stack(), self.state.newswatch.db_path,
                                            self.serve_options.cache_bytes)
        return Guard(self.response_cache, self.serve_options, _error)


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
        # Requests are answered on a small pool of threads, the rest wait their turn in the event loop.
        # Forty threads (the default) contend for the interpreter lock and each keeps a cold database
        # cache of its own: under 50 clients that took twice the time per request.
        anyio.to_thread.current_default_thread_limiter().total_tokens = options.threads
        yield
        state.close()
        if getattr(_app, "response_cache", None) is not None:
            _app.response_cache.close()

    app = NewswatchApp(serve_options=options, title="newswatch", version=__version__, docs_url=None, redoc_url=None, lifespan=lifespan,
                  description="The JSON API of a newswatch corpus. Every list is paginated with `limit` and "
                              "`offset`; objects are the same as the CLI's `--json` output.")
    app.state.newswatch = state

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
    return app
