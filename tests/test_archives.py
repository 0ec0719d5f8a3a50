"""Archives: large JSONL (plain or gzip) and Parquet dumps, read a part at a time, one error per bad record."""

import gzip
import json
from datetime import datetime, timezone

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from newswatch import errors
from newswatch.api import Newswatch
from newswatch.config import IngestOptions
from newswatch.documents import RawDocument
from newswatch.errors import InputError
from newswatch.sources import read_inputs
from newswatch.store import open_store

from .conftest import write_jsonl


def records(n):
    return [{"id": f"a{i}", "title": f"Harbour report {i}", "source": "Harbour News",
             "text": f"Dock workers in port number {i} voted on a new wage deal on Wednesday, the union said.",
             "published": f"2024-05-{1 + i % 28:02d}T08:00:00Z"} for i in range(n)]


def read(paths, **opts):
    return list(read_inputs([str(p) for p in paths], IngestOptions(**opts)))


def test_a_jsonl_dump_over_the_size_limit_is_read_line_by_line(tmp_path):
    dump = write_jsonl(tmp_path / "dump.jsonl", records(40))
    assert dump.stat().st_size > 2_000
    items = read([dump], max_bytes=2_000)  # the limit is now one article's, not the file's
    assert [d.external_id for d in items] == [f"a{i}" for i in range(40)]


def test_a_line_over_the_limit_fails_alone_and_the_next_lines_are_read(tmp_path):
    rows = records(3)
    rows[1]["text"] = "word " * 2_000
    dump = write_jsonl(tmp_path / "dump.jsonl", rows)
    first, too_long, last = read([dump], max_bytes=1_000)
    assert (first.external_id, last.external_id) == ("a0", "a2")
    assert isinstance(too_long, InputError) and too_long.code == errors.TOO_LARGE
    assert too_long.input.endswith("dump.jsonl:2") and "--max-bytes" in too_long.problem


def test_a_gzip_dump_is_read_and_a_cut_one_keeps_what_came_before(tmp_path):
    body = "".join(json.dumps(r) + "\n" for r in records(200)).encode()
    whole = tmp_path / "whole.jsonl.gz"
    whole.write_bytes(gzip.compress(body))
    assert len(read([whole])) == 200
    cut = tmp_path / "cut.jsonl.gz"
    cut.write_bytes(gzip.compress(body)[:-40])
    items = read([cut])
    good = [x for x in items if isinstance(x, RawDocument)]
    [error] = [x for x in items if isinstance(x, InputError)]
    assert 100 < len(good) < 200 and [d.external_id for d in good] == [f"a{i}" for i in range(len(good))]
    assert "cut.jsonl.gz" in str(error) and "lines before were read" in error.problem


def test_a_folder_of_parts_reads_gzip_parts_and_still_skips_other_archives(tmp_path):
    (tmp_path / "part-1.jsonl.gz").write_bytes(gzip.compress(
        "".join(json.dumps(r) + "\n" for r in records(2)).encode()))
    (tmp_path / "backup.tar.gz").write_bytes(gzip.compress(b"not news"))
    assert [d.external_id for d in read([tmp_path])] == ["a0", "a1"]


def write_parquet(path, rows, **kwargs):
    pq.write_table(pa.Table.from_pylist(rows), path, **kwargs)
    return path


def test_parquet_rows_are_articles_with_typed_dates_and_extra_columns_ignored(tmp_path):
    rows = records(600)
    for i, row in enumerate(rows):
        row["published"] = datetime(2024, 5, 1 + i % 28, 8, tzinfo=timezone.utc)
        row["shares"] = i  # a column newswatch does not use
    path = write_parquet(tmp_path / "archive.parquet", rows, row_group_size=100)
    items = read([path])
    assert [d.external_id for d in items] == [f"a{i}" for i in range(600)]
    assert items[29].published == datetime(2024, 5, 2, 8, tzinfo=timezone.utc)
    assert items[0].source == "Harbour News" and items[0].title == "Harbour report 0"


def test_a_bad_parquet_row_fails_alone_named_by_its_row(tmp_path):
    rows = records(3)
    rows[1]["text"], rows[1]["published"] = None, "last Tuesday"
    rows[2]["published"] = None
    path = write_parquet(tmp_path / "archive.parquet", rows)
    first, bad, last = read([path])
    assert first.external_id == "a0" and last.external_id == "a2" and last.published is None
    assert bad.input.endswith("archive.parquet:row 2") and bad.code == errors.BAD_FIELD


def test_parquet_without_text_or_damaged_gives_one_line(tmp_path):
    path = write_parquet(tmp_path / "wrong.parquet", [{"headline": "x", "body": "y"}])
    [error] = read([path])
    assert error.code == errors.BAD_FIELD and "'text'" in error.problem and "headline, body" in error.problem
    damaged = tmp_path / "damaged.parquet"
    damaged.write_bytes(write_parquet(tmp_path / "ok.parquet", records(5)).read_bytes()[:200])
    [error] = read([damaged])
    assert error.code == errors.UNREADABLE and "Parquet" in error.problem
    renamed = tmp_path / "archive.bin"
    renamed.write_bytes((tmp_path / "ok.parquet").read_bytes())
    [error] = read([renamed])
    assert error.code == errors.BINARY and ".parquet" in error.problem


@pytest.mark.parametrize("name", ["archive.parquet", "archive.jsonl.gz"])
def test_an_archive_ingests_like_the_same_records_as_jsonl(tmp_path, name):
    rows = records(30)
    path = tmp_path / name
    if name.endswith(".parquet"):
        write_parquet(path, rows, row_group_size=7)
    else:
        path.write_bytes(gzip.compress("".join(json.dumps(r) + "\n" for r in rows).encode()))
    reference = Newswatch(open_store(str(tmp_path / "reference.db")))
    reference.ingest([str(write_jsonl(tmp_path / "same.jsonl", rows))])
    corpus = Newswatch(open_store(str(tmp_path / "archive.db")))
    report = corpus.ingest([str(path)])
    assert report.ingested == 30 and not report.failed
    summary = [(a["external_id"], a["title"], a["published"]) for a in corpus.articles(limit=100)]
    assert summary == [(a["external_id"], a["title"], a["published"]) for a in reference.articles(limit=100)]
