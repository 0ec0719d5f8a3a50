"""Who said a quote no cue pattern attributes: read the clause it sits in.

``analysis.speech``'s patterns find the usual shapes ("“...,” X said",
"X said: “...”"). Quoted words deep inside a clause escape them:

- "Trump returned the compliment to Adelson, telling Reuters, “Sheldon and I ...”"
- "Cruz continued:" closing one paragraph, the quote opening the next;
- "Sanders sent out a fundraising call, asking supporters to “donate $3 ...”"

For such a quote the sentence around its opening mark (or the sentence ending
in a colon just before it) is parsed with the language's dependency parser;
from the word the quote hangs on, the parse is climbed to the sentence's
main clause, and the subject of the highest verb on the way is the speaker:
"telling" has none, "returned" has Trump; in "Clinton says Sanders accepted
donations and “there's nothing wrong with that”" the words are Clinton's,
not Sanders's. Two common parse errors are read through: a name set apart
from its verb by a long apposition ("“...,” Trump, the frontrunner ...,
said") parsed as the apposition of the quote's noun; and a quote parsed as
the main clause, the verb of saying hanging on it ("Hillary shot back,
“I suppose ...”"). Quoted words of fewer than ``UTTERANCE_WORDS`` words count
only when a verb of saying or naming is on that path ("calling him “a total
stiff”", not "pushed the “gun violence” narrative"), and a quote of
capitalised words only is a title. That subject is the speaker when it is
a name, "he"/"she" or a role ("the senator"), and
``quotes.resolve_speakers`` must still tie it to someone the article names:
otherwise the quote is dropped, not guessed.

The same parse reads reported speech the indirect-speech patterns miss
(``reported_speech``): a sentence with a reporting verb ("say", "tell",
"argue"...) whose subject and complement clause the parse gives ("The
council met Dahl, who said the repairs would cost ..."; "38 percent said
he should step down").

Only languages whose model ships a parser are read (``PARSED_LANGUAGES``).
The parser is loaded on the first sentence that needs it, and only those
sentences are parsed, in one batch per article (about 4 ms a sentence).
"""

from __future__ import annotations

import re
from functools import lru_cache

from .entities import load_components

PARSED_LANGUAGES = ("en",)
#: Characters parsed around one quote: the sentence before its mark, its first words (and last ones), and
#: the rest of its sentence after it.
CONTEXT_BEFORE = 400
QUOTE_WORDS_READ = 150
CONTEXT_AFTER = 300
#: Sentences parsed per article, at most, by each reading (about 4 ms each): a text of thousands of
#: quotes (a transcript, a hostile record) gets the first ones read, not minutes of parsing.
MAX_PARSED = 200
#: Steps climbed from the quote towards the main clause, at most (a bound, not a tuning: sentences are short).
MAX_CLIMB = 40
#: Quoted words this long are an utterance whatever verb they hang on; shorter ones are someone's only
#: when a verb of saying or naming carries them ("says the league has gone “soft”", "calling him “a
#: total stiff”"; not "pushed the “gun violence” narrative"). Measured on PolNeAR's train split, a
#: second word required lost more right quotes (one-word characterisations) than wrong ones.
UTTERANCE_WORDS = 6
SPEECH_LEMMAS = frozenset("""
    say tell add state note explain warn insist argue ask write continue recall declare announce reply respond
    remark comment acknowledge admit claim stress emphasise emphasize urge conclude observe quip tweet post remind
    suggest predict confirm deny maintain reiterate vow promise pledge caution testify allege contend counter agree
    report complain lament bemoan boast joke reveal disclose mention recount object retort shout yell chant whisper
    wonder question assure inform reassure echo call describe dub label brand term refer name praise hail thank
    criticise criticize slam blast attack accuse charge denounce decry condemn dismiss ridicule mock defend
    demand promise threaten repeat quote read sing scream cry plead beg predict concede estimate believe think
    bark boom beam grouse snap gush muse sigh scoff exclaim proclaim interject answer mutter murmur
    """.split())
#: "X shot back, “...”": a verb with the particle "back" answers someone.
_REJOINDER_PARTICLES = {"back"}
#: Irregular forms of the verbs below; the regular ones begin with the lemma (say -> says, call -> calling).
_IRREGULAR = "said told wrote written sang sung thought shot hit found"


def _forms(lemmas) -> re.Pattern:
    """A pattern for any form of the lemmas, to skip a parse where none is written (a prefilter: loose)."""
    stems = {w[:-1] if w.endswith("e") else w for w in lemmas} | set(_IRREGULAR.split())
    stems |= {w[:-1] + "i" for w in lemmas if w.endswith("y") and w[-2:-1] not in "aeiou"}  # decry -> decried
    return re.compile(r"\b(?:" + "|".join(sorted(stems, key=len, reverse=True)) + ")", re.IGNORECASE)


_SPEECH_FORM = _forms(SPEECH_LEMMAS)
_SUBJECTS = ("nsubj",)
_PRONOUNS = {"he", "she"}


#: A wire dateline opening a sentence: "WASHINGTON (AP) — ", "Washington (AFP) – ", "PHILADELPHIA, July 25 (UPI) — ".
_DATELINE = re.compile(r"(?:[A-Z][\w.' -]{1,40}(?:, [\w. ]{1,20})?\s*)?\([A-Za-z]{2,12}\)\s*[—–-]+\s*")


def after_dateline(text: str, start: int, end: int) -> int:
    """Where the sentence's own words begin: "Washington (AFP) – Clinton has ..." would give the parser
    the city for the subject."""
    dateline = _DATELINE.match(text, start, end)
    return dateline.end() if dateline else start


@lru_cache(maxsize=len(PARSED_LANGUAGES))
def load_parser(language: str = "en"):
    """The language's spaCy pipeline without its NER: tags, parse and lemmas."""
    return load_components(language, {"tok2vec", "tagger", "parser", "attribute_ruler", "lemmatizer"})


def _is_verb(token) -> bool:
    return token.tag_.startswith("VB") or token.tag_ == "MD"


def _context(text: str, mark_start: int, content_start: int, content_end: int) -> list[tuple[int, int]]:
    """What to parse, as spans of ``text``: from the start of the sentence holding the mark (or of the
    sentence ending in a colon just before a quote that opens its paragraph) through the quote's first
    words; then, for a long quote, its last words; then the rest of the sentence after the quote
    ("“...,” Viguerie concludes.")."""
    from .quotes import _sentence_start, sentences

    start = _sentence_start(text, mark_start)
    if not text[start:mark_start].strip():
        stripped = text[:mark_start].rstrip()
        if stripped.endswith(":"):
            start = _sentence_start(text, len(stripped) - 1)
    start = max(start, mark_start - CONTEXT_BEFORE)
    start = after_dateline(text, start, mark_start)
    close = content_end
    while close < len(text) and close < content_end + 2 and text[close] in "”\"»’ ":
        close += 1
    after = text[close:close + CONTEXT_AFTER]
    paragraph_end = after.find("\n\n")
    after = after if paragraph_end < 0 else after[:paragraph_end]
    first = after.lstrip(" ,”\"’")[:1]
    # The sentence goes on after the quote ("“...,” X said"; "“...?” he asked"), not a new one.
    goes_on = bool(first) and first not in "“\"" and (text[content_end - 1] not in ".!?" or first.islower())
    if not goes_on and first and first not in "“\"" and text[content_end - 1] in "!?":
        # "“Not us!” Murphy, the head of the PAC, tweeted": an exclamation or a question may end the
        # quote without ending the sentence; the parse decides, when a verb of saying follows.
        ends = sentences(after)
        goes_on = bool(ends) and bool(_SPEECH_FORM.search(after, 0, ends[0][1]))
    ends = sentences(after) if goes_on else []
    end = close + ends[0][1] if ends else close
    head_end = min(content_end, content_start + QUOTE_WORDS_READ)
    tail_start = max(head_end, content_end - QUOTE_WORDS_READ // 3)
    if tail_start > head_end:
        return [(start, head_end), (tail_start, end)]
    return [(start, end)]


def speaker_span(text: str, mark_start: int, content_start: int, content_end: int,
                 language: str | None) -> tuple[int, int, str] | None:
    """(start, end, cue) of the speaker phrase a parse gives the quote, or None.

    >>> t = "Hours later, Trump returned the compliment, telling Reuters, “Sheldon and I are friends.”"
    >>> s, e, cue = speaker_span(t, t.index("“"), t.index("“") + 1, len(t) - 2, "en")
    >>> t[s:e], cue
    ('Trump', 'returned')
    >>> t = "“The party must be united, whatever it costs,” Viguerie concludes. Others disagree."
    >>> s, e, cue = speaker_span(t, 0, 1, t.index("”") - 1, "en")
    >>> t[s:e], cue
    ('Viguerie', 'concludes')
    """
    return speaker_spans(text, [(mark_start, content_start, content_end)], language)[0]


def speaker_spans(text: str, quotes: list[tuple[int, int, int]],
                  language: str | None) -> list[tuple[int, int, str] | None]:
    """``speaker_span`` for each (mark start, content start, content end), the sentences parsed in one batch."""
    language = language or "en"
    found: list[tuple[int, int, str] | None] = [None] * len(quotes)
    if language not in PARSED_LANGUAGES:
        return found
    todo, texts = [], []
    for i, (mark_start, content_start, content_end) in enumerate(quotes):
        words = text[content_start:content_end].split()
        if not words or all(w[:1].isupper() or not w[:1].isalpha() for w in words):
            continue  # “Eat The Press”, “Cape Breton If Donald Trump Wins”: a title, not words said
        spans = _context(text, mark_start, content_start, content_end)
        if spans[-1][1] <= mark_start:
            continue
        # Newlines become spaces (same length, so offsets hold): the parser keeps one sentence. A long
        # quote's middle is left out, its two ends joined by a space.
        pieces = [text[a:b].replace("\n", " ") for a, b in spans]
        if len(words) < UTTERANCE_WORDS and not any(_SPEECH_FORM.search(p) for p in pieces):
            continue  # a short quote needs a verb of saying: none is written near it (a parse costs ~4 ms)
        todo.append((i, spans, len(pieces[0]), len(words)))
        texts.append(" ".join(pieces))
        if len(todo) == MAX_PARSED:
            break
    for (i, spans, seam, n_words), doc in zip(todo, load_parser(language).pipe(texts, batch_size=16)):
        mark_start, content_start, content_end = quotes[i]
        found[i] = _read(doc, spans, seam, content_start, content_end, n_words)
    return found


def _read(doc, spans, seam: int, content_start: int, content_end: int, n_words: int):
    def offset(token) -> int:
        i = token.idx
        return spans[0][0] + i if i < seam or len(spans) == 1 else spans[1][0] + i - seam - 1

    def in_quote(token) -> bool:
        return content_start <= offset(token) < content_end

    # Where the quote hangs on the sentence: its words whose head is outside it. (A quote that is a sentence
    # of its own has none; giving it to the sentence before it was measured: no gain on PolNeAR's train split.)
    anchors = [t for t in doc if in_quote(t) and not in_quote(t.head)]
    if not anchors:
        # The parser made the quote the main clause and the words around it hang on it ("Hillary shot back,
        # “I suppose ...”" parsed as "suppose" governing "shot"): a verb of saying outside the quote that
        # hangs on the quote's words, with a subject of its own, is the speaker's.
        for verb in doc:
            if not in_quote(verb) and in_quote(verb.head) and _is_verb(verb) and _spoken(verb):
                subjects = [c for c in verb.children if c.dep_ in _SUBJECTS and not in_quote(c)]
                if subjects:
                    return _speaker(subjects[0], verb, offset)
        return _introduced(doc, in_quote, offset, n_words)
    node, speaker, spoken = anchors[0].head, None, False
    for _ in range(MAX_CLIMB):
        if in_quote(node):
            return None  # the quote's own words
        if _is_verb(node):
            spoken = spoken or _spoken(node)
            subjects = [c for c in node.children if c.dep_ in _SUBJECTS and not in_quote(c)]
            if not subjects:
                # "“Very good reporter,” Trump, the frontrunner, said" is often parsed with the quote's noun
                # as the subject and the name as its apposition.
                subjects = [a for c in node.children if c.dep_ in _SUBJECTS and in_quote(c)
                            for a in c.children if a.dep_ == "appos" and not in_quote(a) and a.tag_ == "NNP"]
            if subjects and (speaker is None or not _names_nobody(subjects[0])):
                # the highest verb's subject, unless it names nobody ("It is strange that Trump would
                # denounce “self-deportation”": Trump's word, not "it"'s)
                speaker = (subjects[0], node)
            if subjects and node.dep_ == "advcl":
                break  # "while Trump refers to the governor as “Chris”": an adverbial clause's own subject
        if node.head.i == node.i:
            break
        node = node.head
    if speaker is None or not (spoken or n_words >= UTTERANCE_WORDS):
        return None
    return _speaker(*speaker, offset)


def _introduced(doc, in_quote, offset, n_words: int):
    """A quote the parser left as a sentence of its own after a colon ("President Clinton released the
    following statement: “...”", "Trump went even further: “...”"): the colon's clause introduces it, and
    that clause's subject is the speaker."""
    first = next((t for t in doc if in_quote(t)), None)
    before = [t for t in doc[:first.i] if not t.is_quote and not t.is_space] if first is not None else []
    if not before or before[-1].text != ":":
        return None
    root = before[-1]
    while root.head.i != root.i and not in_quote(root.head):
        root = root.head
    if not _is_verb(root) or not (n_words >= UTTERANCE_WORDS or _spoken(root)):
        return None
    subjects = [c for c in root.children if c.dep_ in _SUBJECTS and not in_quote(c)] or _inherited_subject(root)
    # A name or "he"/"she" introduces words; "The rationale ... is a blind faith in Obama's word:" does not.
    if not subjects or not (subjects[0].pos_ == "PROPN" or subjects[0].lower_ in _PRONOUNS):
        return None
    return _speaker(subjects[0], root, offset)


def _spoken(verb) -> bool:
    """A verb of saying, or one that answers ("shot back", "hit back")."""
    return verb.lemma_.lower() in SPEECH_LEMMAS or any(
        c.dep_ == "prt" and c.lower_ in _REJOINDER_PARTICLES for c in verb.children)


def _names_nobody(subject) -> bool:
    """A pronoun other than "he"/"she" ("we", "they", "I" in an opinion piece): nobody the article names."""
    return (subject.tag_ in ("PRP", "WP") or subject.pos_ == "PRON") and subject.lower_ not in _PRONOUNS


def _speaker(subject, verb, offset):
    if _names_nobody(subject):
        return None
    first = subject.left_edge
    while first.i < subject.i and (first.is_punct or first.is_space):
        first = first.nbor()  # an apposition's subtree opens with its comma
    return offset(first), offset(subject) + len(subject.text), verb.text


# -- reported speech without quotation marks ---------------------------------------------------

#: Verbs whose complement clause is what someone said or holds ("X says the plan will fail").
REPORTING_LEMMAS = frozenset("""
    say tell announce add claim report argue warn insist explain note state predict acknowledge admit confirm
    deny suggest estimate write reply respond contend maintain stress recall reveal concede complain allege
    show find indicate conclude
    """.split())
_REPORTING_FORM = _forms(REPORTING_LEMMAS)
#: Sentences longer than this are lists or run-on text, not one report (and would cost a long parse).
LONGEST_REPORT = 600
MIN_CONTENT_WORDS = 3


_REPORTED_WORDS = re.compile(r"\w*\s+(?:[\w'’-]+[\s,]+){%d}" % MIN_CONTENT_WORDS)  # the verb's ending, then words


def reports_outside(text: str, start: int, end: int, quoted: list) -> bool:
    """Whether the sentence ``text[start:end]`` holds, outside the ``quoted`` spans (sorted, disjoint; the
    caller passes those that overlap the sentence), a reporting verb followed by words of its own: "“...,”
    Earnest said." does not (its quote is already read), "..., declaring “...” and said it was a step
    closer" does. Saves most parses of quote sentences."""
    pieces, pos = [], start
    for q_start, q_end in quoted:
        if q_end <= start or q_start >= end:
            continue
        pieces.append(text[pos:max(pos, q_start)])
        pos = max(pos, q_end)
    pieces.append(text[pos:end])
    outside = " ".join(pieces)
    return any(_REPORTED_WORDS.match(outside, m.end()) for m in _REPORTING_FORM.finditer(outside))


def reported_speech(text: str, sentences: list[tuple[int, int]],
                    language: str | None) -> list[tuple[int, int, str, int, int]]:
    """(speaker start, end, cue, content start, end) for sentences whose reporting verb no pattern caught.

    Each sentence holding a form of a reporting verb is parsed (in one batch); a reporting verb with a
    subject and a complement clause gives the clause as what was said and the subject as who said it
    ("Bush says it is even more important to defend gun rights"; "..., who said he typically votes
    Democratic" gives the noun "who" stands for).

    >>> t = "Top donor Sheldon Adelson said he met Donald Trump this week."
    >>> s, e, cue, cs, ce = reported_speech(t, [(0, len(t))], "en")[0]
    >>> t[s:e], cue, t[cs:ce]
    ('Top donor Sheldon Adelson', 'said', 'he met Donald Trump this week')
    """
    if (language or "en") not in PARSED_LANGUAGES:
        return []
    todo = [(s, e) for s, e in sentences if e - s <= LONGEST_REPORT and _REPORTING_FORM.search(text, s, e)]
    todo = [(after_dateline(text, s, e), e) for s, e in todo[:MAX_PARSED]]
    out = []
    nlp = load_parser(language or "en")
    for (s, _), doc in zip(todo, nlp.pipe((text[a:b].replace("\n", " ") for a, b in todo), batch_size=16)):
        found = _report(doc)
        if found is not None:
            subject, verb, clause = found
            c_s, c_e = clause.left_edge.idx, clause.right_edge.idx + len(clause.right_edge.text)
            words = doc.text[c_s:c_e].split()
            if words and words[0].lower() == "that":
                c_s += len(words[0]) + 1
                words = words[1:]
            while c_e > c_s and doc.text[c_e - 1] in ".!?,;:":
                c_e -= 1
            if len(words) < MIN_CONTENT_WORDS:
                continue
            out.append((s + subject.left_edge.idx, s + subject.idx + len(subject.text), verb.text, s + c_s, s + c_e))
    return out


def _inherited_subject(verb) -> list:
    """The subject a verb without one shares: "Graham called Trump “crazy” and said the party ...", "Rubio
    flipped his choice – saying he was rooting for ..." (the verb it hangs on), "voters saying they want a
    ban" (the noun it describes)."""
    head = verb.head
    if verb.dep_ in ("conj", "advcl", "xcomp") and head.i != verb.i and _is_verb(head):
        return [c for c in head.children if c.dep_ in _SUBJECTS]
    if verb.dep_ == "acl" and verb.tag_ == "VBG" and head.pos_ in ("NOUN", "PROPN"):
        return [head]
    return []


def _report(doc):
    """(subject, verb, complement clause) of the sentence's highest reporting verb, or None."""
    def depth(token) -> int:
        n = 0
        while token.head.i != token.i and n < MAX_CLIMB:
            token, n = token.head, n + 1
        return n

    verbs = sorted((t for t in doc if _is_verb(t) and t.lemma_.lower() in REPORTING_LEMMAS), key=depth)
    for verb in verbs:
        clauses = [c for c in verb.children if c.dep_ == "ccomp"]
        subjects = [c for c in verb.children if c.dep_ in _SUBJECTS]
        if not subjects:
            subjects = _inherited_subject(verb)
        if not clauses or not subjects:
            continue
        subject = subjects[0]
        if subject.tag_ == "WP" and verb.dep_ == "relcl":
            if subject.i == 0 or doc[subject.i - 1].text != ",":
                continue  # "voters who say the economy matters most" picks out voters; it reports nothing
            subject = verb.head  # "..., who said ...": the one "who" stands for
        elif _names_nobody(subject):
            continue
        clause = clauses[0]
        if clause.idx < verb.idx and subject.idx > verb.idx:
            continue  # "“...”, said X" is a direct quote's business; a clause before the verb is not reported
        return subject, verb, clause
    return None
