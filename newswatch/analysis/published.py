"""When was an undated article written? A publication window estimated from its own text.

Many inputs carry no date (text files, pasted text, pages without metadata).
Their text usually does: reports name the day things happened ("on Friday
(February 17)"), months and years ("since April 2014"). The estimate is the
window right after the first specific day the text names:

- a full date (``2017-02-17``) counts as written;
- a day and month without a year ("Friday (February 17)") is placed in the
  year where that day falls on that weekday, nearest after the latest year the
  text names (April 2014, and 17 February was a Friday in 2012, 2017 and
  2023: 2017); without a weekday, in the latest year the text names; with no
  year named at all it is not placed (the year would be a guess);
- without a day, the latest month named (``2017-02``), and failing that the
  latest year, give a coarser window.

Why the *first* day: news leads with what happened and gives background
later, and what follows an article on a page (comments, "related" links,
time-stamped tweets) carries later dates of its own. Measured on texts with a
known date (``bench/publication_estimate.py``), the first day is right more
often than the latest one, and it is wrong by over a year less often.

News mostly reports what already happened, so the window runs from the
chosen day to ``AFTER_DAY`` days later (``AFTER_MONTH`` for a month,
``AFTER_YEAR`` for a year). A date after today (a plan for the future, a
typo) cannot be the publication's lower bound and is left out. The estimate
is stored with its evidence and never replaces a publication date the input
gave. It is often wrong (old dates quoted as background, years named for
other reasons): bench/publication_estimate.py measures how often.

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
#: Weekday placement looks this many years after the latest year named.
YEAR_SPAN = 12
_WEEKDAY = re.compile(r"\b(" + "|".join(w.capitalize() for w in WEEKDAYS) + r")\b")


def _month_end(y: int, m: int) -> date:
    return (date(y + (m == 12), m % 12 + 1, 1) - timedelta(days=1))


def _place_year(month: int, day: int, weekday: int | None, years: list[int]) -> int | None:
    if not years:
        return None
    floor = max(years)
    if weekday is None:
        return floor
    for y in range(floor, floor + YEAR_SPAN):
        try:
            if date(y, month, day).weekday() == weekday:
                return y
        except ValueError:
            continue
    return None


def estimate_publication(text: str, language: str | None = None) -> dict | None:
    """``{"from", "to", "evidence"}`` for an undated text, or None when it names no usable date."""
    mentions = find_dates(text, None, language)
    years = sorted({int(d.value[:4]) for d in mentions if d.value and d.value[:4].isdigit()})
    spans: list[tuple[date, date, str, int]] = []  # (first day, last day covered, the words, where)
    year_only: list[tuple[date, date, str, int]] = []
    for d in mentions:
        value = d.value or ""
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            day = date.fromisoformat(value)
            spans.append((day, day, d.text, d.start))
        elif re.fullmatch(r"\d{4}-\d{2}", value):
            y, m = int(value[:4]), int(value[5:])
            spans.append((date(y, m, 1), _month_end(y, m), d.text, d.start))
        elif re.fullmatch(r"\d{4}", value):
            year_only.append((date(int(value), 1, 1), date(int(value), 12, 31), d.text, d.start))
        elif re.fullmatch(r"XXXX-\d{2}-\d{2}", value):
            month, day_of_month = int(value[5:7]), int(value[8:])
            wd = _WEEKDAY.search(d.text)
            year = _place_year(month, day_of_month, WEEKDAYS[wd.group(1).lower()] if wd else None, years)
            if year is not None:
                day = date(year, month, day_of_month)
                spans.append((day, day, d.text, d.start))
    today = date.today()
    spans = [s for s in spans if s[0] <= today]
    days = [s for s in spans if s[0] == s[1]]
    if days:  # the first day named, in the text's order
        first, last, words, _ = min(days, key=lambda s: s[3])
    elif spans or year_only:  # else the latest month, or the latest year
        coarse = spans or [s for s in year_only if s[0] <= today]
        if not coarse:
            return None
        first, last, words = max(coarse, key=lambda s: (s[0], s[1]))[:3]
    else:
        return None
    length = (last - first).days
    after = AFTER_DAY if length == 0 else AFTER_MONTH if length < 40 else AFTER_YEAR
    evidence = f"'{words}'"
    if not re.search(r"\d{4}", words):
        # The mention whose year placed it (the latest year named).
        named = [t for lo, _, t, _ in spans + year_only if lo.year == max(years) and re.search(r"\d{4}", t)]
        if named:
            evidence += f" with '{named[0]}'"
    return {"from": first.isoformat(), "to": (last + timedelta(days=after)).isoformat(), "evidence": evidence}


def estimate(article: Article) -> Article:
    """Pipeline component: fills ``article.published_estimate`` for an article with no date."""
    if article.raw.published is None:
        article.published_estimate = estimate_publication(article.text, article.language)
    return article


def describe(est: dict | None) -> str | None:
    """'about February 2017, from ...' for people."""
    if not est:
        return None
    first = date.fromisoformat(est["from"])
    return f"about {first.strftime('%B %Y')}, from {est['evidence']}"
