"""The server's guard: names it serves, cross-site posts, body and record limits, token guessing,
headers on every page, direction controls in names, and a clean stop during an upload."""

import shutil
import signal
import time

import pytest

from .conftest import CLI, INGEST_TOKEN, Server, write_jsonl

AUTH = {"Authorization": f"Bearer {INGEST_TOKEN}"}


def _chunks(first: bytes, total: int, size: int = 1_000_000):
    """A request body sent with chunked transfer encoding (no Content-Length to check up front)."""
    yield first
    for _ in range(total // size):
        yield b"x" * size


def test_only_the_names_it_serves_are_answered(server):
    # A DNS-rebinding page reaches the server under its own name: that request must get nothing.
    r = server.http.get("/api/stats", headers={"host": "evil.example"})
    assert r.status_code == 421 and "--allow-host" in r.json()["error"]["message"]
    assert "articles" not in r.text
    assert server.http.get("/", headers={"host": "evil.example:8000"}).status_code == 421
    assert server.http.get("/api/stats", headers={"host": f"localhost:{server.port}"}).status_code == 200
    assert server.http.get("/api/stats", headers={"host": f"[::1]:{server.port}"}).status_code == 200


def test_redirects_point_at_this_server(server):
    r = server.http.get("/static", follow_redirects=False)
    assert r.status_code in (301, 307) and r.headers["location"] == "/static/"


def test_an_allowed_name_is_served(tmp_path, demo_db):
    srv = Server(demo_db, extra=("--allow-host", "news.example.org"))
    try:
        assert srv.http.get("/api/stats", headers={"host": "news.example.org"}).status_code == 200
        assert srv.http.get("/api/stats", headers={"host": "other.example.org"}).status_code == 421
    finally:
        srv.stop()


def test_cross_site_posts_are_refused(server):
    form = {"token": INGEST_TOKEN, "text": "Ferries to Gotland were cancelled on Friday because of the storm."}
    r = server.http.post("/upload", data=form, headers={"origin": "https://evil.example"}, follow_redirects=False)
    assert r.status_code == 403 and "another site" in r.text
    r = server.http.post("/upload", data=form, headers={"referer": "https://evil.example/page"},
                         follow_redirects=False)
    assert r.status_code == 403
    r = server.http.post("/api/ingest", json={"records": [{"text": "x y z"}]},
                         headers={**AUTH, "origin": "null"})
    assert r.status_code == 403
    # From its own page the same form goes through.
    r = server.http.post("/upload", data=form, headers={"origin": server.url}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/upload/jobs/")


def test_chunked_bodies_over_the_limit_get_413(server):
    # 60 MB in chunks, over the 50 MB upload limit: 413, not an internal error.
    r = server.http.post("/api/ingest", headers={**AUTH, "content-type": "application/json"},
                         content=_chunks(b'{"records": [', 60_000_000))
    assert r.status_code == 413 and r.json()["error"]["code"] == "E413"
    part = (b'--b0\r\nContent-Disposition: form-data; name="files"; filename="big.txt"\r\n'
            b'Content-Type: text/plain\r\n\r\n')
    r = server.http.post("/upload", headers={"content-type": "multipart/form-data; boundary=b0"},
                         content=_chunks(part, 60_000_000))
    assert r.status_code == 413 and "over the limit" in r.text
    assert "script-src 'self'" in r.headers["content-security-policy"] and r.headers["x-frame-options"] == "DENY"
    assert server.http.get("/api/stats").status_code == 200  # and the server carries on


def test_malformed_upload_bodies_are_400(server):
    nested = "[" * 100_000 + "]" * 100_000
    r = server.http.post("/api/ingest", content=nested, headers={**AUTH, "content-type": "application/json"})
    assert r.status_code == 400 and "nested too deeply" in r.json()["error"]["message"]
    nested_objects = '{"a":' * 50_000 + "1" + "}" * 50_000
    r = server.http.post("/api/ingest", content=nested_objects, headers={**AUTH, "content-type": "application/json"})
    assert r.status_code == 400


def test_too_many_records_in_one_upload_is_413(server):
    records = [{"text": f"record {i}"} for i in range(10_001)]
    r = server.http.post("/api/ingest", json={"records": records}, headers=AUTH)
    assert r.status_code == 413 and "10,000" in r.json()["error"]["message"]


def test_guessing_the_token_is_slowed_down(demo_db):
    srv = Server(demo_db, INGEST_TOKEN)
    try:
        codes = [srv.http.post("/api/ingest", json={"records": [{"text": "x"}]},
                               headers={"Authorization": f"Bearer guess-{i:08d}"}).status_code for i in range(12)]
        assert codes[:10] == [403] * 10 and codes[10:] == [429, 429]
        last = srv.http.post("/api/ingest", json={"records": [{"text": "x"}]}, headers=AUTH)
        assert last.status_code == 429 and 0 < int(last.headers["retry-after"]) <= 61
        form = srv.http.post("/upload", data={"token": "guess", "text": "some text"})
        assert form.status_code == 429 and "try again" in form.text
    finally:
        srv.stop()


def test_internal_errors_still_carry_the_security_headers(tmp_path):
    from fastapi.testclient import TestClient

    from newswatch.serve.app import create_app

    app = create_app(str(tmp_path / "t.db"))

    @app.get("/crash")
    def crash():
        raise RuntimeError("boom")

    with TestClient(app, base_url="http://localhost", raise_server_exceptions=False) as client:
        r = client.get("/crash")
        assert r.status_code == 500 and "boom" not in r.text and "E500" in r.text
        assert "script-src 'self'" in r.headers["content-security-policy"]
        assert r.headers["x-content-type-options"] == "nosniff"


def test_direction_controls_in_names_stay_inside_them(tmp_path):
    from fastapi.testclient import TestClient

    from newswatch.serve.app import create_app

    db = tmp_path / "bidi.db"
    record = {"id": "b1", "title": "Grain exports resume", "source": "Trusted\u202e Wire",
              "published": "2025-03-04T08:00:00+00:00",
              "text": "Grain exports from Odesa resumed on Tuesday, the port authority said."}
    CLI(db).run("ingest", write_jsonl(tmp_path / "b.jsonl", [record]), check_rc=0)
    with TestClient(create_app(str(db)), base_url="http://localhost") as client:
        page = client.get("/articles/b1").text
        # The override is closed (PDF) and the whole name isolated (FSI ... PDI) before the date is printed.
        assert "\u2068Trusted\u202e Wire\u202c\u2069 · " in page
        assert "Trusted\u202e Wire ·" not in page


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_the_server_stops_within_seconds_during_an_upload(tmp_path, demo_db, sig):
    db = tmp_path / "stop.db"
    shutil.copy(demo_db, db)
    before = CLI(db).json("stats")["articles"]
    srv = Server(db, INGEST_TOKEN)
    words = "harbour council minister storm bridge vote budget river school election police court".split()
    records = [{"id": f"s{i}", "title": f"Council note {i}",
                "text": " ".join(words[(i * 7 + k) % len(words)] for k in range(60)) + f" Note {i}."}
               for i in range(500)]
    try:
        job = srv.http.post("/api/ingest", json={"records": records}, headers=AUTH).json()
        while srv.http.get(f"/api/ingest/{job['id']}", headers=AUTH).json()["ingested"] == 0:
            time.sleep(0.2)
        t0 = time.monotonic()
        srv.proc.send_signal(sig)
        srv.proc.wait(timeout=20)
        assert time.monotonic() - t0 < 15
        log = srv.log.name
    finally:
        srv.stop()
    assert "stopped by shutdown" in open(log).read()
    stored = CLI(db).json("stats")["articles"] - before
    assert 0 < stored < len(records)
    # Sending the same records again finishes the job without a single duplicate.
    CLI(db).run("ingest", write_jsonl(tmp_path / "again.jsonl", records), check_rc=0)
    assert CLI(db).json("stats")["articles"] - before == len(records)


def test_every_server_process_reports_on_every_upload(server):
    import httpx

    job = server.http.post("/api/ingest", headers=AUTH, json={"records": [
        {"id": "proc-1", "text": "The Kvarken ferry line added a second daily crossing on Monday."}]}).json()
    for _ in range(12):  # a new connection each time: the kernel hands them to either process
        with httpx.Client(base_url=server.url, timeout=30) as fresh:
            r = fresh.get(f"/api/ingest/{job['id']}", headers=AUTH)
            assert r.status_code == 200 and r.json()["id"] == job["id"]
    assert server.http.get(f"/upload/jobs/{job['id']}").status_code == 200


def test_an_upload_cut_off_by_a_crash_is_reported_failed_after_restart(tmp_path, demo_db):
    db = tmp_path / "crash.db"
    shutil.copy(demo_db, db)
    srv = Server(db, INGEST_TOKEN)
    records = [{"id": f"c{i}", "text": f"Harbour council note {i} on the budget of the river school."}
               for i in range(400)]
    job = srv.http.post("/api/ingest", json={"records": records}, headers=AUTH).json()
    while srv.http.get(f"/api/ingest/{job['id']}", headers=AUTH).json()["status"] != "running":
        time.sleep(0.1)
    import os

    for pid in _children(srv.proc.pid) + [srv.proc.pid]:
        os.kill(pid, signal.SIGKILL)
    srv.proc.wait()
    srv.stop()
    again = Server(db, INGEST_TOKEN)
    try:
        after = again.http.get(f"/api/ingest/{job['id']}", headers=AUTH).json()
        assert after["status"] == "failed" and "send it again" in after["error"]
    finally:
        again.stop()


def _children(pid: int) -> list[int]:
    from pathlib import Path

    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:  # the parent's pid, after the state letter
            found.append(int(stat.parent.name))
    return found
