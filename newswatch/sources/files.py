"""Reading bytes safely and turning them into text.

Everything that can go wrong with a file on disk (missing, too big, empty,
binary, an unknown charset) is turned into one ``InputError`` here, so the
format readers only ever see text.
"""

from __future__ import annotations

import codecs
import stat
from pathlib import Path

from charset_normalizer import from_bytes

from .. import errors
from ..errors import InputError

# Magic numbers of formats that are certainly not articles; naming them gives
# a friendlier error than "binary file".
_MAGIC = {
    b"%PDF": "a PDF document",
    b"\x89PNG": "a PNG image",
    b"\xff\xd8\xff": "a JPEG image",
    b"GIF8": "a GIF image",
    b"PK\x03\x04": "a ZIP archive (or Office document)",
    b"\x1f\x8b": "a gzip archive; a gzip JSONL dump is read when named .jsonl.gz",
    b"SQLite format 3": "an SQLite database",
    b"\x7fELF": "an executable",
    b"PAR1": "a Parquet file: name it .parquet to read its rows as articles",
}


_PREFERRED = ("utf_8", "cp1252", "latin_1", "iso8859_15")


def regular_file_size(path: Path, origin: str | None = None) -> int:
    """The size of a file that can be read to its end; an ``InputError`` for anything else."""
    origin = origin or str(path)
    try:
        info = path.stat()
    except FileNotFoundError:
        raise InputError(origin, "no such file or directory", errors.MISSING) from None
    except OSError as exc:
        raise InputError(origin, f"cannot read: {exc.strerror}", errors.UNREADABLE) from None
    if not stat.S_ISREG(info.st_mode):
        # A FIFO would block forever and a device never ends (its size says 0).
        raise InputError(origin, f"not a regular file ({_kind(info.st_mode)}); give files, folders or URLs, or "
                         "pipe JSONL in with '-'", errors.UNREADABLE)
    return info.st_size


def read_bytes(path: Path, max_bytes: int, origin: str | None = None) -> bytes:
    origin = origin or str(path)
    size = regular_file_size(path, origin)
    if size > max_bytes:
        raise InputError(
            origin,
            f"file is {size:,} bytes, over the limit of {max_bytes:,} (raise it with --max-bytes)",
            errors.TOO_LARGE,
        )
    try:
        with path.open("rb") as handle:
            data = handle.read(max_bytes + 1)  # bounded even if the file grows while we read
    except OSError as exc:
        raise InputError(origin, f"cannot read: {exc.strerror}", errors.UNREADABLE) from None
    if len(data) > max_bytes:  # grew while we looked
        raise InputError(origin, f"file is over the limit of {max_bytes:,} bytes", errors.TOO_LARGE)
    return data


def _kind(mode: int) -> str:
    for test, name in ((stat.S_ISFIFO, "a named pipe"), (stat.S_ISCHR, "a character device"),
                       (stat.S_ISBLK, "a block device"), (stat.S_ISSOCK, "a socket")):
        if test(mode):
            return name
    return "not a file"


def decode(data: bytes, origin: str, declared: str | None = None) -> str:
    """Bytes to text: UTF-8 (with or without BOM), the declared charset, or a detected one."""
    if not data.strip():
        raise InputError(origin, "file is empty", errors.EMPTY)
    for magic, what in _MAGIC.items():
        if data.startswith(magic):
            raise InputError(origin, f"binary file ({what}), not text", errors.BINARY)
    for bom, enc in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16")):
        if data.startswith(bom):
            return data.decode(enc, errors="replace")
    if b"\x00" in data[:8192]:
        utf16 = _utf16_without_bom(data)
        if utf16 is None:
            raise InputError(origin, "binary file (contains NUL bytes), not text", errors.BINARY)
        return utf16
    try:
        return data.decode("utf-8").replace("\x00", "")  # a stray NUL further in is noise, not text
    except UnicodeDecodeError:
        pass
    mixed = _mostly_utf8(data)
    if mixed is not None:
        return mixed
    if declared:
        try:
            return data.decode(declared)
        except (LookupError, UnicodeDecodeError):
            pass
    encoding = _legacy_charset(data[:200_000])
    if encoding is None:
        raise InputError(origin, "binary file or unknown text encoding", errors.BAD_ENCODING)
    try:
        return data.decode(encoding).replace("\x00", "")
    except (LookupError, UnicodeDecodeError):
        raise InputError(origin, f"text is not valid {encoding}", errors.BAD_ENCODING) from None


def _legacy_charset(sample: bytes) -> str | None:
    matches = list(from_bytes(sample))
    if not matches:
        return None
    # Single-byte code pages often tie (cp1250 and cp1252 both read German
    # fine but differ on "è"); among equally good readings prefer the
    # Western European ones, by far the most common in news.
    top = matches[0]
    tied = [m for m in matches if (m.chaos, m.coherence) == (top.chaos, top.coherence)]
    best = min(tied, key=lambda m: _PREFERRED.index(m.encoding) if m.encoding in _PREFERRED else len(_PREFERRED))
    return best.encoding


def _utf16_without_bom(data: bytes) -> str | None:
    """UTF-16 text with no byte-order mark: mostly ASCII, so every other byte is NUL, on one side only."""
    head = data[:8192]
    even, odd = head[0::2].count(0), head[1::2].count(0)
    half = len(head) // 2
    encoding = "utf-16-le" if odd > 0.6 * half and even < 0.05 * half else \
        "utf-16-be" if even > 0.6 * half and odd < 0.05 * half else None
    if encoding is None:
        return None
    try:
        return data[:len(data) // 2 * 2].decode(encoding).replace("\x00", "")
    except UnicodeDecodeError:
        return None


def _mostly_utf8(data: bytes) -> str | None:
    """A file that is UTF-8 except for some lines in a legacy code page (files pasted together): line by line.

    Each line that is valid UTF-8 is read as such and the others in the code page
    detected for them, so neither half turns into mojibake. None when no line
    shows UTF-8 beyond plain ASCII (then the file is one legacy charset).
    """
    lines = data.split(b"\n")
    good, bad = [], []
    for i, line in enumerate(lines):
        try:
            line.decode("utf-8")
            if not line.isascii():
                good.append(i)
        except UnicodeDecodeError:
            bad.append(i)
    if not good or not bad:
        return None
    legacy = _legacy_charset(b"\n".join(lines[i] for i in bad)[:200_000]) or "cp1252"
    bad_set = set(bad)
    return "\n".join(line.decode(legacy, errors="replace") if i in bad_set else line.decode("utf-8")
                     for i, line in enumerate(lines)).replace("\x00", "")


def sniff_format(name: str, text: str) -> str:
    """Guess an input's format from its name, then from its first characters."""
    suffix = Path(name).suffix.lower()
    by_suffix = {
        ".jsonl": "jsonl", ".ndjson": "jsonl",
        ".html": "html", ".htm": "html", ".xhtml": "html",
        ".rss": "feed", ".atom": "feed",
        ".txt": "text", ".text": "text", ".md": "text",
    }
    head = text.lstrip("\ufeff \t\r\n")[:2048].lower()
    if suffix in by_suffix:
        return by_suffix[suffix]
    if head.startswith("{"):
        return "jsonl"
    if head.startswith("<?xml") or head.startswith("<rss") or head.startswith("<feed") or head.startswith("<rdf") \
            or head.startswith("<urlset") or head.startswith("<sitemapindex"):
        if "<rss" in head or "<feed" in head or "<rdf:rdf" in head or "<channel" in head:
            return "feed"
        if "<urlset" in head or "<sitemapindex" in head:
            return "sitemap"
        return "html"
    if head.startswith("<!doctype html") or head.startswith("<html") or "<body" in head:
        return "html"
    return "text"
