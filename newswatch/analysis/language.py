"""Language identification with lingua.

The detector is built once per process, on first use, from a subset of
languages (``IngestOptions.languages``) in lingua's low-accuracy mode, which
uses only its trigram models: measured here, 70 MB of memory and 0.15 s to
start instead of 500 MB and 4 s for the full models of 24 languages, with the
same answers on article-length text.

Short texts (a headline, a snippet) are another matter: on 600 English
headlines the trigram models alone called 26% of them another language. Text
under ``SHORT_LETTERS`` letters goes to a second detector with lingua's full
models (loaded on first use, about 450 MB), and its answer counts only when
its confidence reaches ``MIN_SHORT_CONFIDENCE`` and leads the runner-up's by
``MIN_SHORT_MARGIN``; otherwise the language is unknown rather than wrong
(bench/language_headlines.py: English headlines, and the openings of
reports in nine other languages, which the margin leaves almost untouched).
A language the input declares (a JSONL field, a feed's or page's metadata)
always wins, and the title is read with the body.
"""

from __future__ import annotations

from functools import lru_cache

from ..documents import Article

#: Below this many letters lingua's answer is a guess; we say "unknown".
MIN_LETTERS = 20
#: Text beyond this many characters adds cost but not accuracy.
SAMPLE_CHARS = 3000
#: Below this many letters the full models decide, and only when confident.
SHORT_LETTERS = 200
MIN_SHORT_CONFIDENCE = 0.3
#: ... and when it leads the runner-up by this much: a near tie on a headline is a guess between two.
MIN_SHORT_MARGIN = 0.1


@lru_cache(maxsize=4)
def _detector(codes: tuple[str, ...], short: bool = False):
    from lingua import IsoCode639_1, Language, LanguageDetectorBuilder

    languages = []
    for code in codes:
        try:
            languages.append(Language.from_iso_code_639_1(getattr(IsoCode639_1, code.upper())))
        except (AttributeError, ValueError):
            raise ValueError(f"unknown language code {code!r}: use ISO 639-1 codes such as 'en' or 'de'") from None
    if len(languages) < 2:
        raise ValueError("the language detector needs at least two languages to choose from")
    builder = LanguageDetectorBuilder.from_languages(*languages)
    if short:
        return builder.build()
    return builder.with_minimum_relative_distance(0.1).with_low_accuracy_mode().build()


def detect_language(text: str, codes: tuple[str, ...]) -> str | None:
    """ISO 639-1 code of the text's language, or None when unsure.

    >>> from newswatch.config import DEFAULT_LANGUAGES
    >>> detect_language("The alliance is working to reduce tensions with Moscow.", DEFAULT_LANGUAGES)
    'en'
    """
    sample = text[:SAMPLE_CHARS]
    letters = sum(ch.isalpha() for ch in sample)
    if letters < MIN_LETTERS:
        return None
    if letters < SHORT_LETTERS:
        ranked = _detector(tuple(codes), short=True).compute_language_confidence_values(sample)
        if not ranked or ranked[0].value < MIN_SHORT_CONFIDENCE:
            return None
        if len(ranked) > 1 and ranked[0].value - ranked[1].value < MIN_SHORT_MARGIN:
            return None
        return ranked[0].language.iso_code_639_1.name.lower()
    found = _detector(tuple(codes)).detect_language_of(sample)
    return found.iso_code_639_1.name.lower() if found else None


def normalise_code(code: str | None) -> str | None:
    """'EN', 'en-GB', 'en_US' -> 'en'."""
    if not code:
        return None
    return code.strip().replace("_", "-").split("-")[0].lower() or None


def language(article: Article, codes: tuple[str, ...]) -> Article:
    declared = normalise_code(article.raw.language)
    title = article.title or ""
    sample = article.text if not title or article.text.startswith(title) else f"{title}\n{article.text}"
    article.language = declared or detect_language(sample, codes)
    return article
