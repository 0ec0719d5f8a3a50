"""Hostile and broken input: each bad record fails alone, named, with a code; the good one beside it is stored.

The corpus is generated here (nothing binary is committed). Every case was
seen to abort a whole ingest or to hang it before the guards it tests existed.
"""

import json
import re
import time

import pytest

from newswatch.analysis import Pipeline
from newswatch.analysis.budget import AnalysisTimeout, time_budget
from newswatch.analysis.quotes import extract_quotes
from newswatch.config import IngestOptions
from newswatch.documents import Article, RawDocument

GOOD = {"id": "good", "title": "Springfield opens its new bridge",
        "text": "The mayor of Springfield opened a new bridge over the river on Monday, officials said.",
        "published": "2024-03-04"}

#: file name -> one JSONL line that must fail alone, and a word its error line must contain.
BAD_LINES = {
    "far_future.jsonl": ('{"id": "a", "text": "x y", "published": "9999-12-31"}', "9999-12-31"),
    "year_one.jsonl": ('{"id": "b", "text": "x y z", "published": "0001-01-01"}', "0001-01-01"),
    "zoned_end.jsonl": ('{"id": "c", "text": "x y z", "published": "9999-12-31T23:00:00-05:00"}', "published"),
    "surrogate_title.jsonl": ('{"id": "d", "title": "bad \\udfff", "text": "some text here"}', "surrogate"),
    "surrogate_id.jsonl": ('{"id": "e\\udfff", "text": "some text here"}', "'id'"),
    "surrogate_source.jsonl": ('{"id": "f", "source": "s\\udfff", "text": "some text here"}', "'source'"),
    "nested_arrays.jsonl": ("[" * 100_000 + "]" * 100_000, "nested"),
    "nested_objects.jsonl": ('{"a":' * 100_000 + "1" + "}" * 100_000, "nested"),
    "huge_integer.jsonl": ('{"id": ' + "9" * 5000 + ', "text": "some text"}', "digits"),
    "ipv6_url.jsonl": ('{"id": "g", "url": "https://[::1", "text": "some text here"}', "url"),
    "port_url.jsonl": ('{"id": "h", "url": "http://example.com:99999/", "text": "some text here"}', "url"),
}

#: Texts that once ran for minutes (quadratic tokenizing or regex backtracking); now they are stored.
SLOW_TEXTS = {
    "quote_marks": '"' * 100_000,
    "unclosed_quote": "He said “" + " ".join(["word"] * 100_000),
    "mixed_marks": "“\"”«»„" * 16_000,
    "no_sentence_end": "x " * 40_000,
    # thousands of short quotes and reported sentences, each a candidate for the clause parse
    "many_quotes": "Anna Berg said the “big plan” was not ready. The council noted the “new road” would cost more. "
                   * 2000,
    "huge": "Pilots went on strike in Kotka. " * 160_000,  # 5 MB, over the model's own length limit
}


def test_each_bad_record_fails_alone_with_a_coded_line_and_the_good_one_is_stored(cli, tmp_path):
    good = tmp_path / "good.jsonl"
    good.write_text(json.dumps(GOOD) + "\n", encoding="utf-8")
    paths = []
    for name, (line, _) in BAD_LINES.items():
        (tmp_path / name).write_text(line + "\n", encoding="utf-8")
        paths.append(tmp_path / name)
    proc = cli.run("ingest", good, *paths)
    assert proc.returncode == 1, proc.stderr
    assert proc.stdout.startswith("1 new"), proc.stdout
    lines = [line.strip() for line in proc.stderr.splitlines() if line.strip()]
    assert len(lines) == len(BAD_LINES), lines
    for name, (_, word) in BAD_LINES.items():
        [line] = [x for x in lines if f"{name}:1:" in x]
        assert re.match(r"failed \[E1\d\d\]: ", line) and word in line, line
    assert [a["external_id"] for a in cli.json("articles")] == ["good"]


def test_inputs_that_once_hung_are_analysed_in_bounded_time(cli, tmp_path):
    records = [GOOD] + [{"id": name, "text": text} for name, text in SLOW_TEXTS.items()]
    path = tmp_path / "slow.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    started = time.monotonic()
    report = cli.json("ingest", path)
    assert time.monotonic() - started < 120
    assert report["failed"] == [] and report["ingested"] == len(records)


@pytest.mark.parametrize("name", ["quote_marks", "unclosed_quote", "mixed_marks", "no_sentence_end", "many_quotes"])
def test_quote_extraction_is_linear_on_pathological_text(name):
    article = Article(RawDocument(origin=name, format="text", text=SLOW_TEXTS[name]))
    article.text = article.raw.text
    started = time.monotonic()
    extract_quotes(article)
    assert time.monotonic() - started < 5


def test_a_step_over_its_time_budget_fails_that_article_alone():
    import newswatch.analysis as analysis

    @analysis.register("test_slow_on_marker")
    def _factory(options):
        def slow(article):
            if "SLOW" in article.text:
                time.sleep(5)
            return article
        return slow

    try:
        pipeline = Pipeline(["clean", "test_slow_on_marker"], IngestOptions(analysis_timeout=0.3))
        docs = [Article(RawDocument(origin=o, format="text", text=t)) for o, t in
                [("a", "A calm report."), ("b", "A SLOW report."), ("c", "Another calm report.")]]
        started = time.monotonic()
        out = list(pipeline.pipe(docs))
        assert time.monotonic() - started < 3
        assert [a.error is None for a in out] == [True, False, True]
        assert "longer than 0.3 s" in out[1].error
    finally:
        analysis._REGISTRY.pop("test_slow_on_marker")


def test_time_budget_is_released_after_the_step():
    with time_budget(0.2, "quick"):
        pass
    time.sleep(0.4)  # an alarm left armed would fire here
    with pytest.raises(AnalysisTimeout):
        with time_budget(0.1, "slow"):
            time.sleep(1)


def test_a_fifo_or_a_device_is_refused_instead_of_blocking(cli, tmp_path):
    import os

    good = tmp_path / "good.jsonl"
    good.write_text(json.dumps(GOOD) + "\n", encoding="utf-8")
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    proc = cli.run("ingest", good, fifo, "/dev/zero")
    assert proc.returncode == 1 and proc.stdout.startswith("1 new")
    assert "named pipe" in proc.stderr and "/dev/zero: not a regular file (a character device)" in proc.stderr


LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE rss [
<!ENTITY lol "lol">
<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
]>
<rss version="2.0"><channel><title>Laughs</title>
<item><title>&lol3;</title><description>&lol3;</description></item>
</channel></rss>
"""


def test_degraded_inputs_are_read_right_or_refused_once(cli, tmp_path):
    german = "Die Bürgermeisterin eröffnete am Montag die neue Brücke über den Fluss in Görlitz.\n" * 3
    (tmp_path / "utf16.txt").write_bytes(("Brücke in Görlitz eröffnet\n\n" + german).encode("utf-16-le"))
    (tmp_path / "nul.txt").write_bytes(b"Harbour reopens\n\n" + b"The harbour of Kotka reopened. " * 400
                                       + b"\x00Ships returned on Tuesday.\n")
    (tmp_path / "mixed.txt").write_bytes("Café owners in Zürich protest\n\n".encode("utf-8")
                                         + "Les propriétaires de crème brûlée à Besançon ont protesté.\n"
                                         .encode("cp1252"))
    (tmp_path / "laughs.rss").write_text(LAUGHS, encoding="utf-8")
    proc = cli.run("ingest", *(tmp_path / n for n in ("utf16.txt", "nul.txt", "mixed.txt", "laughs.rss")))
    assert proc.returncode == 1 and proc.stdout.startswith("3 new"), proc.stdout + proc.stderr
    assert [line.strip() for line in proc.stderr.splitlines()] == [
        f"failed [E108]: {tmp_path / 'laughs.rss'}: feed declares its own XML entities (<!ENTITY ...>), "
        "which can expand without bound; refused"]
    texts = {a["title"]: cli.json("show", str(a["id"]))["text"] for a in cli.json("articles")}
    assert "Görlitz" in texts["Brücke in Görlitz eröffnet"]
    assert "\x00" not in texts["Harbour reopens"] and "Ships returned" in texts["Harbour reopens"]
    assert "crème brûlée à Besançon" in texts["Café owners in Zürich protest"]


def test_binary_on_standard_input_is_one_error_not_one_per_line(cli):
    proc = cli.run("ingest", "-", input="\x7fELF\x02\x01\x00\x00garbage\n" * 50)
    assert proc.returncode == 1
    assert [line.strip() for line in proc.stderr.splitlines()] == [
        "failed [E103]: <stdin>: binary data (a NUL byte on line 1), not JSONL; stopped reading"]
    proc = cli.run("ingest", "-", input="hello\nworld\n" * 10)
    assert [line.strip() for line in proc.stderr.splitlines()] == [
        "failed [E105]: <stdin>: not JSONL (none of its first 5 lines is JSON); stopped reading"]


def test_help_answers_without_loading_extraction_or_models():
    """`newswatch --help` is read by people at a prompt: it must not wait for trafilatura, numpy or spaCy."""
    import subprocess
    import sys

    probe = ("import sys\nfrom click.testing import CliRunner\nfrom newswatch.cli import cli\n"
             "result = CliRunner().invoke(cli, ['--help'])\nassert result.exit_code == 0, result.output\n"
             "print(','.join(m for m in ('trafilatura', 'numpy', 'spacy', 'lxml') if m in sys.modules))")
    loaded = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout.strip()
    assert loaded == ""
