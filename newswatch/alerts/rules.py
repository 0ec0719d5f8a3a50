"""The rules that raise alerts, with their parameters in one place.

Breaking news (after Europe Media Monitor's rule: a time slot's count against
the mean of past slots plus a margin). For a story that just got articles,
take its latest ``window`` (ending at its newest article's time) and the
``history`` before it, cut into windows of the same length:

    breaking when  recent >= min_articles
              and  sources(recent) >= min_sources
              and  recent >= factor * mean(past windows) + margin

So a new story reported by three sources within the hour breaks; a story
that has carried ten articles an hour all week does not break at twelve, but
does at forty. The times are publication times, so a historical dump replays
as it happened; undated articles do not count (a folder of undated files all
arrives at once, which says nothing about the news).

>>> from datetime import datetime, timedelta
>>> t = datetime(2024, 3, 4, 12, 0)
>>> burst = [(t - timedelta(minutes=m), s) for m, s in ((5, "a"), (20, "b"), (40, "c"))]
>>> breaking(burst).fired
True
>>> steady = [(t - timedelta(hours=h, minutes=m), "a") for h in range(48) for m in (0, 30)]
>>> breaking(steady).fired
False
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta


@dataclass(frozen=True)
class BreakingRule:
    window: timedelta = timedelta(hours=1)
    history: timedelta = timedelta(days=7)
    min_articles: int = 3
    min_sources: int = 2
    factor: float = 3.0
    margin: float = 2.0
    #: After a story broke, it does not break again for this long (one alert per burst).
    quiet: timedelta = timedelta(hours=24)


@dataclass
class Verdict:
    fired: bool
    recent: int
    sources: int
    past_rate: float  # mean articles per window over the history
    window_end: datetime | None

    def as_dict(self) -> dict:
        return {"recent_articles": self.recent, "recent_sources": self.sources,
                "past_rate_per_window": round(self.past_rate, 3),
                "window_end": self.window_end.isoformat() if self.window_end else None}


def breaking(times: list[tuple[datetime, str | None]], rule: BreakingRule = BreakingRule()) -> Verdict:
    """Whether a story's articles (time, source) end in a burst, by ``rule``."""
    if not times:
        return Verdict(False, 0, 0, 0.0, None)
    end = max(t for t, _ in times)
    start = end - rule.window
    recent = [(t, s) for t, s in times if t > start]
    past = [t for t, _ in times if start - rule.history < t <= start]
    windows = rule.history / rule.window
    rate = len(past) / windows
    sources = len({s or f"unnamed-{i}" for i, (_, s) in enumerate(recent)})
    fired = (len(recent) >= rule.min_articles and sources >= rule.min_sources
             and len(recent) >= rule.factor * rate + rule.margin)
    return Verdict(fired, len(recent), sources, rate, end)


# -- watchlist queries --------------------------------------------------------

_TOKEN = re.compile(r'"[^"]*"|\(|\)|[^\s()"]+|"')
_WORD = re.compile(r"\w+")
_OPERATORS = {"AND", "OR", "NOT"}


def watchlist_query(query: str) -> str:
    """A watchlist's words as a safe SQLite FTS5 query; ``ValueError`` saying what to fix.

    Words and "quoted phrases", joined by AND (the default between two
    terms), OR and NOT (upper case), grouped with parentheses. Every word is
    quoted for FTS5, so no other syntax gets through.

    >>> watchlist_query('nato russia')
    '"nato" AND "russia"'
    >>> watchlist_query('"security conference" OR (Stoltenberg NOT Trump)')
    '"security conference" OR ( "Stoltenberg" NOT "Trump" )'
    >>> watchlist_query('NOT nato')
    Traceback (most recent call last):
    ...
    ValueError: NOT needs a term before it ("nato NOT russia"): 'NOT nato'
    """
    tokens = _TOKEN.findall(query)
    out: list[str] = []
    depth = 0
    previous = None  # "term", "op", "(" or ")"
    for token in tokens:
        if token in _OPERATORS:
            if previous not in ("term", ")"):
                hint = '("nato NOT russia")' if token == "NOT" else f'("nato {token} russia")'
                raise ValueError(f"{token} needs a term before it {hint}: {query!r}")
            out.append(token)
            previous = "op"
        elif token == "(":
            if previous in ("term", ")"):
                out.append("AND")
            out.append("(")
            depth += 1
            previous = "("
        elif token == ")":
            if depth == 0 or previous in ("op", "("):
                raise ValueError(f"unbalanced or empty parentheses: {query!r}")
            out.append(")")
            depth -= 1
            previous = ")"
        else:
            if token == '"':
                raise ValueError(f"a quotation mark is not closed: {query!r}")
            words = _WORD.findall(token)
            if not words:
                continue
            if previous in ("term", ")"):
                out.append("AND")
            out.append('"' + " ".join(words) + '"')
            previous = "term"
    if depth:
        raise ValueError(f"a parenthesis is not closed: {query!r}")
    if previous == "op":
        raise ValueError(f"{out[-1]} needs a term after it: {query!r}")
    if not any(t.startswith('"') for t in out):
        raise ValueError(f"the query has no words to look for: {query!r}")
    return " ".join(out)
