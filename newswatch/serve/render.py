"""Turning stored data into what the templates draw: annotated text, chart geometry, labels.

Nothing here builds HTML. Article text is cut into plain pieces with flags
(entity, quote, highlight), and the templates print each piece through
Jinja's autoescaping, so no markup from an article can reach the page.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from urllib.parse import urlsplit


@dataclass
class Piece:
    text: str
    entity: dict | None = None  # {"id", "type", "name"} of the entity this mention resolves to
    quote: dict | None = None  # the quote this text is inside, with its speaker
    mark: bool = False  # a search hit


def annotate(text: str, mentions: list[dict], quotes: list[dict]) -> list[list[Piece]]:
    """Paragraphs of pieces: the article text cut at every mention and quote boundary.

    >>> paras = annotate("Ann said “hi”.\\n\\nBye.", [{"start": 0, "end": 3, "entity_id": 1, "type": "PERSON",
    ...                   "entity_name": "Ann"}], [{"start": 10, "end": 12, "speaker": None, "id": 1}])
    >>> [[(p.text, bool(p.entity), bool(p.quote)) for p in para] for para in paras]
    [[('Ann', True, False), (' said “', False, False), ('hi', False, True), ('”.', False, False)], [('Bye.', False, False)]]
    """
    n = len(text)
    cuts = {0, n}
    spans = []
    for m in mentions:
        if 0 <= m["start"] < m["end"] <= n:
            cuts.update((m["start"], m["end"]))
            spans.append(m)
    quote_spans = [q for q in quotes if 0 <= q["start"] < q["end"] <= n]
    for q in quote_spans:
        cuts.update((q["start"], q["end"]))
    # Paragraph breaks are cut points too, so that no piece spans two paragraphs.
    pos = text.find("\n\n")
    while pos != -1:
        cuts.update((pos, pos + 2))
        pos = text.find("\n\n", pos + 2)
    bounds = sorted(cuts)
    paragraphs: list[list[Piece]] = [[]]
    for a, b in zip(bounds, bounds[1:]):
        chunk = text[a:b]
        if chunk == "\n\n" or (chunk.strip() == "" and "\n\n" in chunk):
            if paragraphs[-1]:
                paragraphs.append([])
            continue
        mention = next((m for m in spans if m["start"] <= a and b <= m["end"]), None)
        quote = next((q for q in quote_spans if q["start"] <= a and b <= q["end"]), None)
        entity = None
        if mention and mention.get("entity_id"):
            entity = {"id": mention["entity_id"], "type": mention["type"],
                      "name": mention.get("entity_name") or mention["text"]}
        paragraphs[-1].append(Piece(chunk, entity, quote))
    return [p for p in paragraphs if p]


def marked(text: str, highlights: list[list[int]]) -> list[Piece]:
    """A snippet cut into plain and highlighted pieces (offsets as the search API gives them).

    >>> [(p.text, p.mark) for p in marked("a Lindqvist said", [[2, 11]])]
    [('a ', False), ('Lindqvist', True), (' said', False)]
    """
    out, pos = [], 0
    for start, end in sorted(highlights):
        if start < pos or end > len(text):
            continue
        if start > pos:
            out.append(Piece(text[pos:start]))
        out.append(Piece(text[start:end], mark=True))
        pos = end
    if pos < len(text):
        out.append(Piece(text[pos:]))
    return out


def safe_url(url: str | None) -> str | None:
    """The URL if it is a plain web address; anything else (javascript:, data:, ...) is not linked.

    >>> safe_url("https://example.org/a"), safe_url("javascript:alert(1)"), safe_url(" JavaScript:x")
    ('https://example.org/a', None, None)
    """
    if not url:
        return None
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return None
    return url.strip() if parts.scheme.lower() in ("http", "https") and parts.netloc else None


# -- charts -------------------------------------------------------------------

@dataclass
class Bar:
    x: float
    y: float
    width: float
    height: float
    label: str
    count: int


@dataclass
class Chart:
    """A bar chart in an SVG viewBox of ``width`` x ``height``; ``unit`` is day, week or month."""

    bars: list[Bar]
    width: int
    height: int
    unit: str
    total: int
    peak: int
    first: str
    last: str
    line: str  # polyline points, for the sparkline form

    @property
    def summary(self) -> str:
        return (f"{self.total} article{'s' if self.total != 1 else ''} from {self.first} to {self.last}, "
                f"at most {self.peak} in one {self.unit}")


def _bucket(day: date, unit: str) -> date:
    if unit == "day":
        return day
    if unit == "week":
        return day - timedelta(days=day.weekday())
    return day.replace(day=1)


def _next(day: date, unit: str) -> date:
    if unit == "day":
        return day + timedelta(days=1)
    if unit == "week":
        return day + timedelta(days=7)
    return (day.replace(day=28) + timedelta(days=4)).replace(day=1)


def chart(per_day: list[tuple[str, int]], width: int = 600, height: int = 120) -> Chart | None:
    """Articles per day, bucketed by day, week or month so that a chart has at most a few dozen bars.

    >>> c = chart([("2024-01-15", 3), ("2024-01-16", 1), ("2024-03-08", 1)])
    >>> c.unit, [b.count for b in c.bars][:3], c.total
    ('week', [4, 0, 0], 5)
    """
    days = []
    for day, count in per_day:
        try:
            days.append((date.fromisoformat(day[:10]), count))
        except (TypeError, ValueError):
            continue
    if not days:
        return None
    first, last = min(d for d, _ in days), max(d for d, _ in days)
    span = (last - first).days
    unit = "day" if span <= 45 else "week" if span <= 400 else "month"
    counts: dict[date, int] = {}
    for day, n in days:
        key = _bucket(day, unit)
        counts[key] = counts.get(key, 0) + n
    keys, cursor = [], _bucket(first, unit)
    while cursor <= last:
        keys.append(cursor)
        cursor = _next(cursor, unit)
    peak = max(counts.values())
    step = width / len(keys)
    bars, points = [], []
    for i, key in enumerate(keys):
        n = counts.get(key, 0)
        h = 0 if n == 0 else max(2.0, (height - 4) * n / peak)
        label = key.strftime("%Y-%m") if unit == "month" else key.isoformat()
        bars.append(Bar(round(i * step + step * 0.1, 2), round(height - h, 2), round(max(step * 0.8, 1), 2),
                        round(h, 2), label, n))
        points.append(f"{round(i * step + step / 2, 1)},{round(height - 2 - (height - 4) * n / peak, 1)}")
    return Chart(bars, width, height, unit, sum(counts.values()), peak, first.isoformat(), last.isoformat(),
                 " ".join(points))


def span_label(start: str | None, end: str | None) -> str:
    """'2024-01-15 – 2025-11-04', one day, or 'undated'.

    >>> span_label("2024-01-15", "2024-01-15"), span_label(None, None)
    ('2024-01-15', 'undated')
    """
    if not start and not end:
        return "undated"
    if start == end or not end:
        return start or end
    return f"{start} – {end}"


# Explicit direction controls: embeddings and overrides (closed by PDF), isolates (closed by PDI), marks.
_OPENS_EMBEDDING = "\u202a\u202b\u202d\u202e"
_OPENS_ISOLATE = "\u2066\u2067\u2068"
_BIDI_CONTROLS = frozenset(_OPENS_EMBEDDING + _OPENS_ISOLATE + "\u202c\u2069\u200e\u200f\u061c")


def isolate_bidi(value):
    """A string whose direction controls cannot reach past its own end.

    A source named "Trusted\\u202e Wire" would otherwise print the date after
    it backwards. Strings with direction controls are closed (every open
    embedding, override and isolate gets its terminator) and wrapped in a
    first-strong isolate; every other value is returned unchanged.

    >>> isolate_bidi("Trusted\\u202e Wire") == "\\u2068Trusted\\u202e Wire\\u202c\\u2069"
    True
    >>> isolate_bidi("Reuters"), isolate_bidi(3)
    ('Reuters', 3)
    """
    if not isinstance(value, str) or _BIDI_CONTROLS.isdisjoint(value):
        return value
    embeddings: list[str] = []  # a stack, as the bidi algorithm keeps it: a PDI also closes embeddings inside
    for ch in value:
        if ch in _OPENS_EMBEDDING or ch in _OPENS_ISOLATE:
            embeddings.append(ch)
        elif ch == "\u202c" and embeddings and embeddings[-1] in _OPENS_EMBEDDING:
            embeddings.pop()
        elif ch == "\u2069" and any(c in _OPENS_ISOLATE for c in embeddings):
            while embeddings.pop() not in _OPENS_ISOLATE:
                pass
    closing = "".join("\u2069" if c in _OPENS_ISOLATE else "\u202c" for c in reversed(embeddings))
    return "\u2068" + value + closing + "\u2069"
