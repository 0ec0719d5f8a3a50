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
