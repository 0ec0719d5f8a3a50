"""Near-duplicates, events, stories and compare, through the API and the CLI."""

import json

import numpy as np

import newswatch
from newswatch.linking import duplicates as dup
from newswatch.linking import events as ev

from .conftest import SEED_2017, SEED_2021, needs_seeds, write_jsonl

BASE = ("Finnish police detained the tanker Eagle Crest in the Gulf of Finland on Thursday on suspicion that "
        "it dragged its anchor across the Balticlink data cable earlier this month. Investigator Mikael "
        "Lindqvist said the ship's anchor was missing and that its route matched the time and place of the "
        "damage. The owner of the tanker, a company registered in the United Arab Emirates, denied any "
        "wrongdoing. Interior Minister Hanna Virtanen praised the coast guard for acting quickly and said "
        "Finland would share its findings with its allies in the coming days.")


def record(i, text, published, title=None, source="Wire"):
    return {"id": i, "text": text, "published": published, "title": title or f"Report {i}", "source": source}


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
    assert set(result["similarity"]) == {"overall", "entities", "time", "geography", "narrative"}
    assert all(0 <= v <= 1 for v in result["similarity"].values())
    assert {"Jens Stoltenberg", "Sergei Lavrov"} <= {e["name"] for e in result["shared_entities"]}
    assert "years" in result["explanation"]
    [story] = cli.json("stories")
    assert len(story["events"]) == 2
    shown = cli.json("show", "nato-2021")
    assert shown["story"]["id"] == story["id"] and shown["event"]["id"] in story["events"]


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


def test_event_scoring_uses_only_the_parts_it_has():
    vec = np.ones(4, dtype=np.float32) / 2
    cluster = ev.Cluster(1, vec * 3, 3, {7: 2.0})
    undated = ev.Features(vec, {7: 1.0})
    assert ev.choose_event(undated, [cluster], threshold=0.99)[0] == 1  # text 1.0 and entities 1.0
    far = ev.Features(vec, {7: 1.0}, day=__import__("datetime").date(2024, 1, 1))
    cluster.first = cluster.last = __import__("datetime").date(2023, 1, 1)
    assert ev.choose_event(far, [cluster], threshold=0.9)[0] is None  # a year apart: the time part is 0


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
