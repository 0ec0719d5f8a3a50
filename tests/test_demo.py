import json


def test_demo_corpus_ingests_cleanly_and_is_rich(cli):
    report = cli.json("demo")
    assert report["failed"] == [] and report["ingested"] >= 40
    assert report["duplicates"] >= 1  # the feed reprints a wire story word for word
    stats = cli.json("stats")
    assert len(stats["sources"]) >= 8
    assert {"en", "de", "fr"} <= set(stats["languages"])
    assert stats["first_published"][:4] == "2024" and stats["last_published"][:4] == "2025"
    assert {"text", "html", "jsonl", "feed"} <= set(stats["formats"])
    # demo articles come back by their own ids, dates resolved against publication
    art = cli.json("show", "demo-cable-01")
    assert any(d["value"] == "2024-01-14" for d in art["dates"])
    again = json.loads(cli.run("demo", "--json", check_rc=0).stdout)
    assert again["ingested"] == 0


def test_demo_stories_events_and_copies(cli):
    cli.json("demo")
    stories = cli.json("stories")
    cable = next(s for s in stories if any(a["external_id"] == "demo-cable-01" for a in s["articles"]))
    ids = {a["external_id"] for a in cable["articles"]}
    assert {"demo-cable-01", "demo-cable-04", "demo-cable-07", "demo-cable-09"} <= ids  # returns after 21 months
    assert not any(i.startswith(("demo-drought", "demo-breach", "demo-marathon")) for i in ids if i)
    assert cable["start"] < "2024-02" and cable["end"] > "2025-10" and len(cable["events"]) >= 3
    groups = cli.json("duplicates")
    pairs = {(g["canonical"]["external_id"], c["external_id"]) for g in groups for c in g["copies"]}
    assert ("demo-cable-01", "demo-cable-02") in pairs and ("demo-breach-01", "demo-breach-02") in pairs
    same = cli.json("compare", "demo-cable-01", "demo-cable-07")
    assert same["same_story"] and not same["same_event"] and same["time_gap_days"] == 644
    unrelated = cli.json("compare", "demo-cable-01", "demo-misc-01")
    assert not unrelated["same_story"] and unrelated["similarity"]["overall"] < same["similarity"]["overall"]
