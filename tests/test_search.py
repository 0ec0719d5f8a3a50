import sqlite3

import newswatch

RECORDS = [
    {"id": "v1", "title": "Volcano erupts near Grindavík", "published": "2024-12-20",
     "text": "Lava fountains rose north of the town after the eruption began on Thursday night. The spa was evacuated."},
    {"id": "v2", "title": "Eruption weakens", "published": "2024-12-22",
     "text": "The volcanic fissure on the Reykjanes peninsula lost strength and the lava flow slowed on Saturday."},
    {"id": "d1", "title": "Drought emergency in Catalonia", "published": "2024-02-01",
     "text": "Minister Laia Ferrer declared a water emergency as reservoirs near Barcelona fell to record lows."},
]


def test_text_search_ranks_titles_and_marks_the_words(tmp_path):
    with newswatch.open(str(tmp_path / "s.db")) as nw:
        nw.ingest_records(RECORDS)
        found = nw.search("grindavik", mode="text")  # accents ignored
        assert found["total"] == 1 and found["results"][0]["external_id"] == "v1"
        hit = nw.search("reservoirs", mode="text")["results"][0]
        assert [hit["snippet"][s:e] for s, e in hit["highlights"]] == ["reservoirs"]
        assert set(hit) >= {"id", "external_id", "title", "snippet", "score"}


def test_semantic_search_finds_meaning_without_the_words(tmp_path):
    with newswatch.open(str(tmp_path / "s.db")) as nw:
        nw.ingest_records(RECORDS)
        top = nw.search("magma and molten rock", mode="semantic")["results"]
        assert top and top[0]["external_id"] in {"v1", "v2"}


def test_filters_and_hostile_queries(tmp_path):
    with newswatch.open(str(tmp_path / "s.db")) as nw:
        nw.ingest_records(RECORDS)
        assert {r["external_id"] for r in nw.search("lava", since=__import__("datetime").date(2024, 12, 21))["results"]} == {"v2"}
        assert [r["external_id"] for r in nw.search("water", entity="Laia Ferrer")["results"]] == ["d1"]
        for query in ('AND( "*', "NEAR(lava", "title:lava OR", "-- ; DROP TABLE articles"):
            nw.search(query)  # never an FTS syntax error
        assert nw.store.count_articles() == 3


def test_an_older_database_is_upgraded_even_by_a_read_only_command(tmp_path, cli):
    cli.json("ingest", "-", input='{"id": "x", "text": "Talks on the harbour strike resumed in Rotterdam."}\n')
    con = sqlite3.connect(cli.db)
    for trigger in ("insert", "delete", "update"):
        con.execute(f"DROP TRIGGER articles_fts_{trigger}")
    con.execute("DROP TABLE articles_fts")  # now as a version-3 database was
    for table, column in (("articles", "terms"), ("articles", "published_estimate"), ("events", "terms"),
                          ("stories", "terms")):
        con.execute(f"ALTER TABLE {table} DROP COLUMN {column}")
    con.execute("DROP INDEX event_entities_entity")
    con.execute("DROP INDEX articles_url")
    con.execute("DROP TABLE term_stats")
    con.execute("DROP TABLE corpus_stats")
    con.execute("DROP TABLE ingest_jobs")
    con.execute("DROP TABLE corpus_vectors")
    con.execute("DROP TABLE entity_corrections")
    con.execute("DROP TABLE sources")
    con.execute("DROP TABLE name_candidates")
    con.execute("DROP INDEX events_undated")
    con.execute("DROP TABLE article_bands")
    con.execute("CREATE TABLE lsh_bands (key INTEGER NOT NULL, article_id INTEGER NOT NULL,"
                " PRIMARY KEY (key, article_id)) WITHOUT ROWID")
    for table in ("watchlists", "alerts", "alert_channels", "alert_deliveries"):
        con.execute(f"DROP TABLE {table}")
    for column in ("country", "latitude", "longitude"):
        con.execute(f"ALTER TABLE entities DROP COLUMN {column}")
    con.execute("PRAGMA user_version = 3")
    con.commit()
    con.close()
    found = cli.json("search", "harbour")
    assert [r["external_id"] for r in found["results"]] == ["x"]


def test_a_spelling_of_a_name_finds_the_other_spellings(tmp_path):
    records = [
        {"id": "a", "title": "Cable inquiry", "published": "2024-01-15",
         "text": "Investigator Mikael Lindqvist said the anchor trail was clear. Lindqvist spoke in Helsinki."},
        {"id": "b", "title": "Tanker held", "published": "2024-01-16",
         "text": "Chief investigator Mikael Lindquist said the tanker would stay in port."},
        {"id": "c", "title": "Unrelated", "published": "2024-01-16", "text": "Markets rose in Oslo on Tuesday."},
    ]
    with newswatch.open(str(tmp_path / "s.db")) as nw:
        nw.ingest_records(records)
        assert nw.entity("Mikael Lindquist")["name"] == "Mikael Lindqvist"
        # Without the entity, every word would have to match: only article b spells it so.
        found = nw.search("mikael lindquist", mode="text")
        assert {r["external_id"] for r in found["results"]} == {"a", "b"}
        for hit in found["results"]:
            assert any(hit["snippet"][s:e].startswith("Lindq") or hit["snippet"][s:e].startswith("Mikael")
                       for s, e in hit["highlights"])
