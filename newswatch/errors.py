"""Errors that newswatch reports to people.

Every error carries a short code (``E1xx`` for inputs, ``E2xx`` for the store,
``E3xx`` for usage) so that scripts can match on it and the docs can explain it,
and a message that names the thing that failed and what to do about it.
"""

from __future__ import annotations


class NewswatchError(Exception):
    """Base class: ``str(err)`` is the one line shown to the user."""

    code = "E000"


class InputError(NewswatchError):
    """One input (a file, a URL, one line of a JSONL file) could not be read.

    Input errors never stop an ingest: the input is listed as failed and the
    rest carries on.
    """

    code = "E100"

    def __init__(self, input: str, problem: str, code: str | None = None):
        self.input = input
        self.problem = problem
        if code:
            self.code = code
        super().__init__(f"{input}: {problem}")

    def as_dict(self) -> dict:
        return {"input": self.input, "error": self.problem, "code": self.code}


# Codes for input problems, kept in one place so the README can list them.
MISSING = "E101"  # path does not exist
EMPTY = "E102"  # file is empty or holds no text
BINARY = "E103"  # not text (NUL bytes, image, archive ...)
TOO_LARGE = "E104"  # over --max-bytes
BAD_JSON = "E105"  # a JSONL line that is not a JSON object
BAD_FIELD = "E106"  # a JSONL field of the wrong type or format
NO_CONTENT = "E107"  # HTML/feed entry with no extractable article text
BAD_FEED = "E108"  # malformed RSS/Atom
FETCH_FAILED = "E109"  # URL unreachable, HTTP error, timeout
FETCH_REFUSED = "E110"  # URL points to a private/loopback address
UNREADABLE = "E111"  # permission denied and other OS errors
BAD_ENCODING = "E112"  # bytes that no charset explains
ANALYSIS_FAILED = "E113"  # a pipeline step raised on this article


class StoreError(NewswatchError):
    """The database could not be opened, migrated or written."""

    code = "E200"


class NotFoundError(NewswatchError):
    """An article, entity or other object asked for by id does not exist."""

    code = "E201"


class UsageError(NewswatchError):
    """A bad option value; the CLI exits with status 2."""

    code = "E300"
