"""The storage contract: what the pipeline, the API and the server need from a store, on every backend.

Each test here runs once on SQLite and once on PostgreSQL (``store_location``
in conftest). A backend works when all of them pass; a last test checks that
both give the same corpus from the same input.
"""

from datetime import date

import pytest

from newswatch import api
from newswatch.errors import NotFoundError
from newswatch.store import ArticleFilter, open_store

HARBOUR = [
    {"id": "h1", "title": "Dock workers strike at the Port of Kotka",
     "text": "Dock workers at the Port of Kotka walked out on Monday over pay. Aino Kallio, chair of the Finnish "
             "Transport Workers' Union, said the strike would last until Friday. \"We have waited long enough,\" "
             "Kallio said. Shipping lines diverted two container ships to Hamina.",
     "published": "2025-11-03T09:00:00+02:00", "source": "Nordic Wire"},
    {"id": "h2", "title": "Kotka port strike strands container ships",
     "text": "Container ships queued outside the Port of Kotka on Tuesday as the dock workers' strike went into a "
             "second day. Union chair Aino Kallio told reporters that talks with the employers had broken down. "
             "The port authority said cargo would be diverted to Hamina.",
     "published": "2025-11-04T10:00:00+02:00", "source": "Baltic Herald"},
    {"id": "h3", "title": "Talks resume in Kotka dock strike",
     "text": "Employers and the dock workers' union resumed talks in Kotka on Wednesday. Aino Kallio said an "
             "agreement on pay was close. \"We are not there yet,\" she said. The Port of Kotka stayed closed.",
     "published": "2025-11-05T08:30:00+02:00", "source": "nordic wire"},
]
VOLCANO = [
    {"id": "v1", "title": "Volcano erupts near Grindavik in Iceland",
     "text": "A volcanic eruption began on the Reykjanes peninsula in Iceland on Thursday evening. The Blue Lagoon "
             "spa was evacuated. Sigrun Halldorsdottir of the Icelandic Met Office said lava was flowing west, "
             "away from Grindavik.",
     "published": "2025-11-06T21:00:00+00:00", "source": "Island Review"},
    {"id": "v2", "title": "Lava flows west after Reykjanes eruption",
     "text": "Lava from Thursday's eruption on the Reykjanes peninsula flowed west on Friday, officials in Iceland "
             "said. The Icelandic Met Office said Grindavik was not in danger. The Blue Lagoon stayed closed.",
     "published": "2025-11-07T12:00:00+00:00", "source": "North Atlantic News"},
]


@pytest.fixture
def corpus(store_location):
    with api.open(store_location) as nw:
        report = nw.ingest_records(HARBOUR + VOLCANO)
        assert report.ingested == 5 and not report.failed
        yield nw


def _ids(rows):
    return [r["external_id"] for r in rows]


def test_articles_are_listed_oldest_first_and_filtered(corpus):
    store = corpus.store
    assert _ids(store.list_articles()) == ["h1", "h2", "h3", "v1", "v2"]
    assert _ids(store.list_articles(ArticleFilter(since=date(2025, 11, 5)))) == ["h3", "v1", "v2"]
    assert _ids(store.list_articles(ArticleFilter(until=date(2025, 11, 4)))) == ["h1", "h2"]
    # a source is matched whatever its case
    assert _ids(store.list_articles(ArticleFilter(source="NORDIC WIRE"))) == ["h1", "h3"]
    assert _ids(store.list_articles(ArticleFilter(limit=2, offset=1))) == ["h2", "h3"]
    assert store.count_articles(ArticleFilter(language="en")) == 5
    whole = list(store.iter_articles(ArticleFilter(source="island review")))
    assert [a["external_id"] for a in whole] == ["v1"] and "Blue Lagoon" in whole[0]["text"]


def test_an_article_is_found_by_either_id_with_its_analysis(corpus):
    store = corpus.store
    by_external = store.get_article("h3")
    assert store.get_article(by_external["id"])["external_id"] == "h3"
    assert store.get_article("no-such-article") is None
    names = {m["entity_name"] for m in by_external["mentions"]}
    assert "Aino Kallio" in names
    assert any(q["text"] == "We are not there yet," or "not there yet" in q["text"] for q in by_external["quotes"])
    assert by_external["event"] and by_external["story"]
    assert {d["text"] for d in by_external["dates"]} & {"Wednesday"}


def test_stats_count_what_is_stored(corpus):
    stats = corpus.stats()
    assert stats["articles"] == 5 and stats["undated"] == 0
    assert stats["first_published"].startswith("2025-11-03") and stats["last_published"].startswith("2025-11-07")
    assert stats["sources"]["Island Review"] == 1 and stats["languages"] == {"en": 5}
    assert stats["entities"] > 3 and stats["quotes"] >= 2 and stats["events"] >= 2


def test_a_repeat_is_recognised_and_another_publishers_copy_is_grouped(corpus):
    again = corpus.ingest_records([HARBOUR[0], {**HARBOUR[1], "id": "h2-again"}])
    assert again.ingested == 0 and [d["reason"] for d in again.duplicate_of] == ["same external id", "same content"]
    copy = {**VOLCANO[0], "id": "v1-copy", "source": "Reykjavik Daily"}
    assert corpus.ingest_records([copy]).ingested == 1
    groups = corpus.duplicates()
    assert len(groups) == 1 and groups[0]["size"] == 2
    assert {groups[0]["canonical"]["external_id"], groups[0]["copies"][0]["external_id"]} == {"v1", "v1-copy"}
    assert corpus.article("v1-copy")["event"]["id"] == corpus.article("v1")["event"]["id"]


def test_a_batch_is_stored_whole_or_not_at_all(store_location, monkeypatch):
    with api.open(store_location) as nw:
        calls = []
        original = type(nw.store)._insert_analysis

        def fail_on_second(self, article_id, art):
            calls.append(article_id)
            if len(calls) == 2:
                raise RuntimeError("disk on fire")
            return original(self, article_id, art)

        monkeypatch.setattr(type(nw.store), "_insert_analysis", fail_on_second)
        from newswatch.documents import Article, RawDocument

        arts = [Article(RawDocument(origin="t", format="jsonl", text=r["text"], title=r["title"]), text=r["text"],
                        title=r["title"], language="en") for r in VOLCANO]
        with pytest.raises(RuntimeError):
            nw.store.add_articles(arts)
        monkeypatch.undo()
        assert nw.store.count_articles() == 0
        assert nw.store.add_articles(arts[:1])[0].duplicate is False  # the store is usable afterwards
        assert nw.store.count_articles() == 1


def test_entities_merge_spellings_and_users_can_correct_them(corpus):
    kallio = corpus.entity("aino kallio")  # any case
    assert kallio["type"] == "PERSON" and {"Aino Kallio", "Kallio"} <= {v["text"] for v in kallio["variants"]}
    assert _ids(kallio["articles"]) == ["h1", "h2", "h3"]
    assert corpus.store.spellings("KALLIO") and "Aino Kallio" in corpus.store.spellings("Kallio")
    people = corpus.entities(type="PERSON")
    assert "Aino Kallio" in [p["name"] for p in people]
    assert [e["name"] for e in corpus.entities(name="kallio")] == ["Aino Kallio"]
    split = corpus.split_entity(kallio["id"], "Kallio")
    assert split["name"] == "Kallio" and corpus.entity(kallio["id"])["name"] == "Aino Kallio"
    merged = corpus.merge_entities(kallio["id"], split["id"])
    assert {"Aino Kallio", "Kallio"} <= {v["text"] for v in merged["variants"]}
    assert corpus.rename_entity(kallio["id"], "Aino Kallio (union chair)")["name"] == "Aino Kallio (union chair)"
    with pytest.raises(NotFoundError):
        corpus.entity("Nobody Ever Named")


def test_quotes_are_listed_by_speaker(corpus):
    said = corpus.quotes(speaker="Aino Kallio")
    assert said and all(q["speaker"]["name"] == "Aino Kallio" for q in said)
    assert any("waited long enough" in q["text"] for q in said)


def test_events_and_stories_keep_the_two_happenings_apart(corpus):
    harbour = {corpus.article(k)["event"]["id"] for k in ("h1", "h2", "h3")}
    volcano = {corpus.article(k)["event"]["id"] for k in ("v1", "v2")}
    assert not harbour & volcano
    event = corpus.event(corpus.article("h1")["event"]["id"])
    assert set(_ids(event["articles"])) <= {"h1", "h2", "h3"} and event["articles"]
    story = corpus.story(event["story_id"])
    assert "v1" not in {a["external_id"] for a in story["articles"]}
    assert corpus.store.activity(story_id=story["id"])[0][0] == "2025-11-03"
    assert corpus.store.story_sources(story["id"]) >= 2
    assert corpus.store.nearby_events(story["id"], None, "2025-11-04")
    listed = corpus.stories()
    assert {s["id"] for s in listed} >= {story["id"]}
    assert corpus.stories(min_articles=100) == []
    quotes = corpus.store.story_quotes(story["id"])
    assert quotes and all(q["speaker"] for q in quotes)
    kallio = corpus.entity("Aino Kallio")
    assert "Hamina" in {e["name"] for e in corpus.store.co_entities(kallio["id"])}


def test_search_finds_every_word_then_any_word_with_snippets(corpus):
    both = corpus.search("Kotka strike", mode="text")
    assert both["total"] >= 2 and set(_ids(both["results"])) <= {"h1", "h2", "h3"}
    first = both["results"][0]
    assert first["match"] == "text"
    marked = [first["snippet"][a:b].lower() for a, b in first["highlights"]]
    assert marked and all(m.startswith(("kotka", "strike")) for m in marked)
    fallback = corpus.search("Grindavik zebra", mode="text")  # no article has both words
    assert set(_ids(fallback["results"])) == {"v1", "v2"}
    filtered = corpus.search("Kotka", mode="text", source="baltic herald")
    assert _ids(filtered["results"]) == ["h2"]
    assert corpus.search("zebra", mode="text")["total"] == 0


def test_search_folds_accents_both_ways(store_location):
    with api.open(store_location) as nw:
        nw.ingest_records([
            {"id": "is", "title": "Lava nears Grindavík", "published": "2025-11-08T09:00:00+00:00",
             "text": "Sigrún Halldórsdóttir of the Icelandic Met Office said the lava had slowed before Grindavík."},
            {"id": "de", "title": "Thomas Müller verlässt München", "language": "de", "published": "2025-11-08",
             "text": "Der Stürmer Thomas Müller verlässt den FC Bayern München nach 25 Jahren, teilte der Verein mit."}])
        for query, found in (("sigrun grindavik", "is"), ("Halldorsdottir", "is"), ("muller munchen", "de")):
            assert _ids(nw.search(query, mode="text")["results"]) == [found], query
        nw.ingest_records([{"id": "plain", "title": "Sigrun Halldorsdottir on the Reykjanes eruption",
                            "text": "Sigrun Halldorsdottir said the eruption was weakening.",
                            "published": "2025-11-09T09:00:00+00:00"}])
        assert set(_ids(nw.search("Sigrún", mode="text")["results"])) == {"is", "plain"}


def test_semantic_and_hybrid_search_rank_by_meaning(corpus):
    near = corpus.search("lava flowing from an Icelandic volcano", mode="semantic")
    assert _ids(near["results"])[:2] and set(_ids(near["results"])[:2]) == {"v1", "v2"}
    hybrid = corpus.search("volcano", mode="hybrid")
    assert _ids(hybrid["results"])[0] in {"v1", "v2"}
    similar = corpus.similar("h1")
    assert similar and similar[0]["external_id"] in {"h2", "h3"}


def test_watchlists_raise_one_alert_per_matching_article(store_location):
    with api.open(store_location) as nw:
        nw.store.add_watchlist("ports", '"dock workers" AND Kotka NOT Hamina')
        nw.store.add_watchlist("iceland", "Grindavik OR Reykjavik", source="island review")
        report = nw.ingest_records(HARBOUR + VOLCANO)
        fired = {(a["title"].split(":")[0], a["article_id"]) for a in report.alerts if a["kind"] == "watchlist"}
        ids = {k: nw.article(k)["id"] for k in ("h1", "h2", "h3", "v1", "v2")}
        # h1 and h2 name Hamina; h3 does not. v2 is from another source.
        assert fired == {("ports", ids["h3"]), ("iceland", ids["v1"])}
        assert {a["id"] for a in nw.store.list_alerts(kind="watchlist")} == {
            a["id"] for a in report.alerts if a["kind"] == "watchlist"}
        nw.store.open_channel("test-channel")
        assert nw.store.undelivered_alerts("test-channel") == []  # a channel gets what is raised after it opened
        assert nw.store.raise_alerts([ids["h3"]]) == []  # never twice


def test_alert_delivery_is_recorded_per_channel(store_location):
    with api.open(store_location) as nw:
        nw.store.open_channel("hook")
        nw.store.add_watchlist("lagoon", '"Blue Lagoon"')
        nw.ingest_records(VOLCANO)
        due = nw.store.undelivered_alerts("hook")
        assert len(due) == 2
        nw.store.record_delivery(due[0]["id"], "hook")
        nw.store.record_delivery(due[1]["id"], "hook", error="HTTP 500", retry_at=None)
        assert nw.store.delivery_attempts(due[1]["id"], "hook") == 1
        assert [a["id"] for a in nw.store.undelivered_alerts("hook")] == [due[1]["id"]]


def test_watched_sources_keep_their_poll_state(store_location):
    with open_store(store_location) as store:
        source, new = store.add_source("https://example.org/feed.xml", 600)
        assert new and store.add_source("https://example.org/feed.xml", 600)[1] is False
        store.record_poll(source["id"], status="new", error=None, next_poll_at="2025-11-07T12:10:00+00:00",
                          etag='"abc"', last_modified=None, title="Example feed", seen=10, new=4)
        polled = store.get_source(source["id"])
        assert (polled["last_status"], polled["etag"], polled["items_new"]) == ("new", '"abc"', 4)
        assert [s["url"] for s in store.list_sources()] == ["https://example.org/feed.xml"]
        assert store.remove_source(source["id"])["id"] == source["id"] and store.list_sources() == []


def test_relink_and_reanalyze_rebuild_the_same_events(corpus):
    def partition():
        events = {}
        for key in ("h1", "h2", "h3", "v1", "v2"):
            events.setdefault(corpus.article(key)["event"]["id"], set()).add(key)
        return sorted(sorted(v) for v in events.values())

    before = partition()
    assert corpus.relink() == 5
    assert partition() == before
    assert corpus.reanalyze() == 5
    assert partition() == before
    assert corpus.entity("Aino Kallio")["article_count"] == 3


def test_a_readonly_store_reads_but_does_not_write(corpus, store_location):
    with api.open(store_location, readonly=True) as reader:
        assert reader.store.count_articles() == 5
        with pytest.raises(Exception):
            reader.ingest_records([{"id": "x", "text": "Anything at all, said nobody."}])
    assert corpus.store.count_articles() == 5


def test_both_backends_give_the_same_corpus(tmp_path, postgres_url):
    """Same input, same linking: events, stories, entities and quotes agree article for article."""
    from importlib import resources

    corpus = resources.files("newswatch.demo") / "corpus"

    def snapshot(location):
        with api.open(location) as nw:
            nw.ingest([str(corpus)])
            store = nw.store
            key = {a["id"]: a["external_id"] or a["title"] for a in store.list_articles()}
            events, stories = {}, {}
            for article_id, name in key.items():
                art = store.get_article(article_id)
                events.setdefault(art["event_id"], []).append(name)
                stories.setdefault(art["story"]["id"] if art["story"] else None, []).append(name)
            return {
                "events": sorted(sorted(v) for v in events.values()),
                "stories": sorted(sorted(v) for v in stories.values()),
                "entities": sorted((e["name"], e["type"], e["articles"], e["mentions"])
                                   for e in store.list_entities(limit=None)),
                "quotes": sorted((q["text"], (q.get("speaker") or {}).get("name", "")) for q in
                                 store.list_quotes(limit=None)),
                "duplicates": sorted(g["size"] for g in store.list_duplicate_groups()),
            }

    sqlite, postgres = snapshot(str(tmp_path / "same.db")), snapshot(postgres_url)
    assert len(sqlite["events"]) > 5
    for part in sqlite:
        assert postgres[part] == sqlite[part], part


def test_concurrent_ingests_into_postgresql_lose_and_repeat_nothing(tmp_path, postgres_url):
    """Two `newswatch ingest` processes at once, with inputs that overlap: each article stored once."""
    import json
    import subprocess
    import sys

    first, second = tmp_path / "a.jsonl", tmp_path / "b.jsonl"
    first.write_text("".join(json.dumps(r) + "\n" for r in HARBOUR + VOLCANO[:1]))
    second.write_text("".join(json.dumps(r) + "\n" for r in VOLCANO + HARBOUR[2:]))
    runs = [subprocess.Popen([sys.executable, "-m", "newswatch", "--db", postgres_url, "ingest", str(path), "--json"],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for path in (first, second)]
    reports = []
    for run in runs:
        out, err = run.communicate(timeout=300)
        assert run.returncode == 0, err
        reports.append(json.loads(out))
    assert sum(r["ingested"] for r in reports) == 5
    with api.open(postgres_url, readonly=True) as nw:
        assert sorted(_ids(nw.store.list_articles())) == ["h1", "h2", "h3", "v1", "v2"]
        together = {nw.article(k)["event"]["id"] for k in ("h1", "h2", "h3")}
        assert len(together) == 1 and together.isdisjoint({nw.article(k)["event"]["id"] for k in ("v1", "v2")})


def test_migrate_copies_an_sqlite_corpus_that_then_grows_on_postgresql(tmp_path, postgres_url):
    import json
    import subprocess
    import sys

    source = tmp_path / "old.db"
    with api.open(str(source)) as nw:
        nw.ingest_records(HARBOUR + VOLCANO[:1])
        nw.store.add_watchlist("lagoon", '"Blue Lagoon"')
        before = {k: nw.article(k)["event"]["id"] for k in ("h1", "h2", "h3", "v1")}
        kallio = nw.entity("Aino Kallio")
    done = subprocess.run([sys.executable, "-m", "newswatch", "--db", str(source), "migrate", postgres_url, "--json"],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["copied"]["articles"] == 4
    with api.open(postgres_url) as nw:
        assert {k: nw.article(k)["event"]["id"] for k in before} == before
        assert nw.entity("Aino Kallio")["id"] == kallio["id"]
        report = nw.ingest_records(VOLCANO[1:])  # ids go on past the copied ones; the watchlist still fires
        assert report.ingested == 1 and report.new_ids[0] > max(a["id"] for a in nw.store.list_articles()[:4])
        assert [a["kind"] for a in report.alerts] == ["watchlist"]
        assert nw.article("v2")["event"]["id"] == before["v1"]
    again = subprocess.run([sys.executable, "-m", "newswatch", "--db", str(source), "migrate", postgres_url],
                           capture_output=True, text=True, timeout=300)
    assert again.returncode == 2 and "already holds 5 articles" in again.stderr


def test_the_web_server_reads_a_postgresql_corpus_and_sees_new_articles(postgres_url):
    """Pages, the JSON API and search over PostgreSQL; an article stored meanwhile by another process shows."""
    from fastapi.testclient import TestClient

    from newswatch.serve.app import create_app

    with api.open(postgres_url) as nw:
        nw.ingest_records(HARBOUR)
    with TestClient(create_app(postgres_url), base_url="http://localhost") as client:
        stories = client.get("/api/stories").json()
        assert stories and "Kotka" in stories[0]["title"]
        assert client.get(f"/stories/{stories[0]['id']}").status_code == 200
        found = client.get("/api/search", params={"q": "dock workers"}).json()
        assert {r["external_id"] for r in found["results"]} == {"h1", "h2", "h3"}
        assert "Aino Kallio" in client.get("/entities").text
        with api.open(postgres_url) as writer:  # another writer, while the server runs
            writer.ingest_records(VOLCANO)
        found = client.get("/api/search", params={"q": "Grindavik", "mode": "hybrid"}).json()
        assert {r["external_id"] for r in found["results"]} >= {"v1", "v2"}
        assert len(client.get("/api/stories").json()) == 2


def test_ids_of_deleted_entities_events_and_stories_are_never_given_again(store_location):
    """Linking maps a merged entity's (or event's) old id to where it went, until the transaction ends: a new
    row given the same id would be taken for the old one (once, real news put 'Claudia Bradshaw' under
    'Carol Browner' this way)."""
    with open_store(store_location) as store, store._transaction():
        q = store.conn.execute
        first = q("INSERT INTO entities (name, type, created_at) VALUES ('A', 'PERSON', 'now') RETURNING id").fetchone()[0]
        q("DELETE FROM entities WHERE id = ?", (first,))
        second = q("INSERT INTO entities (name, type, created_at) VALUES ('B', 'PERSON', 'now') RETURNING id").fetchone()[0]
        story = q("INSERT INTO stories (vector_sum, updated_seq) VALUES (?, 1) RETURNING id", (b"",)).fetchone()[0]
        event = q("INSERT INTO events (story_id, vector_sum, updated_seq) VALUES (?, ?, 1) RETURNING id",
                  (story, b"")).fetchone()[0]
        q("DELETE FROM events WHERE id = ?", (event,))
        q("DELETE FROM stories WHERE id = ?", (story,))
        story2 = q("INSERT INTO stories (vector_sum, updated_seq) VALUES (?, 1) RETURNING id", (b"",)).fetchone()[0]
        event2 = q("INSERT INTO events (story_id, vector_sum, updated_seq) VALUES (?, ?, 1) RETURNING id",
                   (story2, b"")).fetchone()[0]
        assert second > first and story2 > story and event2 > event
