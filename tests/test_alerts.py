"""Alerts: watchlists that fire once per new matching article, breaking stories, and their delivery."""

import http.server
import json
import threading
import xml.etree.ElementTree as ET

import pytest

from .conftest import Server, write_jsonl
from .test_watch import rss, site, sources_file  # noqa: F401 (the local feed server fixture)

STRIKE = ("Harbour pilots at the Port of Kotka walked out on Monday over pay, halting ship traffic, said union "
          "chair Aino Kallio in Kotka.")


def strike_reports(hour: str = "2024-03-04T09", sources=("Kotka Daily", "Baltic Wire", "Nordic News")):
    return [{"id": f"strike-{i}", "title": "Kotka harbour pilots strike", "text": STRIKE.replace("Monday", day),
             "source": source, "published": f"{hour}:{10 + 15 * i}:00+00:00"}
            for i, (source, day) in enumerate(zip(sources, ("Monday", "Monday morning", "Monday, 4 March")))]


def quiet_story():
    notes = {1: "The Kaisaniemi botanical garden in Helsinki reopened its palm house after repairs, curator Liisa "
                "Niemi said.",
             9: "Orchids from the Kaisaniemi garden collection go on show in Helsinki this week, said Liisa Niemi.",
             17: "Volunteers planted two hundred birches along the Kaisaniemi garden paths in Helsinki on Sunday."}
    return [{"id": f"garden-{d}", "title": f"Helsinki botanical garden, note {d}", "source": "Garden Weekly",
             "text": text, "published": f"2024-03-{d:02d}T08:00:00+00:00"} for d, text in notes.items()]


def test_a_watchlist_fires_once_per_new_matching_article(cli, tmp_path):
    cli.json("watchlists", "add", "kotka", 'Kotka AND (pilots OR "port traffic") NOT football')
    cli.json("watchlists", "add", "finnish-garden", "garden", "--language", "en", "--source", "Garden Weekly")
    cli.json("ingest", write_jsonl(tmp_path / "a.jsonl", strike_reports()[:1] + quiet_story()))
    alerts = cli.json("alerts")
    kotka = [a for a in alerts if a["title"].startswith("kotka:")]
    garden = [a for a in alerts if a["title"].startswith("finnish-garden:")]
    assert len(kotka) == 1 and kotka[0]["article"]["external_id"] == "strike-0"
    assert len(garden) == 3
    # The same article again, and a copy of it from another publisher: no new watchlist alert.
    cli.json("ingest", write_jsonl(tmp_path / "b.jsonl", strike_reports()[:2]))
    assert len([a for a in cli.json("alerts", "--kind", "watchlist") if a["title"].startswith("kotka:")]) == 1
    listed = {w["name"]: w["alerts"] for w in cli.json("watchlists", "list")}
    assert listed == {"kotka": 1, "finnish-garden": 3}
    football = [{"id": "fc", "title": "Kotka football", "text": "Kotka pilots football club won on Sunday, coach "
                 "Eero Salo said.", "published": "2024-03-10T12:00:00+00:00", "source": "Sports"}]
    cli.json("ingest", write_jsonl(tmp_path / "c.jsonl", football))
    assert all(a["article"]["external_id"] != "fc" for a in cli.json("alerts"))


def test_watchlist_queries_that_cannot_be_read_are_refused_with_the_fix(cli):
    proc = cli.run("watchlists", "add", "bad", "NOT nato", check_rc=2)
    assert "NOT needs a term before it" in proc.stderr
    proc = cli.run("watchlists", "add", "bad", '(nato OR russia', check_rc=2)
    assert "parenthesis is not closed" in proc.stderr
    cli.json("watchlists", "add", "good", "nato")
    assert "exists" in cli.run("watchlists", "add", "good", "russia", check_rc=2).stderr
    assert "removed watchlist" in cli.run("watchlists", "remove", "good", check_rc=0).stdout
    assert "no watchlist" in cli.run("watchlists", "remove", "good", check_rc=1).stderr


def test_a_burst_breaks_once_and_a_quiet_story_does_not(cli, tmp_path):
    cli.json("ingest", write_jsonl(tmp_path / "quiet.jsonl", quiet_story()))
    assert cli.json("alerts", "--kind", "breaking") == []
    cli.json("ingest", write_jsonl(tmp_path / "burst.jsonl", strike_reports()))
    [alert] = cli.json("alerts", "--kind", "breaking")
    assert alert["detail"]["recent_articles"] == 3 and alert["detail"]["recent_sources"] == 3
    assert "Breaking" in alert["title"] and alert["story_id"] is not None
    # More reports of the same burst, in the next hour: the story has broken already.
    later = strike_reports("2024-03-04T10", ("Helsinki Times", "Wire East", "Port Journal"))
    cli.json("ingest", write_jsonl(tmp_path / "later.jsonl", [dict(r, id=f"later-{i}") for i, r in enumerate(later)]))
    assert len(cli.json("alerts", "--kind", "breaking")) == 1


@pytest.fixture
def receiver():
    """A local webhook receiver; it answers 500 while ``failing`` is set."""
    state = {"bodies": [], "failing": False}

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            if state["failing"]:
                self.send_response(500)
            else:
                state["bodies"].append(json.loads(body))
                self.send_response(204)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    state["url"] = f"http://127.0.0.1:{server.server_address[1]}/hook"
    yield state
    server.shutdown()


def test_watch_delivers_each_alert_once_to_a_webhook_and_a_jsonl_file(cli, tmp_path, site, receiver):  # noqa: F811
    cli.json("watchlists", "add", "kotka", "Kotka pilots")
    site.feed("/kotka.xml", rss("Kotka Daily", [("k1", "Kotka pilots strike", STRIKE)]))
    feeds = sources_file(tmp_path, site, "/kotka.xml")
    out = tmp_path / "alerts.jsonl"
    args = ("watch", feeds, "--once", "--allow-private", "--alerts-jsonl", out, "--webhook", receiver["url"])
    proc = cli.run(*args, check_rc=0)
    assert "alert: kotka: Kotka pilots strike" in proc.stdout
    [sent] = receiver["bodies"]
    assert sent["kind"] == "watchlist" and sent["article"]["title"] == "Kotka pilots strike"
    [written] = [json.loads(line) for line in out.read_text().splitlines()]
    assert written["id"] == sent["id"]
    cli.run(*args, check_rc=0)  # nothing new: nothing sent again
    assert len(receiver["bodies"]) == 1 and len(out.read_text().splitlines()) == 1
    # A receiver that fails keeps its alert for later; the file still gets it.
    receiver["failing"] = True
    site.feed("/kotka.xml", rss("Kotka Daily", [("k1", "Kotka pilots strike", STRIKE),
                                                ("k2", "Kotka pilots end strike", "The Kotka pilots returned.")]))
    proc = cli.run(*args, check_rc=0)
    assert "alert not delivered" in proc.stderr and "HTTP error 500" in proc.stderr
    assert len(out.read_text().splitlines()) == 2 and len(receiver["bodies"]) == 1


def test_webhooks_to_private_addresses_are_refused_unless_allowed(tmp_path, receiver):
    import newswatch
    from newswatch.alerts.deliver import WebhookChannel, deliver
    from newswatch.config import IngestOptions

    with newswatch.open(str(tmp_path / "hook.db")) as nw:
        refused, allowed = WebhookChannel(receiver["url"], IngestOptions()), \
            WebhookChannel(receiver["url"], IngestOptions(allow_private=True))
        nw.store.add_watchlist("kotka", "Kotka")
        nw.store.open_channel(refused.name)
        nw.ingest_records(strike_reports()[:1])
        [failure] = deliver(nw.store, [refused])
        assert "private or loopback" in failure and receiver["bodies"] == []
        assert nw.store.delivery_attempts(1, refused.name) == 1
        assert deliver(nw.store, [refused]) == []  # not due again yet: it backs off
        nw.ingest_records([{"id": "ferry", "title": "Kotka ferry timetable", "source": "Port Journal",
                            "text": "The Kotka ferry to Haapasaari runs a winter timetable from Friday, the city "
                                    "of Kotka said.", "published": "2024-03-05T08:00:00+00:00"}])
        assert deliver(nw.store, [allowed]) == []  # the same URL, now allowed: the new alert goes
        assert [b["article"]["external_id"] for b in receiver["bodies"]] == ["ferry"]


def test_alerts_are_served_as_a_page_and_atom_feeds(tmp_path):
    from .conftest import CLI

    cli = CLI(tmp_path / "served.db")
    cli.json("watchlists", "add", "kotka", "Kotka")
    cli.json("ingest", write_jsonl(tmp_path / "s.jsonl", strike_reports()))
    server = Server(cli.db)
    try:
        feed = server.http.get("/alerts.atom")
        assert feed.status_code == 200 and feed.headers["content-type"].startswith("application/atom+xml")
        ns = {"a": "http://www.w3.org/2005/Atom"}
        titles = [e.findtext("a:title", namespaces=ns) for e in ET.fromstring(feed.content).findall("a:entry", ns)]
        assert any(t.startswith("Breaking:") for t in titles) and any(t.startswith("kotka:") for t in titles)
        one = ET.fromstring(server.http.get("/watchlists/1/alerts.atom").content)
        assert {e.findtext("a:title", namespaces=ns)[:6] for e in one.findall("a:entry", ns)} == {"kotka:"}
        assert server.http.get("/watchlists/99/alerts.atom").status_code == 404
        page = server.http.get("/alerts").text
        assert "Breaking:" in page and "Watched sources" in page and 'href="/alerts.atom"' in page
        api = server.http.get("/api/alerts", params={"kind": "breaking"}).json()
        assert len(api) == 1 and api[0]["kind"] == "breaking"
    finally:
        server.stop()


def test_a_watch_killed_mid_run_sends_no_alert_twice(cli, tmp_path, site):  # noqa: F811
    import signal
    import subprocess
    import sys
    import time

    cli.json("watchlists", "add", "council", "Kotka council")
    entries = [(f"c{i}", f"Kotka council vote {i} on the harbour budget",
                f"Councillor {name} said on Tuesday that Kotka council vote {i} on the harbour budget was close.")
               for i, name in enumerate(["Aino Kallio", "Mikael Lindqvist", "Eero Salo", "Liisa Niemi"] * 8)]
    site.feed("/council.xml", rss("Kotka Council", entries))
    out = tmp_path / "alerts.jsonl"
    args = ["watch", sources_file(tmp_path, site, "/council.xml"), "--once", "--allow-private", "--alerts-jsonl",
            str(out)]
    proc = subprocess.Popen([sys.executable, "-m", "newswatch", "--db", str(cli.db), *args],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    time.sleep(6)
    proc.send_signal(signal.SIGKILL)
    proc.wait(30)
    cli.run(*args, check_rc=0)
    cli.run(*args, check_rc=0)
    alerts = cli.json("alerts", "--limit", "100")
    written = [json.loads(line)["id"] for line in out.read_text().splitlines()]
    assert len(cli.json("articles", "--all", "--limit", "100")) == 32
    assert len({a["article_id"] for a in alerts}) == len(alerts)
    assert alerts and sorted(written) == sorted(a["id"] for a in alerts)  # every alert written, none twice
