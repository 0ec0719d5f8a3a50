import sqlite3
from datetime import date, datetime

import pytest

from newswatch.documents import Article, DateMention, RawDocument
from newswatch.errors import StoreError
from newswatch.store import ArticleFilter, open_store
from newswatch.store.sqlite import SQLiteStore, migrations


def make(text, ext=None, published=None, source="S", language="en"):
    raw = RawDocument(origin="t", format="jsonl", text=text, title=f"T {text[:10]}", source=source,
                      published=datetime.fromisoformat(published) if published else None, external_id=ext)
    art = Article(raw, text=text, title=raw.title, language=language)
    art.dates = [DateMention("May 5", 0, 5, "2024-05-05", "2024-05-05", "2024-05-05")]
    return art


def test_new_database_is_migrated_and_uses_wal(tmp_path):
    store = SQLiteStore(tmp_path / "a.db")
    assert store.schema_version == len(migrations())
    assert store.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_duplicates_by_external_id_and_by_content(tmp_path):
    store = SQLiteStore(tmp_path / "a.db")
    first = store.add_articles([make("alpha", "e1"), make("beta")])
    assert [r.duplicate for r in first] == [False, False]
    again = store.add_articles([make("alpha changed", "e1"), make("beta"), make("beta")])
    assert [(r.duplicate, r.reason) for r in again] == [
        (True, "same external id"), (True, "same content"), (True, "same content")]
    assert again[0].id == first[0].id
    assert store.count_articles() == 2


def test_a_failing_batch_leaves_nothing_behind(tmp_path):
    store = SQLiteStore(tmp_path / "a.db")
    bad = make("gamma")
    bad.raw.format = None  # violates NOT NULL on the second insert of the batch
    with pytest.raises(sqlite3.IntegrityError):
        store.add_articles([make("delta"), bad])
    assert store.count_articles() == 0
    assert store.add_articles([make("delta")])[0].duplicate is False


def test_filters_and_lookup_by_either_id(tmp_path):
    store = SQLiteStore(tmp_path / "a.db")
    store.add_articles([make("one", "a", "2024-01-10T10:00:00"), make("two", "b", "2024-03-01", source="Other"),
                        make("three", "c", None, language="de")])
    assert [a["external_id"] for a in store.list_articles()] == ["a", "b", "c"]  # undated last
    assert [a["external_id"] for a in store.list_articles(ArticleFilter(since=date(2024, 2, 1)))] == ["b"]
    assert [a["external_id"] for a in store.list_articles(ArticleFilter(until=date(2024, 1, 10)))] == ["a"]
    assert [a["external_id"] for a in store.list_articles(ArticleFilter(source="other"))] == ["b"]
    assert [a["external_id"] for a in store.list_articles(ArticleFilter(language="DE"))] == ["c"]
    assert [a["external_id"] for a in store.list_articles(ArticleFilter(limit=1, offset=1))] == ["b"]
    by_ext = store.get_article("b")
    assert store.get_article(by_ext["id"])["external_id"] == "b"
    assert by_ext["dates"][0]["value"] == "2024-05-05"
    assert store.get_article("zzz") is None


def test_filter_rejects_reversed_range():
    with pytest.raises(ValueError, match="swap"):
        ArticleFilter(since=date(2024, 2, 1), until=date(2024, 1, 1))


def test_database_from_a_newer_version_is_refused(tmp_path):
    path = tmp_path / "new.db"
    SQLiteStore(path).close()
    con = sqlite3.connect(path)
    con.execute("PRAGMA user_version = 999")
    con.close()
    with pytest.raises(StoreError, match="newer"):
        SQLiteStore(path)


def test_not_a_database_is_a_clear_error(tmp_path):
    path = tmp_path / "junk.db"
    path.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(StoreError, match="cannot open"):
        open_store(str(path))


def test_readonly_open_of_missing_database_says_what_to_do(tmp_path):
    with pytest.raises(StoreError, match="ingest"):
        open_store(str(tmp_path / "missing.db"), readonly=True)


def test_an_entity_merge_moves_event_and_story_weights_to_the_entity_kept(tmp_path):
    import newswatch

    with newswatch.open(str(tmp_path / "m.db")) as nw:
        nw.ingest_records([
            {"id": "a", "text": "Anna Berg met Olaf Lind in Oslo on Monday to discuss the fishing quota.",
             "published": "2024-03-04"},
            {"id": "b", "text": "Olaf Lindh said in Bergen on Friday that the quota talks had failed.",
             "published": "2024-09-13"}])
        store = nw.store
        ids = dict(store.conn.execute("SELECT name, id FROM entities WHERE type = 'PERSON'").fetchall())
        keep, drop = ids["Anna Berg"], ids["Olaf Lindh"] if "Olaf Lindh" in ids else ids["Olaf Lind"]
        with store._transaction():
            store._merge_entities(keep, drop)
        for table in ("event_entities", "story_entities"):
            dangling = store.conn.execute(f"SELECT count(*) FROM {table} WHERE entity_id NOT IN"
                                          " (SELECT id FROM entities)").fetchone()[0]
            assert dangling == 0, table
        owners = store.conn.execute("SELECT count(*) FROM event_entities WHERE entity_id = ?", (keep,)).fetchone()[0]
        assert owners >= 1
