from newswatch.analysis import Pipeline
from newswatch.documents import Article, RawDocument

from .conftest import SEED_2017, SEED_2021, needs_seeds


def quotes_of(text: str):
    art = Pipeline(["clean", "language", "entities", "quotes"])(
        Article(RawDocument(origin="t", format="text", text=text)))
    return [(q.text, art.chains[q.chain].name if q.chain is not None else None, q.direct, q.cue) for q in art.quotes]


def test_direct_quote_forms():
    text = ("“We will rebuild the bridge,” Mayor Anna Berg said on Monday.\n\n"
            "Prime Minister Olaf Lind said: “The money is there.”\n\n"
            "“Nobody was hurt,” according to Erik Dahl.\n\n"
            "“The river is still rising,” said Berg.")
    found = quotes_of(text)
    assert ("We will rebuild the bridge", "Anna Berg", True, "said") in found
    assert ("The money is there.", "Olaf Lind", True, "said") in found
    assert ("Nobody was hurt", "Erik Dahl", True, "according to") in found
    assert ("The river is still rising", "Anna Berg", True, "said") in found


def test_dash_attribution():
    found = quotes_of("The mayor spoke on Monday.\n\n“We will not give up on this town.” — Anna Berg, mayor of Bergen")
    assert found == [("We will not give up on this town.", "Anna Berg", True, "—")]


def test_interrupted_multi_paragraph_and_unclosed_quotes():
    text = ("“The first part,” Anna Berg said, “and the second part.”\n\n"
            "Erik Dahl said: “This runs on\n\n“and ends here.”\n\n"
            "Olaf Lind said: “This one never closes")
    found = {t: who for t, who, _, _ in quotes_of(text)}
    assert found["The first part,” Anna Berg said, “and the second part."] == "Anna Berg"
    assert found["This runs on\n\n“and ends here."] == "Erik Dahl"
    assert found["This one never closes"] == "Olaf Lind"


def test_scare_quotes_are_nobodys_quotes():
    assert quotes_of("The minister will present a report on the country’s “negative behavior.”") == []


def test_indirect_speech_and_pronoun_resolution():
    found = quotes_of("Anna Berg met the press in Oslo. She said that the bridge would reopen in May.\n\n"
                      "According to Berg, the repairs cost 4 million crowns.")
    assert ("the bridge would reopen in May", "Anna Berg", False, "said") in found
    assert ("the repairs cost 4 million crowns", "Anna Berg", False, "According to") in found


def test_unclear_pronoun_stays_unresolved():
    found = quotes_of("Anna Berg met Olaf Lind and Erik Dahl in Oslo on Monday.\n\n"
                      "“It was a long night,” he said.")
    assert found == [("It was a long night", None, True, "said")]


@needs_seeds
def test_seed_quotes_and_speakers():
    q2017 = quotes_of(SEED_2017.read_text(encoding="utf-8"))
    q2021 = quotes_of(SEED_2021.read_text(encoding="utf-8"))

    def speaker(quotes, start):
        return next(who for text, who, direct, _ in quotes if text.startswith(start) and direct)

    assert speaker(q2017, "There are well known disagreements") == "Jens Stoltenberg"
    assert speaker(q2021, "Russia’s actions are destabilizing") == "Mircea Joan"
    assert speaker(q2021, "They don’t just ignore it any more") == "Sergei Lavrov"
    assert speaker(q2021, "Unfortunately, so far Russia") == "Mircea Joan"  # "the NATO spokesman"
    indirect = {(who, text[:30]) for text, who, direct, _ in q2017 if not direct}
    assert ("Jens Stoltenberg", "NATO was working to reduce ten") in indirect


def test_a_quote_does_not_stop_at_a_decimal_point():
    found = quotes_of("Water minister Anna Berg said the new plant would supply water to 1.2 million people by "
                      "2026. The plant cost 3.5 billion kronor.")
    assert [(t, s) for t, s, _, _ in found] == [
        ("the new plant would supply water to 1.2 million people by 2026", "Anna Berg")]


def test_a_place_is_never_the_speaker():
    found = quotes_of("“We are ready for the storm,” Finland said on Monday.\n\n"
                      "“The roads will close at noon,” police chief Anna Berg said.")
    speakers = {text: speaker for text, speaker, _, _ in found}
    assert speakers["We are ready for the storm"] is None
    assert speakers["The roads will close at noon"] == "Anna Berg"


def test_a_quote_carried_by_syndicated_copies_is_listed_once(tmp_path):
    import newswatch

    text = ("Water minister Anna Berg opened the new treatment plant in Bergen on Monday. “This plant will "
            "give clean water to every home in the valley for the next forty years,” Anna Berg said at the "
            "ceremony, which was attended by several hundred residents and local officials.")
    with newswatch.open(str(tmp_path / "q.db")) as nw:
        nw.ingest_records([
            {"id": "orig", "text": text, "published": "2024-05-06T08:00:00", "source": "Bergen Post"},
            {"id": "copy", "text": text + " (Nordic Wire)", "published": "2024-05-06T11:00:00",
             "source": "Nordic Wire"},
        ])
        assert len(nw.duplicates()) == 1
        [quote] = nw.entity("Anna Berg")["quotes"]
        assert quote["external_id"] == "orig" and quote["copies"] == 1
        assert len(nw.quotes()) == 1
        assert len(nw.article("copy")["quotes"]) == 1  # the copy's own page still shows it


def speakers_of(text: str, language: str):
    """(quote, speaker as written, cue) with the language given, as a feed declaring it would."""
    art = Pipeline(["clean", "language", "entities", "quotes"])(
        Article(RawDocument(origin="t", format="text", text=text, language=language)))
    return [(q.text, q.speaker_text, q.cue) for q in art.quotes]


def test_french_german_and_spanish_quotes_with_their_own_marks_and_verbs():
    assert speakers_of("« Nous ne céderons pas », a déclaré Emmanuel Macron vendredi à Paris.", "fr") == [
        ("Nous ne céderons pas", "Emmanuel Macron", "a déclaré")]
    assert speakers_of("Le ministre a parlé longtemps. « C'est inacceptable », a-t-il ajouté.", "fr") == [
        ("C'est inacceptable", "il", "a-t-il ajouté")]
    assert speakers_of("„Wir unterstützen die Ukraine weiter“, sagte Olaf Scholz am Freitag in Berlin.", "de") == [
        ("Wir unterstützen die Ukraine weiter", "Olaf Scholz", "sagte")]
    assert speakers_of("»Das ist falsch«, so die Ministerin.", "de") == [("Das ist falsch", "die Ministerin", "so")]
    assert speakers_of("El presidente afirmó: «Habrá elecciones en mayo».", "es") == [
        ("Habrá elecciones en mayo", "El presidente", "afirmó")]
    # English cue words mean nothing in German: "so" after a quote is German's "according to", not English's.
    assert speakers_of("„Das Bündnis bleibt geschlossen“, so Stoltenberg.", "de")[0][1] == "Stoltenberg"
    assert speakers_of("“The alliance stays united,” so Stoltenberg left.", "en") == []


def test_english_quote_layouts_seen_in_real_news():
    found = {t: who for t, who, _ in speakers_of(
        '"I don’t think it’s getting the attention it deserves,” Grassley said.\n\n'  # straight open, curly close
        'The union will watch the case closely, Anna Berg says. "We will not let this go."\n\n'
        "Stated Erik Dahl:\n\n“The stakes are high.”\n\n"
        "In a clip that Judge Olaf Lind called “distasteful,” the host laughed.\n\n"
        "Speaking on Fox News’s “Hannity,” Newt Gingrich said he was ready.\n\n"
        "“Nothing we could do would make a difference,” Fred Kagan, director of the Critical Threats Project at "
        "the American Enterprise Institute, said in an interview.\n\n"
        "“The numbers changed over the years.”\n\n- Bernie Sanders.", "en")}
    assert found["I don’t think it’s getting the attention it deserves"] == "Grassley"
    assert found["We will not let this go."] == "Anna Berg"
    assert found["The stakes are high."] == "Erik Dahl"
    assert found["distasteful"] == "Judge Olaf Lind"
    assert "Hannity" not in found  # a show's name in quotation marks is nobody's quote
    assert found["Nothing we could do would make a difference"] == "Fred Kagan"
    assert found["The numbers changed over the years."] == "Bernie Sanders"


def test_a_sentence_opening_word_is_not_a_speaker():
    found = speakers_of("Still, the campaign said it was “confident” about Iowa.\n\n"
                        "On Sunday, writing on Twitter, the senator called the plan “a disaster.”", "en")
    assert all(who not in ("Still", "On Sunday", "On") for _, who, _ in found)


def test_a_quote_inside_a_clause_is_its_subjects():
    # No cue pattern fits these; a parse of the sentence gives the quoted words to its main subject.
    text = ("Anna Berg met the council on Monday.\n\n"
            "Hours later, Berg returned the compliment to Erik Dahl, telling reporters, “He has done more for "
            "this town than anyone I know.”\n\n"
            "Olaf Lind continued:\n\n“The bridge will be open by the spring, whatever the weather does.”\n\n"
            "Erik Dahl says Lind accepted the plan and “there is nothing wrong with that.”")
    found = {t: who for t, who, _, _ in quotes_of(text)}
    assert found["He has done more for this town than anyone I know."] == "Anna Berg"
    assert found["The bridge will be open by the spring, whatever the weather does."] == "Olaf Lind"
    assert found["there is nothing wrong with that."] == "Erik Dahl"


def test_a_parse_does_not_make_scare_quotes_or_titles_anyones():
    text = ("Anna Berg pushed the “river safety” agenda again on Monday.\n\n"
            "Erik Dahl edits “The Morning River Report” for the Bergen Times.")
    assert quotes_of(text) == []


def test_reported_speech_read_from_a_parse():
    # Neither sentence fits an indirect-speech pattern: "who said ..." and "told the council ..." after an adverb.
    found = quotes_of("The council met Erik Dahl, who said the repairs would cost four million crowns.\n\n"
                      "Last week Anna Berg told the council the bridge will reopen in May.")
    assert ("the repairs would cost four million crowns", "Erik Dahl", False, "said") in found
    assert ("the bridge will reopen in May", "Anna Berg", False, "told") in found


def test_a_speaker_named_by_surname_only_is_the_person_named_before():
    # The NER model does not tag the sentence-opening "Romney"; the article named him in full before.
    found = quotes_of("Holdouts included the party's 2012 nominee, Mitt Romney. Romney went after Trump on "
                      "Wednesday over his taxes, calling it “disqualifying” and asserting that the only "
                      "explanation must be “a bombshell of unusual size.”")
    assert ("disqualifying", "Mitt Romney", True, "went") in found


def test_a_wire_dateline_is_not_the_speaker():
    found = quotes_of("Washington (AFP) – Democrat Hillary Clinton has taken a swipe at Republican rival Donald "
                      "Trump’s stance on Brexit, saying that “bombastic comments” do more harm than good.")
    assert [(who, cue) for text, who, _, cue in found if text == "bombastic comments"] == [("Hillary Clinton", "taken")]


def test_a_name_set_apart_from_its_verb_is_still_the_speaker():
    # A long apposition between the name and the verb, and a verb of the manner of saying.
    text = ("Anna Berg spoke to the press in Bergen on Monday.\n\n"
            "“A very good plan, a very good plan indeed,” Berg, the mayor of Bergen since 2019 and the head of the "
            "regional council by a wide margin after winning the spring vote in every district, said when Erik "
            "Dahl asked her about it.\n\n"
            "“Go back to your office,” Dahl barked.")
    found = {t: who for t, who, _, _ in quotes_of(text)}
    assert found["A very good plan, a very good plan indeed"] == "Anna Berg"
    assert found["Go back to your office"] == "Erik Dahl"


def test_a_line_opened_by_a_name_and_a_colon_is_what_they_said():
    text = ("Berg: The Bridge Will Reopen in May.\n\n"
            "Update: The river fell overnight in most of the valley.\n\n"
            "Mayor Anna Berg told the council on Monday that the repairs were on time.")
    found = quotes_of(text)
    assert ("The Bridge Will Reopen in May", "Anna Berg", False, ":") in found
    assert not [q for q in found if q[0].startswith("The river fell")]  # a label, not a speaker


def test_according_to_a_source_after_the_statement():
    found = quotes_of("The bridge will cost four million crowns to repair, according to early figures from the "
                      "Bergen roads office.")
    assert [(text, cue) for text, _, _, cue in found] == [
        ("The bridge will cost four million crowns to repair", "according to")]


def test_reported_speech_shares_the_subject_of_the_verb_it_hangs_on():
    found = quotes_of("Erik Dahl visited the bridge on Monday and said the repairs would take a whole year.\n\n"
                      "Anna Berg changed her plan on the spot – saying she would wait for the spring floods.\n\n"
                      "A survey by the roads office found that most drivers avoid the old bridge at night.\n\n"
                      "Drivers who say the bridge is unsafe were asked to take the ferry instead.")
    said = {text: (who, cue) for text, who, _, cue in found}
    assert said["the repairs would take a whole year"] == ("Erik Dahl", "said")
    assert said["she would wait for the spring floods"] == ("Anna Berg", "saying")
    assert said["most drivers avoid the old bridge at night"][1] == "found"
    # "drivers who say ..." picks out some drivers; it reports nothing
    assert not [text for text in said if text.startswith("the bridge is unsafe")]


def test_a_quote_introduced_by_a_colon_is_the_introducing_subjects():
    found = quotes_of("When Olaf Lind retired in 1998, Mayor Anna Berg released the following statement:\n\n"
                      "“Olaf gave this town thirty years of his life and never once asked for anything in return.”")
    assert [(who, direct) for _, who, direct, _ in found] == [("Anna Berg", True)]


def test_whose_characterisation_a_quoted_word_is():
    found = quotes_of("Anna Berg met Erik Dahl on Monday.\n\n"
                      "It is strange that Berg would denounce “self-deportation,” which is like a chocolate cake.\n\n"
                      "Dahl decried the council for “turning its back” on the valley.\n\n"
                      "Berg refers to him as “the engineer,” while Dahl refers to the mayor as “my old friend from "
                      "school.”")
    said = {text: who for text, who, _, _ in found}
    assert said["self-deportation"] == "Anna Berg"  # not "it"
    assert said["turning its back"] == "Erik Dahl"
    assert said["the engineer"] == "Anna Berg"
    assert said["my old friend from school."] == "Erik Dahl"  # the "while" clause's own subject


def test_a_wire_agency_in_a_dateline_is_not_who_speaks():
    found = quotes_of("SALEM, Ore. (AP) — Republican presidential hopeful Anna Berg says the old bridge will reopen "
                      "before the summer.")
    assert found == [("the old bridge will reopen before the summer", "Anna Berg", False, "says")]


def test_a_day_is_never_the_speaker():
    found = quotes_of("Anna Berg, who has been feuding with the council this week, on Friday described her plan "
                      "as a “big tent for the whole valley.”")
    assert found == [("big tent for the whole valley.", "Anna Berg", True, "described")]
