"""When was an undated article written? A publication window estimated from its own text.

Many inputs carry no date (text files, pasted text, pages without metadata).
Their text usually does: reports name the day things happened ("on Friday
(February 17)"), months and years ("since April 2014"). The estimate is the
window right after the latest specific date the text mentions:

- a full date (``2017-02-17``) or a month (``2017-02``) counts as written;
- a day and month without a year ("Friday (February 17)") is placed in the
  year where that day falls on that weekday, nearest after the latest year the
  text names (April 2014, and 17 February was a Friday in 2012, 2017 and
  2023: 2017); without a weekday, in the latest year the text names;
- a year alone only bounds the window from below, and gives an estimate of
  its own only when nothing finer is there.

News mostly reports what already happened, so the window runs from the
latest mentioned day to ``AFTER_DAY`` days later (``AFTER_MONTH`` for a
month, ``AFTER_YEAR`` for a year). A date after today (a plan for the
future, a typo) cannot be the publication's lower bound and is left out. The estimate is stored with its evidence and never replaces a
publication date the input gave.

>>> from datetime import date
>>> est = estimate_publication("NATO chief said on Friday (February 17) that talks went on, "
...                            "in a war that has killed 10,000 people since April 2014.")
>>> est["from"], est["to"], est["evidence"]
('2017-02-17', '2017-02-24', "'Friday (February 17)' with 'April 2014'")
>>> estimate_publication("It rained yesterday.") is None
True
"""

from __future__ import annotations

import re
from datetime import date, timedelta

from ..documents import Article
from .dates import WEEKDAYS, find_dates

AFTER_DAY = 7
AFTER_MONTH = 45
AFTER_YEAR = 366
#: Weekday placement looks this many years after the latest year named (or around today without one).
YEAR_SPAN = 12
_WEEKDAY = re.compile(r"\b(" + "|".join(w.capitalize() for w in WEEKDAYS) + r")\b")


def _month_end(y: int, m: int) -> date:
    return (date(y + (m == 12), m % 12 + 1, 1) - timedelta(days=1))


def _place_year(month: int, day: int, weekday: int | None, years: list[int]) -> int | None:
    floor = max(years) if years else None
    if weekday is None:
        return floor
    span = range(floor, floor + YEAR_SPAN) if floor else range(date.today().year, date.today().year - YEAR_SPAN, -1)
    for y in span:
        try:
            if date(y, month, day).weekday() == weekday:
                return y
        except ValueError:
            continue
    return None


def estimate_publication(text: str) -> dict | None:
    """``{"from", "to", "evidence"}`` for an undated text, or None when it names no usable date."""
    mentions = find_dates(text, None)
    years = sorted({int(d.value[:4]) for d in mentions if d.value and d.value[:4].isdigit()})
    spans: list[tuple[date, date, str]] = []  # (first day, last day covered, the words)
    year_only: list[tuple[date, date, str]] = []
    for d in mentions:
        value = d.value or ""
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            day = date.fromisoformat(value)
            spans.append((day, day, d.text))
        elif re.fullmatch(r"\d{4}-\d{2}", value):
            y, m = int(value[:4]), int(value[5:])
            spans.append((date(y, m, 1), _month_end(y, m), d.text))
        elif re.fullmatch(r"\d{4}", value):
            year_only.append((date(int(value), 1, 1), date(int(value), 12, 31), d.text))
        elif re.fullmatch(r"XXXX-\d{2}-\d{2}", value):
            month, day_of_month = int(value[5:7]), int(value[8:])
            wd = _WEEKDAY.search(d.text)
            year = _place_year(month, day_of_month, WEEKDAYS[wd.group(1).lower()] if wd else None, years)
            if year is not None:
                day = date(year, month, day_of_month)
                spans.append((day, day, d.text))
    today = date.today()
    spans = [s for s in spans if s[0] <= today] or [s for s in year_only if s[0] <= today]
    if not spans:
        return None
    spans.sort()
    first, last, words = spans[-1]
    length = (last - first).days
    after = AFTER_DAY if length == 0 else AFTER_MONTH if length < 40 else AFTER_YEAR
    support = [w for _, _, w in spans[:-1] if w != words][-1:] if length == 0 and "XXXX" not in words else []
    evidence = f"'{words}'"
    if not re.search(r"\d{4}", words):
        named = [t for _, _, t in spans + year_only if re.search(r"\d{4}", t)]
        if named:
            evidence += f" with '{named[-1]}'"
    elif support:
        evidence += f" after '{support[0]}'"
    return {"from": first.isoformat(), "to": (last + timedelta(days=after)).isoformat(), "evidence": evidence}


def estimate(article: Article) -> Article:
    """Pipeline component: fills ``article.published_estimate`` for an article with no date."""
    if article.raw.published is None:
        article.published_estimate = estimate_publication(article.text)
    return article


def describe(est: dict | None) -> str | None:
    """'about February 2017, from ...' for people."""
    if not est:
        return None
    first = date.fromisoformat(est["from"])
    return f"about {first.strftime('%B %Y')}, from {est['evidence']}"
