"""Databases made by an older newswatch are migrated, and reanalyze fills in the new stages."""

import sqlite3

import newswatch
from newswatch.store.sqlite import SQLiteStore, _split_sql, migrations


def make_v1_database(path):
    version, _, sql = migrations()[0]
    assert version == 1
    con = sqlite3.connect(path)
    for statement in _split_sql(sql):
        con.execute(statement)
    con.execute("PRAGMA user_version = 1")
    con.execute(
        "INSERT INTO articles (external_id, content_hash, title, text, raw_text, format, origin, cleaning,"
        " ingested_at, published) VALUES ('old-1', 'h1', 'Talks in Oslo',"
        " 'Foreign Minister Anna Berg met Olaf Lind in Oslo. “We agreed on nothing,” Berg said.',"
        " 'Foreign Minister Anna Berg met Olaf Lind in Oslo. “We agreed on nothing,” Berg said.',"
        " 'jsonl', 'old.jsonl:1', '[]', '2024-01-01T00:00:00', '2024-01-01')")
    con.commit()
    con.close()


def test_v1_database_is_migrated_and_reanalysed(tmp_path):
    path = tmp_path / "old.db"
    make_v1_database(path)
    store = SQLiteStore(path)
    assert store.schema_version == len(migrations())
    assert store.count_articles() == 1 and store.stats()["entities"] == 0
    store.close()
    with newswatch.open(str(path)) as nw:
        assert nw.reanalyze() == 1
        berg = nw.entity("Anna Berg")
        assert berg["roles"] == ["Foreign Minister"]
        assert [q["text"] for q in berg["quotes"]] == ["We agreed on nothing"]
        assert nw.article("old-1")["dates"] == []  # nothing invented on the way


def test_reanalyze_is_repeatable(tmp_path):
    with newswatch.open(str(tmp_path / "r.db")) as nw:
        nw.ingest_records([{"id": "a", "text": "Anna Berg visited Oslo. Berg said the talks went well."}])
        first = nw.entities()
        nw.reanalyze()
        assert [(e["name"], e["articles"]) for e in nw.entities()] == [(e["name"], e["articles"]) for e in first]


def test_a_better_spelling_arriving_later_becomes_the_display_name(tmp_path):
    with newswatch.open(str(tmp_path / "d.db")) as nw:
        nw.ingest_records([{"id": "1", "text": "Russian Foreign Minister Sergey Lavrov arrived in Geneva on Monday."}])
        assert nw.entity("Sergey Lavrov")["name"] == "Sergey Lavrov"
        nw.ingest_records([
            {"id": "2", "text": "Sergei Lavrov met his counterpart in Geneva. Sergei Lavrov later left."},
            {"id": "3", "text": "Talks with Sergei Lavrov ended without agreement, officials said."},
        ])
        entity = nw.entity("Sergey Lavrov")
        assert entity["name"] == "Sergei Lavrov" and entity["article_count"] == 3


def _open_and_close(path: str) -> str | None:
    from newswatch.store.sqlite import SQLiteStore

    try:
        SQLiteStore(path).close()
        return None
    except Exception as exc:  # the test reports every failure it saw
        return str(exc)


def test_processes_opening_a_new_database_together_all_succeed(tmp_path):
    import multiprocessing

    with multiprocessing.get_context("spawn").Pool(4) as pool:
        failures = [f for round_ in range(8)
                    for f in pool.map(_open_and_close, [str(tmp_path / f"new{round_}.db")] * 4) if f]
    assert failures == []


def test_copies_of_articles_stored_before_the_band_table_are_still_found(tmp_path):
    # A database from before migration 0015 kept one row per LSH band in `lsh_bands`; its articles'
    # keys are rebuilt from their signatures, so a copy arriving after the upgrade is still grouped.
    path = str(tmp_path / "old.db")
    text = ("Finnish police detained the tanker Eagle Crest in the Gulf of Finland on suspicion that it dragged "
            "its anchor across the Balticlink data cable. Investigator Mikael Lindqvist said the anchor was "
            "missing and the route matched the time and place of the damage.")
    with newswatch.open(path) as nw:
        nw.ingest_records([{"id": "orig", "text": text, "published": "2024-01-25", "source": "A"}])
    con = sqlite3.connect(path)
    con.execute("DROP TABLE article_bands")
    con.execute("CREATE TABLE lsh_bands (key INTEGER NOT NULL, article_id INTEGER NOT NULL,"
                " PRIMARY KEY (key, article_id)) WITHOUT ROWID")
    con.execute("INSERT INTO lsh_bands VALUES (1, 1)")
    con.execute("PRAGMA user_version = 14")
    con.commit()
    con.close()
    with newswatch.open(path) as nw:
        nw.ingest_records([{"id": "copy", "text": text + " (Nordic Wire)", "published": "2024-01-26", "source": "B"}])
        [group] = nw.duplicates()
        assert [group["canonical"]["external_id"], *(c["external_id"] for c in group["copies"])] == ["orig", "copy"]
