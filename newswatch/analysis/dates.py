"""Date expressions in article text, found and resolved to calendar values.

A rule-based tagger in the spirit of TimeML/TIMEX3: each pattern below finds
one kind of expression ("Friday (February 17)", "2 weeks ago", "last year",
"April 2014", "the third quarter"), overlapping candidates are settled by
keeping the longest, and each survivor is resolved against a reference date
(the article's publication date, or ``--reference-date``).

Values follow TIMEX3 so they can be scored against TempEval: ``2017-02-17``
(a day), ``2017-W07`` (a week), ``2017-W07-WE`` (a weekend), ``2017-02`` (a
month), ``2017-Q1``, ``2017-SU`` (a season), ``2017`` (a year), ``201`` (a
decade), and ``PRESENT_REF`` / ``PAST_REF`` / ``FUTURE_REF``. Each resolved
value also carries the first and last day it covers. Without a reference date,
relative expressions are still found but left unresolved (value ``None``, or
``XXXX-02-17`` when only the year is missing): a date is never invented.

Month names and weekdays must be capitalised and "May" needs a day, a year or
a preposition, so ordinary words ("we", "may", "march") never become dates.

>>> from datetime import date
>>> [(d.text, d.value) for d in find_dates("He spoke on Friday (February 17).", date(2017, 2, 20))]
[('Friday (February 17)', '2017-02-17')]
>>> [(d.text, d.value) for d in find_dates("We may meet 2 weeks ago.", date(2017, 2, 20))]
[('2 weeks ago', '2017-W06')]
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from ..documents import Article, DateMention
from .holidays import HOLIDAYS

MONTHS = {name.lower(): i for i, name in enumerate(calendar.month_name) if name}
MONTHS.update({"jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "sept": 9,
               "oct": 10, "nov": 11, "dec": 12})
WEEKDAYS = {name.lower(): i for i, name in enumerate(calendar.day_name)}
NUMBERS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
           "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "fifteen": 15, "twenty": 20,
           "thirty": 30, "fifty": 50, "hundred": 100}
ORDINALS = {"first": 1, "1st": 1, "second": 2, "2nd": 2, "third": 3, "3rd": 3, "fourth": 4, "4th": 4}
SEASONS = {"spring": "SP", "summer": "SU", "fall": "FA", "autumn": "FA", "winter": "WI"}

_FULL_MONTH = r"(?:January|February|March|April|May|June|July|August|September|October|November|December)"
_ABBR_MONTH = r"(?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec)"
_MONTH_WITH_DAY = rf"(?:{_FULL_MONTH}|{_ABBR_MONTH}\.?)"
_MONTH_ALONE = rf"(?:{_FULL_MONTH}|{_ABBR_MONTH}\.)"
_WEEKDAY = r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
_DAY = r"(?:3[01]|[12]\d|0?[1-9])(?:st|nd|rd|th)?"
_YEAR = r"(?:1[89]\d\d|20\d\d)"
_MOD = (r"(?i:(?:early|late|mid|the (?:end|beginning|start|middle|rest|first half|second half) of|"
        r"(?:earlier|later|until|through|since|by|in|during|before|after) )[\s-]*)?")
_COUNT = r"(?:\d{1,3}|a|an|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty|fifty|a hundred|a few|several|some|many)"
_UNIT = r"(?:day|week|month|year|decade)s?"
_FUTURE_CUE = re.compile(
    r"\b(?:will|shall|'ll|is to|are to|going to|plans? to|planned|scheduled|expected to|due to|intends? to|next|upcoming|coming)\b",
    re.I)
# Count nouns that make a number like 2000 a quantity rather than a year.
_QUANTITY_NOUNS = re.compile(
    r"\s*(?:people|persons|troops|soldiers|jobs|workers|employees|residents|units|cars|vehicles|km|kilometers|"
    r"kilometres|miles|meters|metres|feet|tons|tonnes|barrels|votes|shares|points|deaths|cases|homes|houses|"
    r"members|students|children|refugees|migrants|police|officers|acres|hectares|words|pages)\b", re.I)


@dataclass(frozen=True)
class Resolved:
    value: str | None
    first: date | None = None
    last: date | None = None


@dataclass
class _Context:
    text: str
    ref: date | None
    start: int
    end: int
    day_first: bool = False  # "08/01/2014" is 8 January (most of the world) rather than August 1 (the US)

    @property
    def future(self) -> bool:
        """Does the sentence around the expression speak of the future?"""
        left = self.text.rfind(".", 0, self.start)
        window = self.text[max(left + 1, self.start - 80): min(len(self.text), self.end + 30)]
        return bool(_FUTURE_CUE.search(window))


# -- value builders ---------------------------------------------------------

def _day(d: date) -> Resolved:
    return Resolved(d.isoformat(), d, d)


def _month(y: int, m: int) -> Resolved:
    return Resolved(f"{y:04d}-{m:02d}", date(y, m, 1), date(y, m, calendar.monthrange(y, m)[1]))


def _year(y: int) -> Resolved:
    return Resolved(f"{y:04d}", date(y, 1, 1), date(y, 12, 31))


def _week(d: date) -> Resolved:
    iso = d.isocalendar()
    monday = d - timedelta(days=d.weekday())
    return Resolved(f"{iso.year}-W{iso.week:02d}", monday, monday + timedelta(days=6))


def _weekend(d: date) -> Resolved:
    saturday = d - timedelta(days=d.weekday()) + timedelta(days=5)
    iso = saturday.isocalendar()
    return Resolved(f"{iso.year}-W{iso.week:02d}-WE", saturday, saturday + timedelta(days=1))


def _quarter(y: int, q: int) -> Resolved:
    first = date(y, 3 * q - 2, 1)
    last_month = 3 * q
    return Resolved(f"{y:04d}-Q{q}", first, date(y, last_month, calendar.monthrange(y, last_month)[1]))


def _season(y: int, code: str) -> Resolved:
    spans = {"SP": ((3, 1), (5, 31)), "SU": ((6, 1), (8, 31)), "FA": ((9, 1), (11, 30))}
    if code == "WI":
        end_year = y + 1
        return Resolved(f"{y:04d}-WI", date(y, 12, 1), date(end_year, 2, calendar.monthrange(end_year, 2)[1]))
    (m1, d1), (m2, d2) = spans[code]
    return Resolved(f"{y:04d}-{code}", date(y, m1, d1), date(y, m2, d2))


def _decade(start_year: int) -> Resolved:
    return Resolved(f"{start_year // 10:03d}", date(start_year, 1, 1), date(start_year + 9, 12, 31))


def _shift_month(y: int, m: int, delta: int) -> tuple[int, int]:
    index = y * 12 + (m - 1) + delta
    return index // 12, index % 12 + 1


def _safe_date(y: int, m: int, d: int) -> date | None:
    try:
        return date(y, m, d)
    except ValueError:
        return None


def _guess_year(ctx: _Context, month: int, day: int, weekday: int | None = None) -> date | None:
    """The year that puts month/day nearest the reference (and on the weekday, if one was given)."""
    ref = ctx.ref
    candidates = [d for y in (ref.year - 1, ref.year, ref.year + 1) if (d := _safe_date(y, month, day))]
    if weekday is not None and any(d.weekday() == weekday for d in candidates):
        candidates = [d for d in candidates if d.weekday() == weekday]
    if not candidates:
        return None
    future = ctx.future
    # News mostly reports the past: a past candidate wins unless the sentence is future-tense.
    def cost(d: date) -> float:
        gap = (d - ref).days
        if future:
            return abs(gap) + (180 if gap < 0 else 0)
        return abs(gap) * (1.5 if gap > 0 else 1.0)
    return min(candidates, key=cost)


# -- handlers: (match, context) -> Resolved ---------------------------------

def _h_iso(m: re.Match, ctx: _Context) -> Resolved | None:
    d = _safe_date(int(m["y"]), int(m["m"]), int(m["d"]))
    return _day(d) if d else None


def _h_numeric(m: re.Match, ctx: _Context) -> Resolved | None:
    a, b, y = int(m["a"]), int(m["b"]), int(m["y"])
    if y < 100:
        y += 2000 if y < 50 else 1900
    if ctx.day_first:
        day, month = (a, b) if b <= 12 else (b, a)  # day first unless impossible
    else:
        month, day = (a, b) if a <= 12 else (b, a)  # US order unless impossible
    d = _safe_date(y, month, day)
    return _day(d) if d else None


def _day_month(ctx: _Context, month: int, day: int, year: str | None, weekday: str | None) -> Resolved | None:
    wd = WEEKDAYS[weekday.lower()] if weekday else None
    if year:
        d = _safe_date(int(year), month, day)
        return _day(d) if d else None
    if ctx.ref is None:
        return Resolved(f"XXXX-{month:02d}-{day:02d}") if _safe_date(2000, month, day) else None
    d = _guess_year(ctx, month, day, wd)
    return _day(d) if d else None


def _h_month_day(m: re.Match, ctx: _Context) -> Resolved | None:
    month = MONTHS[m["mon"].rstrip(".").lower()]
    day = int(re.match(r"\d+", m["day"]).group())
    return _day_month(ctx, month, day, m["year"], m["wd"])


def _h_weekday(m: re.Match, ctx: _Context) -> Resolved | None:
    if ctx.ref is None:
        return Resolved(None)
    wd = WEEKDAYS[m["wd"].lower()]
    rel = (m["rel"] or "").lower()
    ref = ctx.ref
    back = (ref.weekday() - wd) % 7  # days since the most recent such weekday (0 = today)
    ahead = (wd - ref.weekday()) % 7
    if rel == "last" or rel == "past":
        d = ref - timedelta(days=back or 7)
    elif rel == "next":
        d = ref + timedelta(days=ahead or 7)
    elif rel in ("this", "coming", "this coming"):
        d = ref + timedelta(days=ahead)
    elif ctx.future:
        d = ref + timedelta(days=ahead or 7)
    else:
        d = ref - timedelta(days=back)
    return _day(d)


def _h_month_year(m: re.Match, ctx: _Context) -> Resolved | None:
    return _month(int(m["year"]), MONTHS[m["mon"].rstrip(".").lower()])


def _h_month(m: re.Match, ctx: _Context) -> Resolved | None:
    month = MONTHS[m["mon"].rstrip(".").lower()]
    rel = (m["rel"] or "").lower()
    if ctx.ref is None:
        return Resolved(f"XXXX-{month:02d}")
    ref = ctx.ref
    if rel == "last":
        year = ref.year if month < ref.month else ref.year - 1
    elif rel == "next":
        year = ref.year if month > ref.month else ref.year + 1
    elif rel == "this":
        year = ref.year
    elif month <= ref.month:
        year = ref.year
    else:
        year = ref.year if ctx.future else ref.year - 1
    return _month(year, month)


def _h_year(m: re.Match, ctx: _Context) -> Resolved | None:
    start, end, text = m.start("year"), m.end("year"), ctx.text
    before = text[start - 1] if start else " "
    after = text[end:end + 2]
    if before in "$£€#.,/:-" or before.isdigit() or before.isalpha():
        return None
    if after[:1].isdigit() or after[:1] in "%.,:" and after[1:2].isdigit() or after[:1] in "-/" and after[1:2].isdigit():
        return None
    if _QUANTITY_NOUNS.match(text, end):
        return None
    return _year(int(m["year"]))


def _h_decade(m: re.Match, ctx: _Context) -> Resolved | None:
    return _decade(int(m["dec"]))


_ABSOLUTE_DAY = {"today": 0, "tonight": 0, "this morning": 0, "this afternoon": 0, "this evening": 0,
                 "yesterday": -1, "last night": -1, "tomorrow": 1, "the day before yesterday": -2,
                 "the day after tomorrow": 2}


def _h_dayword(m: re.Match, ctx: _Context) -> Resolved | None:
    if ctx.ref is None:
        return Resolved(None)
    return _day(ctx.ref + timedelta(days=_ABSOLUTE_DAY[re.sub(r"\s+", " ", m[0].lower())]))


def _count(word: str) -> int | None:
    word = word.lower()
    if word.isdigit():
        return int(word)
    if word == "a hundred":
        return 100
    return NUMBERS.get(word)


def _h_ago(m: re.Match, ctx: _Context) -> Resolved | None:
    n = _count(m["n"])
    direction = -1 if m["dir"].lower() in ("ago", "earlier", "before") else 1
    if n is None:  # "a few weeks ago": only the direction is known
        return Resolved("PAST_REF" if direction < 0 else "FUTURE_REF")
    if ctx.ref is None:
        return Resolved(None)
    unit = m["unit"].lower().rstrip("s")
    ref = ctx.ref
    if unit == "day":
        return _day(ref + timedelta(days=direction * n))
    if unit == "week":
        return _week(ref + timedelta(weeks=direction * n))
    if unit == "month":
        return _month(*_shift_month(ref.year, ref.month, direction * n))
    if unit == "year":
        return _year(ref.year + direction * n)
    return _decade((ref.year // 10 + direction * n) * 10)


def _h_relunit(m: re.Match, ctx: _Context) -> Resolved | None:
    if ctx.ref is None:
        return Resolved(None)
    rel = re.sub(r"\s+", " ", m["rel"].lower())
    unit = m["unit"].lower()
    step = -1 if rel in ("last", "past", "previous", "this past") else 1 if rel in ("next", "coming", "following") else 0
    ref = ctx.ref
    if unit == "week":
        return _week(ref + timedelta(weeks=step))
    if unit == "weekend":
        if step < 0:
            return _weekend(ref - timedelta(days=(ref.weekday() - 6) % 7 or 7))
        return _weekend(ref + timedelta(weeks=max(step, 0)))
    if unit == "month":
        return _month(*_shift_month(ref.year, ref.month, step))
    if unit == "year":
        return _year(ref.year + step)
    if unit == "decade":
        return _decade((ref.year // 10 + step) * 10)
    if unit == "quarter":
        q = (ref.month - 1) // 3 + 1 + step
        y = ref.year + (q - 1) // 4
        return _quarter(y, (q - 1) % 4 + 1)
    code = SEASONS[unit]
    year = ref.year + step
    return _season(year, code)


def _h_quarter(m: re.Match, ctx: _Context) -> Resolved | None:
    year = m["year"] or m["year2"]
    if m["q"].lower() == "last" and not year:
        return None  # "the last quarter" is the relative-unit pattern's job
    q = 4 if m["q"].lower() in ("fourth", "4th", "final", "last") else ORDINALS[m["q"].lower()]
    if year:
        return _quarter(int(year), q)
    if ctx.ref is None:
        return Resolved(f"XXXX-Q{q}")
    current = (ctx.ref.month - 1) // 3 + 1
    year = ctx.ref.year if q <= current or ctx.future else ctx.ref.year - 1
    return _quarter(year, q)


def _h_season_year(m: re.Match, ctx: _Context) -> Resolved | None:
    return _season(int(m["year"]), SEASONS[m["season"].lower()])


_HOLIDAY_NAMES = "|".join(sorted((re.escape(h).replace("'", "['’]") for h in HOLIDAYS), key=len, reverse=True))


def _h_holiday(m: re.Match, ctx: _Context) -> Resolved | None:
    rule = HOLIDAYS[m["name"].lower().replace("’", "'")]
    rel = (m["rel"] or "").lower()
    if m["year"]:
        d = rule(int(m["year"]))
    elif ctx.ref is None:
        return Resolved(None)
    else:
        ref = ctx.ref
        if rel == "last":
            d = rule(ref.year) if rule(ref.year) < ref else rule(ref.year - 1)
        elif rel == "next":
            d = rule(ref.year) if rule(ref.year) > ref else rule(ref.year + 1)
        elif rel == "this":
            d = rule(ref.year)
        else:
            d = min((rule(y) for y in (ref.year - 1, ref.year, ref.year + 1)),
                    key=lambda c: abs((c - ref).days) * (1.5 if c > ref and not ctx.future else 1.0))
    if "week" in (m["week"] or "").lower():
        return _week(d)
    return _day(d)


_REFS = {"now": "PRESENT_REF", "currently": "PRESENT_REF", "nowadays": "PRESENT_REF", "at present": "PRESENT_REF",
         "recently": "PAST_REF", "lately": "PAST_REF", "the past": "PAST_REF", "the future": "FUTURE_REF",
         "the near future": "FUTURE_REF", "the foreseeable future": "FUTURE_REF", "the distant future": "FUTURE_REF"}


def _h_ref(m: re.Match, ctx: _Context) -> Resolved | None:
    value = _REFS[re.sub(r"\s+", " ", m[0].lower())]
    if value == "PRESENT_REF" and ctx.ref is not None:
        return Resolved(value, ctx.ref, ctx.ref)
    return Resolved(value)


# -- the patterns -----------------------------------------------------------

_I = re.IGNORECASE
_PATTERNS: list[tuple[re.Pattern, Callable[[re.Match, _Context], Resolved | None]]] = [
    (re.compile(r"\b(?P<y>(?:19|20)\d\d)-(?P<m>[01]\d)-(?P<d>[0-3]\d)\b"), _h_iso),
    (re.compile(r"\b(?P<a>[01]?\d|[23]\d)/(?P<b>[0-3]?\d)/(?P<y>(?:19|20)?\d\d)\b"), _h_numeric),
    # "Friday (February 17)", "Friday, Feb. 17, 2017", "February 17", "Feb 17th 2017"
    (re.compile(rf"(?:(?P<wd>{_WEEKDAY}),?\s*\(?\s*)?\b(?P<mon>{_MONTH_WITH_DAY})\s+(?P<day>{_DAY})\b\)?"
                rf"(?:,?\s+(?P<year>{_YEAR})\b)?"), _h_month_day),
    # "Friday, 17 February 2017", "17 February", "the 17th of February"
    (re.compile(rf"(?:(?P<wd>{_WEEKDAY}),?\s*\(?\s*)?\b(?:the\s+)?(?P<day>{_DAY})\s+(?:of\s+)?(?P<mon>{_MONTH_WITH_DAY})\b\)?"
                rf"(?:,?\s+(?P<year>{_YEAR})\b)?"), _h_month_day),
    (re.compile(rf"(?:\b(?P<rel>last|next|this coming|this|coming|past)\s+)?\b(?P<wd>{_WEEKDAY})\b(?!s)", _I), _h_weekday),
    (re.compile(rf"\b{_MOD}(?P<mon>{_MONTH_ALONE})(?:\s+of)?,?\s+(?P<year>{_YEAR})\b"), _h_month_year),
    # A month on its own; "May" only after a word that makes it a month.
    (re.compile(rf"\b{_MOD}(?:(?P<rel>(?i:last|next|this))\s+)?(?P<mon>(?!May\b){_MONTH_ALONE})(?!\s*\d)\b"), _h_month),
    (re.compile(r"\b(?:(?i:in|since|until|by|during|from|through|early|late|mid)[\s-]+|(?P<rel>(?i:last|next|this))\s+)(?P<mon>May)\b(?!\s*\d)"), _h_month),
    (re.compile(rf"\b{_MOD}(?i:the\s+)?(?i:(?:fiscal|calendar)\s+)?(?P<year>{_YEAR})\b(?!'?s\b)"), _h_year),
    (re.compile(r"\b(?i:the\s+)?(?i:(?:early|late|mid)[\s-]+)?(?P<dec>(?:19|20)\d0)'?s\b"), _h_decade),
    (re.compile(r"\b(?:the day (?:before yesterday|after tomorrow)|today|tonight|yesterday|tomorrow|last night|this (?:morning|afternoon|evening))\b", _I), _h_dayword),
    (re.compile(rf"\b(?P<n>{_COUNT})\s+(?P<unit>{_UNIT})\s+(?P<dir>ago|earlier|before|from now|later)\b", _I), _h_ago),
    (re.compile(r"\b(?:(?:earlier|later|since|until|by|in|during|through|for the rest of)\s+)?(?:the\s+)?(?P<rel>last|next|this past|this|previous|following|current|coming)\s+"
                r"(?P<unit>week|weekend|month|year|quarter|decade|spring|summer|fall|autumn|winter)\b", _I), _h_relunit),
    (re.compile(rf"\b(?:the\s+)?(?P<q>first|second|third|fourth|1st|2nd|3rd|4th|final|last)[\s-]+(?:fiscal[\s-]+)?quarter\b"
                rf"(?:\s+of\s+(?:fiscal\s+)?(?P<year>{_YEAR})\b|,?\s+(?P<year2>{_YEAR})\b)?", _I), _h_quarter),
    (re.compile(rf"\b(?:the\s+)?(?P<season>spring|summer|fall|autumn|winter)(?:\s+of)?\s+(?P<year>{_YEAR})\b", _I), _h_season_year),
    (re.compile(r"\b(?:now|currently|nowadays|at present|recently|lately|(?<=in )the past|the (?:near |foreseeable |distant )?future)\b", _I), _h_ref),
    (re.compile(rf"\b(?:(?P<rel>(?i:last|next|this))\s+)?(?P<name>(?i:{_HOLIDAY_NAMES}))(?P<week>(?i:\s+week(?:end)?))?"
                rf"(?:,?\s+(?P<year>{_YEAR})\b)?(?![\w'’])"), _h_holiday),
]


_LEADING_PREPOSITION = re.compile(r"(?i:in|since|until|by|during|through|from|before|after|on|for the rest of)\s+")


#: Languages whose writers put the month first in numeric dates ("08/01/2014" is August 1): English, as
#: the US writes it (other English-speaking countries write day first, but the text rarely says which).
MONTH_FIRST_LANGUAGES = frozenset({"en"})


def find_dates(text: str, reference: date | None, language: str | None = None) -> list[DateMention]:
    """All date expressions in ``text``, longest match first where they overlap.

    ``language`` decides numeric dates: day first ("08/01/2014" is 8 January)
    unless the language writes the month first (``MONTH_FIRST_LANGUAGES``) or
    is unknown.

    >>> [d.value for d in find_dates("Publicado el 08/01/2014.", None, "es")]
    ['2014-01-08']
    >>> [d.value for d in find_dates("Posted 08/01/2014.", None, "en")]
    ['2014-08-01']
    """
    day_first = language is not None and language not in MONTH_FIRST_LANGUAGES
    candidates = []
    for order, (pattern, handler) in enumerate(_PATTERNS):
        for m in pattern.finditer(text):
            if m.end() > m.start():
                candidates.append((m.start(), -(m.end() - m.start()), order, m, handler))
    candidates.sort(key=lambda c: (c[1], c[0], c[2]))  # longest first
    taken: list[tuple[int, int]] = []
    found: list[DateMention] = []
    for start, neg_len, _order, m, handler in candidates:
        end = start - neg_len
        if any(start < e and s < end for s, e in taken):
            continue
        resolved = handler(m, _Context(text, reference, start, end, day_first))
        if resolved is None:
            continue
        taken.append((start, end))
        # Prepositions help find a date ("in May") but are not part of it.
        lead = _LEADING_PREPOSITION.match(text, start, end)
        if lead:
            start = lead.end()
        found.append(DateMention(
            text=text[start:end], start=start, end=end, value=resolved.value,
            date_from=resolved.first.isoformat() if resolved.first else None,
            date_to=resolved.last.isoformat() if resolved.last else None,
        ))
    found.sort(key=lambda d: d.start)
    return found


def tag_dates(article: Article, fallback_reference: date | None) -> Article:
    published = article.raw.published
    article.reference_date = published.date() if published else fallback_reference
    article.dates = find_dates(article.text, article.reference_date, article.language)
    return article
