from datetime import datetime

import pytest

from newswatch import errors
from newswatch.config import IngestOptions
from newswatch.documents import RawDocument
from newswatch.errors import InputError
from newswatch.sources import read_inputs
from newswatch.sources.files import decode, sniff_format

from .conftest import write_jsonl

ARTICLE_HTML = """<!DOCTYPE html><html><head><title>Port strike ends | Harbour News</title>
<meta property="og:site_name" content="Harbour News">
<meta property="article:published_time" content="2024-05-02T08:00:00+00:00">
<meta name="author" content="Ana Ruiz"></head>
<body><nav><a href="/">Home</a> | <a href="/world">World</a></nav>
<article><h1>Port strike ends</h1>
<p>Dock workers in Rotterdam ended a nine-day strike on Wednesday after the port authority agreed to a new wage deal.</p>
<p>“This is a fair result for everyone,” union leader Pieter de Vries said outside the port offices on Wednesday evening.</p>
</article><footer>© Harbour News. All rights reserved.</footer></body></html>"""


def docs(paths, **opts):
    return list(read_inputs([str(p) for p in paths], IngestOptions(**opts)))


def test_plain_text_first_line_is_title(tmp_path):
    f = tmp_path / "a.txt"
    f.write_text("\n\nStorm hits coast\n\nWinds reached 120 km/h.\n", encoding="utf-8")
    [doc] = docs([f])
    assert (doc.title, doc.text, doc.format) == ("Storm hits coast", "Winds reached 120 km/h.", "text")


def test_html_page_gives_text_title_author_and_date_without_navigation(tmp_path):
    f = tmp_path / "page.html"
    f.write_text(ARTICLE_HTML, encoding="utf-8")
    [doc] = docs([f])
    assert doc.title == "Port strike ends"
    assert doc.author == "Ana Ruiz"
    assert doc.source == "Harbour News"
    assert doc.published.date().isoformat() == "2024-05-02"
    assert "Dock workers in Rotterdam" in doc.text and "Pieter de Vries" in doc.text
    assert "Home" not in doc.text and "All rights reserved" not in doc.text


def test_html_without_date_metadata_keeps_date_unknown(tmp_path):
    f = tmp_path / "nodate.html"
    f.write_text(ARTICLE_HTML.replace('<meta property="article:published_time" content="2024-05-02T08:00:00+00:00">', ""),
                 encoding="utf-8")
    [doc] = docs([f])
    assert doc.published is None


def test_jsonl_fields_and_bad_lines_named_by_number(tmp_path):
    f = write_jsonl(tmp_path / "d.jsonl", [
        {"id": "x1", "title": "T", "text": "Body one.", "published": "2021-06-01T10:00:00Z", "source": "S", "language": "en"},
        {"id": 7, "html": ARTICLE_HTML},
        {"id": "x3", "title": "no text"},
        {"id": "x4", "text": "ok", "published": "last Tuesday"},
    ])
    with open(f, "a", encoding="utf-8") as fh:
        fh.write("{not json\n")
    items = docs([f])
    good = [i for i in items if isinstance(i, RawDocument)]
    bad = [i for i in items if isinstance(i, InputError)]
    assert [d.external_id for d in good] == ["x1", "7"]
    assert good[0].published == datetime.fromisoformat("2021-06-01T10:00:00+00:00")
    assert good[1].title == "Port strike ends"  # from the HTML when the record has none
    assert [e.input for e in bad] == [f"{f}:3", f"{f}:4", f"{f}:5"]
    assert "'text' or 'html'" in bad[0].problem and "ISO 8601" in bad[1].problem and "invalid JSON" in bad[2].problem


RSS = """<?xml version="1.0"?><rss version="2.0"><channel><title>Wire</title><link>https://w.example/</link>
<item><title>First</title><link>https://w.example/1</link><guid>g1</guid><pubDate>Tue, 04 Nov 2025 14:00:00 +0000</pubDate>
<description>&lt;p&gt;First paragraph.&lt;/p&gt;&lt;p&gt;Second paragraph.&lt;/p&gt;</description></item>
<item><title>Second</title><link>https://w.example/2</link><description>Only text.</description></item>
</channel></rss>"""


def test_rss_feed_gives_one_article_per_entry(tmp_path):
    f = tmp_path / "feed.xml"
    f.write_text(RSS, encoding="utf-8")
    first, second = docs([f])
    assert (first.title, first.source, first.external_id) == ("First", "Wire", "g1")
    assert first.text == "First paragraph.\n\nSecond paragraph."
    assert first.published.isoformat() == "2025-11-04T14:00:00+00:00"
    assert second.published is None and second.external_id == "https://w.example/2"


@pytest.mark.parametrize("content,code,words", [
    (b"", errors.EMPTY, "empty"),
    (b"\x89PNG\r\n\x1a\n\x00\x00", errors.BINARY, "PNG"),
    (b"abc\x00\x01\x02def" * 50, errors.BINARY, "binary"),
])
def test_bad_files_give_one_clear_error(tmp_path, content, code, words):
    f = tmp_path / "bad.txt"
    f.write_bytes(content)
    [err] = docs([f])
    assert isinstance(err, InputError) and err.code == code and words in str(err) and str(f) in str(err)


def test_malformed_feed_is_reported(tmp_path):
    f = tmp_path / "broken.rss"
    f.write_text("<rss><channel><title>x</title><item><title>unclosed", encoding="utf-8")
    [err] = docs([f])
    assert isinstance(err, InputError) and err.code in (errors.BAD_FEED, errors.EMPTY)


def test_file_over_size_limit_and_missing_path(tmp_path):
    big = tmp_path / "big.txt"
    big.write_text("Title\n\n" + "word " * 1000, encoding="utf-8")
    [err] = docs([big], max_bytes=100)
    assert err.code == errors.TOO_LARGE and "--max-bytes" in err.problem
    [err] = docs([tmp_path / "nope.txt"])
    assert err.code == errors.MISSING


def test_non_utf8_text_is_decoded_by_detecting_the_charset(tmp_path):
    text = "Zürich und Genève: Überschwemmungen\n\nDie Behörden in Zürich meldeten am Montag große Schäden nach dem Hochwasser. " * 3
    f = tmp_path / "latin.txt"
    f.write_bytes(text.encode("cp1252"))
    [doc] = docs([f])
    assert doc.title.startswith("Zürich und Genève")


def test_directory_is_walked_recursively_skipping_hidden_files(tmp_path):
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "a.txt").write_text("A\n\nalpha text", encoding="utf-8")
    (tmp_path / "b.txt").write_text("B\n\nbeta text", encoding="utf-8")
    (tmp_path / ".hidden.txt").write_text("H\n\nhidden", encoding="utf-8")
    assert sorted(d.title for d in docs([tmp_path])) == ["A", "B"]


def test_sniffing_without_a_telling_suffix():
    assert sniff_format("x", '{"text": "a"}') == "jsonl"
    assert sniff_format("x", "<?xml version='1.0'?><rss><channel>") == "feed"
    assert sniff_format("x", "<!DOCTYPE html><html>") == "html"
    assert sniff_format("x", "Just a title\n\nbody") == "text"


def test_decode_keeps_utf8_bom_out():
    assert decode("\ufeffTitle".encode("utf-8"), "x") == "Title"


@pytest.mark.parametrize("title, site, host, want", [
    ("Takeaways from the fraud trial | CNN Politics", "CNN", "edition.cnn.com", "Takeaways from the fraud trial"),
    ("New court files expose a spy operation -- Sott.net", "Sott.net", None, "New court files expose a spy operation"),
    ("Anticorrupción recurre la imputación » Local » Noticias » Ultima Hora Mallorca", None, "www.ultimahora.es",
     "Anticorrupción recurre la imputación"),
    ("LinkNaija | Nigeria's news platform: Actress looks stunning", "LinkNaija | Nigeria's news platform", None,
     "Actress looks stunning"),
    ("Budget vote - live updates - Kotka Daily", "Kotka Daily", None, "Budget vote - live updates"),
    ("Rain expected in Oulu - weather", "Kotka Daily", None, "Rain expected in Oulu - weather"),
])
def test_a_page_title_loses_the_site_name_and_keeps_the_headline(tmp_path, title, site, host, want):
    meta = f'<meta property="og:site_name" content="{site}">' if site else ""
    canonical = f'<link rel="canonical" href="https://{host}/a/1.html">' if host else ""
    page = tmp_path / "page.html"
    page.write_text(f'<html><head><title>{title}</title><meta property="og:title" content="{title}">{meta}'
                    f"{canonical}</head><body><article>"
                    "<p>Harbour pilots in Kotka ended their strike on Wednesday after a pay deal was agreed with the "
                    "port, the union chair Aino Kallio told reporters outside the harbour office.</p></article>"
                    "</body></html>", encoding="utf-8")
    [doc] = docs([page])
    assert doc.title == want


@pytest.mark.parametrize("body, kind", [
    ("<h1>Modification de page en cours</h1><p>Merci de revenir dans quelques instants.</p>", "maintenance notice"),
    ("<h1>Page not found</h1><p>The page you are looking for could not be found.</p>", "error page"),
    ("<p>Please enable JavaScript to view this site.</p>", "access wall"),
])
def test_a_maintenance_or_error_page_is_refused_with_its_reason(tmp_path, body, kind):
    page = tmp_path / "notice.html"
    page.write_text(f"<html><head><title>Le Site</title></head><body><main>{body}</main></body></html>",
                    encoding="utf-8")
    [err] = docs([page])
    assert isinstance(err, InputError) and err.code == errors.NO_CONTENT
    assert kind in err.problem and str(page) in str(err)
