"""URL ingest against a real HTTP server on loopback."""

import http.server
import threading

import pytest

from newswatch import errors
from newswatch.config import IngestOptions
from newswatch.documents import RawDocument
from newswatch.sources import read_inputs

from .test_sources import ARTICLE_HTML, RSS


class Handler(http.server.BaseHTTPRequestHandler):
    routes = {
        "/article": ("text/html; charset=utf-8", ARTICLE_HTML.encode()),
        "/feed": ("application/rss+xml", RSS.encode()),
        "/big": ("text/plain", b"x" * 5000),
    }

    def do_GET(self):
        if self.path == "/redirect":
            self.send_response(302)
            self.send_header("Location", "/article")
            self.end_headers()
            return
        route = self.routes.get(self.path)
        if route is None:
            self.send_error(404)
            return
        ctype, body = route
        self.send_response(200)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def server():
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


def fetch(url, **opts):
    return list(read_inputs([url], IngestOptions(**{"fetch_timeout": 5, **opts})))


def test_loopback_urls_are_refused_by_default(server):
    [err] = fetch(server + "/article")
    assert err.code == errors.FETCH_REFUSED and "--allow-private" in err.problem


def test_html_page_and_feed_fetched_when_allowed(server):
    [doc] = fetch(server + "/article", allow_private=True)
    assert isinstance(doc, RawDocument) and doc.title == "Port strike ends" and doc.url.endswith("/article")
    items = fetch(server + "/feed", allow_private=True)
    assert [d.title for d in items] == ["First", "Second"]


def test_redirects_are_followed(server):
    [doc] = fetch(server + "/redirect", allow_private=True)
    assert doc.title == "Port strike ends"


def test_size_limit_http_errors_and_unreachable_hosts(server):
    [err] = fetch(server + "/big", allow_private=True, max_bytes=1000)
    assert err.code == errors.TOO_LARGE
    [err] = fetch(server + "/missing", allow_private=True)
    assert err.code == errors.FETCH_FAILED and "404" in err.problem
    [err] = fetch("http://127.0.0.1:9/closed", allow_private=True)
    assert err.code == errors.FETCH_FAILED


def test_non_http_schemes_are_refused():
    [err] = fetch("https://")
    assert err.code == errors.FETCH_REFUSED
