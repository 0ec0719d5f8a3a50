"""JSONL dumps: one article per line.

Fields: ``id``, ``title``, ``text`` or ``html``, ``url``, ``source``,
``published`` (ISO 8601), ``language``, ``author``; only ``text`` or ``html``
is required. A bad line fails alone, named by its line number.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from datetime import datetime

from .. import errors
from ..documents import RawDocument
from ..errors import InputError
from .html import parse_html

_STRING_FIELDS = ("title", "text", "html", "url", "source", "published", "language", "author")


def parse_published(value: str, origin: str) -> datetime:
    """ISO 8601 date or datetime; a trailing ``Z`` is accepted."""
    text = value.strip()
    if text.endswith("Z") or text.endswith("z"):
        text = text[:-1] + "+00:00"
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        raise InputError(
            origin, f"'published' is not an ISO 8601 date: {value!r} (expected e.g. 2017-02-17 or 2017-02-17T09:30:00Z)",
            errors.BAD_FIELD,
        ) from None


def parse_record(record: object, origin: str) -> RawDocument:
    if not isinstance(record, dict):
        raise InputError(origin, f"expected a JSON object, got {type(record).__name__}", errors.BAD_JSON)
    for key in _STRING_FIELDS:
        if record.get(key) is not None and not isinstance(record[key], str):
            raise InputError(origin, f"field '{key}' must be a string, got {type(record[key]).__name__}", errors.BAD_FIELD)
    ext_id = record.get("id")
    if ext_id is not None:
        if isinstance(ext_id, bool) or not isinstance(ext_id, (str, int)):
            raise InputError(origin, "field 'id' must be a string or an integer", errors.BAD_FIELD)
        ext_id = str(ext_id)
    text, html = record.get("text"), record.get("html")
    if not (text and text.strip()) and not (html and html.strip()):
        raise InputError(origin, "needs a non-empty 'text' or 'html' field", errors.BAD_FIELD)
    published = parse_published(record["published"], origin) if record.get("published") else None
    if text and text.strip():
        doc = RawDocument(origin=origin, format="jsonl", text=text)
    else:
        doc = parse_html(html, origin, url=record.get("url"))
        doc.format = "jsonl"
    # The record's own fields win over whatever the HTML said.
    doc.title = record.get("title") or doc.title
    doc.url = record.get("url") or doc.url
    doc.source = record.get("source") or doc.source
    doc.author = record.get("author") or doc.author
    doc.published = published or doc.published
    doc.language = record.get("language") or None
    doc.external_id = ext_id
    return doc


#: This many bad lines before any good one, and the input is not JSONL at all:
#: one error says so instead of one per line.
NOT_JSONL_AFTER = 5


def parse_jsonl(lines: Iterable[str | InputError], origin: str) -> Iterator[RawDocument | InputError]:
    """Yield one document, or one error, per non-blank line.

    A reader that could not give a line (one over the size limit) passes its
    error in the line's place; it is reported as that line's.

    Until a first line parses as JSON, bad lines are held back: if the first
    ``NOT_JSONL_AFTER`` are all bad, the input is not JSONL and one error says so.
    """
    held: list[InputError] | None = []  # None once a line was JSON: then each bad line is its own error
    for lineno, line in enumerate(lines, start=1):
        if isinstance(line, InputError):
            if held is None:
                yield line
            else:
                held.append(line)
            continue
        if not line.strip():
            continue
        where = f"{origin}:{lineno}"
        if "\x00" in line:
            yield InputError(origin, f"binary data (a NUL byte on line {lineno}), not JSONL; stopped reading",
                             errors.BINARY)
            return
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            error = InputError(where, f"invalid JSON ({exc.msg} at column {exc.colno})", errors.BAD_JSON)
            if held is None:
                yield error
            elif len(held) + 1 < NOT_JSONL_AFTER:
                held.append(error)
            else:
                yield InputError(origin, f"not JSONL (none of its first {NOT_JSONL_AFTER} lines is JSON); "
                                 "stopped reading", errors.BAD_JSON)
                return
            continue
        except RecursionError:
            record = InputError(where, "invalid JSON for an article (nested too deeply to be one)", errors.BAD_JSON)
        except ValueError as exc:  # e.g. an integer of thousands of digits
            record = InputError(where, f"invalid JSON for an article ({str(exc).split(';')[0]})", errors.BAD_JSON)
        if held:
            yield from held
        held = None
        if isinstance(record, InputError):
            yield record
            continue
        try:
            yield parse_record(record, where)
        except InputError as exc:
            yield exc
    if held:
        yield from held
