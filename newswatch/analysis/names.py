"""Comparing names: normalisation, person-name compatibility, acronyms.

Used twice: inside one article (chaining "Stoltenberg" to "Jens Stoltenberg")
and across the corpus (``newswatch.linking.entities``), so both apply the same
idea of when two spellings are one name.

The rules are deliberately asymmetric: a surname may carry a typo
("Stolteberg", "Lindquist"), but two people with different first names are
never one person, however alike their surnames.

>>> person_match("Jens Stoltenberg", "Jens Stolteberg")
True
>>> person_match("Sergei Lavrov", "Sergey Lavrov")
True
>>> person_match("George Bush", "Jeb Bush")
False
>>> person_match("George H. W. Bush", "George W. Bush"), person_match("George W. Bush", "George Bush")
(False, True)
>>> person_match("Martin Luther King Jr.", "Martin Luther King Sr.")
False
>>> acronym("North Atlantic Treaty Organization")
'nato'
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from rapidfuzz import fuzz
from rapidfuzz.distance import JaroWinkler, Levenshtein

#: Surnames at least this alike (Jaro-Winkler) and at most this many edits
#: apart may be spelling variants ("Stolteberg", "Joanet", but not "Montevideo" for "Monteiro").
SURNAME_SIMILARITY = 0.90
SURNAME_MAX_EDITS = 2
#: First names at least this alike are variants (Sergei / Sergey).
FIRST_NAME_SIMILARITY = 0.88
#: Token-sort ratio above which two multi-word organisation or place names are variants.
NAME_RATIO = 92

_HONORIFICS = {"mr", "mrs", "ms", "miss", "dr", "sir", "dame", "lord", "lady", "prof", "rev"}
#: Generational suffixes: not part of the surname, but two different ones are two people.
_SUFFIXES = {"jr", "sr", "ii", "iii", "iv"}
_NAME_STOPWORDS = {"of", "the", "and", "for", "de", "la", "le", "du", "des", "del", "di", "van", "von", "&"}
#: Words that open a surname ("Lo Presti", "de Blasio", "von der Leyen"): a name that begins with one is
#: a surname on its own, not a first name and a surname. "Van", "Del" and "Di" are also given names
#: (Van Morrison, Del Shannon), so they count only when written in lower case.
_SURNAME_PARTICLES = {"lo", "le", "la", "de", "da", "dos", "das", "der", "den", "von", "du", "della", "degli",
                      "ter", "ten"}
_LOWER_CASE_PARTICLES = {"van", "del", "di"}
_PUNCT = re.compile(r"[^\w\s-]")


@lru_cache(maxsize=200_000)
def fold(text: str) -> str:
    """Lower case, no accents, no punctuation, single spaces: 'Halldórsdóttir' -> 'halldorsdottir'."""
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    plain = _PUNCT.sub("", plain.replace("’", "'").replace("'s ", " ")).replace("-", " ")
    return " ".join(plain.casefold().split())


def name_tokens(name: str) -> list[str]:
    return list(_name_tokens(name))


@lru_cache(maxsize=200_000)
def _name_tokens(name: str) -> tuple[str, ...]:
    return tuple(t for t in fold(name).split() if t not in _HONORIFICS and t not in _SUFFIXES)


@lru_cache(maxsize=200_000)
def is_full_name(name: str) -> bool:
    """A first name and a surname (not a surname alone, however many words it has).

    >>> is_full_name("Gaetano Lo Presti"), is_full_name("Lo Presti"), is_full_name("Van Morrison")
    (True, False, True)
    """
    if len(name_tokens(name)) < 2:
        return False
    # The first word that is not a title or a suffix: name_tokens has at least two, so there is one.
    first = next(w for w in name.split() if fold(w) and fold(w) not in _HONORIFICS and fold(w) not in _SUFFIXES)
    return not (fold(first) in _SURNAME_PARTICLES or first in _LOWER_CASE_PARTICLES)


def generation(name: str) -> str | None:
    """The generational suffix of a name ('jr', 'sr', 'ii', ...), if it has one."""
    found = [t for t in fold(name).split() if t in _SUFFIXES]
    return found[-1] if found else None


def middle_initials(name: str) -> str:
    """Initials of the names between the first and the last: 'George H. W. Bush' -> 'hw'."""
    # Read from the raw name, so that "H.W." is two initials as "H. W." is.
    words = [w for w in re.findall(r"[^\W\d_]+", name) if fold(w) not in _HONORIFICS | _SUFFIXES]
    return "".join(fold(w)[:1] for w in words[1:-1])


def surname(name: str) -> str:
    tokens = name_tokens(name)
    return tokens[-1] if tokens else ""


def similar(a: str, b: str) -> float:
    return JaroWinkler.similarity(a, b)


def first_names_compatible(a: str, b: str) -> bool:
    if a == b:
        return True
    if len(a) == 1 or len(b) == 1:  # an initial
        return a[0] == b[0]
    return similar(a, b) >= FIRST_NAME_SIMILARITY


def surnames_match(a: str, b: str) -> bool:
    return a == b or (min(len(a), len(b)) >= 4 and similar(a, b) >= SURNAME_SIMILARITY
                      and Levenshtein.distance(a, b) <= SURNAME_MAX_EDITS)


def person_match(a: str, b: str) -> bool:
    """Are two full person names (first and last name) spellings of one name?"""
    ta, tb = name_tokens(a), name_tokens(b)
    if len(ta) < 2 or len(tb) < 2:
        return False
    # Middle names or initials on both sides must agree (George H. W. Bush is not George W. Bush);
    # one side without them is the same person written shorter.
    ma, mb = middle_initials(a), middle_initials(b)
    if ma and mb and ma != mb:
        return False
    ga, gb = generation(a), generation(b)
    if ga and gb and ga != gb:
        return False
    return surnames_match(ta[-1], tb[-1]) and any(
        first_names_compatible(x, y) for x in _given_names(ta) for y in _given_names(tb))


def _given_names(tokens: tuple[str, ...]) -> tuple[str, ...]:
    """The names a person may go by: the first, and after a lone initial the next one.

    Someone written "W. Mark Felt" (or "J. Edgar Hoover") goes by the second
    name, so "Mark Felt" is a shorter spelling of them.

    >>> person_match("W. Mark Felt", "Mark Felt"), person_match("W. Mark Felt", "Mark W. Felt")
    (True, False)
    """
    if len(tokens) >= 3 and len(tokens[0]) == 1 and len(tokens[1]) > 1:
        return tokens[:2]
    return tokens[:1]


def short_form_of(short: str, full: str) -> bool:
    """Is a surname alone (one word, or a particle and a word) the surname of a full name (allowing a typo)?

    >>> short_form_of("Joanet", "Mircea Joan"), short_form_of("Mircea", "Mircea Joan")
    (True, False)
    >>> short_form_of("Lo Presti", "Gaetano Lo Presti")
    True
    """
    ts, tf = name_tokens(short), name_tokens(full)
    if not ts or is_full_name(short) or len(tf) < 2:
        return False
    return surnames_match(ts[-1], tf[-1])


def first_name_of(short: str, full: str) -> bool:
    ts, tf = name_tokens(short), name_tokens(full)
    return len(ts) == 1 and len(tf) >= 2 and ts[0] == tf[0]


def acronym(name: str) -> str:
    words = [w for w in fold(name).split() if w not in _NAME_STOPWORDS]
    return "".join(w[0] for w in words) if len(words) >= 2 else ""


def is_acronym_of(short: str, long: str) -> bool:
    """'NATO' and 'North Atlantic Treaty Organization'; 'EU' and 'European Union'."""
    s = short.replace(".", "").strip()
    if not _could_be_acronym(short) or s.lower() in fold(long).split():
        return False  # "U.S. Stocks" is not what "US" stands for
    return acronym(long) == s.lower()


def acronym_key(name: str) -> str:
    """How an acronym is compared, however it is written: 'U.S.', 'US' and 'u s' -> 'us'."""
    return fold(name).replace(" ", "")


def attested_acronyms(variants: list[str]) -> set[str]:
    """Acronyms (folded) whose expansion is among the same variants: the evidence that they are one name.

    >>> sorted(attested_acronyms(["NATO", "North Atlantic Treaty Organization", "NC"]))
    ['nato']
    """
    shorts = [s for s in variants if _could_be_acronym(s)]
    if not shorts:
        return set()
    # Each long variant's initials once, not once per pair: an entity can have hundreds of spellings.
    initials = {acronym(long) for long in variants} - {""}
    return {acronym_key(s) for s in shorts if s.replace(".", "").strip().lower() in initials
            and any(is_acronym_of(s, long) for long in variants)}


def _could_be_acronym(text: str) -> bool:
    s = text.replace(".", "").strip()
    return s.isupper() and 2 <= len(s) <= 8


def names_match(a: str, b: str, acronyms: bool = True) -> bool:
    """Are two organisation/place/event names variants ('Munic Security Conference')?

    With ``acronyms=False`` an acronym and a name it abbreviates are not taken
    as one on the letters alone: "NC" fits Newcastle Central and Nissan
    Connect, so across articles the pair needs evidence (``attested_acronyms``).
    """
    fa, fb = fold(a), fold(b)
    if fa == fb:
        return True
    if is_acronym_of(a, b) or is_acronym_of(b, a):
        return acronyms
    if min(len(fa), len(fb)) < 8 or (" " not in fa and " " not in fb):
        return False  # short or single words: too risky to call a typo
    return fuzz.token_sort_ratio(fa, fb) >= NAME_RATIO


# -- headlines ----------------------------------------------------------------

_TITLE_WORD = re.compile(r"\w+")
TITLE_CASE_MAX_WORDS = 40  # a headline or a snippet, not running text


# Long function words that Title Case styles leave in lower case ("Talks Resume after Strike").
_LOWER_IN_TITLES = {"about", "above", "across", "after", "against", "along", "among", "around", "before",
                    "behind", "below", "beneath", "beside", "between", "beyond", "despite", "during", "except",
                    "inside", "outside", "since", "through", "throughout", "toward", "towards", "under",
                    "until", "unlike", "while", "within", "without"}


def title_case(text: str, min_letters: int = 5) -> bool:
    """A short text whose every longer word starts with a capital, as many headlines are written.

    A sentence full of names still has lower-case verbs and nouns ("arrived");
    a Title-Case headline has none.

    >>> title_case("Edward Snowden Urges SXSW Crowd to Thwart NSA with Technology")
    True
    >>> title_case("Russian Foreign Minister Sergey Lavrov arrived in Geneva on Monday.")
    False
    """
    words = _TITLE_WORD.findall(text)
    if len(words) > TITLE_CASE_MAX_WORDS:
        return False
    long = [w for w in words if len(w) >= min_letters and w[0].isalpha() and w.casefold() not in _LOWER_IN_TITLES]
    return len(long) >= 3 and all(w[0].isupper() for w in long)
