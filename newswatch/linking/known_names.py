"""Names the corpus already knows, found in articles that no NER model reads.

Only some languages have a NER model (``analysis.entities.MODELS``). A report
in German, Slovak or Spanish still names people the corpus has met: once an
entity has been read in any article, each of its spellings is looked for in
the text of articles without a model, as whole words with the same
capitalisation. The spans found go through the same chaining ("Stoltenberg"
after "Jens Stoltenberg") and corpus linking as a model's, so the German
report's "Stoltenberg" is the English reports' Jens Stoltenberg, and the
article counts for that entity, its events and its stories.

Headlines in Title Case ("Edward Snowden Urges SXSW Crowd to Thwart NSA With
Technology") mislead a model that reads capitals as names; for a short text
in Title Case the model's names are replaced by the known ones.

What is not looked for, because it would find common words: a single word of
fewer than four letters unless it is an acronym ("EU", "NATO" are kept), and
a spelling that does not start with a capital letter. A name the corpus has
never met is not found: that needs a model for the language.

>>> known = KnownNames()
>>> known.add("Jens Stoltenberg", "PERSON")
>>> known.add("NATO", "ORG")
>>> known.add("the", "ORG")  # not a name: ignored
>>> text = "NATO-Generalsekretär Jens Stoltenberg sagte am Freitag in München ..."
>>> [(text[s:e], label) for s, e, label in known.find(text)]
[('NATO', 'ORG'), ('Jens Stoltenberg', 'PERSON')]
"""

from __future__ import annotations

import re

MAX_WORDS = 6  # longer spellings are sentences a model mistook for a name
MIN_LETTERS = 4  # single words shorter than this are too often common words (acronyms excepted)
_WORD = re.compile(r"\w+")
# What may stand between two words of one name: a space, a hyphen, an initial's full stop, an apostrophe.
_JOINER = re.compile(r"[ \t.'’-]{1,3}")
#: newswatch types as the labels the chaining code reads (spaCy's English scheme).
LABEL_OF_TYPE = {"PERSON": "PERSON", "ORG": "ORG", "PLACE": "GPE", "EVENT": "EVENT"}




def usable(text: str) -> bool:
    """Whether a spelling can be looked for without finding ordinary words."""
    words = _WORD.findall(text)
    if not words or len(words) > MAX_WORDS or not text[0].isupper():
        return False
    if len(words) == 1:
        word = words[0]
        return len(word) >= MIN_LETTERS or (len(word) >= 2 and word.isupper())
    return True


class KnownNames:
    """Spellings of known entities, found in text by their words (longest spelling first)."""

    def __init__(self):
        self._types: dict[tuple[str, ...], str] = {}
        self._longest = 0

    def __len__(self) -> int:
        return len(self._types)

    def add(self, text: str, kind: str) -> None:
        if kind not in LABEL_OF_TYPE or not usable(text):
            return
        key = tuple(_WORD.findall(text))
        self._types.setdefault(key, kind)
        self._longest = max(self._longest, len(key))

    def find(self, text: str) -> list[tuple[int, int, str]]:
        """Non-overlapping ``(start, end, label)`` spans of known spellings, in text order."""
        if not self._types:
            return []
        words = [(m.group(), m.start(), m.end()) for m in _WORD.finditer(text)]
        out = []
        i = 0
        while i < len(words):
            for n in range(min(self._longest, len(words) - i), 0, -1):
                run = words[i:i + n]
                kind = self._types.get(tuple(w for w, _, _ in run))
                if kind and all(_JOINER.fullmatch(text[a[2]:b[1]]) for a, b in zip(run, run[1:])):
                    out.append((run[0][1], run[-1][2], LABEL_OF_TYPE[kind]))
                    i += n
                    break
            else:
                i += 1
        return out
