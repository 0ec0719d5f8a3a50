"""How reported speech is marked in text: quotation marks, cue verbs and speaker phrases, per language.

``analysis.quotes`` finds quotes and their speakers with these patterns; they
live here so that what a language's news writing looks like is in one place.

Typography: “...” and "..." (a straight opening mark may close with ”),
«...» and « ... » (French, Spanish), „...“ and »...« (German), 「...」
(Japanese, Chinese).

English has the richest rules (``RULES["en"]`` and the indirect-speech
patterns): a cue after the quote (“...,” Stoltenberg said / said
Stoltenberg / told journalists / according to X / — X), before it (Lavrov
said: “...”), in a sentence of its own before it ("..., Phil Musser says.
“...”"), the cue first ("Stated Stone:"), a name's characterisation ("Judge
Mosman called it “distasteful”"), a name and a colon, and a signature line
("- Bernie Sanders."). French, German and Spanish are read with their own
cue verbs and word order (« ... », a déclaré X / a-t-il ajouté; „...“,
sagte X / so X; «...», dijo X), speakers being names, pronouns or a
determiner phrase in that language (``SPEECH``).
"""

from __future__ import annotations

import calendar
import re

from .entities import ROLE_HEADS, ROLE_MODIFIERS

CUE_VERBS = (
    "said|says|say|told|tells|added|adds|stated|states|noted|notes|explained|explains|warned|warns|insisted|"
    "insists|argued|argues|asked|asks|wrote|writes|continued|continues|recalled|recalls|declared|declares|"
    "announced|announces|replied|replies|responded|remarked|commented|acknowledged|acknowledges|admitted|"
    "admits|claimed|claims|stressed|stresses|emphasised|emphasized|urged|urges|concluded|observed|quipped|"
    "tweeted|posted|reminded|suggested|suggests|predicted|believes|believed|thinks|thought|conceded|concedes|"
    "confirmed|confirms|denied|denies|maintained|maintains|reiterated|reiterates|vowed|vows|promised|promises|"
    "pledged|cautioned|estimated|estimates|testified|alleged|alleges|contended|contends|countered|agreed|agrees|"
    "reports|reported|complained|complains|lamented|laments|boasted|joked|revealed|disclosed|indicated|signaled|"
    "signalled|hinted|mentioned|pointed out|points out|predicts|recounted|conceded|objected|retorted|fumed|"
    "shouted|whispered|wondered|questioned|assured|informed|reassured|warned of|spoke of|complained of|"
    # verbs of the manner of saying: "“Go back to Univision,” Trump barked"
    "barked|boomed|beamed|groused|snapped|gushed|mused|sighed|scoffed|exclaimed|proclaimed|interjected|answered|"
    "answers|muttered|murmured|fired back|shot back|hit back"
)
#: Participles that attribute to the subject of the sentence: "X left, saying “...”".
PARTICIPLES = "saying|adding|noting|writing|arguing|warning|insisting|explaining|declaring|telling [\\w ]{1,25}?"
DETERMINERS = {"the", "a", "an", "his", "her", "its", "their", "one", "another"}
#: "he", "she" in the languages read: resolved to the person the paragraphs around are about.
PERSONAL = {"he", "she", "il", "elle", "er", "sie", "él", "ella"}
#: Capital letters, Latin with accents included ("Émile", "Ángela", "Łukasz").
UPPER = "A-Z" + "".join(chr(c) for c in range(0xC0, 0x250) if chr(c).isupper())
#: Each opening mark and the marks that close it. A straight " may close with ” (mixed typography is
#: common); „ closes with “ (German) or ” ; » opens only German's »...« (a French » closes).
CLOSERS = {"“": '”"“', '"': '"”', "«": "»", "„": "“”", "»": "«", "「": "」", "『": "』"}

_ROLE_WORDS = "|".join(sorted(ROLE_HEADS | ROLE_MODIFIERS, key=len, reverse=True))
# One capitalised word: "U.S." and "Gen." keep their full stops, "Iraq." (a sentence's end) does not.
_NAME_WORD = rf"[{UPPER}](?:[\w'’-]|\.(?=\w))*(?:(?<![a-z]{{3}})\.)?"
#: Capitalised words that open a sentence, not a name.
_SENTENCE_OPENERS = ("Still|In|On|At|When|While|After|Before|Having|Despite|Shortly|But|And|However|Although|If|As|"
                     "For|With|Yet|So|Then|Meanwhile|Later|Earlier|Since|Until|During|Once|Now|Today|Yesterday|"
                     "Instead|Also|Even|Only|Asked|Speaking|Last|Next|This|That|These|Those|There|Here")
_NAME = (rf"(?!(?:{_SENTENCE_OPENERS})\b){_NAME_WORD}"
         rf"(?:\s+(?:{_NAME_WORD}|of|the|de|van|von|al|(?:{_ROLE_WORDS})\b)){{0,7}}")
_SPEAKER = (r"(?:[Hh]e|[Ss]he|[Tt]hey|[Ww]e|I|"
            rf"{_NAME}['’]s?\s+(?:[\w-]+\s+){{0,3}}(?:{_ROLE_WORDS})\b|"  # "Sanders's campaign manager"
            r"(?:[Tt]he|[Aa]n?|[Hh]is|[Hh]er|[Ii]ts|[Tt]heir|[Oo]ne|[Aa]nother)\s+(?:[\w'’.-]+\s+){0,5}?[\w'’-]+|"
            rf"(?:(?:{_ROLE_WORDS}|then|longtime|retired)\s+){{1,4}}{_NAME}|"  # "former Florida governor Jeb Bush"
            rf"{_NAME})")
# Between a speaker and the cue: "(D-Ill.)", ", 22, of Flint, Mich.,", ", the city's emergency director,"
_APPOSITIVE = r"(?:\s*\([^()\n]{1,30}\),?)?(?:(?:,\s+[^,;:“”\"()\n]{1,150}){1,4},)?"
_AUX = r"(?:\s+(?:has|had|have|also|then|later|again|repeatedly|once|\w+ and))?"
_CUE = rf"(?:{CUE_VERBS})"
# after a closing mark: ", Stoltenberg told journalists" / ", said Stoltenberg" / ", according to X" / "— X"
_AFTER = re.compile(
    rf"\s*,?\s*(?:(?P<cue1>{_CUE})\s+(?P<spk1>{_SPEAKER})"
    rf"|(?P<spk2>{_SPEAKER}){_APPOSITIVE}{_AUX}\s+(?P<cue2>{_CUE})"
    rf"|(?:[\w'’.-]+\s+){{1,5}}?(?P<spk5>{_NAME}){_APPOSITIVE}{_AUX}\s+(?P<cue5>{_CUE})"
    rf"|(?P<cue3>according to)\s+(?P<spk3>{_SPEAKER})"
    rf"|[—–]\s*(?P<spk4>{_SPEAKER}))\b")
# before an opening mark: "Lavrov said: “" / "Lavrov told reporters, “"
_BEFORE = re.compile(
    rf"(?P<spk>{_SPEAKER}){_APPOSITIVE}{_AUX}\s+(?P<cue>{_CUE})(?:,?\s+[\w'’-]+){{0,4}}?\s*[:,]\s*$")
# ", saying: “" before a quote, the speaker being the sentence's subject
PARTICIPLE_BEFORE = re.compile(rf",\s+(?P<cue>{PARTICIPLES})\s*[:,]?\s*$"
                                rf"|,\s*(?P<cue2>calling|describing|dubbing|labell?ing|branding)(?:\s+[\w'’-]+){{1,4}}?\s+$")
SUBJECT = re.compile(rf"^(?:(?:But|And|However|Meanwhile|Later|Earlier|Then|Still|Yet)[,]?\s+)?(?P<spk>{_SPEAKER})\b")
# A sentence of its own before the quote: "..., digital consultant Phil Musser says. “...”"
_BEFORE_SENTENCE = re.compile(rf"(?P<spk>{_SPEAKER}){_APPOSITIVE}{_AUX}\s+(?P<cue>{_CUE})\.\s*$")
# The cue first: "Stated Stone: “...”", "Continued Stone:"
_INVERTED = re.compile(rf"(?:^|(?<=[.!?”\"\n]))\s*(?P<cue>Said|Says|Stated|Continued|Added|Wrote|Explained|Asked|"
                       rf"Noted|Declared|Recalled)\s+(?P<spk>{_NAME})\s*[:,]\s*$")
# A name's words quoted inside its own sentence: "Judge Mosman called it “distasteful”", "Sanders also
# pledged to “bring our political revolution”". Names only: "a group called “X”" is no one's quote.
_CHARACTERISES = re.compile(
    rf"(?P<spk>{_NAME}){_APPOSITIVE}{_AUX}\s+(?P<cue>called|calls|dubbed|dubs|labell?ed|labels|branded|brands|termed|"
    rf"terms|described|describes|accused|accuses|blamed|praised|criticized|criticised|mocked|dismissed|defended|"
    rf"{CUE_VERBS})(?:\s+[\w'’-]+){{0,8}}?\s+$")
# "According to HuffPo: “...”"
_ACCORDING_BEFORE = re.compile(rf"(?P<cue>[Aa]ccording to)\s+(?P<spk>{_SPEAKER})\s*[:,]\s*$")
# A name and a colon: "Clinton: “Our goal is ...”", "- Mark Blumenthal and Jon Cohen: “..."
_NAME_COLON = re.compile(rf"(?:^|(?<=[.!?”\"\n])|(?<=[-—–]))\s*(?P<spk>{_NAME})(?P<cue>\s*:)\s*$")
# The quote's paragraph followed by a signature line: "- Bernie Sanders."
SIGNATURE = re.compile(rf"[ \t]*\n+[ \t]*[—–-][ \t]*(?P<spk>{_NAME})\.?[ \t]*(?:\n|$)")
# indirect speech inside one sentence
_SUBJECT_CUE = (
    rf"(?:^(?:\([^)]{{1,40}}\)\s*[—–-]\s*)?\(?|(?<=[,;]\s))(?:But\s+|And\s+|However,\s+|Meanwhile,\s+)?"
    rf"(?P<spk>{_SPEAKER}){_APPOSITIVE}{_AUX}\s+(?P<cue>{_CUE})")
# "X said (on Friday, in Munich) that ...": the first "that" within reach opens the content
INDIRECT_THAT = re.compile(
    _SUBJECT_CUE + rf"(?:\s+(?:(?!\b(?:and|but|{CUE_VERBS})\b)[^.“”\"]){{0,60}}?)?\s+that\s+(?P<content>[^\s].*)$")
# "X says the alliance is ...", "X warned of ...": content right after the cue
INDIRECT = re.compile(
    _SUBJECT_CUE + r"\s+(?!(?:on|in|at|during|after|before|for|to|with|from|by|when|while|it|so|and|but|nothing)\b)"
    r"(?P<content>[^\s].*)$")
# "According to X, ...", "..., according to X.": X may be a person, a body or a document ("early results of
# the exit poll conducted by Edison Research"), so any phrase up to the comma or the sentence's end.
_SOURCE_PHRASE = r"[^,;“”\"()\n]{2,200}?"
ACCORDING = re.compile(rf"^(?P<cue>According to)\s+(?P<spk>{_SOURCE_PHRASE}),\s+(?P<content>.+)$")
ACCORDING_AFTER = re.compile(rf"^(?P<content>.{{10,}}?),\s+(?P<cue>according to)\s+(?P<spk>{_SOURCE_PHRASE})[.!?]?$")
TRAILING = re.compile(rf"^(?P<c1>.+?),\s+(?P<spk>{_SPEAKER})\s+(?P<cue>{_CUE})(?:,\s+(?P<c2>.+?)|\s+[^,]{{0,40}}?)?[.!?]?$")
# "Mook refused to speculate, adding that he would be on vacation."
PARTICIPLE = re.compile(rf",\s+(?P<cue>{PARTICIPLES})\s+(?:that\s+)?(?P<content>[^“”\"].{{9,}})$")
QUOTE_OPEN = re.compile("[“\"«„»「『]")
#: Words that make a cue-like verb not speech ("said" as an adjective is rare; these are subjects that never speak).
NOT_SPEAKERS = {"it", "this", "that", "there", "which", "what", "who"} | {
    # "Trump, who ..., on Friday described ...": a day or a month is when, not who
    name.lower() for name in (*calendar.day_name, *calendar.month_name) if name}


# -- French, German and Spanish ---------------------------------------------------

#: Per language: cue verbs (a quote's speaker follows them, or precedes them before a colon), the
#: words that say "according to", pronouns, determiners, and the inverted pronoun forms ("a-t-il dit").
SPEECH = {
    "fr": {
        "verbs": "déclaré|dit|affirmé|ajouté|expliqué|indiqué|souligné|estimé|assuré|précisé|rappelé|lancé|martelé|"
                 "insisté|reconnu|averti|confié|répondu|poursuivi|commenté|déploré|dénoncé|jugé|admis|écrit|tweeté|"
                 "prévenu|annoncé|résumé|raconté|déclare|dit|affirme|ajoute|explique|indique|souligne|estime|assure|"
                 "précise|rappelle|lance|poursuit|confie|répond|insiste|reconnaît|avertit|juge|déplore|dénonce|"
                 "écrit|prévient|annonce|résume|raconte|martèle|commente",
        "auxiliary": "a|avait|ont|avaient",
        "according": "selon|d'après|d’après",
        "pronouns": "il|elle|ils|elles",
        "determiners": "le|la|les|l'|l’|un|une|son|sa|ses|leur|leurs|ce|cette",
        "inverted": r"(?:(?:a|avait)-t-|(?:{verbs})-(?:t-)?)(?:il|elle|ils|elles)\b(?:\s+(?:{verbs}))?",
    },
    "de": {
        "verbs": "sagte|sagt|sagten|erklärte|erklärt|erklärten|betonte|betont|meinte|meint|fügte|fügt|warnte|warnt|"
                 "schrieb|schreibt|teilte|teilt|kritisierte|kritisiert|forderte|fordert|räumte|berichtete|"
                 "bestätigte|bestätigt|versicherte|unterstrich|antwortete|ergänzte|ergänzt|erläuterte|mahnte|"
                 "bekräftigte|sprach|twitterte|schilderte|hieß",
        "auxiliary": "",
        "according": "so|laut|nach Angaben von",
        "pronouns": "er|sie",
        "determiners": "der|die|das|ein|eine|dessen|deren|sein|seine|ihr|ihre",
        "inverted": "",
    },
    "es": {
        "verbs": "dijo|dice|afirmó|afirma|declaró|declara|explicó|explica|aseguró|asegura|señaló|señala|añadió|"
                 "añade|agregó|agrega|indicó|indica|subrayó|subraya|destacó|destaca|advirtió|advierte|sostuvo|"
                 "sostiene|manifestó|comentó|expresó|respondió|insistió|reconoció|apuntó|recalcó|precisó|admitió|"
                 "denunció|escribió|dijeron|afirmaron|aseveró|puntualizó|sentenció|lamentó",
        "auxiliary": "ha|había|han",
        "according": "según",
        "pronouns": "él|ella|ellos|ellas",
        "determiners": "el|la|los|las|un|una|su|sus|este|esta",
        "inverted": "",
    },
}
_FOREIGN_NAME = (rf"{_NAME_WORD}(?:\s+(?:{_NAME_WORD}|de|du|des|del|della|di|da|dos|van|von|der|den|zu|"
                 rf"al|el|la|le)\b){{0,5}}")


class DirectRules:
    """How one language's speakers are found: after the quote, before it (``before`` then each of
    ``extra_before``), and, where the language has them (English), a participle clause before the quote
    (", saying: “"), a signature line after it, and indirect speech."""

    def __init__(self, after: re.Pattern, before: re.Pattern, extra_before: tuple[re.Pattern, ...] = (),
                 participle_before: re.Pattern | None = None, signature: re.Pattern | None = None,
                 indirect: bool = False):
        self.after, self.before, self.extra_before = after, before, extra_before
        self.participle_before, self.signature, self.indirect = participle_before, signature, indirect


def _foreign_rules(spec: dict) -> DirectRules:
    verbs = spec["verbs"]
    pronoun = rf"(?i:{spec['pronouns']})\b"
    speaker = (rf"(?:{pronoun}|(?i:{spec['determiners']})\s*(?:[\w'’.-]+\s+){{0,4}}?[\w'’-]+|{_FOREIGN_NAME})")
    aux = rf"(?:(?:{spec['auxiliary']})\s+)?" if spec["auxiliary"] else ""
    cue = rf"{aux}(?:{verbs})"
    inverted = spec["inverted"].format(verbs=verbs)
    after = (rf"\s*[,—–]?\s*(?:(?P<cue1>{cue})\s+(?P<spk1>{speaker})"
             rf"|(?P<cue3>{spec['according']})\s+(?P<spk3>{speaker})")
    if inverted:  # "a-t-il déclaré": the pronoun inside the cue is the speaker
        after += rf"|(?P<cue2>{inverted.replace('(?:il|elle|ils|elles)', '(?P<spk2>il|elle|ils|elles)')})"
    after += r")"
    before = rf"(?P<spk>{speaker}){_APPOSITIVE}\s+(?P<cue>{cue})(?:\s+[\w'’-]+){{0,4}}?\s*[:,]\s*$"
    return DirectRules(re.compile(after), re.compile(before))


RULES = {"en": DirectRules(_AFTER, _BEFORE, (_BEFORE_SENTENCE, _INVERTED, _CHARACTERISES, _ACCORDING_BEFORE,
                                             _NAME_COLON), PARTICIPLE_BEFORE, SIGNATURE, indirect=True)}
RULES.update({language: _foreign_rules(spec) for language, spec in SPEECH.items()})


def rules_for(language: str | None) -> DirectRules | None:
    """The language's rules (English when the language is unknown); None where there are none."""
    return RULES.get(language or "en")
