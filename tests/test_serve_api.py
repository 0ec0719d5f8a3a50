"""The JSON API, over HTTP, against a real `newswatch serve` on the demo corpus."""

import re
import time

import pytest

from .conftest import CLI, INGEST_TOKEN, Server

AUTH = {"Authorization": f"Bearer {INGEST_TOKEN}"}


def test_search_contract(server):
    r = server.http.get("/api/search", params={"q": "Lindqvist"})
    assert r.status_code == 200
    body = r.json()
    assert isinstance(body["total"], int) and body["total"] >= len(body["results"]) > 0
    for hit in body["results"]:
        assert {"id", "external_id", "title", "snippet", "score"} <= hit.keys()
    # The investigator's articles come first, and their snippets show the name.
    top = body["results"][0]
    assert "Lindqvist" in top["snippet"] or "Lindquist" in top["snippet"]
    a, b = top["highlights"][0]
    assert top["snippet"][a:b].endswith(("Lindqvist", "Lindquist"))


def test_stories_are_the_cli_objects(server, demo_db):
    api = server.http.get("/api/stories", params={"limit": 100}).json()
    assert api == CLI(demo_db).json("stories", "--limit", "100")
    assert any(len(s["timeline"]) >= 3 for s in api)


def test_lists_are_paginated(server):
    everything = server.http.get("/api/articles", params={"limit": 500}).json()
    first = server.http.get("/api/articles", params={"limit": 5}).json()
    second = server.http.get("/api/articles", params={"limit": 5, "offset": 5}).json()
    assert [a["id"] for a in first + second] == [a["id"] for a in everything[:10]]
    # Near-duplicate copies are folded unless asked for.
    assert len(server.http.get("/api/articles", params={"limit": 500, "all": "true"}).json()) > len(everything)


def test_every_cli_listing_is_served(server):
    article = server.http.get("/api/articles/demo-cable-01").json()
    assert article["title"].startswith("Undersea cable") and article["mentions"] and article["quotes"]
    by_url = server.http.get("/api/articles/https://nordicwire.example/demo-cable-10")
    assert by_url.status_code == 200
    entity = server.http.get("/api/entities/Lindqvist").json()
    assert entity["name"] == "Mikael Lindqvist" and entity["quotes"]
    assert server.http.get("/api/entities", params={"type": "PERSON", "limit": 3}).json()[0]["type"] == "PERSON"
    assert server.http.get("/api/quotes", params={"speaker": "Lindqvist"}).json()
    event_id = article["event"]["id"]
    assert server.http.get(f"/api/events/{event_id}").json()["id"] == event_id
    assert server.http.get("/api/duplicates").json()[0]["copies"]
    compared = server.http.get("/api/compare", params={"a": "demo-cable-01", "b": "demo-cable-04"}).json()
    assert compared["same_story"] and compared["explanation"]
    similar = server.http.get("/api/articles/demo-cable-01/similar").json()
    assert similar and all(s["id"] != article["id"] for s in similar)


@pytest.mark.parametrize("path, params, status, says", [
    ("/api/articles", {"limit": 1000}, 400, "limit"),
    ("/api/articles", {"since": "2024-13-40"}, 400, "since"),
    ("/api/articles", {"since": "2025-01-01", "until": "2024-01-01"}, 400, "after until"),
    ("/api/search", {}, 400, "q"),
    ("/api/search", {"q": "x", "mode": "magic"}, 400, "mode"),
    ("/api/search", {"q": "cable", "entity": "Nobody Anywhere"}, 404, "no entity"),
    ("/api/articles/no-such-article", {}, 404, "no-such-article"),
    ("/api/stories/0", {}, 400, "story_id"),
    ("/api/stories/9999", {}, 404, "9999"),
    ("/api/nothing-here", {}, 404, "/api/nothing-here"),
    (f"/api/articles/{2**63}", {}, 400, "too large"),
    (f"/api/events/{2**63}", {}, 400, "too large"),
    ("/api/articles", {"offset": 2**63}, 400, "offset"),
    ("/api/search", {"q": "cable", "offset": 2**64}, 400, "offset"),
])
def test_bad_requests_get_clear_errors(server, path, params, status, says):
    r = server.http.get(path, params=params)
    assert r.status_code == status
    error = r.json()["error"]
    assert error["code"].startswith("E") and says in error["message"]
    assert "Traceback" not in r.text


def test_oversized_bodies_are_refused(server):
    r = server.http.post("/api/search?q=x", content=b"x" * 200_000)
    assert r.status_code == 413 and "limit" in r.json()["error"]["message"]


def test_security_headers(server):
    r = server.http.get("/")
    assert "script-src 'self'" in r.headers["content-security-policy"]
    assert r.headers["x-content-type-options"] == "nosniff"


def test_api_docs_are_local(server):
    spec = server.http.get("/openapi.json").json()
    assert "/api/search" in spec["paths"] and "/api/stories" in spec["paths"]
    page = server.http.get("/docs").text
    assert "/api/search" in page and "cdn" not in page.lower()
    assert 'src="http' not in page and 'href="http' not in page


def test_ingest_needs_the_token(server):
    record = {"records": [{"text": "A test article about nothing.", "title": "Nothing"}]}
    assert server.http.post("/api/ingest", json=record).status_code == 401
    wrong = server.http.post("/api/ingest", json=record, headers={"Authorization": "Bearer wrong-token-123"})
    assert wrong.status_code == 403
    assert server.http.post("/api/ingest", json={"records": "nope"}, headers=AUTH).status_code == 400
    assert server.http.post("/api/ingest", json={"urls": ["file:///etc/passwd"]}, headers=AUTH).status_code == 400


def _wait(server, job_id: str) -> dict:
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline:
        job = server.http.get(f"/api/ingest/{job_id}", headers=AUTH).json()
        if job["status"] in ("done", "failed"):
            return job
        time.sleep(0.5)
    raise AssertionError(f"ingest job {job_id} did not finish")


def test_upload_keeps_good_files_and_names_bad_ones(server):
    good = ("ferry.txt", "Ferry traffic between Vaasa and Umeå resumed on Tuesday after ice breakers cleared "
                         "the Kvarken strait, operator Wasaline said.\n".encode())
    bad = ("broken.jsonl", b'{"id": "x1", "text": "fine"}\n{not json\n')
    r = server.http.post("/api/ingest", headers=AUTH,
                         files=[("files", good), ("files", bad)], data={"text": ""})
    assert r.status_code == 202
    job = _wait(server, r.json()["id"])
    assert job["status"] == "done" and job["ingested"] == 2
    assert [f["input"] for f in job["failed"]] == ["broken.jsonl:2"]
    found = server.http.get("/api/search", params={"q": "Kvarken Wasaline", "mode": "text"}).json()
    assert found["total"] == 1 and found["results"][0]["id"] in job["new_ids"]


def test_read_only_server_refuses_uploads(demo_db):
    srv = Server(demo_db)
    try:
        r = srv.http.post("/api/ingest", json={"records": [{"text": "x"}]}, headers=AUTH)
        assert r.status_code == 403 and "read-only" in r.json()["error"]["message"]
        assert "Upload" not in srv.http.get("/").text.split("</nav>")[0]
    finally:
        srv.stop()


def test_empty_corpus_pages_say_what_to_do(tmp_path):
    srv = Server(tmp_path / "empty.db")
    try:
        home = srv.http.get("/")
        assert home.status_code == 200 and "No stories yet" in home.text and "newswatch ingest" in home.text
        assert srv.http.get("/api/stories").json() == []
        assert srv.http.get("/api/search", params={"q": "anything"}).json() == \
            {"query": "anything", "mode": "hybrid", "total": 0, "results": []}
        assert "No entities" in srv.http.get("/entities").text
    finally:
        srv.stop()


def test_a_long_story_is_read_a_page_of_events_at_a_time(demo_db):
    from fastapi.testclient import TestClient

    from newswatch.config import ServeOptions
    from newswatch.serve.app import create_app

    app = create_app(str(demo_db), ServeOptions(story_events_per_page=2, event_rows_shown=1))
    with TestClient(app, base_url="http://localhost") as client:
        biggest = max(client.get("/api/stories").json(), key=lambda s: len(s["events"]))
        n_events = len(biggest["events"])
        assert n_events > 2
        seen = []
        for page in range(1, n_events):
            html = client.get(f"/stories/{biggest['id']}", params={"page": page}).text
            seen += re.findall(r'<li class="tl-event" id="event-(\d+)"', html)
            if 'rel="next"' not in html:
                break
        # Every event once, two per page, and the event page holds the reports left out.
        assert sorted(map(int, seen)) == sorted(biggest["events"])
        assert page == (n_events + 1) // 2
        assert "more report" in "".join(client.get(f"/stories/{biggest['id']}", params={"page": p}).text
                                        for p in range(1, page + 1))


def test_entity_corrections_over_the_api_need_the_token_and_stick(demo_db, tmp_path):
    import shutil

    copy = tmp_path / "corrections.db"
    shutil.copy(demo_db, copy)
    srv = Server(copy, INGEST_TOKEN)
    try:
        lindqvist = srv.http.get("/api/entities/Lindquist").json()
        key = str(lindqvist["id"])
        assert srv.http.post(f"/api/entities/{key}/rename", json={"name": "Mikael L."}).status_code == 401
        assert srv.http.post(f"/api/entities/{key}/rename", json={"name": "Mikael L."},
                             headers={"Authorization": "Bearer wrong"}).status_code == 403
        renamed = srv.http.post(f"/api/entities/{key}/rename", json={"name": "Mikael Lindqvist (investigator)"},
                                headers=AUTH)
        assert renamed.status_code == 200 and renamed.json()["name"] == "Mikael Lindqvist (investigator)"
        assert srv.http.get(f"/api/entities/{key}").json()["name"] == "Mikael Lindqvist (investigator)"
        split = srv.http.post(f"/api/entities/{key}/split", json={"spelling": "Lindquist"}, headers=AUTH)
        assert split.status_code == 200 and split.json()["id"] != lindqvist["id"]
        assert "Lindquist" not in [v["text"] for v in srv.http.get(f"/api/entities/{key}").json()["variants"]]
        merged = srv.http.post(f"/api/entities/{key}/merge", json={"drop": str(split.json()["id"])}, headers=AUTH)
        assert merged.status_code == 200 and "Lindquist" in [v["text"] for v in merged.json()["variants"]]
        missing = srv.http.post("/api/entities/999999/rename", json={"name": "x"}, headers=AUTH)
        assert missing.status_code == 404 and "999999" in missing.text
        empty = srv.http.post(f"/api/entities/{key}/rename", json={"name": ""}, headers=AUTH)
        assert empty.status_code == 400
    finally:
        srv.stop()
