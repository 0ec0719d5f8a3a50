"""Fetching URLs with a timeout, a size limit and no surprises.

A URL given to ``newswatch ingest`` (or pasted into the web UI later) must not
become a way to read services on the user's own network, so by default any
host that resolves to a loopback, private, link-local or reserved address is
refused, and so is a redirect to one.
"""

from __future__ import annotations

import ipaddress
import socket
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


def check_address(url: str, allow_private: bool) -> None:
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("http", "https"):
        raise InputError(url, f"unsupported URL scheme {parts.scheme!r} (only http and https)", errors.FETCH_REFUSED)
    if not parts.hostname:
        raise InputError(url, "URL has no host", errors.FETCH_REFUSED)
    if allow_private:
        return
    try:
        infos = socket.getaddrinfo(parts.hostname, parts.port or 80, proto=socket.IPPROTO_TCP)
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


class _CheckedRedirects(urllib.request.HTTPRedirectHandler):
    def __init__(self, allow_private: bool):
        self.allow_private = allow_private

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        check_address(newurl, self.allow_private)
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def fetch(url: str, options: IngestOptions) -> Fetched:
    check_address(url, options.allow_private)
    opener = urllib.request.build_opener(_CheckedRedirects(options.allow_private))
    opener.addheaders = [("User-Agent", options.user_agent), ("Accept", "*/*")]
    try:
        with opener.open(url, timeout=options.fetch_timeout) as resp:
            declared = resp.headers.get("Content-Length")
            if declared and declared.isdigit() and int(declared) > options.max_bytes:
                raise InputError(url, f"response is {int(declared):,} bytes, over the limit of {options.max_bytes:,}", errors.TOO_LARGE)
            data = resp.read(options.max_bytes + 1)
            if len(data) > options.max_bytes:
                raise InputError(url, f"response is over the limit of {options.max_bytes:,} bytes", errors.TOO_LARGE)
            return Fetched(
                url=resp.geturl(),
                data=data,
                content_type=resp.headers.get_content_type(),
                charset=resp.headers.get_content_charset(),
            )
    except InputError:
        raise
    except urllib.error.HTTPError as exc:
        raise InputError(url, f"HTTP error {exc.code} {exc.reason}", errors.FETCH_FAILED) from None
    except urllib.error.URLError as exc:
        reason = exc.reason
        if isinstance(reason, InputError):
            raise reason from None
        raise InputError(url, f"cannot fetch ({reason})", errors.FETCH_FAILED) from None
    except (TimeoutError, socket.timeout):
        raise InputError(url, f"timed out after {options.fetch_timeout:g} s", errors.FETCH_FAILED) from None
    except OSError as exc:
        raise InputError(url, f"cannot fetch ({exc})", errors.FETCH_FAILED) from None
