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
