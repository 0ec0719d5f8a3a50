"""Sources: everything that turns an input (path, directory, URL, stdin) into documents.

``read_inputs`` is the single entry point. It yields ``RawDocument`` objects
and ``InputError`` objects side by side, so that one bad input is reported
and skipped while every good one goes on to the pipeline.

>>> from newswatch.config import IngestOptions
>>> [type(x).__name__ for x in read_inputs(["/no/such/file.txt"], IngestOptions())]
['InputError']
"""

from __future__ import annotations

import io
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path

from ..config import SKIPPED_SUFFIXES, IngestOptions, is_hidden
from ..documents import RawDocument
from ..errors import InputError
from .. import errors as _errors
from .archives import archive_kind, read_archive
from .feeds import parse_feed
from .fetch import Fetched, fetch, url_scheme
from .files import decode, read_bytes, regular_file_size, sniff_format
from .html import parse_html
from .jsonl import parse_jsonl
from .sitemaps import parse_sitemap
from .text import parse_text

Item = RawDocument | InputError

__all__ = ["Item", "read_fetched", "read_inputs", "read_text_input", "is_url"]


def is_url(value: str) -> bool:
    """Anything written ``scheme://...`` is a URL (and only http and https are fetched)."""
    return url_scheme(value) is not None


def read_text_input(text: str, origin: str, fmt: str | None = None, url: str | None = None) -> Iterator[Item]:
    """Parse decoded text in the given (or sniffed) format."""
    fmt = fmt or sniff_format(origin, text)
    try:
        if fmt == "jsonl":
            yield from parse_jsonl(io.StringIO(text), origin)
        elif fmt == "feed":
            yield from parse_feed(text, origin)
        elif fmt == "sitemap":
            yield from parse_sitemap(text, origin)
        elif fmt == "html":
            yield parse_html(text, origin, url=url)
        else:
            yield parse_text(text, origin)
    except InputError as exc:
        yield exc


def _read_file(path: Path, options: IngestOptions) -> Iterator[Item]:
    origin = str(path)
    kind = archive_kind(path)
    if kind is not None:
        # Parquet, gzip and JSONL over --max-bytes are read as a stream of records, --max-bytes bounding each.
        try:
            streamed = kind != "jsonl" or regular_file_size(path, origin) > options.max_bytes
        except InputError as exc:
            yield exc
            return
        if streamed:
            yield from read_archive(path, options.max_bytes, origin)
            return
    try:
        data = read_bytes(path, options.max_bytes)
        text = decode(data, origin)
    except InputError as exc:
        yield exc
        return
    yield from read_text_input(text, origin)


def _read_url(url: str, options: IngestOptions) -> Iterator[Item]:
    try:
        got = fetch(url, options)
    except InputError as exc:
        yield exc
        return
    yield from read_fetched(url, got)


def read_fetched(url: str, got: Fetched) -> Iterator[Item]:
    """The documents in a fetched body: a feed's entries, a page, JSONL lines, or text (by type, then content)."""
    try:
        text = decode(got.data, url, declared=got.charset)
    except InputError as exc:
        yield exc
        return
    ctype = got.content_type
    if ctype in ("application/rss+xml", "application/atom+xml", "application/rdf+xml"):
        fmt = "feed"
    elif ctype in ("text/html", "application/xhtml+xml"):
        fmt = "html"
    elif ctype in ("application/x-ndjson", "application/jsonl", "application/json"):
        fmt = "jsonl"
    else:  # text/xml, text/plain and friends: look at the content
        fmt = sniff_format(urllib_path(got.url), text)
    items = read_text_input(text, url, fmt, url=got.url)
    for item in items:
        if isinstance(item, RawDocument) and fmt == "html":
            item.url = item.url or got.url
        yield item


def urllib_path(url: str) -> str:
    from urllib.parse import urlsplit

    return urlsplit(url).path or "/"


def _walk(directory: Path) -> Iterator[Path]:
    for path in sorted(directory.rglob("*")):
        rel = path.relative_to(directory)
        if path.is_file() and not is_hidden(rel) and (path.suffix.lower() not in SKIPPED_SUFFIXES
                                                      or archive_kind(path) is not None):
            yield path


def read_inputs(inputs: Iterable[str], options: IngestOptions, stdin=None) -> Iterator[Item]:
    """Yield documents and errors for each input, in order."""
    for value in inputs:
        if value == "-":
            stream = stdin if stdin is not None else sys.stdin
            yield from parse_jsonl(stream, "<stdin>")
        elif is_url(value):
            yield from _read_url(value, options)
        else:
            path = Path(value)
            if path.is_dir():
                found = False
                for child in _walk(path):
                    found = True
                    yield from _read_file(child, options)
                if not found:
                    yield InputError(value, "directory holds no readable files", _errors.EMPTY)
            else:
                yield from _read_file(path, options)
