"""Watching sources: feeds polled from a local server that changes between polls, answers 304, fails."""

import http.server
import json
import signal
import subprocess
import sys
import threading
import time
from email.utils import formatdate

import pytest

import newswatch
from newswatch.config import IngestOptions
from newswatch.watch import Poller, Watcher, next_poll_time, read_source_list
from newswatch.watch.polite import HostGate


def rss(title: str, items: list[tuple[str, str, str]]) -> str:
    """An RSS 2.0 feed; items are (guid, headline, summary), the summary may be empty."""
    entries = "".join(
        f"<item><guid>{guid}</guid><title>{headline}</title><link>https://news.example/{guid}</link>"
        f"<pubDate>{formatdate(1_700_000_000 + i * 3600, usegmt=True)}</pubDate>"
        + (f"<description>{summary}</description>" if summary else "") + "</item>"
        for i, (guid, headline, summary) in enumerate(items))
    return f'<?xml version="1.0"?><rss version="2.0"><channel><title>{title}</title>{entries}</channel></rss>'


HARBOUR = [
    ("h1", "Harbour pilots strike in Kotka", "Pilots at the Port of Kotka walked out on Monday over pay, said "
     "union chair Aino Kallio."),
    ("h2", "Kotka port traffic halted", "Ships queued outside Kotka as the pilots' strike entered its second day."),
]


class Site:
    """What the local server answers, changed by the tests between polls; it counts requests per path."""

    def __init__(self):
        self.routes: dict[str, dict] = {}
        self.hits: dict[str, int] = {}
        self.conditional: dict[str, int] = {}

    def feed(self, path: str, body: str, etag: str | None = None, status: int = 200, delay: float = 0.0,
             content_type: str = "application/rss+xml", location: str | None = None):
        self.routes[path] = {"body": body.encode(), "etag": etag, "status": status, "delay": delay,
                             "type": content_type, "location": location}


@pytest.fixture
def site():
    state = Site()

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            state.hits[self.path] = state.hits.get(self.path, 0) + 1
            route = state.routes.get(self.path)
            if route is None:
                self.send_response(404)
                self.end_headers()
                return
            time.sleep(route["delay"])
            if route["etag"] and self.headers.get("If-None-Match") == route["etag"]:
                state.conditional[self.path] = state.conditional.get(self.path, 0) + 1
                self.send_response(304)
                self.end_headers()
                return
            self.send_response(route["status"])
            if route.get("location"):
                self.send_header("Location", route["location"])
            self.send_header("Content-Type", route["type"])
            if route["etag"]:
                self.send_header("ETag", route["etag"])
            self.send_header("Content-Length", str(len(route["body"])))
            self.end_headers()
            self.wfile.write(route["body"])

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    state.base = f"http://127.0.0.1:{server.server_address[1]}"
    yield state
    server.shutdown()


def sources_file(tmp_path, site, *paths) -> str:
    path = tmp_path / "feeds.txt"
    path.write_text("# feeds to watch\n" + "".join(f"{site.base}{p}\n" for p in paths), encoding="utf-8")
    return str(path)


def test_a_feed_is_polled_again_with_its_etag_and_new_items_are_picked_up(cli, tmp_path, site):
    site.feed("/harbour.xml", rss("Kotka Daily", HARBOUR), etag='"v1"')
    feeds = sources_file(tmp_path, site, "/harbour.xml")
    first = cli.run("watch", feeds, "--once", "--allow-private", "--json", check_rc=0)
    [poll] = [json.loads(line) for line in first.stdout.splitlines()]
    assert poll["status"] == "new" and poll["new"] == 2
    second = json.loads(cli.run("watch", "--once", "--allow-private", "--json", check_rc=0).stdout)
    assert second["status"] == "not modified" and site.conditional["/harbour.xml"] == 1
    site.feed("/harbour.xml", rss("Kotka Daily", HARBOUR + [
        ("h3", "Pilots and port agree on pay", "The Kotka pilots' strike ended on Wednesday with a pay deal.")]),
        etag='"v2"')
    third = json.loads(cli.run("watch", "--once", "--allow-private", "--json", check_rc=0).stdout)
    assert (third["status"], third["new"], third["duplicates"]) == ("new", 1, 2)
    assert len(cli.json("articles")) == 3
    [source] = cli.json("sources", "list")
    assert source["title"] == "Kotka Daily" and source["items_new"] == 3 and source["etag"] == '"v2"'
    assert all(a["source"] == "Kotka Daily" for a in cli.json("articles"))


def test_a_headline_only_feed_is_ingested_with_exit_0(cli, tmp_path, site):
    site.feed("/headlines.xml", rss("Wire Headlines", [
        ("w1", "VIDEO: Flooding closes the Rhine to barges near Cologne", ""),
        ("w2", "Carl Icahn slams eBay chief over PayPal spin-off", "")]))
    proc = cli.run("watch", sources_file(tmp_path, site, "/headlines.xml"), "--once", "--allow-private",
                   check_rc=0)
    assert "2 new" in proc.stdout
    titles = sorted(a["title"] for a in cli.json("articles"))
    assert titles[0].startswith("Carl Icahn") and "Rhine" in titles[1]


def test_a_failing_source_fails_alone_and_backs_off(cli, tmp_path, site):
    site.feed("/harbour.xml", rss("Kotka Daily", HARBOUR))
    site.feed("/broken.xml", "oops", status=500)
    site.feed("/garbage.xml", "this is not a feed at all, just words", content_type="application/rss+xml")
    feeds = sources_file(tmp_path, site, "/harbour.xml", "/broken.xml", "/garbage.xml")
    proc = cli.run("watch", feeds, "--once", "--allow-private", "--interval", "60")
    assert proc.returncode == 1
    assert "HTTP error 500" in proc.stderr and f"{site.base}/broken.xml" in proc.stderr
    assert "garbage.xml" in proc.stderr and "2 new" in proc.stdout
    by_url = {s["url"].rsplit("/", 1)[1]: s for s in cli.json("sources", "list")}
    broken = by_url["broken.xml"]
    assert broken["consecutive_errors"] == 1 and "500" in broken["last_error"]
    assert by_url["harbour.xml"]["consecutive_errors"] == 0 and by_url["harbour.xml"]["items_new"] == 2
    cli.run("watch", "--once", "--allow-private", check_rc=1)
    again = {s["url"].rsplit("/", 1)[1]: s for s in cli.json("sources", "list")}["broken.xml"]
    assert again["consecutive_errors"] == 2 and again["next_poll_at"] > broken["next_poll_at"]
    site.feed("/broken.xml", rss("Mended", [("m1", "Port reopens", "The port of Kotka reopened on Friday.")]))
    cli.run("watch", "--once", "--allow-private")
    mended = {s["url"].rsplit("/", 1)[1]: s for s in cli.json("sources", "list")}["broken.xml"]
    assert mended["consecutive_errors"] == 0 and mended["last_error"] is None and mended["items_new"] == 1


def test_back_off_doubles_up_to_a_day():
    from datetime import datetime, timezone

    t = datetime(2024, 1, 1, tzinfo=timezone.utc)
    waits = [(next_poll_time(600, n, t) - t).total_seconds() for n in (0, 1, 2, 10, 40)]
    assert waits == [600, 1200, 2400, 86400, 86400]


def test_a_slow_source_times_out_and_private_addresses_are_refused_by_default(cli, tmp_path, site):
    site.feed("/slow.xml", rss("Slow", HARBOUR), delay=3)
    feeds = sources_file(tmp_path, site, "/slow.xml")
    proc = cli.run("watch", feeds, "--once", "--allow-private", "--timeout", "1", check_rc=1)
    assert "timed out" in proc.stderr
    refused = cli.run("watch", "--once", check_rc=1)
    assert "private or loopback" in refused.stderr and "--allow-private" in refused.stderr


def test_robots_txt_is_respected(cli, tmp_path, site):
    site.feed("/robots.txt", "User-agent: *\nDisallow: /private/\n", content_type="text/plain")
    site.feed("/private/feed.xml", rss("Private", HARBOUR))
    site.feed("/public/feed.xml", rss("Public", HARBOUR[:1]))
    proc = cli.run("watch", sources_file(tmp_path, site, "/private/feed.xml", "/public/feed.xml"), "--once",
                   "--allow-private", check_rc=1)
    assert "robots.txt" in proc.stderr and site.hits.get("/private/feed.xml") is None
    assert site.hits["/robots.txt"] == 1 and "1 new" in proc.stdout


def test_the_same_headline_from_two_publishers_is_two_articles(cli, tmp_path, site):
    same = [("x1", "Storm closes Baltic ferry routes", "Ferries between Helsinki and Tallinn stopped on Sunday.")]
    site.feed("/a.xml", rss("North Wire", same))
    site.feed("/b.xml", rss("Baltic Times", [("y1", *same[0][1:])]))
    cli.run("watch", sources_file(tmp_path, site, "/a.xml", "/b.xml"), "--once", "--allow-private", check_rc=0)
    articles = cli.json("articles", "--all")
    assert sorted(a["source"] for a in articles) == ["Baltic Times", "North Wire"]
    [group] = cli.json("duplicates")
    assert group["size"] == 2
    # The same publisher's copy is still one article.
    site.feed("/a2.xml", rss("North Wire", [("x1-again", *same[0][1:])]))
    cli.run("watch", sources_file(tmp_path, site, "/a2.xml"), "--once", "--allow-private", check_rc=0)
    assert len(cli.json("articles", "--all")) == 2


def test_sources_add_list_remove_and_an_opml_list(cli, tmp_path):
    opml = tmp_path / "subs.opml"
    opml.write_text('<?xml version="1.0"?><opml version="2.0"><head><title>mine</title></head><body>'
                    '<outline text="News"><outline type="rss" text="A" xmlUrl="https://a.example/rss"/>'
                    '<outline type="rss" text="B" xmlUrl="https://b.example/atom.xml"/></outline></body></opml>',
                    encoding="utf-8")
    assert read_source_list(str(opml)) == ["https://a.example/rss", "https://b.example/atom.xml"]
    added = cli.json("sources", "add", "--from", str(opml), "--interval", "120")
    assert [s["added"] for s in added] == [True, True]
    assert [s["interval_seconds"] for s in cli.json("sources", "list")] == [120, 120]
    proc = cli.run("sources", "remove", "https://a.example/rss", "99", check_rc=1)
    assert "removed 1" in proc.stdout and "no source '99'" in proc.stderr
    assert [s["url"] for s in cli.json("sources", "list")] == ["https://b.example/atom.xml"]
    bad = tmp_path / "bad.txt"
    bad.write_text("https://ok.example/feed\nnot a url\n", encoding="utf-8")
    proc = cli.run("sources", "add", "--from", str(bad), check_rc=1)
    assert f"{bad}:2" in proc.stderr and "not a URL" in proc.stderr
    missing = cli.run("watch", "--once", str(tmp_path / "missing.txt"), check_rc=1)
    assert "missing.txt" in missing.stderr
    proc = cli.run("sources", "add", "--interval", "5", "https://c.example/rss", check_rc=2)
    assert "--interval" in proc.stderr


def test_the_watcher_polls_on_schedule_until_stopped(tmp_path, site):
    site.feed("/live.xml", rss("Live", HARBOUR[:1]), etag='"1"')
    db = str(tmp_path / "live.db")
    with newswatch.open(db) as nw:
        nw.store.add_source(f"{site.base}/live.xml", 1)  # every second (the CLI allows 30 s at least)
    options = IngestOptions(allow_private=True, workers=1)
    polls = []
    watcher = Watcher(lambda: newswatch.open(db), Poller(options, HostGate(0.0)), on_poll=polls.append)
    thread = threading.Thread(target=watcher.run, daemon=True)
    thread.start()
    deadline = time.time() + 60
    while not polls and time.time() < deadline:
        time.sleep(0.1)
    site.feed("/live.xml", rss("Live", HARBOUR), etag='"2"')
    while sum(p.new for p in polls) < 2 and time.time() < deadline:
        time.sleep(0.1)
    watcher.stop()
    thread.join(10)
    assert not thread.is_alive()
    assert sum(p.new for p in polls) == 2 and polls[0].status == "new" and len(polls) >= 2
    with newswatch.open(db) as nw:
        assert nw.stats()["articles"] == 2


def test_a_watch_killed_mid_poll_resumes_without_losing_or_doubling(cli, tmp_path, site):
    items = [(f"k{i}", f"Council vote number {i} on the Kotka harbour budget",
              f"Councillor {name} of Kotka said on Tuesday that vote {i} on the harbour budget was close.")
             for i, name in enumerate(["Aino Kallio", "Mikael Lindqvist", "Eero Salo", "Liisa Niemi"] * 10)]
    site.feed("/council.xml", rss("Kotka Council", items))
    feeds = sources_file(tmp_path, site, "/council.xml")
    proc = subprocess.Popen([sys.executable, "-m", "newswatch", "--db", str(cli.db), "watch", feeds, "--once",
                             "--allow-private"], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    time.sleep(6)  # past the fetch, into the analysis of the entries
    proc.send_signal(signal.SIGKILL)
    proc.wait(30)
    cli.run("watch", "--once", "--allow-private", check_rc=0)
    articles = cli.json("articles", "--all", "--limit", "100")
    assert len(articles) == 40 and len({a["external_id"] for a in articles}) == 40


def test_serve_watch_polls_the_sources_while_serving(tmp_path, site):
    from .conftest import Server

    site.feed("/served.xml", rss("Served Feed", HARBOUR))
    db = tmp_path / "served.db"
    server = Server(db, extra=("--watch", sources_file(tmp_path, site, "/served.xml"), "--allow-private-sources"))
    try:
        deadline = time.time() + 90
        while time.time() < deadline and len(server.http.get("/api/articles").json()) < 2:
            time.sleep(0.5)
        assert sorted(a["title"] for a in server.http.get("/api/articles").json()) == [t for _, t, _ in
                                                                                        sorted(HARBOUR, key=lambda h: h[1])]
        [source] = server.http.get("/api/sources").json()
        assert source["last_status"] == "new" and "Served Feed" in server.http.get("/alerts").text
    finally:
        server.stop()
    children = subprocess.run(["pgrep", "-f", f"{db} watch"], capture_output=True, text=True).stdout.split()
    assert children == []  # the watcher stopped with the server


def page(headline: str, paragraphs: list[str]) -> str:
    return (f'<html><head><title>{headline}</title><meta property="og:title" content="{headline}"></head><body>'
            f"<article><h1>{headline}</h1>" + "".join(f"<p>{p}</p>" for p in paragraphs) + "</article></body></html>")


def test_fetch_articles_stores_the_full_page_once_and_keeps_the_summary_when_a_page_fails(cli, tmp_path, site):
    full = ["Pilots at the Port of Kotka walked out on Monday over pay, said union chair Aino Kallio.",
            "Ships queued outside the harbour by the evening, and the port authority called the strike unlawful.",
            "Talks are due to resume on Thursday in Helsinki, the national conciliator's office said."]
    site.feed("/story-1.html", page("Harbour pilots strike in Kotka", full), content_type="text/html")
    feed = rss("Kotka Daily", [("p1", "Harbour pilots strike in Kotka", "Pilots walked out on Monday."),
                               ("p2", "Kotka port traffic halted", "Ships queued outside Kotka.")])
    feed = feed.replace("https://news.example/p1", f"{site.base}/story-1.html")
    feed = feed.replace("https://news.example/p2", f"{site.base}/missing.html")
    site.feed("/full.xml", feed)
    feeds = sources_file(tmp_path, site, "/full.xml")
    proc = cli.run("watch", feeds, "--once", "--allow-private", "--fetch-articles", check_rc=0)
    assert "2 new" in proc.stdout and "full text not fetched (HTTP error 404" in proc.stderr
    by_id = {a["external_id"]: a for a in cli.json("articles")}
    stored = cli.json("show", by_id["p1"]["id"])
    assert "national conciliator" in stored["text"] and stored["source"] == "Kotka Daily"
    assert cli.json("show", by_id["p2"]["id"])["text"] == "Ships queued outside Kotka."
    cli.run("watch", "--once", "--allow-private", "--fetch-articles", check_rc=0)
    assert site.hits["/story-1.html"] == 1  # stored already: not fetched again


SITEMAP = """<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"
        xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">
  <url><loc>https://news.example/kotka-strike</loc>
    <news:news><news:publication><news:name>Kotka Daily</news:name><news:language>en</news:language>
    </news:publication><news:publication_date>2024-03-04T09:30:00+02:00</news:publication_date>
    <news:title>Harbour pilots strike in Kotka</news:title></news:news></url>
  <url><loc>https://news.example/oulu-snow</loc>
    <news:news><news:publication><news:name>Kotka Daily</news:name><news:language>en</news:language>
    </news:publication><news:publication_date>2024-03-04T11:00:00+02:00</news:publication_date>
    <news:title>Record snow closes Oulu schools</news:title></news:news></url>
</urlset>"""


def test_a_news_sitemap_is_a_source_of_headlines_and_an_index_is_refused_with_advice(cli, tmp_path, site):
    site.feed("/news-sitemap.xml", SITEMAP, content_type="application/xml")
    site.feed("/sitemap-index.xml", '<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/'
              'sitemap/0.9"><sitemap><loc>https://news.example/s1.xml</loc></sitemap></sitemapindex>',
              content_type="application/xml")
    proc = cli.run("watch", sources_file(tmp_path, site, "/news-sitemap.xml", "/sitemap-index.xml"), "--once",
                   "--allow-private", check_rc=1)
    assert "2 new" in proc.stdout and "sitemap index" in proc.stderr and "add the sitemaps" in proc.stderr
    articles = {a["title"]: a for a in cli.json("articles")}
    strike = articles["Harbour pilots strike in Kotka"]
    assert strike["source"] == "Kotka Daily" and strike["published"].startswith("2024-03-04T09:30")
    assert strike["url"] == "https://news.example/kotka-strike"


def test_a_moved_feed_is_followed(cli, tmp_path, site):
    site.feed("/harbour.xml", rss("Kotka Daily", HARBOUR))
    site.feed("/old.xml", "moved", status=301, location=f"{site.base}/harbour.xml")
    proc = cli.run("watch", sources_file(tmp_path, site, "/old.xml"), "--once", "--allow-private", check_rc=0)
    assert "2 new" in proc.stdout and site.hits["/harbour.xml"] == 1
