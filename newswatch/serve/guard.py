"""What every request must pass before a route sees it, and what every response carries.

One ASGI layer around the whole application, outside FastAPI's own error
handling, so that its refusals and its headers apply to every response, the
500 page included:

- **Host**: only the names the server serves are answered. A page on another
  site whose name was re-pointed at this machine (DNS rebinding) sends its own
  name as Host, and is refused, so it cannot read the corpus.
- **Origin**: a request that changes something (POST) coming from another
  site's page is refused; the browser says where it comes from in Origin (or
  Referer). Scripts (curl, httpx) send neither, and still need the token.
- **Body size**: bodies over the limit get 413 before they are read, whether
  the length is declared or the body arrives in chunks.
- **Headers**: the security headers go on every response, and redirects point
  at a path on this server, never at a name taken from the request.
"""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit

from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

from ..config import ServeOptions

SECURITY_HEADERS = {
    "content-security-policy": ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:;"
                                " connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"),
    "x-content-type-options": "nosniff",
    "referrer-policy": "same-origin",  # with no-referrer, browsers send "Origin: null" on our own forms
    "x-frame-options": "DENY",
}
INGEST_PATHS = ("/api/ingest", "/upload")
LOOPBACK_NAMES = ("localhost", "127.0.0.1", "::1")
UNSAFE_METHODS = ("POST", "PUT", "PATCH", "DELETE")


def served_names(options: ServeOptions) -> frozenset[str] | None:
    """The Host names the server answers to (lower case, no port), or None for any name.

    >>> sorted(served_names(ServeOptions()))
    ['127.0.0.1', '::1', 'localhost']
    >>> sorted(served_names(ServeOptions(host="0.0.0.0", allowed_hosts=("News.example.org",))))
    ['127.0.0.1', '::1', 'localhost', 'news.example.org']
    """
    if "*" in options.allowed_hosts:
        return None
    names = set(LOOPBACK_NAMES) | {h.lower().strip("[]") for h in options.allowed_hosts}
    if options.host not in ("0.0.0.0", "::"):  # a wildcard address is no name anyone types
        names.add(options.host.lower().strip("[]"))
    return frozenset(names)


def host_name(value: str) -> str:
    """The name in a Host header or URL authority, without port or brackets, lower case.

    >>> host_name("Example.org:8000"), host_name("[::1]:8000"), host_name("::1")
    ('example.org', '::1', '::1')
    """
    value = value.strip().lower()
    if value.startswith("["):
        return value[1:value.find("]")] if "]" in value else value
    if value.count(":") == 1:
        return value.split(":")[0]
    try:  # a bare IPv6 address
        return str(ipaddress.IPv6Address(value))
    except ValueError:
        return value


class Guard:
    """The ASGI layer described in the module docstring."""

    def __init__(self, app, options: ServeOptions, error_response):
        self.app = app
        self.options = options
        self.names = served_names(options)
        self.error = error_response  # (path, status, code, message) -> Response

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        path = scope["path"]
        refusal = self._refusal(scope, headers)
        if refusal is not None:
            return await self._respond(scope, send, *refusal)
        limit = self.options.max_upload_bytes if path.startswith(INGEST_PATHS) else self.options.max_body_bytes
        declared = headers.get("content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > limit):
            return await self._respond(scope, send, *_too_large(limit))

        seen = 0
        over = False
        started = False

        async def counted():
            nonlocal seen, over
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    over = True
                    # Whatever the route was doing with the body, it ends here with a 413.
                    raise BodyTooLarge(limit)
            return message

        async def guarded_send(message):
            nonlocal started
            if message["type"] == "http.response.start":
                if over and message["status"] != 413:
                    # The route turned the cut-off body into an error of its own: say what happened instead.
                    raise BodyTooLarge(limit)
                started = True
                message["headers"] = _with_security_headers(message.get("headers", []))
            await send(message)

        try:
            await self.app(scope, counted, guarded_send)
        except BodyTooLarge:
            if not started:
                await self._respond(scope, send, *_too_large(limit))
        except Exception:
            if over and not started:
                await self._respond(scope, send, *_too_large(limit))
            else:
                raise

    def _refusal(self, scope, headers: dict) -> tuple[int, str, str] | None:
        if self.names is not None:
            host = host_name(headers.get("host", ""))
            if host not in self.names:
                shown = host[:100] or "(none)"
                return (421, "E421", f"this server does not serve the name {shown!r}; to serve it, start it with "
                                     f"--allow-host {shown}")
        if scope["method"] in UNSAFE_METHODS:
            origin = headers.get("origin")
            where = origin if origin is not None else headers.get("referer")
            if where is not None and not self._same_site(where):
                return (403, "E403", f"refused a {scope['method']} sent from another site ({where[:100]}); "
                                     "use this server's own pages or an API client")
        return None

    def _same_site(self, url: str) -> bool:
        if url == "null":  # sandboxed frames and some cross-site redirects
            return False
        try:
            name = urlsplit(url).hostname or ""
        except ValueError:
            return False
        return self.names is None or name.lower() in self.names

    async def _respond(self, scope, send, status: int, code: str, message: str):
        response = self.error(scope["path"], status, code, message)
        await response(scope, _no_body, send)


class BodyTooLarge(HTTPException):
    """Raised into a route that reads past the body limit; FastAPI's handlers turn it into the 413."""

    def __init__(self, limit: int):
        super().__init__(413, _too_large(limit)[2])


def _too_large(limit: int) -> tuple[int, str, str]:
    return 413, "E413", f"request body over the limit of {limit:,} bytes"


def _with_security_headers(raw: list) -> list:
    present = {k.lower() for k, _ in raw}
    out = []
    for key, value in raw:
        if key.lower() == b"location":
            value = _relative(value)
        out.append((key, value))
    out += [(k.encode(), v.encode()) for k, v in SECURITY_HEADERS.items() if k.encode() not in present]
    return out


def _relative(location: bytes) -> bytes:
    """A redirect target as a path on this server: never a host name copied from the request."""
    parts = urlsplit(location.decode("latin-1"))
    if not parts.netloc:
        return location
    path = "/" + (parts.path or "/").lstrip("/")  # "//name" would be read as another host
    return (path + (f"?{parts.query}" if parts.query else "")).encode("latin-1")


async def _no_body():
    return {"type": "http.request", "body": b"", "more_body": False}


def json_error(status: int, code: str, message: str, details: list | None = None) -> JSONResponse:
    body = {"error": {"code": code, "message": message}}
    if details:
        body["error"]["details"] = details
    return JSONResponse(body, status_code=status, headers=SECURITY_HEADERS)
