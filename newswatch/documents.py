"""The objects that flow through the pipeline.

A *source* turns an input into ``RawDocument`` objects (what the input said,
untouched). The per-article analysis turns each into an ``Article`` (clean
text, language, dates), which the store keeps.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import asdict, dataclass, field
from datetime import date, datetime


@dataclass
class RawDocument:
    """One article as an input gave it to us, before any cleaning."""

    origin: str  # the input it came from: a path, a URL, "file.jsonl:12"
    format: str  # "text", "html", "jsonl", "feed"
    text: str  # body text as extracted (HTML already turned into text)
    title: str | None = None
    url: str | None = None
    source: str | None = None
    author: str | None = None
    published: datetime | None = None
    language: str | None = None  # as declared by the input, if at all
    external_id: str | None = None


@dataclass
class DateMention:
    """A date expression found in the text, resolved where possible."""

    text: str
    start: int  # character offsets into Article.text
    end: int
    value: str | None  # TimeML-style: 2017-02-17, 2017-W07, 2017-02, 2017, PAST_REF
    date_from: str | None = None  # first day covered (ISO date), if resolvable
    date_to: str | None = None  # last day covered

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass
class CleaningStep:
    """Something the cleaner removed or changed, kept so a reader can audit it."""

    step: str
    detail: str

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass
class EntityMention:
    """A name found in the text by the NER model."""

    text: str
    start: int
    end: int
    label: str  # the model's label (PERSON, ORG, GPE, ...)
    type: str  # newswatch's type after votes: PERSON, ORG, PLACE, EVENT
    chain: int = -1  # index into Article.chains


@dataclass
class EntityChain:
    """The mentions of one entity inside one article ("Jens Stoltenberg" ... "Stoltenberg")."""

    name: str  # the fullest form used in the article
    type: str
    mentions: list[int] = field(default_factory=list)  # indices into Article.mentions
    roles: list[str] = field(default_factory=list)
    entity_id: int | None = None  # the corpus entity, once linked by the store


@dataclass
class Quote:
    """Reported speech: the words, the cue ("said"), and who said them."""

    text: str
    start: int  # character offsets of the quoted or reported content
    end: int
    cue: str
    direct: bool  # True: in quotation marks; False: indirect ("X said that ...")
    speaker_text: str | None = None  # as written: "Stoltenberg", "he", "the NATO spokesman"
    speaker_start: int | None = None
    speaker_end: int | None = None
    chain: int | None = None  # the article chain the speaker resolves to, if it does


@dataclass
class Article:
    """An analysed article, ready for the store."""

    raw: RawDocument
    text: str = ""
    title: str | None = None
    language: str | None = None
    dates: list[DateMention] = field(default_factory=list)
    cleaning: list[CleaningStep] = field(default_factory=list)
    reference_date: date | None = None
    mentions: list[EntityMention] = field(default_factory=list)
    chains: list[EntityChain] = field(default_factory=list)
    quotes: list[Quote] = field(default_factory=list)
    error: str | None = None  # set when an analysis step failed; the article is then not stored
    fingerprint: object = None  # MinHash signature (numpy uint64 array), for near-duplicates
    embedding: object = None  # L2-normalised text vector (numpy float32), for events and stories
    terms: dict = field(default_factory=dict)  # content term -> weight (analysis.lexical), for events and stories
    #: A publication window estimated from the text when the input gave no date:
    #: {"from": ISO date, "to": ISO date, "evidence": the words it rests on}.
    published_estimate: dict | None = None

    @property
    def content_hash(self) -> str:
        return content_hash(self.title, self.text)


_WS = re.compile(r"\s+")


def content_hash(title: str | None, text: str) -> str:
    """Hash of title and clean text, insensitive to case and whitespace.

    Two inputs with this hash are the same article (exact duplicates); near
    duplicates are a later stage's business.
    """
    norm = _WS.sub(" ", f"{title or ''}\n{text}").strip().casefold()
    return hashlib.sha256(norm.encode("utf-8")).hexdigest()
