"""Near-duplicates, events, stories and compare, through the API and the CLI."""

import json
from datetime import date

import numpy as np
import pytest

import newswatch
from newswatch.linking import duplicates as dup
from newswatch.linking import events as ev
from newswatch.store.corpus import CorpusLinker

from .conftest import SEED_2017, SEED_2021, needs_seeds, write_jsonl

BASE = ("Finnish police detained the tanker Eagle Crest in the Gulf of Finland on Thursday on suspicion that "
        "it dragged its anchor across the Balticlink data cable earlier this month. Investigator Mikael "
        "Lindqvist said the ship's anchor was missing and that its route matched the time and place of the "
        "damage. The owner of the tanker, a company registered in the United Arab Emirates, denied any "
        "wrongdoing. Interior Minister Hanna Virtanen praised the coast guard for acting quickly and said "
        "Finland would share its findings with its allies in the coming days.")


def record(i, text, published, title=None, source="Wire"):
    # A headline from the text's first words, as many feeds give: a generic title shared by every
    # record ("Report 1", "Report 2") would be lexical evidence tying unrelated items together.
    return {"id": i, "text": text, "published": published, "title": title or " ".join(text.split()[:8]),
            "source": source}


def test_consolidation_folds_events_that_arrival_split(tmp_path, monkeypatch):
    # Joining made impossible, so each report first opens an event of its own; consolidation
    # must then see that the grown events are one happening, and keep every count consistent.
    monkeypatch.setitem(ev.THRESHOLDS, ev.EVENT, 1.01)  # above any probability
    reports = [BASE,
               "The tanker Eagle Crest was held by Finnish police in the Gulf of Finland. Investigator Mikael "
               "Lindqvist told reporters its anchor was gone and its route matched the damage to the Balticlink "
               "data cable. Its Emirati owner rejected the accusation.",
               "Finland's interior minister Hanna Virtanen thanked the coast guard after the Eagle Crest was "
               "stopped over the broken Balticlink cable; Mikael Lindqvist, who leads the inquiry, said the "
               "tanker's anchor was missing."]
    recs = [record(f"a{i}", text, f"2024-01-{25 + i:02d}", source=f"Outlet {i}") for i, text in enumerate(reports)]
    recs.append(record("b", "The Berlin Marathon was won by Amina Chebet in a course record time on Sunday.",
                       "2024-01-28"))
    with newswatch.open(str(tmp_path / "m.db")) as nw:
        nw.ingest_records(recs)
        events = {tuple(sorted(a["external_id"] for a in e["articles"])) for e in nw.events()}
        assert events == {("a0", "a1", "a2"), ("b",)}
        assert sorted(s["article_count"] for s in nw.stories()) == [1, 3]
        assert sorted(len(s["events"]) for s in nw.stories()) == [1, 1]
        conn = nw.store.conn
        assert conn.execute("SELECT count(*) FROM events e WHERE articles !="
                            " (SELECT count(*) FROM articles a WHERE a.event_id = e.id)").fetchone()[0] == 0
        assert conn.execute("SELECT count(*) FROM event_entities WHERE event_id NOT IN"
                            " (SELECT id FROM events)").fetchone()[0] == 0


def test_copies_group_with_the_earliest_as_canonical_whatever_the_order(tmp_path):
    reprint = BASE.replace("acting quickly", "acting fast").replace("on Thursday ", "") + " (Nordic Wire)"
    other = ("Heavy rain flooded the centre of Valencia on Sunday, and the regional government opened "
             "shelters for 2,000 people whose homes were damaged by the water.")
    for order in ([0, 1, 2], [2, 1, 0]):
        recs = [record("orig", BASE, "2024-01-25T10:00:00+02:00"), record("copy", reprint, "2024-01-25T15:00:00+02:00"),
                record("flood", other, "2024-01-25T12:00:00+01:00")]
        with newswatch.open(str(tmp_path / f"d{order[0]}.db")) as nw:
            nw.ingest_records([recs[i] for i in order])
            [group] = nw.duplicates()
            assert group["canonical"]["external_id"] == "orig"
            assert [c["external_id"] for c in group["copies"]] == ["copy"]
            listed = nw.articles(collapse=True)
            assert [a["external_id"] for a in listed] == ["orig", "flood"] and listed[0]["copies"] == 1
            assert nw.compare("orig", "copy")["duplicate"] is True


def test_copies_are_found_across_writers_and_after_a_failed_batch(tmp_path, monkeypatch):
    # Two handles on one database stand for two ingest processes: each keeps its near-duplicate index
    # in memory, so each must see what the other stored, and a rolled-back batch must leave no trace.
    reprint = BASE.replace("acting quickly", "acting fast") + " (Nordic Wire)"
    other = ("Heavy rain flooded the centre of Valencia on Sunday, and the regional government opened "
             "shelters for 2,000 people whose homes were damaged by the water.")
    doomed = ("Lisbon's metro was shut for a day as workers struck over pay; the operator said talks with "
              "the unions would resume next week.")
    path = str(tmp_path / "w.db")
    with newswatch.open(path) as first, newswatch.open(path) as second:
        first.ingest_records([record("flood", other, "2024-01-25")])
        real_link_event = CorpusLinker.link_event

        def failing(self, article_id, art, copy_of):
            if "Lisbon" in art.text:
                raise RuntimeError("linking failed")
            return real_link_event(self, article_id, art, copy_of)

        monkeypatch.setattr(CorpusLinker, "link_event", failing)
        report = first.ingest_records([record("strike", doomed, "2024-01-25")])
        assert report.ingested == 0 and len(report.failed) == 1
        monkeypatch.setattr(CorpusLinker, "link_event", real_link_event)
        second.ingest_records([record("orig", BASE, "2024-01-25")])
        first.ingest_records([record("copy", reprint, "2024-01-26")])
        [group] = first.duplicates()
        assert [group["canonical"]["external_id"]] + [c["external_id"] for c in group["copies"]] == ["orig", "copy"]


def test_a_writer_rereads_its_copy_index_after_another_clears_the_linking(tmp_path):
    # relink and reanalyze start by clearing what linking built; a writer that read the band index
    # before that must not skip the rows written after it (their sequence numbers start again).
    others = [("Heavy rain flooded the centre of Valencia on Sunday, and the regional government opened "
               "shelters for 2,000 people whose homes were damaged by the water."),
              ("The Berlin Marathon was won by Amina Chebet in a course record time on Sunday, ahead of two "
               "Ethiopian runners who had led for most of the race."),
              ("Lisbon's metro was shut for a day as workers struck over pay; the operator said talks with "
               "the unions would resume next week.")]
    path = str(tmp_path / "c.db")
    with newswatch.open(path) as first, newswatch.open(path) as second:
        first.ingest_records([record(f"o{i}", text, "2024-01-20") for i, text in enumerate(others)])
        with second.store._transaction():  # what relink and reanalyze do first
            second.store._clear(second.store._LINK_TABLES)
        second.ingest_records([record("orig", BASE, "2024-01-25")])
        first.ingest_records([record("copy", BASE.replace("acting quickly", "acting fast"), "2024-01-26")])
        [group] = first.duplicates()
        assert [group["canonical"]["external_id"]] + [c["external_id"] for c in group["copies"]] == ["orig", "copy"]


def test_every_article_is_in_exactly_one_event_and_one_story(tmp_path):
    recs = [record(f"a{i}", BASE.replace("Thursday", d), f"2024-01-{25 + i:02d}") for i, d in
            enumerate(["Thursday", "Friday"])]
    recs.append(record("b", "The Berlin Marathon was won by Amina Chebet in a course record time on Sunday.",
                       "2024-09-29"))
    with newswatch.open(str(tmp_path / "e.db")) as nw:
        nw.ingest_records(recs)
        events = nw.events()
        members = [a["external_id"] for e in events for a in e["articles"]]
        assert sorted(members) == ["a0", "a1", "b"]
        stories = nw.stories()
        assert sorted(a["external_id"] for s in stories for a in s["articles"]) == ["a0", "a1", "b"]
        assert all(set(e) >= {"id", "title", "start", "end", "articles", "entities"} for e in events)
        assert all(set(s) >= {"id", "title", "start", "end", "events", "articles"} for s in stories)
        by_article = {a["external_id"]: e["id"] for e in events for a in e["articles"]}
        assert by_article["a0"] == by_article["a1"] != by_article["b"]


@needs_seeds
def test_seeds_are_one_story_two_events_years_apart(cli, tmp_path):
    recs = [{"id": "nato-2017", "title": "NATO working on de-escalating tensions with Russia", "published": "2017-02-17",
             "text": SEED_2017.read_text(encoding="utf-8").split("\n", 1)[1]},
            {"id": "nato-2021", "title": "NATO wants to improve relations with Russia", "published": "2021-06-01",
             "text": SEED_2021.read_text(encoding="utf-8").split("\n", 1)[1]}]
    cli.json("ingest", write_jsonl(tmp_path / "seeds.jsonl", recs))
    result = cli.json("compare", "nato-2017", "nato-2021")
    assert result["same_story"] is True and result["same_event"] is False and result["duplicate"] is False
    assert result["time_gap_days"] > 3 * 365
    assert set(result["similarity"]) == {"overall", "lexical", "entities", "time", "geography", "narrative", "meaning"}
    assert all(0 <= v <= 1 for v in result["similarity"].values())
    assert {"Jens Stoltenberg", "Sergei Lavrov"} <= {e["name"] for e in result["shared_entities"]}
    assert "years" in result["explanation"]
    [story] = cli.json("stories")
    assert len(story["events"]) == 2
    shown = cli.json("show", "nato-2021")
    assert shown["story"]["id"] == story["id"] and shown["event"]["id"] in story["events"]


def test_compare_reads_meaning_across_languages(tmp_path):
    # The close reading (multilingual-e5-small) is what `compare` adds to the stored embedding: a report and
    # its German version mean the same; a report on another matter in the same words' language does not.
    recs = [
        {"id": "en", "title": "Flood closes the Danube bridge at Linz",
         "text": "The old Danube bridge at Linz was closed on Tuesday after the river rose three metres in two days. "
                 "Engineers said the pillars would be inspected before any traffic is allowed back."},
        {"id": "de", "title": "Hochwasser: Donaubrücke in Linz gesperrt",
         "text": "Die alte Donaubrücke in Linz wurde am Dienstag gesperrt, nachdem der Fluss in zwei Tagen um drei "
                 "Meter gestiegen war. Ingenieure sagten, die Pfeiler würden geprüft, bevor wieder Verkehr fährt."},
        {"id": "other", "title": "Chess club wins the regional league",
         "text": "The chess club of a small town won the regional league on Sunday after beating the favourites in "
                 "the last round. Its captain said the team had trained every evening for a month."}]
    with newswatch.open(str(tmp_path / "m.db")) as nw:
        nw.ingest_records(recs)
        same = nw.compare("en", "de")["similarity"]
        other = nw.compare("en", "other")["similarity"]
    assert same["meaning"] > other["meaning"] + 0.3
    assert same["overall"] > other["overall"] + 0.2


def test_a_story_returns_after_a_long_gap_and_relink_reproduces_it(tmp_path):
    first = record("trial-0", BASE, "2024-01-25")
    later = record("trial-1", "The captain of the tanker Eagle Crest went on trial in Helsinki, charged over the "
                   "damage to the Balticlink cable, which investigator Mikael Lindqvist said the anchor had cut "
                   "in the Gulf of Finland.", "2025-10-20")
    with newswatch.open(str(tmp_path / "g.db")) as nw:
        nw.ingest_records([first])
        nw.ingest_records([later])  # a second batch, almost two years on
        [story] = nw.stories()
        assert len(story["events"]) == 2 and (story["start"], story["end"]) == ("2024-01-25", "2025-10-20")
        before = [[a["id"] for a in s["articles"]] for s in nw.stories()]
        assert nw.relink() == 2
        assert [[a["id"] for a in s["articles"]] for s in nw.stories()] == before


def test_event_decision_wants_specific_evidence_and_time():
    from datetime import date

    vec = np.ones(4, dtype=np.float32) / 2
    cluster = ev.Cluster(1, vec * 3, 3, {7: 6.0}, {"cable": 1.5, "e:7": 1.5}, date(2024, 1, 1), date(2024, 1, 2))
    same = ev.Features(vec, {"cable": 0.7, "e:7": 0.7}, {7: 2.0}, {7: "PERSON"}, date(2024, 1, 2), words=300)
    assert ev.choose(ev.EVENT, same, [cluster])[0] == 1
    # The same words and names weeks later are less likely the same happening (a year later, the
    # event is not even a candidate: the store offers events within EVENT_WINDOW_DAYS).
    later = ev.Features(vec, same.terms, same.entities, same.entity_types, date(2024, 1, 30), words=300)
    assert ev.choose(ev.EVENT, later, [cluster])[1] < ev.choose(ev.EVENT, same, [cluster])[1]
    # Close in meaning but no word or name in common: a topic, not an event.
    topical = ev.Features(vec, {"weather": 1.0}, {9: 2.0}, {9: "PERSON"}, date(2024, 1, 2), words=300)
    assert ev.choose(ev.EVENT, topical, [cluster])[0] is None


def test_band_keys_are_stable_and_canonical_prefers_earliest_then_fullest():
    sig = np.arange(128, dtype=np.uint64)
    assert dup.band_keys(sig) == dup.band_keys(sig.copy()) and len(set(dup.band_keys(sig))) == dup.BANDS
    members = [{"id": 5, "published": None, "length": 900}, {"id": 6, "published": None, "length": 1200}]
    assert dup.canonical(members) == 6
    members.append({"id": 9, "published": "2024-01-01", "length": 10})
    assert dup.canonical(members) == 9


def test_cli_events_stories_duplicates_json(cli, tmp_path):
    reprint = BASE.replace("acting quickly", "acting fast")
    cli.json("ingest", write_jsonl(tmp_path / "x.jsonl", [record("o", BASE, "2024-01-25"),
                                                          record("c", reprint, "2024-01-25")]))
    groups = cli.json("duplicates")
    assert len(groups) == 1 and groups[0]["size"] == 2
    assert len(cli.json("articles")) == 1 and len(cli.json("articles", "--all")) == 2
    [event] = cli.json("events")
    assert sorted(a["external_id"] for a in event["articles"]) == ["c", "o"]
    proc = cli.run("compare", "o", "nope")
    assert proc.returncode == 1 and "nope" in proc.stderr
    assert json.loads(cli.run("stories", "--json", check_rc=0).stdout)[0]["events"] == [event["id"]]


@needs_seeds
@pytest.mark.xfail(strict=True, reason="known gap (issue 9): the 2021 seed names no date, and the learned event "
                   "decision still puts the two undated reports in one event")
def test_undated_seed_files_are_one_story_two_events(cli):
    cli.json("ingest", str(SEED_2017.parent))
    [story] = cli.json("stories")
    assert len(story["events"]) == 2 and story["article_count"] == 2


@needs_seeds
def test_undated_seed_2017_is_estimated_in_february_2017(cli):
    cli.json("ingest", str(SEED_2017.parent))
    [story] = cli.json("stories")
    assert story["article_count"] == 2
    [old] = [a for a in cli.json("articles") if a["title"].startswith("NATO working")]
    shown = cli.json("show", str(old["id"]))
    assert shown["published"] is None
    estimate = shown["published_estimate"]
    assert estimate["from"][:7] == "2017-02" and "February 17" in estimate["evidence"]
    assert "about February 2017" in cli.run("show", str(old["id"]), check_rc=0).stdout


def test_short_items_in_three_languages_on_different_topics_share_no_event(cli, tmp_path):
    items = [
        ("en1", "Storm floods coastal towns in Portugal", "Heavy rain flooded streets in Porto and Aveiro on "
         "Monday; firefighters evacuated 200 residents.", "2024-03-04"),
        ("de1", "Bundesbank senkt Wachstumsprognose", "Die Bundesbank erwartet für Deutschland in diesem Jahr nur "
         "noch ein Wachstum von 0,3 Prozent, teilte Präsident Joachim Nagel in Frankfurt mit.", "2024-03-04"),
        ("fr1", "Grève des contrôleurs aériens à Marseille", "Des centaines de vols ont été annulés lundi à "
         "l'aéroport de Marseille-Provence en raison d'une grève des contrôleurs aériens.", "2024-03-04"),
        ("en2", "Apple unveils new MacBook Air", "Apple announced a new MacBook Air with a faster chip on Monday, "
         "Tim Cook said in a statement from Cupertino.", "2024-03-04"),
        ("de2", "Lokführer streiken erneut", "Die Gewerkschaft GDL ruft ab Donnerstag zu einem neuen Streik im "
         "Personenverkehr der Deutschen Bahn auf, sagte Claus Weselsky in Berlin.", "2024-03-05"),
        ("fr2", "Le Sénat adopte la loi sur l'IVG", "Le Sénat a voté lundi l'inscription de l'IVG dans la "
         "Constitution, a annoncé Gérard Larcher à Paris.", "2024-03-04"),
    ]
    cli.json("ingest", write_jsonl(tmp_path / "short.jsonl", [
        {"id": i, "title": t, "text": x, "published": d} for i, t, x, d in items]))
    events = cli.json("events")
    assert len(events) == len(items), [[a["external_id"] for a in e["articles"]] for e in events]


def test_a_large_cluster_of_everything_gives_no_evidence_of_belonging():
    # A story that has drawn in all kinds of news has the corpus's mean embedding and carries
    # every name somewhere: neither is evidence that one more article belongs to it.
    rng = np.random.default_rng(3)
    common = rng.normal(size=64).astype(np.float32)
    vectors = [common + rng.normal(size=64).astype(np.float32) for _ in range(2000)]
    vectors = [v / np.linalg.norm(v) for v in vectors]
    mean = np.mean(vectors, axis=0)
    everything = ev.Cluster(1, np.sum(vectors[:1999], axis=0), 1999, {7: 2.0, 8: 1500.0}, {})
    article = ev.Features(vectors[1999], {}, {7: 2.0}, {7: "PERSON"}, background=mean)
    raw = ev.Features(vectors[1999], {}, {7: 2.0}, {7: "PERSON"})
    assert float(np.dot(raw.direction, everything.direction(None))) > 0.4  # uncentred, it looks close
    evidence = ev.pair_features(article, everything)
    assert evidence["embedding"] < 0.1
    assert evidence["entity_share"] < 0.01 and evidence["person_share"] < 0.01  # one mention in 1,999 articles
    # The same name carried by most of a small event's articles is evidence.
    event = ev.Cluster(2, vectors[0] * 3, 3, {7: 5.0}, {})
    assert ev.pair_features(article, event)["entity_share"] > 0.8


def test_a_story_loaded_with_only_the_articles_entities_gives_the_same_evidence():
    """Linking reads a large story's entity weights only for the article's own entities, plus their total."""
    rng = np.random.default_rng(3)
    story = ev.Cluster(1, rng.normal(size=8).astype(np.float32), 40,
                       {e: float(w) for e, w in zip(range(1, 300), rng.uniform(0.1, 5, 299))},
                       {"nato": 3.0, "summit": 1.5}, date(2024, 1, 1), date(2024, 3, 1))
    article = ev.Features(rng.normal(size=8).astype(np.float32), {"nato": 0.8, "vilnius": 0.6},
                          {5: 2.0, 17: 1.0, 400: 3.0}, {5: "PERSON", 17: "PLACE", 400: "PERSON"},
                          date(2024, 3, 2), None, 300, np.zeros(8, np.float32))
    partial = ev.Cluster(1, story.vector_sum, 40, {e: story.entities[e] for e in (5, 17) if e in story.entities},
                         dict(story.terms), story.first, story.last, sum(story.entities.values()))
    full_features, partial_features = ev.pair_features(article, story), ev.pair_features(article, partial)
    assert full_features.keys() == partial_features.keys()
    for name in full_features:
        assert abs(full_features[name] - partial_features[name]) < 1e-9, name
