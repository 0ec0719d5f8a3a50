"""End-to-end on the two seed reports, through the real command."""

import csv
import io
import json
import shutil

from .conftest import SEED_2017, SEED_2021, SEEDS, needs_seeds, write_jsonl

pytestmark = needs_seeds


def ingest_seeds(cli):
    return cli.json("ingest", SEEDS, "--reference-date", "2017-02-20")


def by_title(cli):
    return {a["title"]: a for a in cli.json("articles")}


def test_seeds_are_cleaned_titled_dated(cli):
    assert ingest_seeds(cli) == {"ingested": 2, "duplicates": 0, "failed": []}
    titles = by_title(cli)
    assert set(titles) == {"NATO working on de-escalating tensions with Russia",
                           "NATO wants to improve relations with Russia, NATO Secretary General"}
    assert all(a["language"] == "en" for a in titles.values())
    a2017 = cli.json("show", titles["NATO working on de-escalating tensions with Russia"]["id"])
    a2021 = cli.json("show", titles["NATO wants to improve relations with Russia, NATO Secretary General"]["id"])
    caption = "NATO Secretary-General Jens Stoltenberg says the Western alliance is working to reduce tensions"
    assert a2017["text"].count(caption) == 1
    assert a2017["raw_text"].count(caption) == 2  # the original is kept beside the clean text
    assert "2 weeks ago" not in a2021["text"] and "# # #" not in a2021["text"]
    assert "“They don’t just ignore it any more" in a2021["text"]  # typographic quotes kept
    found = {d["value"]: d for d in a2017["dates"]}
    assert "2017-02-17" in found
    d = found["2017-02-17"]
    assert a2017["text"][d["start"]:d["end"]] == d["text"] == "Friday (February 17)"
    assert a2017["published"] is None  # never invented


def test_reingest_reports_duplicates_and_stores_nothing_new(cli):
    ingest_seeds(cli)
    assert ingest_seeds(cli) == {"ingested": 0, "duplicates": 2, "failed": []}
    assert len(cli.json("articles")) == 2


def test_jsonl_round_trip_keeps_external_ids(cli, tmp_path):
    records = [{"id": "seed-2017", "text": SEED_2017.read_text(encoding="utf-8"), "title": "Munich",
                "published": "2017-02-20"},
               {"id": "seed-2021", "text": SEED_2021.read_text(encoding="utf-8"), "source": "Wire"}]
    cli.json("ingest", write_jsonl(tmp_path / "in.jsonl", records))
    exported = cli.run("export", "--format", "jsonl", check_rc=0).stdout
    assert [json.loads(line)["id"] for line in exported.splitlines()] == ["seed-2017", "seed-2021"]
    listed = {a["external_id"]: a for a in cli.json("articles")}
    assert set(listed) == {"seed-2017", "seed-2021"} and listed["seed-2021"]["source"] == "Wire"
    assert cli.json("show", "seed-2017")["dates"][0]["value"] == "2017-02-17"
    # the export is ingestable elsewhere, with the same ids
    other = type(cli)(tmp_path / "other.db")
    other.json("ingest", "-", input=exported)
    assert {a["external_id"] for a in other.json("articles")} == {"seed-2017", "seed-2021"}
    rows = list(csv.DictReader(io.StringIO(cli.run("export", "--format", "csv", check_rc=0).stdout)))
    assert [r["id"] for r in rows] == ["seed-2017", "seed-2021"] and "Friday (February 17)=2017-02-17" in rows[0]["dates"]


def test_bad_inputs_beside_good_ones(cli, tmp_path):
    shutil.copy(SEED_2017, tmp_path / "good.txt")
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "image.png").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)))
    write_jsonl(tmp_path / "mixed.jsonl", [{"id": "ok-1", "text": "A fine article about the harbour."}])
    with open(tmp_path / "mixed.jsonl", "a") as fh:
        fh.write("{broken\n")
    proc = cli.run("ingest", tmp_path, tmp_path / "missing.txt", "--json", check_rc=1)
    report = json.loads(proc.stdout)
    assert report["ingested"] == 2
    failed = {f["input"]: f["error"] for f in report["failed"]}
    assert set(failed) == {str(tmp_path / "empty.txt"), str(tmp_path / "image.png"),
                           f"{tmp_path / 'mixed.jsonl'}:2", str(tmp_path / "missing.txt")}
    assert "empty" in failed[str(tmp_path / "empty.txt")] and "PNG" in failed[str(tmp_path / "image.png")]
    # without --json every failure is one line on stderr
    proc = cli.run("ingest", tmp_path / "missing.txt", check_rc=1)
    assert [line.strip() for line in proc.stderr.splitlines()] == [f"failed [E101]: {tmp_path / 'missing.txt'}: no such file or directory"]


def test_stdin_and_usage_errors(cli):
    assert cli.json("ingest", "-", input='{"id": "s1", "text": "Stdin article."}\n')["ingested"] == 1
    assert cli.run("articles", "--since", "not-a-date").returncode == 2
    assert cli.run("bogus-command").returncode == 2
    proc = cli.run("show", "does-not-exist")
    assert proc.returncode == 1 and "does-not-exist" in proc.stderr and "Traceback" not in proc.stderr


def test_stats_and_filters(cli):
    ingest_seeds(cli)
    stats = cli.json("stats")
    assert stats["articles"] == 2 and stats["undated"] == 2 and stats["languages"] == {"en": 2}
    assert cli.json("articles", "--language", "de") == []


def test_entities_and_quotes_across_both_seeds(cli):
    ingest_seeds(cli)
    people = cli.json("entities", "--type", "PERSON")
    assert all(set(p) >= {"id", "name", "type", "variants", "roles", "articles"} for p in people)
    by_name = {p["name"]: p for p in people}
    stoltenberg = by_name["Jens Stoltenberg"]
    assert {v["text"] for v in stoltenberg["variants"]} >= {"Jens Stoltenberg", "Stoltenberg", "Stolteberg"}
    assert stoltenberg["articles"] == 2 and "NATO Secretary-General" in stoltenberg["roles"]
    assert by_name["Sergei Lavrov"]["articles"] == 2
    assert {v["text"] for v in by_name["Mircea Joan"]["variants"]} == {"Mircea Joan", "Joanet"}
    # one entity, whichever spelling is asked for
    assert cli.json("entity", "Stolteberg")["id"] == stoltenberg["id"]
    detail = cli.json("entity", str(stoltenberg["id"]))
    assert len(detail["articles"]) == 2 and detail["quotes"]

    quotes = cli.json("quotes")
    assert all(set(q) >= {"article_id", "external_id", "speaker", "text", "cue", "start", "end", "direct"}
               for q in quotes)

    def said(start):
        return next(q["speaker"]["name"] for q in quotes if q["text"].startswith(start) and q["speaker"])

    assert said("There are well known disagreements") == "Jens Stoltenberg"
    assert said("Russia’s actions are destabilizing") == "Mircea Joan"
    assert said("They don’t just ignore it any more") == "Sergei Lavrov"
    lavrov = cli.json("quotes", "--speaker", "Lavrov")
    assert lavrov and all(q["speaker"]["name"] == "Sergei Lavrov" for q in lavrov)
    shown = cli.json("show", stoltenberg and detail["articles"][0]["id"])
    assert any(m["entity_id"] == stoltenberg["id"] for m in shown["mentions"]) and shown["quotes"]
    assert cli.run("entity", "Nobody Atall").returncode == 1
