"""A list of sources to watch, from a file: one URL a line, or OPML.

>>> import tempfile, os
>>> path = os.path.join(tempfile.mkdtemp(), "feeds.txt")
>>> _ = open(path, "w").write("# my feeds\\nhttps://example.org/rss.xml\\n\\nhttps://example.org/rss.xml\\n")
>>> read_source_list(path)
['https://example.org/rss.xml']
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

from .. import errors
from ..errors import InputError
from ..sources import is_url
from ..sources.files import read_bytes

MAX_LIST_BYTES = 5_000_000


def read_source_list(path: str) -> list[str]:
    """The URLs in a source list, in order, each once; ``InputError`` naming the file and line otherwise.

    OPML (what feed readers export) is recognised by its ``<opml`` root: every
    outline's ``xmlUrl`` (a feed) or, lacking one, ``url``/``htmlUrl``.
    Otherwise each non-empty line not starting with ``#`` must be an http(s) URL.
    """
    data = read_bytes(Path(path), MAX_LIST_BYTES)
    text = data.decode("utf-8", "replace")
    if text.lstrip().startswith("<") and "<opml" in text[:2000].lower():
        urls = _opml_urls(text, path)
    else:
        urls = []
        for number, line in enumerate(text.splitlines(), start=1):
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            if not is_url(line):
                raise InputError(f"{path}:{number}", f"not a URL: {line[:80]!r} (one http(s) URL a line, "
                                 "or an OPML file)", errors.BAD_FIELD)
            urls.append(line)
    if not urls:
        raise InputError(path, "lists no sources", errors.EMPTY)
    return list(dict.fromkeys(urls))


def _opml_urls(text: str, path: str) -> list[str]:
    if "<!ENTITY" in text[:65536].upper():
        raise InputError(path, "OPML declares its own XML entities, which can expand without bound; refused",
                         errors.BAD_FEED)
    try:
        root = ET.fromstring(text)
    except ET.ParseError as exc:
        raise InputError(path, f"malformed OPML ({exc})", errors.BAD_FEED) from None
    urls = []
    for outline in root.iter("outline"):
        url = outline.get("xmlUrl") or outline.get("url") or outline.get("htmlUrl")
        if url and is_url(url):
            urls.append(url.strip())
    return urls
