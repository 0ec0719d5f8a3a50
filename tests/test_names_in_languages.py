"""Names in articles that are not in English: the French model, and names the corpus knows."""

import newswatch

EN = ("NATO Secretary General Jens Stoltenberg met Russian Foreign Minister Sergei Lavrov in Munich on Friday. "
      "Stoltenberg said the alliance wanted a more constructive relationship with Moscow, while Lavrov "
      "accused the alliance of moving troops closer to Russia's borders.")
DE = ("NATO-Generalsekretär Jens Stoltenberg hat sich am Freitag in München mit dem russischen Außenminister "
      "Sergei Lavrov getroffen. Stoltenberg sagte, das Bündnis wolle ein besseres Verhältnis zu Moskau, "
      "während Lavrov der Allianz vorwarf, ihre Truppen an die Grenzen Russlands zu verlegen.")
SK = ("Generálny tajomník NATO Jens Stoltenberg sa v piatok v Mníchove stretol s ruským ministrom zahraničných "
      "vecí Sergejom Lavrovom. Stoltenberg povedal, že aliancia chce s Moskvou lepšie vzťahy.")
FR = ("Le président Emmanuel Macron a reçu jeudi à l'Élysée le chancelier allemand Olaf Scholz pour parler "
      "de l'Ukraine. Emmanuel Macron a ensuite annoncé une aide supplémentaire depuis Paris.")


def _names(nw, key):
    return {(m["entity_name"], m["type"]) for m in nw.article(key)["mentions"]}


def test_french_articles_get_names_from_the_french_model(tmp_path):
    with newswatch.open(str(tmp_path / "fr.db")) as nw:
        nw.ingest_records([{"id": "fr", "title": "Macron reçoit Scholz", "text": FR, "published": "2024-03-07"}])
        assert nw.article("fr")["language"] == "fr"
        found = _names(nw, "fr")
        assert ("Emmanuel Macron", "PERSON") in found and ("Olaf Scholz", "PERSON") in found


def test_names_the_corpus_knows_are_found_in_languages_without_a_model(tmp_path):
    with newswatch.open(str(tmp_path / "known.db")) as nw:
        nw.ingest_records([
            {"id": "en", "title": "Stoltenberg meets Lavrov", "text": EN, "published": "2024-02-16"},
            {"id": "de", "title": "Stoltenberg trifft Lavrov", "text": DE, "published": "2024-02-16"},
            {"id": "sk", "title": "Stoltenberg a Lavrov", "text": SK, "published": "2024-02-16"},
        ])
        assert nw.article("de")["language"] == "de" and nw.article("sk")["language"] not in ("en", "fr")
        # The German report names both men as the English one does: the same corpus entities.
        assert {"Jens Stoltenberg", "Sergei Lavrov", "NATO"} <= {n for n, _ in _names(nw, "de")}
        # Slovak declines names ("Sergejom Lavrovom"): only the spellings met before are found.
        assert "Jens Stoltenberg" in {n for n, _ in _names(nw, "sk")}
        assert nw.entity("Jens Stoltenberg")["article_count"] == 3
        assert nw.entity("Sergei Lavrov")["article_count"] == 2


def test_a_title_case_headline_gets_only_the_names_the_corpus_knows(tmp_path):
    story = ("Former intelligence contractor Edward Snowden spoke by video link to the SXSW festival in Austin, "
             "telling the audience that encryption could protect people from NSA surveillance.")
    with newswatch.open(str(tmp_path / "title.db")) as nw:
        nw.ingest_records([
            {"id": "story", "title": "Snowden speaks at SXSW", "text": story, "published": "2014-03-10"},
            {"id": "headline", "text": "Edward Snowden Urges SXSW Crowd to Thwart NSA With Technology",
             "published": "2014-03-11"},
        ])
        found = _names(nw, "headline")
        assert ("Edward Snowden", "PERSON") in found
        assert all("Urges" not in name and "Crowd" not in name for name, _ in found)
        assert nw.entity("Edward Snowden")["article_count"] == 2


def test_a_german_quote_is_credited_to_a_person_the_corpus_knows(tmp_path):
    quoted = ("NATO-Generalsekretär Jens Stoltenberg hat sich am Freitag in München mit dem russischen "
              "Außenminister Sergei Lavrov getroffen.\n\n„Wir wollen ein besseres Verhältnis zu Moskau“, sagte "
              "Stoltenberg nach dem Treffen.")
    with newswatch.open(str(tmp_path / "quote.db")) as nw:
        nw.ingest_records([
            {"id": "en", "title": "Stoltenberg meets Lavrov", "text": EN, "published": "2024-02-16"},
            {"id": "de", "title": "Stoltenberg trifft Lavrov", "text": quoted, "published": "2024-02-16"},
        ])
        [quote] = nw.article("de")["quotes"]
        assert quote["text"] == "Wir wollen ein besseres Verhältnis zu Moskau"
        assert quote["speaker"]["name"] == "Jens Stoltenberg"


# The same people in four languages: one entity per person, and a father and son who share a name stay two.
BUSH = [
    {"id": "bush-en", "language": "en", "published": "2018-12-05", "title": "Bush eulogises his father",
     "text": "Former President George W. Bush spoke at the state funeral of his father, George H. W. Bush, in "
             "Washington on Wednesday. George W. Bush called his father the brightest of a thousand points of "
             "light. George H. W. Bush died on Friday at the age of 94."},
    {"id": "bush-fr", "language": "fr", "published": "2018-12-05", "title": "Les adieux à George H. W. Bush",
     "text": "L'ancien président George W. Bush a rendu hommage mercredi à Washington à son père, George H. W. "
             "Bush, lors des funérailles nationales. George H. W. Bush est mort vendredi à l'âge de 94 ans."},
    {"id": "bush-de", "language": "de", "published": "2018-12-05", "title": "Abschied von George H. W. Bush",
     "text": "Der frühere Präsident George W. Bush hat am Mittwoch in Washington die Trauerrede für seinen "
             "Vater George H. W. Bush gehalten. George H. W. Bush war am Freitag im Alter von 94 Jahren "
             "gestorben."},
    {"id": "bush-sk", "language": "sk", "published": "2018-12-05", "title": "Rozlúčka s Georgeom H. W. Bushom",
     "text": "Bývalý prezident George W. Bush v stredu vo Washingtone predniesol smútočnú reč. George H. W. Bush "
             "zomrel v piatok vo veku 94 rokov. Pohreb sa konal v katedrále."},
]


def test_the_same_people_in_four_languages_are_one_entity_each_and_two_bushes_stay_two(tmp_path):
    with newswatch.open(str(tmp_path / "bush.db")) as nw:
        nw.ingest_records(BUSH)
        son, father = nw.entity("George W. Bush"), nw.entity("George H. W. Bush")
        assert son["id"] != father["id"]
        assert son["type"] == father["type"] == "PERSON"
        assert son["article_count"] == 4 and father["article_count"] == 4
        people = {e["name"] for e in nw.entities(type="PERSON")}
        assert not any("Bush" in name for name in people - {"George W. Bush", "George H. W. Bush"})


HEADLINES = [
    "Angela Merkel Meets Emmanuel Macron In Paris Ahead Of Summit",
    "Merkel And Macron Agree On Budget Plan For The Eurozone",
    "Joe Biden Calls Angela Merkel About Sanctions On Russia",
    "Macron Says France Will Back Merkel On Migration Deal",
    "Biden Praises Merkel As She Prepares To Leave Office",
    "Emmanuel Macron Unveils Pension Reform Amid Strikes",
    "Angela Merkel Warns Of Rising Infections In Germany",
    "Joe Biden Signs Infrastructure Bill Into Law At White House",
    "Merkel Visits Flooded Towns In Western Germany",
    "Macron Hosts Biden At Elysee Palace For Talks On Ukraine",
    "Biden And Macron Pledge To Rebuild Trust After Submarine Row",
    "Angela Merkel Receives Award For Leadership During Crisis",
    "Emmanuel Macron Wins Second Term As French President",
    "Joe Biden Meets Emmanuel Macron At G7 Summit In Cornwall",
    "Merkel Defends Gas Pipeline Deal With Russia",
    "Macron Calls For European Army In Speech To Parliament",
    "Biden Says Merkel Has Been A Steadfast Partner",
    "Angela Merkel Hands Over To Olaf Scholz After Sixteen Years",
    "Emmanuel Macron Tells Joe Biden Europe Must Defend Itself",
    "Joe Biden Invites Angela Merkel To The White House",
]


def test_title_case_headlines_link_to_the_people_the_bodies_name(tmp_path):
    bodies = [
        {"id": "body-1", "published": "2021-07-10", "title": "Leaders meet in Paris",
         "text": "German Chancellor Angela Merkel met French President Emmanuel Macron in Paris on Friday. Merkel "
                 "and Macron discussed the budget, and US President Joe Biden joined them by video link."},
        {"id": "body-2", "published": "2021-07-15", "title": "Biden hosts Merkel",
         "text": "President Joe Biden welcomed Chancellor Angela Merkel to the White House on Thursday, where "
                 "Biden and Merkel spoke about Russia and the pandemic. Olaf Scholz is expected to succeed her."},
    ]
    records = bodies + [{"id": f"h{i}", "text": h, "published": "2021-07-20"} for i, h in enumerate(HEADLINES)]
    with newswatch.open(str(tmp_path / "headlines.db")) as nw:
        nw.ingest_records(records)
        entities = nw.entities(limit=500)
        for surname in ("Merkel", "Macron", "Biden"):
            holders = [e for e in entities if surname in e["name"]]
            assert len(holders) == 1, (surname, [e["name"] for e in holders])
            assert holders[0]["type"] == "PERSON"
        for name, surname in (("Angela Merkel", "Merkel"), ("Emmanuel Macron", "Macron"), ("Joe Biden", "Biden")):
            expected = sum(surname in r["text"] for r in records)  # every headline and body naming them
            assert nw.entity(name)["article_count"] == expected
        assert all(len(e["name"].split()) <= 4 for e in entities)  # no headline read as one long name
        assert not {e["name"] for e in entities} & set(HEADLINES)


def test_a_name_no_model_reads_and_the_corpus_never_met_is_confirmed_by_a_second_article(tmp_path):
    first = ("Predseda vlády Robert Fico sa v piatok v Bratislave stretol s predsedom parlamentu. Fico povedal, "
             "že vláda pripraví nový rozpočet do konca mesiaca.")
    second = ("Opozícia kritizuje návrh rozpočtu, ktorý v pondelok predstavil Robert Fico. Podľa opozície "
              "rozpočet nerieši zdravotníctvo ani školstvo a zvýši dlh krajiny.")
    copy = second + " (TASR)"
    with newswatch.open(str(tmp_path / "new.db")) as nw:
        nw.ingest_records([{"id": "sk1", "text": first, "language": "sk", "published": "2024-03-01"}])
        assert nw.entities(type="PERSON") == []  # one article is not yet evidence
        nw.ingest_records([{"id": "sk1-copy", "text": first + " (TASR)", "language": "sk",
                            "published": "2024-03-01", "source": "TASR"}])
        assert nw.entities(type="PERSON") == []  # nor is a copy of it
        nw.ingest_records([{"id": "sk2", "text": second, "language": "sk", "published": "2024-03-04"},
                           {"id": "sk2-copy", "text": copy, "language": "sk", "published": "2024-03-04"}])
        fico = nw.entity("Robert Fico")
        assert fico["type"] == "PERSON"
        # Both witnesses name him, the article that met him first too.
        assert {"sk1", "sk2"} <= {a["external_id"] for a in fico["articles"]}
        # Once confirmed it is a known name: later articles in any language find it.
        nw.ingest_records([{"id": "en", "text": "Slovak Prime Minister Robert Fico presented the budget on "
                            "Monday in Bratislava, and the opposition criticised it.", "published": "2024-03-05"}])
        assert nw.entity("Robert Fico")["article_count"] >= 2
