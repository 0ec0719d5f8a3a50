"""Archives: JSONL dumps of any size (plain or gzip) and Parquet files, read a part at a time.

A backfill of years of news comes as one large file, or as a folder of
parts. Such a file is never read whole: JSONL is read line by line, and
``--max-bytes`` bounds each line (one article) instead of the file; Parquet
is read a few hundred rows at a time, only the columns newswatch uses. So
memory stays flat whatever the archive's size, and the first articles are
analysed while the rest is still on disk.

Every record is read as a JSONL line would be (``jsonl.parse_record``): the
same fields, the same checks, one error per bad record, named by its line or
row, and the good records around it go on. An archive that breaks part-way
(a truncated gzip, a damaged row group) keeps what was read before the break
and reports the break as one more error.

>>> import gzip, tempfile, pathlib
>>> path = pathlib.Path(tempfile.mkdtemp()) / "dump.jsonl.gz"
>>> _ = path.write_bytes(gzip.compress(b'{"text": "One."}\\nnot json\\n{"text": "Two."}\\n'))
>>> [getattr(x, "text", None) or str(x) for x in read_archive(path, max_bytes=1000)]  # doctest: +ELLIPSIS
['One.', ...dump.jsonl.gz:2: invalid JSON (Expecting value at column 1)', 'Two.']
"""

from __future__ import annotations

import gzip
import zlib
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path

from .. import errors
from ..documents import RawDocument
from ..errors import InputError
from .files import _legacy_charset, regular_file_size
from .jsonl import parse_jsonl, parse_record

#: Suffixes read as archives: JSONL (read as a stream when large or compressed) and Parquet.
JSONL_SUFFIXES = (".jsonl", ".ndjson")
GZIP_SUFFIXES = tuple(s + ".gz" for s in JSONL_SUFFIXES)
PARQUET_SUFFIXES = (".parquet", ".parq")

#: Parquet rows converted to Python at a time: a few hundred articles' text in memory, never a row group's.
PARQUET_BATCH_ROWS = 256
#: The record fields newswatch reads; other columns are never loaded.
RECORD_FIELDS = ("id", "title", "text", "html", "url", "source", "published", "language", "author")

Item = RawDocument | InputError


def archive_kind(path: Path) -> str | None:
    """'jsonl', 'jsonl.gz' or 'parquet' when the file's name says it is one, else None."""
    name = path.name.lower()
    if name.endswith(GZIP_SUFFIXES):
        return "jsonl.gz"
    if name.endswith(PARQUET_SUFFIXES):
        return "parquet"
    if name.endswith(JSONL_SUFFIXES):
        return "jsonl"
    return None


def read_archive(path: Path, max_bytes: int, origin: str | None = None) -> Iterator[Item]:
    """Documents and errors from a JSONL (optionally gzip) or Parquet archive, in file order."""
    origin = origin or str(path)
    try:
        regular_file_size(path, origin)  # missing, a pipe or a device: one error, as for any file
    except InputError as exc:
        yield exc
        return
    kind = archive_kind(path)
    if kind == "parquet":
        items = read_parquet(path, max_bytes, origin)
    else:
        items = parse_jsonl(_jsonl_lines(path, max_bytes, origin, compressed=kind == "jsonl.gz"), origin)
    empty = True
    for item in items:
        empty = False
        yield item
    if empty:
        yield InputError(origin, "holds no records", errors.EMPTY)


def _jsonl_lines(path: Path, max_bytes: int, origin: str, compressed: bool) -> Iterator[str | InputError]:
    """Decoded lines, each at most ``max_bytes``; a longer line is skipped with an error naming it."""
    opener = gzip.open if compressed else open
    lineno = 0
    try:
        with opener(path, "rb") as handle:
            while True:
                line = handle.readline(max_bytes + 1)
                if not line:
                    return
                lineno += 1
                if len(line) > max_bytes and not line.endswith(b"\n"):
                    while line and not line.endswith(b"\n"):  # skip the rest of the record, a bounded read at a time
                        line = handle.readline(max_bytes + 1)
                    yield InputError(f"{origin}:{lineno}", f"line is over the limit of {max_bytes:,} bytes (raise it"
                                     " with --max-bytes)", errors.TOO_LARGE)
                    continue
                if lineno == 1 and line.startswith(b"\xef\xbb\xbf"):
                    line = line[3:]
                yield _decode_line(line)
    except (OSError, EOFError, zlib.error) as exc:
        # gzip raises BadGzipFile (an OSError) or EOFError on a damaged or cut stream.
        where = f"after line {lineno}" if lineno else "at its start"
        what = "not a readable gzip archive" if compressed else "cannot be read"
        yield InputError(origin, f"{what} {where} ({exc}); the lines before were read", errors.UNREADABLE)


def _decode_line(line: bytes) -> str:
    try:
        return line.decode("utf-8")
    except UnicodeDecodeError:
        # A line pasted in from a legacy code page: read it in that code page, not as mojibake.
        return line.decode(_legacy_charset(line) or "cp1252", errors="replace")


def read_parquet(path: Path, max_bytes: int, origin: str) -> Iterator[Item]:
    """One document (or error) per row, read ``PARQUET_BATCH_ROWS`` rows at a time."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        # pre_buffer would read ahead whole column chunks (measured: Arrow's memory grew with the file, to
        # 98 MB for a 98 MB archive); without it Arrow holds one batch (16 MB) whatever the file's size.
        parquet = pq.ParquetFile(path, pre_buffer=False)
    except (pa.ArrowException, OSError) as exc:
        yield InputError(origin, f"not a readable Parquet file ({exc})", errors.UNREADABLE)
        return
    names = parquet.schema_arrow.names
    columns = [name for name in RECORD_FIELDS if name in names]
    if "text" not in columns and "html" not in columns:
        yield InputError(origin, f"has neither a 'text' nor an 'html' column (its columns: {', '.join(names[:20])})",
                         errors.BAD_FIELD)
        return
    row = 0
    try:
        for batch in parquet.iter_batches(batch_size=PARQUET_BATCH_ROWS, columns=columns):
            for record in batch.to_pylist():
                row += 1
                where = f"{origin}:row {row}"
                try:
                    yield parse_record(_record_from_row(record, where, max_bytes), where)
                except InputError as exc:
                    yield exc
    except (pa.ArrowException, OSError) as exc:
        yield InputError(origin, f"cannot be read after row {row} ({exc}); the rows before were read",
                         errors.UNREADABLE)


def _record_from_row(row: dict, where: str, max_bytes: int) -> dict:
    """A Parquet row as a JSONL record: no nulls, timestamps as ISO 8601, each text within ``max_bytes``."""
    record = {}
    for key, value in row.items():
        if value is None:
            continue
        if key == "published" and isinstance(value, (datetime, date)):
            value = value.isoformat()
        elif isinstance(value, bytes):
            try:
                value = value.decode("utf-8")
            except UnicodeDecodeError:
                raise InputError(where, f"column '{key}' holds bytes that are not UTF-8 text", errors.BAD_ENCODING) \
                    from None
        if isinstance(value, str) and len(value) > max_bytes:
            raise InputError(where, f"'{key}' is {len(value):,} characters, over the limit of {max_bytes:,}"
                             " (raise it with --max-bytes)", errors.TOO_LARGE)
        record[key] = value
    return record
