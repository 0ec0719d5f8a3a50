"""URL ingest against a real HTTP server on loopback."""

import http.server
import socket
import threading
import time

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
        if self.path == "/drip":  # a byte every half second, for far longer than any timeout
            self.send_response(200)
            self.send_header("Content-Type", "text/plain")
            self.end_headers()
            try:
                for _ in range(40):
                    self.wfile.write(b"x")
                    self.wfile.flush()
                    time.sleep(0.5)
            except OSError:
                pass
            return
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


def test_the_timeout_bounds_the_whole_download_not_each_read(server):
    started = time.monotonic()
    [err] = fetch(server + "/drip", allow_private=True, fetch_timeout=1.5)
    assert time.monotonic() - started < 4
    assert err.code == errors.FETCH_FAILED and "timed out after 1.5 s" in err.problem


def test_the_connection_goes_to_the_address_that_was_checked(monkeypatch):
    # DNS rebinding: the name first resolves to a public address, then to loopback.
    answers = iter(["93.184.215.14", "127.0.0.1"])
    dialed = []

    def resolve(host, port, *args, **kwargs):
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (next(answers), port))]

    def connect(address, *args, **kwargs):
        dialed.append(address[0])
        raise ConnectionRefusedError("refused (test)")

    monkeypatch.setattr(socket, "getaddrinfo", resolve)
    monkeypatch.setattr(socket, "create_connection", connect)
    [err] = fetch("http://rebind.example/page")
    assert dialed == ["93.184.215.14"] and err.code == errors.FETCH_FAILED


def test_malformed_urls_and_other_schemes_are_named():
    [err] = fetch("https://[::1")
    assert err.code == errors.FETCH_FAILED and "Invalid IPv6 URL" in err.problem
    [err] = fetch("http://example.com:99999/")
    assert "Port out of range" in err.problem
    for url, scheme in [("file:///etc/passwd", "'file'"), ("ftp://example.com/x", "'ftp'")]:
        [err] = fetch(url)
        assert err.code == errors.FETCH_REFUSED and scheme in err.problem and err.input == url
    [err] = fetch("HTTP://127.0.0.1/")
    assert err.code == errors.FETCH_REFUSED and "--allow-private" in err.problem
