"""News sitemaps (Google's sitemap-news format): one article per listed URL.

A news site lists its recent articles in a sitemap: each ``<url>`` has its
``<loc>`` and, in the news extension, a title, a publication date and the
publication's name and language. Each becomes a headline-only article (the
title is its text) with that URL, date and source; ``newswatch watch
--fetch-articles`` fetches the pages for their full text. A sitemap index
(a list of sitemaps) is refused with the advice to add its sitemaps instead.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterator
from datetime import datetime

from .. import errors
from ..documents import RawDocument
from ..errors import InputError

_NEWS = "{http://www.google.com/schemas/sitemap-news/0.9}"


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def is_sitemap(head: str) -> bool:
    """Whether a document's first characters are a sitemap (``<urlset`` or ``<sitemapindex``)."""
    head = head[:4096].lower()
    return "<urlset" in head or "<sitemapindex" in head


def _date(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        return datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None


def parse_sitemap(text: str, origin: str) -> Iterator[RawDocument | InputError]:
    if "<!ENTITY" in text[:65536].upper():
        raise InputError(origin, "sitemap declares its own XML entities, which can expand without bound; refused",
                         errors.BAD_FEED)
    try:
        root = ET.fromstring(text.encode("utf-8"))
    except ET.ParseError as exc:
        raise InputError(origin, f"malformed sitemap ({exc})", errors.BAD_FEED) from None
    if _local(root.tag) == "sitemapindex":
        raise InputError(origin, "a sitemap index (a list of sitemaps): add the sitemaps it lists as sources",
                         errors.BAD_FEED)
    found = False
    for i, url in enumerate(el for el in root if _local(el.tag) == "url"):
        found = True
        loc = next((c.text for c in url if _local(c.tag) == "loc"), None)
        news = url.find(f"{_NEWS}news")
        title = news.findtext(f"{_NEWS}title") if news is not None else None
        published = _date(news.findtext(f"{_NEWS}publication_date")) if news is not None else None
        publication = news.find(f"{_NEWS}publication") if news is not None else None
        name = publication.findtext(f"{_NEWS}name") if publication is not None else None
        language = publication.findtext(f"{_NEWS}language") if publication is not None else None
        published = published or _date(next((c.text for c in url if _local(c.tag) == "lastmod"), None))
        where = f"{origin}#{i + 1}"
        if not loc or not loc.strip():
            yield InputError(where, "sitemap entry has no <loc>", errors.NO_CONTENT)
            continue
        headline = " ".join((title or "").split())
        yield RawDocument(origin=where, format="feed", text=headline or loc.strip(), title=headline or None,
                          url=loc.strip(), source=(name or "").strip() or None, published=published,
                          language=(language or "").split("-")[0].strip() or None, external_id=loc.strip())
    if not found:
        raise InputError(origin, "sitemap lists no URLs", errors.EMPTY)
