"""`newswatch reanalyze`: what a fresh ingest gives, in batches other writers can get between, resumable."""

import signal
import sqlite3
import subprocess
import sys
import time


from .conftest import CLI, write_jsonl

PEOPLE = ["Anna Berg", "Olaf Lind", "Maria Costa", "Jonas Weber", "Lena Novak", "Pavel Horak"]
PLACES = ["Oslo", "Lisbon", "Vienna", "Prague", "Gdansk", "Tallinn"]


def records(n: int, prefix: str = "r") -> list[dict]:
    out = []
    for i in range(n):
        who, other, where = PEOPLE[i % 6], PEOPLE[(i * 5 + 1) % 6], PLACES[(i // 3) % 6]
        out.append({"id": f"{prefix}{i}", "published": f"2024-{1 + i % 12:02d}-{1 + i % 27:02d}",
                    "title": f"{who} meets {other} in {where}",
                    "text": f"{who} met {other} in {where} on Monday to discuss item {i} of the harbour budget. "
                            f"“We made progress on item {i},” {who} said after the talks in {where}."})
    return out


def figures(cli: CLI) -> dict:
    stats = cli.json("stats")
    return {k: stats[k] for k in ("articles", "entities", "entity_mentions", "quotes", "events", "stories",
                                  "duplicate_groups", "date_mentions")}


def test_reanalyze_gives_what_a_fresh_ingest_gives(tmp_path):
    data = write_jsonl(tmp_path / "in.jsonl", records(150))
    once = CLI(tmp_path / "once.db")
    once.run("ingest", data, check_rc=0)
    fresh = figures(once)
    assert fresh["entities"] > 6 and fresh["events"] > 1
    once.run("reanalyze", check_rc=0)
    assert figures(once) == fresh


def _stat(db, name):
    with sqlite3.connect(db) as con:
        row = con.execute("SELECT value FROM corpus_stats WHERE name = ?", (name,)).fetchone()
    return row[0] if row else None


def _start_reanalyze(db):
    return subprocess.Popen([sys.executable, "-m", "newswatch", "--db", str(db), "reanalyze"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _wait_for_batches(db, proc, deadline=120):
    t0 = time.monotonic()
    while (_stat(db, "reanalyze_next") or 0) <= 1:
        assert proc.poll() is None, proc.communicate()
        assert time.monotonic() - t0 < deadline
        time.sleep(0.1)


def test_an_ingest_runs_while_reanalyze_works(tmp_path):
    import newswatch

    cli = CLI(tmp_path / "busy.db")
    cli.run("ingest", write_jsonl(tmp_path / "in.jsonl", records(600)), check_rc=0)
    late = {"id": "late", "text": "Ferries to Gotland were cancelled on Friday because of the storm, Destination "
                                  "Gotland said.", "published": "2024-12-01"}
    with newswatch.open(str(tmp_path / "warm.db")) as warm:  # models loaded here, so the ingest below is quick
        warm.ingest_records([late])
    proc = _start_reanalyze(cli.db)
    _wait_for_batches(cli.db, proc)
    with newswatch.open(str(cli.db)) as nw:
        report = nw.ingest_records([late])
    still_running = proc.poll() is None
    out, err = proc.communicate(timeout=300)
    assert report.ingested == 1 and not report.failed
    assert still_running  # the ingest was stored between two of reanalyze's batches
    assert proc.returncode == 0, err
    assert cli.json("stats")["articles"] == 601
    assert cli.json("show", "late")["mentions"]


def test_an_interrupted_reanalyze_carries_on(tmp_path):
    data = write_jsonl(tmp_path / "in.jsonl", records(600))
    cli = CLI(tmp_path / "cut.db")
    cli.run("ingest", data, check_rc=0)
    fresh = figures(cli)
    proc = _start_reanalyze(cli.db)
    _wait_for_batches(cli.db, proc)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert 0 < _stat(cli.db, "reanalyze_next") <= 600
    relink = cli.run("relink")
    assert relink.returncode == 1 and "reanalyze" in relink.stderr  # nothing half-done is relinked
    cli.run("reanalyze", check_rc=0)
    assert _stat(cli.db, "reanalyze_next") is None
    assert figures(cli) == fresh
