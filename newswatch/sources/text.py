"""Plain-text articles: the first non-empty line is the title, the rest the body."""

from __future__ import annotations

from .. import errors
from ..documents import RawDocument
from ..errors import InputError


def parse_text(text: str, origin: str) -> RawDocument:
    """
    >>> doc = parse_text("\\n  Storm hits coast\\n\\nWinds reached 120 km/h.", "a.txt")
    >>> doc.title, doc.text
    ('Storm hits coast', 'Winds reached 120 km/h.')
    """
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    for i, line in enumerate(lines):
        if line.strip():
            title = line.strip()
            body = "\n".join(lines[i + 1 :]).strip("\n")
            break
    else:
        raise InputError(origin, "file holds only whitespace", errors.EMPTY)
    if not body.strip():
        # A one-line file: treat the line as the whole text, not as a title
        # with nothing under it.
        return RawDocument(origin=origin, format="text", text=title, title=None)
    return RawDocument(origin=origin, format="text", text=body, title=title)
