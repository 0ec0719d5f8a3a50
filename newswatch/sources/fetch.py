"""Fetching URLs with a timeout, a size limit and no surprises.

A URL given to ``newswatch ingest`` (or pasted into the web UI later) must not
become a way to read services on the user's own network, so by default any
host that resolves to a loopback, private, link-local or reserved address is
refused, and so is a redirect to one. The connection goes to the very address
that was checked (a second lookup could answer differently: DNS rebinding), and
every redirect hop is checked and pinned the same way. The timeout bounds the
whole fetch, not each read, so a server dripping a byte at a time cannot hold
an ingest.
"""

from __future__ import annotations

import functools
import http.client
import ipaddress
import re
import socket
import threading
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass

from .. import errors
from ..config import IngestOptions
from ..errors import InputError

MAX_REDIRECTS = 5


@dataclass
class Fetched:
    url: str  # after redirects
    data: bytes
    content_type: str
    charset: str | None
    etag: str | None = None  # validators for the next conditional request
    last_modified: str | None = None
    not_modified: bool = False  # the server answered 304 to a conditional request: ``data`` is empty


_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*)://")


def url_scheme(url: str) -> str | None:
    """The scheme of ``scheme://...`` (lower-cased), or None when ``url`` is not written that way."""
    m = _SCHEME.match(url)
    return m.group(1).lower() if m else None


def check_address(url: str, allow_private: bool) -> str | None:
    """Refuse what must not be fetched; return the address to connect to (None: let the system resolve)."""
    scheme = url_scheme(url) or url.partition(":")[0].lower()  # a redirect may say "mailto:..."
    if scheme not in ("http", "https"):
        hint = "; for a file on this machine give its path" if scheme == "file" else ""
        raise InputError(url, f"URL scheme {scheme!r} is not fetched (only http and https){hint}",
                         errors.FETCH_REFUSED)
    try:
        parts = urllib.parse.urlsplit(url)
        port = parts.port
    except ValueError as exc:  # "Invalid IPv6 URL", "Port out of range"
        raise InputError(url, f"not a valid URL ({exc})", errors.FETCH_FAILED) from None
    if not parts.hostname:
        raise InputError(url, "URL has no host", errors.FETCH_REFUSED)
    if allow_private:
        return None
    try:
        infos = socket.getaddrinfo(parts.hostname, port or 80, proto=socket.IPPROTO_TCP)
    except socket.gaierror as exc:
        raise InputError(url, f"cannot resolve host {parts.hostname!r} ({exc.strerror})", errors.FETCH_FAILED) from None
    for info in infos:
        addr = ipaddress.ip_address(info[4][0].split("%")[0])
        if not addr.is_global:
            raise InputError(
                url,
                f"refusing to fetch from {addr} (a private or loopback address); pass --allow-private to allow it",
                errors.FETCH_REFUSED,
            )
    return infos[0][4][0]


class _Deadline:
    """Closes every socket of one fetch when its time is up, whatever read is blocking then."""

    def __init__(self, seconds: float):
        self.expired = False
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()
        self._timer = threading.Timer(seconds, self._expire)
        self._timer.daemon = True
        self._timer.start()

    def watch(self, sock: socket.socket) -> socket.socket:
        with self._lock:
            self._sockets.append(sock)
            if self.expired:
                self._close(sock)
        return sock

    def _expire(self) -> None:
        with self._lock:
            self.expired = True
            for sock in self._sockets:
                self._close(sock)

    @staticmethod
    def _close(sock: socket.socket) -> None:
        try:
            sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass

    def cancel(self) -> None:
        self._timer.cancel()


def _connection(cls, deadline: _Deadline, pinned: str | None, host: str, **kwargs):
    """An http.client connection that dials ``pinned`` (the checked address) while naming ``host``."""
    conn = cls(host, **kwargs)

    def create(address, *args, **kw):
        return deadline.watch(socket.create_connection((pinned or address[0], address[1]), *args, **kw))

    conn._create_connection = create  # http.client's own hook for opening the socket
    return conn


class _Pinned:
    """A urllib handler whose connections dial the request's checked address, under one deadline."""

    def __init__(self, deadline: _Deadline):
        super().__init__()
        self.deadline = deadline

    def _open_pinned(self, connection_class, req, **kwargs):
        return self.do_open(functools.partial(_connection, connection_class, self.deadline,
                                              getattr(req, "pinned", None)), req, **kwargs)


class _PinnedHTTP(_Pinned, urllib.request.HTTPHandler):
    def http_open(self, req):
        return self._open_pinned(http.client.HTTPConnection, req)


class _PinnedHTTPS(_Pinned, urllib.request.HTTPSHandler):
    def https_open(self, req):
        # The TLS layer still checks the certificate against the host name, not the address.
        return self._open_pinned(http.client.HTTPSConnection, req, context=self._context)


class _CheckedRedirects(urllib.request.HTTPRedirectHandler):
    def __init__(self, allow_private: bool):
        self.allow_private = allow_private

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        pinned = check_address(newurl, self.allow_private)
        new = super().redirect_request(req, fp, code, msg, headers, newurl)
        if new is not None:
            new.pinned = pinned
        return new


def fetch(url: str, options: IngestOptions, etag: str | None = None, last_modified: str | None = None,
          post_json: bytes | None = None) -> Fetched:
    """The body at ``url``, within ``options``' limits; raises ``InputError`` with the reason.

    ``etag`` and ``last_modified`` (from an earlier ``Fetched``) make the
    request conditional: a server that has nothing new answers 304, returned
    as ``not_modified`` with no data. ``post_json`` makes it a POST of that
    JSON body (a webhook), under the same address checks and deadline.
    """
    pinned = check_address(url, options.allow_private)
    headers = {"User-Agent": options.user_agent, "Accept": "*/*"}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    if post_json is not None:
        headers["Content-Type"] = "application/json"
    request = urllib.request.Request(url, data=post_json, headers=headers)
    request.pinned = pinned
    deadline = _Deadline(options.fetch_timeout)
    opener = urllib.request.build_opener(_PinnedHTTP(deadline), _PinnedHTTPS(deadline),
                                         _CheckedRedirects(options.allow_private))
    timed_out = InputError(url, f"timed out after {options.fetch_timeout:g} s", errors.FETCH_FAILED)
    try:
        with opener.open(request, timeout=options.fetch_timeout) as resp:
            declared = resp.headers.get("Content-Length")
            if declared and declared.isdigit() and int(declared) > options.max_bytes:
                raise InputError(url, f"response is {int(declared):,} bytes, over the limit of {options.max_bytes:,}", errors.TOO_LARGE)
            chunks, size = [], 0
            while chunk := resp.read1(65536):
                chunks.append(chunk)
                size += len(chunk)
                if size > options.max_bytes:
                    raise InputError(url, f"response is over the limit of {options.max_bytes:,} bytes", errors.TOO_LARGE)
            if deadline.expired:  # the socket was closed under the read: what came is not the whole page
                raise timed_out
            return Fetched(
                url=resp.geturl(),
                data=b"".join(chunks),
                content_type=resp.headers.get_content_type(),
                charset=resp.headers.get_content_charset(),
                etag=resp.headers.get("ETag"),
                last_modified=resp.headers.get("Last-Modified"),
            )
    except InputError:
        raise
    except urllib.error.HTTPError as exc:
        if exc.code == 304 and (etag or last_modified):
            return Fetched(url=exc.geturl() or url, data=b"", content_type="", charset=None,
                           etag=exc.headers.get("ETag") or etag,
                           last_modified=exc.headers.get("Last-Modified") or last_modified, not_modified=True)
        raise InputError(url, f"HTTP error {exc.code} {exc.reason}", errors.FETCH_FAILED) from None
    except urllib.error.URLError as exc:
        reason = exc.reason
        if isinstance(reason, InputError):
            raise reason from None
        if deadline.expired:
            raise timed_out from None
        raise InputError(url, f"cannot fetch ({reason})", errors.FETCH_FAILED) from None
    except (TimeoutError, socket.timeout):
        raise timed_out from None
    except (OSError, http.client.HTTPException) as exc:
        if deadline.expired:
            raise timed_out from None
        raise InputError(url, f"cannot fetch ({exc})", errors.FETCH_FAILED) from None
    finally:
        deadline.cancel()
