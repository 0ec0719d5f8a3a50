"""Reported speech: direct quotes, indirect speech, and who said them.

Direct quotes are spans in quotation marks with a speech cue beside them:

- after the quote: “...,” Stoltenberg said / said Stoltenberg / told journalists;
- before it: Lavrov said: “...”;
- “...,” according to X;  “...” — X;
- an interrupted quote (“A,” she said, “B.”) is one quote;
- a quote running over several paragraphs (each opening with “, only the last
  closing) is one quote; a quote whose closing mark is missing runs to the end
  of its paragraph.

Quoted words no cue pattern fits are read once more with a dependency parse
of their sentence (``analysis.clauses``, English): "Trump returned the
compliment, telling Reuters, “...”" is Trump's. Quoted words that neither
reading attributes (scare quotes such as Russia's “negative behavior”) are
not quotes of anyone. A name that characterises something in quotation
marks ("Judge Mosman called it “distasteful”") is that name's quote.

Which marks, cue verbs and speaker phrases count, per language, is
``analysis.speech``'s business. Indirect speech is read in English only,
per sentence: "X said (on Friday) that ...",
"X says the ...", "X warned of ...", "According to X, ...", "..., according
to X", and a trailing or parenthetical "..., he said, ..."; a sentence with a
reporting verb that none of these fits is parsed
(``analysis.clauses.reported_speech``). A line opened by a name and a colon
(a headline "Graham: Trump’s rhetoric ...", a transcript's "TAPPER: ...") is
that name's, when the article names them.

The speaker is resolved to one of the article's entity chains: directly when
the speaker phrase contains a name; for "he"/"she" and phrases like "the NATO
spokesman", to the person whose role matches, else to the only person
mentioned in the current and previous paragraph, else to the last speaker if
they are among those mentioned. Otherwise the speaker stays unresolved
(``chain`` is None) rather than guessed.
"""

from __future__ import annotations

import bisect
import re

from ..config import ANALYSED_CHARS
from ..documents import Article, Quote
from . import clauses, names, speech
from .entities import ROLE_HEADS

# The ending is optional rather than "or end of text", so a long line without
# one is matched once, not retried from every position (which was quadratic).
_SENTENCE = re.compile(r"[^.!?\n]+(?:[.!?]+[”\"’]?)?")
#: How far from a quote mark its speaker and cue are looked for, and how far a
#: paragraph's edges are looked for: bounded, so many quotes cost linear time.
CUE_REACH = 400
PARAGRAPH_REACH = 5000
#: A "sentence" longer than this is not prose (a table, a list run together) and is not read for indirect speech.
LONGEST_SENTENCE = 2000
_ABBREV = re.compile(r"(?:\b(?:Mr|Mrs|Ms|Dr|Gen|Sen|Rep|Gov|St|Jr|Sr|Prof|Capt|Lt|Col|No|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec)|\b[A-Z])\.$")



# -- sentences ----------------------------------------------------------------

def sentences(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence; abbreviations like "U.S." and "Gen." do not end one.

    Nor does a full stop with no space after it ("1.2 million", "3.5%", "example.com").

    >>> t = "Water for 1.2 million homes, the U.S. utility said. Work starts in May."
    >>> [t[a:b] for a, b in sentences(t)]
    ['Water for 1.2 million homes, the U.S. utility said.', 'Work starts in May.']
    """
    spans: list[tuple[int, int]] = []
    for m in _SENTENCE.finditer(text):
        start, end = m.start(), m.end()
        # "1." then "2 million": the full stop has no space after it.
        glued = bool(spans) and start == spans[-1][1] and not text[start].isspace()
        while start < end and text[start].isspace():
            start += 1
        if start >= end:
            continue
        if spans and (glued or _ABBREV.search(text[max(spans[-1][0], spans[-1][1] - 12):spans[-1][1]])
                      or text[start].islower()) \
                and "\n" not in text[spans[-1][1]:start]:
            spans[-1] = (spans[-1][0], end)
        else:
            spans.append((start, end))
    return spans


# -- direct quotes --------------------------------------------------------------

def _quote_spans(text: str) -> list[tuple[int, int, int, int]]:
    """(mark_start, content_start, content_end, mark_end) of every quoted span."""
    spans = []
    i = 0
    while True:
        m = speech.QUOTE_OPEN.search(text, i)
        if not m:
            break
        open_at = m.start()
        opener = text[open_at]
        if opener == "»" and (open_at + 1 >= len(text) or text[open_at + 1].isspace()):
            i = open_at + 1  # a French closing mark, not German's »opening«
            continue
        closers = speech.CLOSERS[opener]
        j = open_at + 1
        end = None
        while j < len(text):
            ch = text[j]
            if ch in closers:
                end = j
                break
            if text.startswith("\n\n", j):
                # A new paragraph that opens with a quote mark continues the quote.
                k = j
                while k < len(text) and text[k] == "\n":
                    k += 1
                if k < len(text) and text[k] == opener and opener != '"':
                    j = k + 1
                    continue
                break
            j += 1
        if end is None:  # closing mark missing: the quote runs to the end of its paragraph
            content_end = j
            spans.append((open_at, open_at + 1, content_end, content_end))
            i = max(j, open_at + 1)
        else:
            spans.append((open_at, open_at + 1, end, end + 1))
            i = end + 1
    return spans


def _strip_content(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start] in " \n\u00a0\u202f“\"«„»「『":
        start += 1
    while end > start and text[end - 1] in " \n\u00a0\u202f,”\"»«“」』":
        end -= 1
    return start, end


def _statement(text: str, start: int, end: int) -> tuple[int, int]:
    """What was said, without quotation marks and spaces around it or the full stop that ends it."""
    start, end = _strip_content(text, start, end)
    while end > start and text[end - 1] in ".!?":
        end -= 1
    return start, end


class _Spans:
    """Spans already read (quotes), merged into disjoint intervals: overlap tests take logarithmic time,
    so an article of thousands of quotes is not read in quadratic time."""

    def __init__(self, spans: list[tuple[int, int]]):
        merged: list[list[int]] = []
        for s, e in sorted(spans):
            if merged and s <= merged[-1][1]:
                merged[-1][1] = max(merged[-1][1], e)
            else:
                merged.append([s, e])
        self.intervals = [(s, e) for s, e in merged]
        self.starts = [s for s, _ in merged]

    def overlapping(self, start: int, end: int) -> list[tuple[int, int]]:
        """The intervals that overlap ``start:end``, in order."""
        last = bisect.bisect_left(self.starts, end)  # the intervals that start before ``end``
        first = last
        while first > 0 and self.intervals[first - 1][1] > start:  # disjoint, so their ends are in order too
            first -= 1
        return self.intervals[first:last]

    def overlaps(self, start: int, end: int) -> bool:
        last = bisect.bisect_left(self.starts, end) - 1
        return last >= 0 and self.intervals[last][1] > start


def _sentence_start(text: str, pos: int) -> int:
    starts = [s for s, _ in sentences(text[max(0, pos - 400):pos])]
    return max(0, pos - 400) + starts[-1] if starts else max(0, pos - 400)


def _paragraph_bounds(text: str, pos: int) -> tuple[int, int]:
    low, high = max(0, pos - PARAGRAPH_REACH), min(len(text), pos + PARAGRAPH_REACH)
    start = text.rfind("\n\n", low, pos)
    end = text.find("\n\n", pos, high)
    return (low if start < 0 else start + 2), (high if end < 0 else end)


def _is_title(text: str, start: int, end: int, para_start: int, mark_start: int) -> bool:
    """A short span of capitalised words inside a sentence names a show or a book ("on Fox’s “Hannity,” Gingrich
    said"), not something said; the same words opening a paragraph ("“Never,” he said") are speech."""
    words = text[start:end].rstrip(",").split()
    if not words or len(words) > 5 or not all(w[0].isupper() or not w[0].isalpha() for w in words):
        return False
    if text[end - 1] in ".!?":
        return False
    before = text[para_start:mark_start].rstrip()
    return bool(before) and before[-1] not in ".!?:"


def direct_quotes(text: str, language: str | None = "en",
                  unattributed: list[tuple[int, int, int]] | None = None) -> list[Quote]:
    """Quotes in quotation marks that have a speaker, read with the language's cues (English when unknown).

    ``unattributed``, when given, receives (mark start, content start, content end) of every quoted span
    no cue attributes (``clauses`` reads those).
    """
    rules = speech.rules_for(language)
    if rules is None:
        return []  # no cue words known for the language: an unattributed span is nobody's quote
    quotes: list[Quote] = []
    for mark_start, cstart, cend, mark_end in _quote_spans(text):
        s, e = _strip_content(text, cstart, cend)
        if e <= s:
            continue
        # "“A,” she said, “B.”": B continues the quote before it.
        prev = quotes[-1] if quotes else None
        if prev and prev.speaker_start is not None and prev.speaker_start > prev.end \
                and 0 <= mark_start - prev.speaker_end <= 30 and "\n" not in text[prev.speaker_end:mark_start]:
            prev.end = e
            prev.text = text[prev.start:e]
            continue
        para_start, para_end = _paragraph_bounds(text, mark_start)
        if _is_title(text, s, e, para_start, mark_start):
            continue
        reach = max(para_start, mark_start - CUE_REACH)
        if not text[para_start:mark_start].strip() and text[:para_start].rstrip().endswith(":"):
            # "Stated Stone:" closes the paragraph before the quote
            reach = max(_paragraph_bounds(text, max(0, para_start - 3))[0], mark_start - CUE_REACH)
        cue = spk = None
        after = rules.after.match(text, mark_end, para_end)
        if after:
            groups = after.groupdict()
            for name, value in groups.items():
                if name.startswith("spk") and value:
                    spk = (after.start(name), after.end(name))
                    found_cue = groups.get(f"cue{name[3:]}")
                    cue = found_cue if found_cue is not None else "—"
                    break
        for pattern in (rules.before, *rules.extra_before):
            if spk is not None:
                break
            before = pattern.search(text, reach, mark_start)
            if before:
                spk = (before.start("spk"), before.end("spk"))
                cue = before.group("cue")
        if spk is None and rules.participle_before is not None:
            participle = rules.participle_before.search(text, reach, mark_start)
            if participle:
                sent_start = _sentence_start(text, participle.start())
                subject = speech.SUBJECT.match(text, sent_start, participle.start())
                if subject:
                    spk = (subject.start("spk"), subject.end("spk"))
                    cue = participle.group("cue") or participle.group("cue2")
        if spk is None and rules.signature is not None and mark_end == para_end:
            signature = rules.signature.match(text, mark_end, min(len(text), mark_end + 200))
            if signature:
                spk = (signature.start("spk"), signature.end("spk"))
                cue = "—"
        if spk is not None and text[spk[0]:spk[1]].lower() in speech.NOT_SPEAKERS:
            spk = None
        if spk is None:
            if unattributed is not None:
                unattributed.append((mark_start, s, e))
            continue
        quotes.append(Quote(text=text[s:e], start=s, end=e, cue=cue, direct=True,
                            speaker_text=text[spk[0]:spk[1]], speaker_start=spk[0], speaker_end=spk[1]))
    return quotes


# -- indirect speech -----------------------------------------------------------

def indirect_quotes(text: str, taken: list[tuple[int, int]],
                    unread: list[tuple[int, int]] | None = None) -> list[Quote]:
    """Reported speech without quotation marks, one per sentence, outside the ``taken`` spans.

    ``unread``, when given, receives the sentences (start, end) no pattern matched (``clauses`` reads those).
    """
    out: list[Quote] = []
    read = _Spans(taken)
    for s_start, s_end in sentences(text):
        if s_end - s_start > LONGEST_SENTENCE:
            continue
        # "RENO, Nev. (AP) — Trump says ...": the wire's dateline is not the sentence's subject
        s_start = clauses.after_dateline(text, s_start, s_end)
        sentence = text[s_start:s_end]
        quoted = read.overlapping(s_start, s_end)
        if quoted:
            if unread is not None and clauses.reports_outside(text, s_start, s_end, quoted):
                # "Clinton celebrated, declaring “...”, and said it was a step closer": the parse may find
                # reported speech outside the quote (``extract_quotes`` drops what overlaps a quote)
                unread.append((s_start, s_end))
            continue
        found = None
        m = speech.ACCORDING.match(sentence)
        if m:
            found = (m.start("spk"), m.end("spk"), m.group("cue"), m.start("content"), len(sentence))
        m = None if found else speech.ACCORDING_AFTER.match(sentence)
        if m:
            found = (m.start("spk"), m.end("spk"), m.group("cue"), 0, m.end("content"))
        for pattern in (speech.INDIRECT_THAT, speech.INDIRECT):
            if found is not None:
                break
            m = pattern.search(sentence)
            if m and m.group("spk").lower() not in speech.NOT_SPEAKERS:
                found = (m.start("spk"), m.end("spk"), m.group("cue"), m.start("content"), len(sentence))
        if found is None:
            m = speech.PARTICIPLE.search(sentence)
            subject = speech.SUBJECT.match(sentence) if m else None
            if m and subject and subject.group("spk").lower() not in speech.NOT_SPEAKERS:
                found = (subject.start("spk"), subject.end("spk"), m.group("cue"), m.start("content"), len(sentence))
        if found is None:
            m = speech.TRAILING.match(sentence)
            if m and m.group("spk").lower() not in speech.NOT_SPEAKERS:
                end = m.end("c2") if m.group("c2") else m.end("c1")
                found = (m.start("spk"), m.end("spk"), m.group("cue"), m.start("c1"), end)
        if found is None:
            if unread is not None:
                unread.append((s_start, s_end))
            continue
        spk_s, spk_e, cue, c_s, c_e = found
        c_start, c_end = _statement(text, s_start + c_s, s_start + c_e)
        if c_end - c_start < 10:
            continue
        out.append(Quote(text=text[c_start:c_end], start=c_start, end=c_end, cue=cue, direct=False,
                         speaker_text=text[s_start + spk_s:s_start + spk_e],
                         speaker_start=s_start + spk_s, speaker_end=s_start + spk_e))
    return out


# A line that opens with a name and a colon: a headline ("Graham: Trump’s rhetoric destroying GOP’s chance")
# or a transcript ("TAPPER: And obviously, you’re supporting ..."). Up to five capitalised words.
_LABELLED_LINE = re.compile(
    rf"^[ \t]*(?P<spk>(?:[{speech.UPPER}][\w.'’-]*[ \t]+){{0,4}}[{speech.UPPER}][\w.'’-]*)[ \t]*:[ \t]+"
    rf"(?P<content>[^\s][^\n]{{9,}})$", re.MULTILINE)


def labelled_lines(text: str, taken: list[tuple[int, int]]) -> list[Quote]:
    """What a line gives to the name before its colon, outside the ``taken`` spans (cue ":").

    The name must be someone the article names, which ``extract_quotes`` checks: "Update: ..." or
    "Poll: ..." is a label, not a speaker.

    >>> [(q.speaker_text, q.text) for q in labelled_lines("Graham: Trump Is Destroying the Party.", [])]
    [('Graham', 'Trump Is Destroying the Party')]
    """
    out, read = [], _Spans(taken)
    for m in _LABELLED_LINE.finditer(text):
        if read.overlaps(m.start(), m.end()):
            continue
        start, end = _statement(text, m.start("content"), m.end("content"))
        if end - start >= 10 and m.group("spk").lower() not in speech.NOT_SPEAKERS:
            out.append(Quote(text=text[start:end], start=start, end=end, cue=":", direct=False,
                             speaker_text=m.group("spk"), speaker_start=m.start("spk"), speaker_end=m.end("spk")))
    return out


# -- speakers ------------------------------------------------------------------

class _Mentions:
    """An article's linked mentions in text order, for range lookups in logarithmic time."""

    def __init__(self, article: Article):
        self.ordered = sorted((m for m in article.mentions if m.chain >= 0), key=lambda m: m.start)
        self.starts = [m.start for m in self.ordered]

    def between(self, start: int, end: int) -> list:
        return self.ordered[bisect.bisect_left(self.starts, start):bisect.bisect_left(self.starts, end)]


#: Who can speak: people and organisations ("the ministry said"), never a place or an event.
SPEAKER_TYPES = ("PERSON", "ORG")


def _mention_chain_in(mentions: _Mentions, start: int, end: int, people_only: bool) -> int | None:
    allowed = ("PERSON",) if people_only else SPEAKER_TYPES
    inside = [m for m in mentions.between(start, end) if m.end <= end and m.type in allowed]
    if not inside:
        return None
    people = [m for m in inside if m.type == "PERSON"]
    return (people or inside)[-1].chain


def _people_before(article: Article, mentions: _Mentions, pos: int) -> list[int]:
    """Chains of people mentioned from the start of the previous paragraph up to pos, latest last."""
    para_start, _ = _paragraph_bounds(article.text, pos)
    prev_start, _ = _paragraph_bounds(article.text, max(0, para_start - 3))
    window_start = prev_start if para_start > 0 else 0
    return [m.chain for m in mentions.between(window_start, pos) if m.type == "PERSON"]


#: Nouns that describe a person already named, besides roles: "the Wisconsin Republican", "the billionaire".
DESCRIPTION_HEADS = ROLE_HEADS | {
    "republican", "democrat", "conservative", "liberal", "billionaire", "businessman", "businesswoman", "actor",
    "actress", "star", "singer", "player", "frontrunner", "front-runner", "delegate", "politician", "veteran",
    "mogul", "tycoon", "hopeful", "incumbent", "challenger", "contender", "rival", "senator-elect"}


def _by_role(article: Article, phrase: str) -> int | None:
    words = names.fold(phrase).split()
    if words and words[0] in speech.DETERMINERS:
        words = words[1:]
    if not words:
        return None
    wanted = " ".join(words)
    matches = {i for i, ch in enumerate(article.chains) if ch.type == "PERSON"
               and any(wanted in names.fold(role) for role in ch.roles)}
    return matches.pop() if len(matches) == 1 else None


def _by_name(article: Article, phrase: str) -> int | None:
    """The one person or organisation whose name, or its last word, the phrase ends with ("Romney" for
    "Mitt Romney"), for a speaker the NER model did not tag where the sentence names them."""
    words = names.fold(phrase).split()
    if not words or not phrase[:1].isupper():
        return None
    matches = {i for i, ch in enumerate(article.chains) if ch.type in SPEAKER_TYPES
               and names.fold(ch.name).split()[-1:] == words[-1:]}
    return matches.pop() if len(matches) == 1 else None


def resolve_speakers(article: Article) -> None:
    last_speaker: int | None = None
    mentions = _Mentions(article)
    for q in sorted(article.quotes, key=lambda q: q.speaker_start or 0):
        phrase = (q.speaker_text or "").strip()
        low = phrase.lower()
        words = low.split()
        head = words[:words.index("of")] if "of" in words else words
        nominal = bool(words) and words[0] in speech.DETERMINERS and any(w in DESCRIPTION_HEADS for w in head)
        chain = _mention_chain_in(mentions, q.speaker_start, q.speaker_end, people_only=nominal)
        if chain is None and not nominal and low not in speech.PERSONAL:
            chain = _by_name(article, phrase)
        if chain is None and (low in speech.PERSONAL or nominal):
            chain = _by_role(article, phrase) if low not in speech.PERSONAL else None
            if chain is None:
                recent = _people_before(article, mentions, q.speaker_start)
                distinct = set(recent)
                if len(distinct) == 1:
                    chain = recent[-1]
                elif last_speaker is not None and last_speaker in distinct:
                    chain = last_speaker
        q.chain = chain
        if chain is not None and article.chains[chain].type == "PERSON":
            last_speaker = chain
        elif chain is None and phrase[:1].isupper() and not nominal and low not in speech.PERSONAL:
            last_speaker = None  # a named speaker the article's names miss: "he" next may be them, not whoever spoke before


def _from_clauses(text: str, spans: list[tuple[int, int, int]], language: str | None) -> list[Quote]:
    """Quotes no cue attributes, given the subject of the clause they sit in (``analysis.clauses``)."""
    out = []
    for (_, s, e), found in zip(spans, clauses.speaker_spans(text, spans, language)):
        if found is not None:
            spk_s, spk_e, cue = found
            out.append(Quote(text=text[s:e], start=s, end=e, cue=cue, direct=True, speaker_text=text[spk_s:spk_e],
                             speaker_start=spk_s, speaker_end=spk_e))
    return out


def extract_quotes(article: Article) -> Article:
    text = article.text[:ANALYSED_CHARS]  # the part the names were read from
    unattributed: list[tuple[int, int, int]] = []
    direct = direct_quotes(text, article.language, unattributed)
    parsed = _from_clauses(text, unattributed, article.language)
    taken = [(q.start, q.end) for q in direct + parsed]
    # Indirect speech is read only where the language's rules say how (English).
    rules = speech.rules_for(article.language)
    reads_indirect = rules is not None and rules.indirect
    unread: list[tuple[int, int]] = []
    lines = labelled_lines(text, taken) if reads_indirect else []
    taken += [(q.speaker_start, q.end) for q in lines]
    indirect = indirect_quotes(text, taken, unread) if reads_indirect else []
    read = _Spans(taken)
    reported = [Quote(text=text[c_s:c_e], start=c_s, end=c_e, cue=cue, direct=False, speaker_text=text[spk_s:spk_e],
                      speaker_start=spk_s, speaker_end=spk_e)
                for spk_s, spk_e, cue, c_s, c_e in clauses.reported_speech(text, unread, article.language)
                if not read.overlaps(c_s, c_e) and not read.overlaps(spk_s, spk_e)]
    article.quotes = sorted(direct + parsed + lines + indirect + reported, key=lambda q: q.start)
    resolve_speakers(article)
    # "Update: “...”" is a label, not a speaker: a bare name and a colon must be someone the article names;
    # so must the subject a parse gave a quotation. Reported speech keeps a speaker such as "officials" or
    # "38 percent" unresolved, as the patterns do.
    must_resolve = {id(q) for q in parsed}
    article.quotes = [q for q in article.quotes
                      if q.chain is not None or (q.cue.strip() != ":" and id(q) not in must_resolve)]
    return article
