"""HTML pages: main text and metadata with trafilatura, the date with htmldate.

trafilatura finds the article body and drops navigation, comments and
boilerplate; htmldate reads the publication date from the page's metadata
only (no guessing from the body or the URL), so a page without one keeps an
unknown date instead of an invented one.
"""

from __future__ import annotations

import logging
from datetime import datetime

import trafilatura
from htmldate import find_date

from .. import errors
from ..documents import RawDocument
from ..errors import InputError

# trafilatura and htmldate log every odd page at WARNING; the ingest report
# already says what failed, so keep the console quiet.
for _name in ("trafilatura", "htmldate", "courlan"):
    logging.getLogger(_name).setLevel(logging.CRITICAL)


def parse_html(html: str, origin: str, url: str | None = None) -> RawDocument:
    try:
        doc = trafilatura.bare_extraction(
            html,
            url=url,
            with_metadata=True,
            include_comments=False,
            include_tables=False,
            deduplicate=False,  # our cleaner removes repeats and records it
        )
    except Exception as exc:  # lxml raises a zoo of parser errors on broken markup
        raise InputError(origin, f"malformed HTML ({type(exc).__name__}: {exc})", errors.NO_CONTENT) from None
    text = getattr(doc, "text", None) if doc is not None else None
    if not text or not text.strip():
        raise InputError(origin, "no article text found in the HTML page", errors.NO_CONTENT)
    published = None
    try:
        found = find_date(html, extensive_search=False, original_date=True, outputformat="%Y-%m-%dT%H:%M:%S")
        if found:
            published = datetime.fromisoformat(found)
    except Exception:  # htmldate on broken markup: a date is optional, the text is not
        published = None
    return RawDocument(
        origin=origin,
        format="html",
        text=text,
        title=(doc.title or None),
        url=url or doc.url or None,
        source=doc.sitename or doc.hostname or None,
        author=doc.author or None,
        published=published,
        language=None,
    )


def html_fragment_to_text(fragment: str) -> str:
    """Text of a small HTML fragment (a feed entry's summary), paragraphs kept apart."""
    import lxml.html

    if "<" not in fragment:
        return fragment.strip()
    try:
        root = lxml.html.fromstring(f"<div>{fragment}</div>")
    except Exception:
        return fragment.strip()
    for el in root.iter("script", "style"):
        el.drop_tree()
    for el in root.iter("p", "br", "div", "li", "h1", "h2", "h3", "h4", "blockquote"):
        el.tail = "\n\n" + (el.tail or "")
    return root.text_content().strip()
