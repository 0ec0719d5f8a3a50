"""RSS and Atom feeds: one article per entry (feedparser)."""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterator
from datetime import datetime, timezone

import feedparser

from .. import errors
from ..documents import RawDocument
from ..errors import InputError
from .html import html_fragment_to_text


def _entry_date(entry) -> datetime | None:
    for key in ("published_parsed", "updated_parsed", "created_parsed"):
        parsed = entry.get(key)
        if parsed:
            try:
                return datetime.fromtimestamp(calendar.timegm(parsed), tz=timezone.utc)
            except (OverflowError, ValueError, OSError):  # a date beyond what the clock can hold: take it as is
                return datetime(*parsed[:6], tzinfo=timezone.utc) if 1 <= parsed[0] <= 9999 else None
    return None


def _entry_html(entry) -> str:
    # Full content (content:encoded, Atom <content>) beats the summary.
    contents = entry.get("content") or []
    best = max((c.get("value", "") for c in contents), key=len, default="")
    summary = entry.get("summary", "") or ""
    return best if len(best) >= len(summary) else summary


_ENTITY_DECLARATION = re.compile(r"<!ENTITY", re.IGNORECASE)


def parse_feed(data: bytes | str, origin: str) -> Iterator[RawDocument | InputError]:
    head = data[:65536].decode("utf-8", "replace") if isinstance(data, bytes) else data[:65536]
    if _ENTITY_DECLARATION.search(head):
        # No real feed needs its own entities, and nested ones expand without
        # bound ("billion laughs"): refuse rather than store what they expand to.
        raise InputError(origin, "feed declares its own XML entities (<!ENTITY ...>), which can expand without "
                         "bound; refused", errors.BAD_FEED)
    parsed = feedparser.parse(data)
    if not parsed.entries:
        if parsed.bozo:
            reason = getattr(parsed.bozo_exception, "getMessage", lambda: str(parsed.bozo_exception))()
            raise InputError(origin, f"malformed feed ({reason})", errors.BAD_FEED)
        if not parsed.get("version"):
            raise InputError(origin, "not an RSS or Atom feed", errors.BAD_FEED)
        raise InputError(origin, "feed has no entries", errors.EMPTY)
    feed_title = parsed.feed.get("title") or None
    broken = f"malformed feed ({parsed.bozo_exception}): " if parsed.bozo else ""
    for i, entry in enumerate(parsed.entries, start=1):
        where = f"{origin}#{i}"
        text = html_fragment_to_text(_entry_html(entry))
        title = (entry.get("title") or "").strip() or None
        if not text and title:
            text = title  # a headline-only entry (many feeds carry nothing else) is an article all the same
        if not text:
            yield InputError(where, f"{broken}feed entry has neither a title nor text",
                             errors.BAD_FEED if broken else errors.NO_CONTENT)
            continue
        yield RawDocument(
            origin=where,
            format="feed",
            text=text,
            title=title,
            url=entry.get("link") or None,
            source=feed_title,
            author=entry.get("author") or None,
            published=_entry_date(entry),
            language=(parsed.feed.get("language") or "").split("-")[0] or None,
            external_id=entry.get("id") or entry.get("link") or None,
        )
