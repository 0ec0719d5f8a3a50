"""Names no model reads and the corpus has not met: capitalised words, confirmed by a second article.

``known_names`` finds, in a language without a NER model, the names the
corpus already knows. A name met for the first time in such a language
(a Slovak minister nobody wrote about in English) would never be found. In
languages that capitalise only names and a sentence's first word (Slovak,
Czech, Polish, Spanish, Italian, Portuguese, Dutch, Russian...), a run of
capitalised words inside a sentence is very likely a name; what is not
sure is only whether it is one name and of what kind. So such runs are
*candidates*, counted per corpus, and a candidate becomes a name when a
second article carries it too: the corpus, not one article's layout,
confirms it. From then on it is a known name like any other, found in every
later article in any language.

Not read this way: German and Luxembourgish, which capitalise every noun
("Die Regierung in Berlin"), and scripts without capitals.

The type is guessed, conservatively: a place when the gazetteer knows the
name; an organisation when a word of it says so (Partido, Banco, Ministerio,
Universidad...); a person when it is two or three words; otherwise no
entity at all.

>>> [text for _, _, text in candidates("Predsedníčka Zuzana Čaputová v piatok navštívila Nové Zámky.", "sk")]
['Zuzana Čaputová', 'Nové Zámky']
>>> candidates("Die Bundesregierung Berlin will Gespräche führen.", "de")
[]
>>> guess_type("Zuzana Čaputová"), guess_type("Partido Popular"), guess_type("Nové")
('PERSON', 'ORG', None)
"""

from __future__ import annotations

import re

#: Languages that capitalise every noun: a capital says nothing about names there.
NOUN_CAPITALISING = frozenset({"de", "lb"})
#: Articles that must carry a candidate before it is a name.
CONFIRMING_ARTICLES = 2
MAX_WORDS = 4
_WORD = re.compile(r"[^\W\d_][\w'’-]*")
#: Small words that may stand inside a name ("Ursula von der Leyen", "Rafael van der Vaart").
#: Not "al", "la", "del": they are as often "to the", "the", "of the" between two names.
PARTICLES = frozenset("de dos du van von der den ter bin ibn".split())
_SENTENCE_START = re.compile(r"(?:^|[.!?:;…«»\"“”„(\n–—-]\s*|\n)$")
#: Words that open organisations' names in the languages read this way.
ORG_WORDS = frozenset("""
partido banco ministerio universidad consejo comisión fundación grupo unión asociación instituto tribunal
corte agencia federación confederación sindicato empresa compañía real club
partito banca ministero università consiglio commissione fondazione gruppo unione associazione istituto
agenzia federazione società
partia bank ministerstwo uniwersytet rada komisja fundacja grupa związek instytut sąd agencja
strana banka ministerstvo univerzita komisia nadácia skupina zväz inštitút súd agentúra
banco ministério universidade conselho comissão fundação associação
partij ministerie universiteit raad commissie stichting groep vereniging instituut
""".split())


def reads_capitals(language: str | None) -> bool:
    """Whether a capital inside a sentence marks a name in this language."""
    return bool(language) and language not in NOUN_CAPITALISING


def candidates(text: str, language: str | None) -> list[tuple[int, int, str]]:
    """``(start, end, text)`` of runs of capitalised words that may be names, in text order.

    A sentence's first word is capitalised anyway: a run that starts a
    sentence loses that word, and is kept only if two words remain.
    """
    if not reads_capitals(language):
        return []
    out = []
    for run in _runs(text):
        start, end = run[0][1], run[-1][2]
        if _SENTENCE_START.search(text[max(0, start - 3):start]):
            run = run[1:]  # the sentence's first word is capitalised anyway
        while run and run[0][0] in PARTICLES:
            run = run[1:]
        if len(run) < 2:
            continue
        start = run[0][1]
        out.append((start, end, " ".join(text[start:end].split())))
    return out


def _capitalised(word: str) -> bool:
    return word[0].isupper() and any(c.islower() for c in word[1:])


def _runs(text: str) -> list[list[tuple[str, int, int]]]:
    """Runs of capitalised words, joined by one space, with particles allowed inside; at most MAX_WORDS."""
    runs: list[list[tuple[str, int, int]]] = []
    current: list[tuple[str, int, int]] = []
    pending: list[tuple[str, int, int]] = []  # particles seen after the run's last capitalised word
    for m in _WORD.finditer(text):
        word = (m.group(), m.start(), m.end())
        last = (pending or current)[-1] if current else None
        joined = last is not None and text[last[2]:word[1]] in (" ", "\u00a0")
        if _capitalised(word[0]) and joined and len(current) < MAX_WORDS:
            current += pending + [word]
            pending = []
        elif word[0] in PARTICLES and joined and len(pending) < 2:
            pending.append(word)
        else:
            if len(current) >= 2:
                runs.append(current)
            current, pending = ([word], []) if _capitalised(word[0]) else ([], [])
    if len(current) >= 2:
        runs.append(current)
    return runs


def guess_type(name: str, gazetteer=None) -> str | None:
    """PLACE, ORG, PERSON or None (not sure enough to make an entity of it)."""
    words = name.split()
    if gazetteer is not None and gazetteer.lookup(name):
        return "PLACE"
    if any(w.casefold() in ORG_WORDS for w in words):
        return "ORG"
    if 2 <= len(words) <= 3:
        return "PERSON"
    return None
