"""Which corpus entity does an article's chain belong to?

The store finds candidates by blocking keys (``block_keys``) and asks
``decide``; both are pure functions, so the rules can be read and tested
without a database.

Rules, for people:

- a chain with a full name joins an entity with a compatible full name
  (same first name or a variant of it, surname equal or a near spelling):
  "Sergei Lavrov" / "Sergey Lavrov", "Laia Ferrer" / "Laia Ferer";
- different first names are never merged, however alike the surnames;
- a chain with only a surname ("Lavrov") joins the one person with that
  surname; when the corpus knows two (George and Jeb Bush), it stays apart;
- a surname-only entity made earlier is folded into the full-name entity
  when that becomes the only person of that surname.

For organisations, places and events: the same folded name, a near spelling
of a long multi-word name ("Munic Security Conference"), or an acronym and
its expansion ("NATO" / "North Atlantic Treaty Organization") once an
article has used them together.

People with different middle initials (George H. W. / George W. Bush) or
different generational suffixes (Jr. / Sr.) are two people.

>>> people = [Candidate(1, "PERSON", ["Jens Stoltenberg", "Stoltenberg"], 12)]
>>> decide("PERSON", ["Stolteberg"], people).entity_id
1
>>> decide("PERSON", ["Jeb Stoltenberg"], people).entity_id is None
True
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from ..analysis import names

#: How alike a lone surname must be to a known one to be taken as its variant.
LONE_SURNAME_SIMILARITY = 0.93


@dataclass
class Candidate:
    id: int
    type: str
    names: list[str]  # variants as written
    mentions: int = 0

    @property
    def full_names(self) -> list[str]:
        return [n for n in self.names if names.is_full_name(n)]

    @property
    def surnames(self) -> set[str]:
        return {names.surname(n) for n in self.names if names.name_tokens(n)}

    @property
    def folded(self) -> set[str]:
        return {names.fold(n) for n in self.names}


@dataclass
class Decision:
    entity_id: int | None  # None: make a new entity
    absorb: list[int] = field(default_factory=list)  # entities to merge into entity_id


def group(kind: str) -> str:
    return "P" if kind == "PERSON" else "N"


def soundex(word: str) -> str:
    """American Soundex: 'Ferrer' and 'Ferer' -> F660; catches typos a prefix misses.

    >>> soundex("Halldorsdottir") == soundex("Haldorsdottir")
    True
    """
    codes = {**dict.fromkeys("bfpv", "1"), **dict.fromkeys("cgjkqsxz", "2"), **dict.fromkeys("dt", "3"),
             "l": "4", **dict.fromkeys("mn", "5"), "r": "6"}
    word = "".join(ch for ch in word.lower() if ch.isalpha())
    if not word:
        return ""
    out, last = [word[0].upper()], codes.get(word[0], "")
    for ch in word[1:]:
        code = codes.get(ch, "")
        if code and code != last:
            out.append(code)
        if ch not in "hw":
            last = code
    return ("".join(out) + "000")[:4]


def block_keys(name: str, kind: str) -> set[str]:
    """Keys under which a variant is filed and looked up.

    Fine enough that a candidate block stays small as the corpus grows (a
    four-letter surname prefix and the surname's Soundex code), loose enough
    that the typos the rules accept still meet.
    """
    folded = names.fold(name)
    tokens = names.name_tokens(name)
    if not tokens:
        return set()
    g = group(kind)
    keys = {f"{g}={folded}"}
    if kind == "PERSON":
        keys.add(f"P~{tokens[-1][:4]}")
        keys.add(f"P#{soundex(tokens[-1])}")
        if len(tokens) == 1:
            keys.add(f"N={folded}")  # a lone word tagged PERSON may be a known place or organisation
    else:
        keys.add(f"N~{tokens[0][:4]}")
        initials = names.acronym(name)
        if initials:
            keys.add(f"A={initials}")
        plain = name.replace(".", "")
        if plain.isupper() and 2 <= len(plain) <= 8:
            keys.add(f"A={plain.lower()}")
    return keys


def _lone_surname_match(token: str, surname: str) -> bool:
    return token == surname or (min(len(token), len(surname)) >= 6
                                and names.similar(token, surname) >= LONE_SURNAME_SIMILARITY)


def decide(kind: str, variants: Iterable[str], candidates: list[Candidate]) -> Decision:
    variants = [v for v in variants if names.name_tokens(v)]
    if not variants:
        return Decision(None)
    if kind == "PERSON":
        decision = _decide_person(variants, [c for c in candidates if c.type == "PERSON"])
        if decision.entity_id is None and all(len(names.name_tokens(v)) == 1 for v in variants):
            # The model's PERSON label is one vote: a lone word the corpus already
            # knows as a place or organisation ("Grindavík") is that entity.
            folded = {names.fold(v) for v in variants}
            known = [c for c in candidates if group(c.type) == "N" and folded & c.folded]
            if known:
                return Decision(max(known, key=lambda c: (c.mentions, -c.id)).id)
        return decision
    return _decide_name(kind, variants, [c for c in candidates if group(c.type) == "N"])


def _decide_person(variants: list[str], people: list[Candidate]) -> Decision:
    full = [v for v in variants if names.is_full_name(v)]
    if full:
        folded = {names.fold(v) for v in full}
        matches = [c for c in people if any(names.person_match(f, n) for f in full for n in c.full_names)]
        if len(matches) > 1 and not any(f in m.full_names for m in matches for f in full) and _distinct(matches):
            return Decision(None)  # "George Bush" when the corpus knows George H. W. and George W.: no guess
        if matches:
            best = max(matches, key=lambda c: (bool(folded & c.folded), c.mentions, -c.id))
            return Decision(best.id, _absorbable(best, people, names.surname(full[0])))
        surname = names.surname(full[0])
        lone = [c for c in people if not c.full_names and any(_lone_surname_match(surname, s) for s in c.surnames)]
        others = [c for c in people if c.full_names and surname in c.surnames]
        if len(lone) == 1 and not others:
            return Decision(lone[0].id)
        return Decision(None)
    token = names.name_tokens(variants[0])[-1]
    with_full = [c for c in people if c.full_names and any(_lone_surname_match(token, s) for s in c.surnames)]
    if len(with_full) == 1:
        return Decision(with_full[0].id)
    if with_full:
        return Decision(None)  # two people share the surname: do not guess
    lone = [c for c in people if token in c.folded]
    return Decision(lone[0].id if lone else None)


def _distinct(people: list[Candidate]) -> bool:
    """Do these candidates include two whose full names cannot be one person?"""
    fulls = [c.full_names for c in people]
    return any(not any(names.person_match(a, b) for a in fulls[i] for b in fulls[j])
               for i in range(len(fulls)) for j in range(i + 1, len(fulls)))


def _absorbable(target: Candidate, people: list[Candidate], surname: str) -> list[int]:
    """Surname-only entities that can now only mean ``target``."""
    rivals = [c for c in people if c.id != target.id and c.full_names and surname in c.surnames]
    if rivals:
        return []
    return [c.id for c in people if c.id != target.id and not c.full_names
            and any(_lone_surname_match(s, surname) for s in c.surnames)]


def _decide_name(kind: str, variants: list[str], pool: list[Candidate]) -> Decision:
    """Organisations, places, events: same folded name, a near spelling, or an acronym with evidence.

    An acronym joins a name it abbreviates only when one article has shown
    them together (this chain's variants, or the entity's, hold both):
    "NC" is not every name whose initials are N and C.
    """
    attested = names.attested_acronyms(variants)

    def fits(c: Candidate) -> bool:
        known = attested | names.attested_acronyms(c.names)
        for v in variants:
            for n in c.names:
                if names.names_match(v, n, acronyms=False):
                    return True
                if names.names_match(v, n) and (names.acronym_key(v) in known or names.acronym_key(n) in known):
                    return True
        return False

    matches = [c for c in pool if fits(c)]
    if not matches:
        return Decision(None)
    folded = {names.fold(v) for v in variants}
    best = max(matches, key=lambda c: (c.type == kind, bool(folded & c.folded), c.mentions, -c.id))
    return Decision(best.id)


def display_name(variant_counts: dict[str, int], kind: str) -> str:
    """The name to show: for people the most used full name, else the most used form (longest on ties)."""
    if kind == "PERSON":
        full = {v: n for v, n in variant_counts.items() if names.is_full_name(v)}
        if full:
            variant_counts = full
    return max(variant_counts, key=lambda v: (variant_counts[v], len(v), v))
