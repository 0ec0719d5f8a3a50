"""Cleaning: from the text a source gave to the text a reader wants.

Each step is a small function over the list of paragraphs that returns the
paragraphs it keeps and records what it dropped, so ``newswatch show`` can
say exactly what was done to an article. Steps, in order:

1. ``normalise``: Unicode NFC, no-break and zero-width spaces, runs of blanks.
   Typographic quotes and dashes are kept: quote extraction relies on them.
2. ``boilerplate``: lines that are not prose: relative timestamps ("2 weeks
   ago"), separators ("# # #", "***"), share/subscribe/follow prompts and
   photo credits.
3. ``photo_credit``: a trailing "(Photo ...)" credit inside a caption.
4. ``title_repeat``: a first paragraph that only repeats the title.
5. ``byline``: a short "By Jane Doe" line at the top or bottom.
6. ``duplicate_paragraph``: a paragraph printed twice (photo captions often
   are) is kept once, at its first place.
"""

from __future__ import annotations

import re
import unicodedata

from ..documents import Article, CleaningStep

_ZERO_WIDTH = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff"), None)
_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200a\u202f\u205f\u3000]+")

_NUMBER = r"(?:\d+|a|an|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|a few|several)"
_UNIT = r"(?:sec(?:ond)?s?|min(?:ute)?s?|h(?:ou)?rs?|hours?|days?|weeks?|months?|years?|yrs?)"
_TIMESTAMP = re.compile(
    rf"^(?:(?:posted|published|updated|last updated)[:\s]+)?(?:{_NUMBER}\s*{_UNIT}\s+ago|just now|yesterday|today)\.?$",
    re.I,
)
_SEPARATOR = re.compile(r"^[\s#*_=~\-–—•·.]+$")
_PROMPT = re.compile(
    r"^(?:share(?: this)?(?: article| story| on \w+)?|share on (?:facebook|twitter|x|linkedin|whatsapp)|tweet|email|print"
    r"|subscribe(?: now| to (?:our|the) newsletter.*| for .*)?|sign up (?:for|to) .*newsletter.*|follow us on .*"
    r"|read more:?.*|related:?|advertisement|sponsored|click here .*|comments?(?: \(\d+\))?"
    # What feeds append to a summary: "To read this article in full, please click here", "Continue reading...",
    # WordPress's "The post X appeared first on Y."
    r"|(?:to )?read (?:this|the) (?:full )?(?:article|story|post)(?: in full)?,? (?:please )?(?:click|go|visit) .{0,60}"
    r"|continue reading.{0,80}|the post .{1,200} appeared first on .{1,80}"
    # A credit names a few words ("Photo: Jane Doe/Reuters"); "VIDEO: Floods close the Rhine to barges" is a headline.
    r"|(?:photo|image|picture|video)(?: credit)?s?\s*[:/|]\s*(?:\S+\s*){0,6}|getty images|\(?photo: .{0,80}\)?)$",
    re.I,
)
_CAPTION_CREDIT = re.compile(
    r"\s*(?:\((?:photo|image|picture|video|file photo)\b[^()]{0,80}\)"
    r"|(?<=[.!?])\s*(?:photo|image|picture)(?: credit)?\s*[:/|]\s*[^.!?]{1,60})\s*$", re.I)
_BYLINE = re.compile(r"^[Bb]y\s+[A-Z][\w.'’-]+(?:\s+[A-Z][\w.'’-]+){0,3}(?:\s*(?:,|and|&|\|)\s*[\w .'’-]{0,40})?$")
_DEDUP_KEY = re.compile(r"[\W_]+")


def normalise(text: str) -> str:
    text = unicodedata.normalize("NFC", text).translate(_ZERO_WIDTH)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return "\n".join(_SPACES.sub(" ", line).strip() for line in text.split("\n"))


def split_paragraphs(text: str) -> list[str]:
    """One paragraph per non-empty line (sources put a blank line or a newline between them)."""
    return [line for line in text.split("\n") if line.strip()]


def _key(paragraph: str) -> str:
    return _DEDUP_KEY.sub(" ", paragraph.casefold()).strip()


def clean(article: Article) -> Article:
    """Fill ``article.text`` and ``article.cleaning`` from ``article.raw.text``."""
    steps: list[CleaningStep] = []
    raw = article.raw.text
    normalised = normalise(raw)
    title = normalise(article.raw.title).replace("\n", " ").strip() if article.raw.title else None
    paragraphs = split_paragraphs(normalised)

    kept: list[str] = []
    for p in paragraphs:
        if title and _key(p) == _key(title):
            kept.append(p)  # the headline itself is never boilerplate (a headline-only item is all headline)
        elif _TIMESTAMP.match(p):
            steps.append(CleaningStep("boilerplate", f"relative timestamp line: {p!r}"))
        elif _SEPARATOR.match(p):
            steps.append(CleaningStep("boilerplate", f"separator line: {p!r}"))
        elif _PROMPT.match(p):
            steps.append(CleaningStep("boilerplate", f"share/subscribe/credit line: {p!r}"))
        else:
            kept.append(p)
    paragraphs, kept = kept, []

    for p in paragraphs:
        stripped = _CAPTION_CREDIT.sub("", p)
        if stripped != p and stripped:
            steps.append(CleaningStep("photo_credit", f"removed {p[len(stripped):].strip()!r}"))
            p = stripped
        kept.append(p)
    paragraphs = kept

    # Only when something is left: a one-paragraph article may be all headline.
    if title and len(paragraphs) > 1 and _key(paragraphs[0]) == _key(title):
        steps.append(CleaningStep("title_repeat", "first paragraph repeated the title"))
        paragraphs = paragraphs[1:]

    for index in (0, -1):
        if len(paragraphs) > 1 and _BYLINE.match(paragraphs[index]):
            steps.append(CleaningStep("byline", f"byline: {paragraphs[index]!r}"))
            paragraphs.pop(index)

    seen: set[str] = set()
    kept = []
    for p in paragraphs:
        key = _key(p)
        if key and key in seen:
            steps.append(CleaningStep("duplicate_paragraph", f"repeated paragraph kept once: {p[:80]!r}"))
            continue
        seen.add(key)
        kept.append(p)

    if normalised.strip() != raw.strip():
        steps.insert(0, CleaningStep("normalise", "Unicode NFC, spaces and line breaks normalised"))
    article.title = title
    article.text = "\n\n".join(kept)
    article.cleaning = steps
    return article
