"""The words an article is about: a sparse bag of content terms, any language.

``terms(title, text, language)`` returns term -> weight, where a title word
counts ``TITLE_WEIGHT`` times a body word, so that a headline-only item still
has a profile of its own (its few words, at full weight) instead of collapsing
onto every other short item. Terms are casefolded words of two letters or
more, without the stop words of the article's language (spaCy ships lists for
about 80 languages; an unknown language is filtered with the English and
multilingual lists) and without numbers. Scripts written without spaces
(Chinese, Japanese, Thai) are cut into character bigrams, which is what
search engines do for them too.

The corpus statistics that turn these counts into TF-IDF weights (how many
articles carry each term) are kept by the store as articles arrive; see
``newswatch.linking.lexical``.

>>> t = terms("Stoltenberg meets Lavrov", "NATO's chief met the Russian minister in Munich on Friday.", "en")
>>> t["stoltenberg"], t["munich"]
(3.0, 1.0)
>>> "the" in t, "friday" in t
(False, True)
>>> sorted(terms("", "北约秘书长", "zh"))[:3]
['书长', '北约', '秘书']
"""

from __future__ import annotations

import re
from collections import Counter
from functools import lru_cache

TITLE_WEIGHT = 3.0
BODY_CHARS = 4000  # the lead carries what the article is about
MAX_TERMS = 120  # the heaviest terms are kept; the tail costs storage, not precision
_WORD = re.compile(r"[^\W\d_][\w'’-]*[^\W_]|[^\W\d_]{2,}", re.UNICODE)
# CJK ideographs, kana, Thai, Lao, Khmer, Myanmar: written without spaces between words.
_UNSPACED = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u0e00-\u0eff\u1000-\u109f\u1780-\u17ff]+")


@lru_cache(maxsize=None)
def stop_words(language: str | None) -> frozenset[str]:
    """spaCy's stop-word list for the language, English's when it has none (or the language is unknown)."""
    import importlib

    words: set[str] = set()
    for code in {language or "en", "en"}:
        try:
            module = importlib.import_module(f"spacy.lang.{code}.stop_words")
        except ImportError:
            continue
        words |= {w.casefold() for w in module.STOP_WORDS}
    return frozenset(words)


def _tokens(text: str, language: str | None) -> list[str]:
    stops = stop_words(language)
    out = []
    for run in _UNSPACED.findall(text):
        out.extend(run[i:i + 2] for i in range(len(run) - 1))
    for word in _WORD.findall(_UNSPACED.sub(" ", text)):
        word = word.casefold().replace("’", "'")
        if word.endswith("'s"):
            word = word[:-2]
        if len(word) > 1 and word not in stops and len(word) < 40:
            out.append(word)
    return out


def terms(title: str | None, text: str, language: str | None) -> dict[str, float]:
    """Term -> weight for one article (title words count ``TITLE_WEIGHT`` times)."""
    counts: Counter[str] = Counter()
    for token in _tokens(title or "", language):
        counts[token] += TITLE_WEIGHT
    for token in _tokens(text[:BODY_CHARS], language):
        counts[token] += 1.0
    return dict(counts.most_common(MAX_TERMS))
