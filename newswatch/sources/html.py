"""HTML pages: main text and metadata with trafilatura, the date with htmldate.

trafilatura finds the article body and drops navigation, comments and
boilerplate; htmldate reads the publication date from the page's metadata
only (no guessing from the body or the URL), so a page without one keeps an
unknown date instead of an invented one.
"""

from __future__ import annotations

import logging
import re
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
            # Precision first: measured on real pages (bench/extraction.py), it leaves out reader comments
            # and newsletter or cookie boxes that the default keeps, and loses no article text.
            favor_precision=True,
            deduplicate=False,  # our cleaner removes repeats and records it
        )
    except Exception as exc:  # lxml raises a zoo of parser errors on broken markup
        raise InputError(origin, f"malformed HTML ({type(exc).__name__}: {exc})", errors.NO_CONTENT) from None
    text = getattr(doc, "text", None) if doc is not None else None
    if not text or not text.strip():
        raise InputError(origin, "no article text found in the HTML page", errors.NO_CONTENT)
    notice = not_an_article(text, doc.title)
    if notice:
        raise InputError(origin, f"the page is {notice}, not an article: {text.strip()[:80]!r}", errors.NO_CONTENT)
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
        title=strip_site_name(doc.title, doc.sitename, doc.hostname),
        url=url or doc.url or None,
        source=doc.sitename or doc.hostname or None,
        author=doc.author or None,
        published=published,
        language=None,
    )


#: Phrases of pages that stand in for an article: maintenance, errors, walls (a few languages).
_NOTICES = {
    "a maintenance notice": re.compile(
        r"\b(?:under maintenance|scheduled maintenance|down for maintenance|maintenance en cours|en maintenance|"
        r"modification de (?:la )?page en cours|page en cours de modification|wartungsarbeiten|"
        r"en mantenimiento|in manutenzione|be right back|temporarily unavailable|"
        r"service (?:temporarily )?unavailable)\b", re.I),
    "an error page": re.compile(
        r"\b(?:page not found|404 not found|error 404|404 error|page (?:introuvable|non trouvée)|"
        r"seite nicht gefunden|página no encontrada|pagina non trovata|internal server error|"
        r"the page you (?:are looking for|requested) (?:could not be found|does not exist|is not available))\b", re.I),
    "an access wall": re.compile(
        r"\b(?:access denied|please enable (?:javascript|cookies)|are you a robot|verify you are (?:a )?human|"
        r"subscribe to (?:continue|read)|to read this article in full)\b", re.I),
}
#: A page with more text than this is an article that may mention such phrases, not a notice.
NOTICE_MAX_CHARS = 600


def not_an_article(text: str, title: str | None = None) -> str | None:
    """What a short page is instead of an article ("a maintenance notice"), or None.

    >>> not_an_article("Modification de page en cours. Merci de revenir plus tard.")
    'a maintenance notice'
    >>> not_an_article("Dock workers ended their strike on Wednesday.") is None
    True
    """
    body = " ".join(text.split())
    if len(body) > NOTICE_MAX_CHARS:
        return None
    for kind, pattern in _NOTICES.items():
        if pattern.search(body) or (title and pattern.search(title)):
            return kind
    return None


_SEPARATORS = re.compile(r"(\s+(?:\||-{1,2}|–|—|»|::|·)\s+)")
_ALNUM = re.compile(r"[\W_]+")


def _key(text: str) -> str:
    return _ALNUM.sub("", text).casefold()


def _names_site(part: str, names: list[str]) -> bool:
    key = _key(part)
    return bool(key) and any(n and (n in key or key in n) for n in names)


def strip_site_name(title: str | None, sitename: str | None, hostname: str | None) -> str | None:
    """The headline without the site's name around it ("Takeaways ... | CNN Politics" -> "Takeaways ...").

    A part of the title, cut at " | ", " - ", " – ", " — ", " » ", " :: " or
    " · ", is the site's name when it contains (or is contained in) the site
    name the page declares, or its host name without "www." and the domain
    ending. Breadcrumb sections (" » ") left between the headline and a site
    name ("... » Local » Noticias » Ultima Hora Mallorca") go with it when they
    are one or two words, and so does a trail of such sections without one. A
    title that is only the site's name stays as it is.

    >>> strip_site_name("Takeaways from the trial | CNN Politics", "CNN", "edition.cnn.com")
    'Takeaways from the trial'
    >>> strip_site_name("LinkNaija | News: Actress looks stunning", "LinkNaija | News", None)
    'Actress looks stunning'
    >>> strip_site_name("Ceasefire talks resume - live updates", None, "example.org")
    'Ceasefire talks resume - live updates'
    """
    if not title:
        return None
    title = " ".join(title.split())
    names = []
    if sitename and len(_key(sitename)) >= 3:
        names.append(_key(sitename))
    if hostname:
        labels = [x for x in hostname.casefold().split(".") if x not in ("www", "m", "amp", "edition", "news")]
        if len(labels) >= 2 and len(labels[-2]) >= 3:
            names.append(_key(labels[-2]))
    if not names:
        return title
    if sitename and title.casefold().startswith(sitename.casefold()) and len(title) > len(sitename) + 3:
        rest = title[len(sitename):].lstrip(" :|-–—»·")
        if rest:
            return rest
    pieces = _SEPARATORS.split(title)  # with the separators, at odd places: they are kept as written
    parts = pieces[::2]
    if len(parts) < 2:
        return title
    if _names_site(parts[-1], names):
        keep = len(parts) - 1
        while keep > 1 and pieces[2 * keep - 3].strip() == "»" and len(parts[keep - 1].split()) <= 2:
            keep -= 1  # breadcrumb sections before the site's name
        return "".join(pieces[:2 * keep - 1])
    if _names_site(parts[0], names):
        return "".join(pieces[2:])
    if all(sep.strip() == "»" for sep in pieces[1::2]):  # a breadcrumb trail: headline » section » section
        return parts[0]
    return title


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
