"""The last check a document passes before analysis: fields a later stage could choke on.

Each reader already rejects what its format makes wrong (bad JSON, a field of
the wrong type). What is left are values that are well-formed for the reader
but poison downstream: a lone UTF-16 surrogate (``"\\udfff"`` is legal JSON,
but not text any encoder can write), a publication date whose arithmetic
overflows (``9999-12-31`` plus a linking window), a URL that cannot be parsed.
Such a document fails here, alone, with a line that names the field.

>>> from datetime import datetime
>>> from newswatch.documents import RawDocument
>>> doc = RawDocument(origin="x.jsonl:3", format="jsonl", text="t", published=datetime(9999, 12, 31))
>>> try:
...     validate(doc)
... except InputError as err:
...     print(err)
x.jsonl:3: 'published' 9999-12-31 is outside the years 1000 to 2999
"""

from __future__ import annotations

import re
import urllib.parse

from .. import errors
from ..documents import RawDocument
from ..errors import InputError

#: Publication years accepted: wide enough for archives, narrow enough that
#: every date window around them stays inside what ``datetime`` can hold.
FIRST_YEAR, LAST_YEAR = 1000, 2999
#: An external id longer than this is almost certainly a wrong field.
MAX_ID_CHARS = 1000
_SURROGATE = re.compile("[\ud800-\udfff]")
_TEXT_FIELDS = ("text", "title", "url", "source", "author", "language", "external_id")


def validate(doc: RawDocument) -> RawDocument:
    """Return ``doc`` unchanged, or raise ``InputError`` naming the field that cannot go further."""
    for name in _TEXT_FIELDS:
        value = getattr(doc, name)
        if value and (found := _SURROGATE.search(value)):
            raise InputError(doc.origin, f"field '{_field(name)}' holds a lone surrogate ({found.group()!r} at "
                             f"character {found.start()}), which is not valid Unicode", errors.BAD_ENCODING)
    if doc.external_id is not None and len(doc.external_id) > MAX_ID_CHARS:
        raise InputError(doc.origin, f"field 'id' is {len(doc.external_id):,} characters long (at most "
                         f"{MAX_ID_CHARS:,})", errors.BAD_FIELD)
    if doc.published is not None:
        year = doc.published.year
        if not FIRST_YEAR <= year <= LAST_YEAR:
            raise InputError(doc.origin, f"'published' {doc.published.date().isoformat()} is outside the years "
                             f"{FIRST_YEAR} to {LAST_YEAR}", errors.BAD_FIELD)
    if doc.url:
        try:
            parts = urllib.parse.urlsplit(doc.url)
            parts.port  # noqa: B018 - parsing the port is what raises on "example.com:99999"
        except ValueError as exc:
            raise InputError(doc.origin, f"field 'url' is not a valid URL ({exc}): {doc.url[:200]!r}",
                             errors.BAD_FIELD) from None
    return doc


def _field(name: str) -> str:
    return "id" if name == "external_id" else name
