"""Killing an ingest mid-way and running it again gives every article exactly once."""

import os
import signal
import sqlite3
import subprocess
import sys
import time

from .conftest import write_jsonl

N = 1500


def test_kill_and_resume(tmp_path):
    records = [{"id": f"k{i}", "title": f"Report {i}",
                "text": f"Report number {i} says the council met on Monday to discuss item {i * 7}."}
               for i in range(N)]
    src = write_jsonl(tmp_path / "many.jsonl", records)
    db = tmp_path / "resume.db"
    cmd = [sys.executable, "-m", "newswatch", "--db", str(db), "ingest", str(src), "--json"]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)
    deadline = time.time() + 120
    stored = 0
    while time.time() < deadline and proc.poll() is None:
        time.sleep(0.2)
        try:
            with sqlite3.connect(db, timeout=5) as con:
                stored = con.execute("SELECT count(*) FROM articles").fetchone()[0]
        except sqlite3.OperationalError:
            continue
        if stored >= 200:
            break
    assert proc.poll() is None, "ingest finished before it could be interrupted; raise N"
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()

    with sqlite3.connect(db) as con:
        assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        partial = con.execute("SELECT count(*) FROM articles").fetchone()[0]
    assert 0 < partial < N

    done = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert '"duplicates": %d' % partial in done.stdout
    with sqlite3.connect(db) as con:
        assert con.execute("SELECT count(*), count(DISTINCT external_id) FROM articles").fetchone() == (N, N)
        # every article's dates are there too: no half-written article survived the kill
        assert con.execute("SELECT count(DISTINCT article_id) FROM article_dates").fetchone()[0] == N
