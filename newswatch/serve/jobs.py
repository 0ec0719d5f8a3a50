"""Upload jobs, kept in the database: any server process can answer for any job.

The server may run several processes; an upload is ingested by the one that
received it, while the browser polling its progress may reach another. So a
job lives in the ``ingest_jobs`` table, written by its process at each step
(queued, each stored batch, done or failed) and read by all.
"""

from __future__ import annotations

import json
import os
import threading
from dataclasses import dataclass, field
from datetime import datetime, timezone

MAX_JOBS_KEPT = 200


@dataclass
class IngestJob:
    """One upload: what was sent, how far the ingest is, what failed."""

    id: str
    inputs: list[str]
    status: str = "queued"  # queued -> running -> done | failed
    ingested: int = 0
    duplicates: int = 0
    failed: list[dict] = field(default_factory=list)
    new_ids: list[int] = field(default_factory=list)
    error: str | None = None
    created: str = field(default_factory=lambda: datetime.now(timezone.utc).isoformat(timespec="seconds"))
    finished: str | None = None

    def as_dict(self) -> dict:
        return {"id": self.id, "status": self.status, "inputs": self.inputs, "ingested": self.ingested,
                "duplicates": self.duplicates, "failed": self.failed, "new_ids": self.new_ids,
                "error": self.error, "created": self.created, "finished": self.finished}


def stopped_message(job: IngestJob) -> str:
    """What a job cut short by a stop (or a crash) tells its user."""
    return (f"the server was stopped after {job.ingested} articles of this upload were stored; "
            "send it again to finish (what is already stored is recognised and skipped)")


class JobBook:
    """The ``ingest_jobs`` table, shared by the server's processes.

    >>> import tempfile, os
    >>> from newswatch import api
    >>> path = os.path.join(tempfile.mkdtemp(), "j.db"); api.open(path).close()
    >>> book = JobBook(path)
    >>> book.save(IngestJob(id="0123456789ab", inputs=["a.txt"]))
    >>> book.get("0123456789ab").status, book.get("ffffffffffff")
    ('queued', None)
    """

    def __init__(self, path: str):
        from ..store import connect

        self._conn = connect(path)
        self._lock = threading.Lock()
        if path == ":memory:":  # a private database of this connection (tests, doctests): give it the table
            from importlib import resources

            self._conn.executescript(resources.files("newswatch.store.migrations")
                                     .joinpath("0006_ingest_jobs.sql").read_text("utf-8"))

    def save(self, job: IngestJob) -> None:
        with self._lock, self._conn:
            self._conn.execute("INSERT INTO ingest_jobs (id, status, owner_pid, job) VALUES (?, ?, ?, ?)"
                               " ON CONFLICT (id) DO UPDATE SET status = excluded.status, job = excluded.job",
                               (job.id, job.status, os.getpid(), json.dumps(job.as_dict(), ensure_ascii=False)))
            self._conn.execute("DELETE FROM ingest_jobs WHERE rowid <= (SELECT max(rowid) FROM ingest_jobs) - ?",
                               (MAX_JOBS_KEPT,))

    def get(self, job_id: str) -> IngestJob | None:
        with self._lock:
            row = self._conn.execute("SELECT job FROM ingest_jobs WHERE id = ?", (job_id,)).fetchone()
        return IngestJob(**json.loads(row[0])) if row else None

    def fail_orphans(self) -> int:
        """Jobs left queued or running by a server process that no longer exists are marked failed."""
        with self._lock:
            rows = self._conn.execute("SELECT job, owner_pid FROM ingest_jobs WHERE status IN ('queued', 'running')"
                                      ).fetchall()
        orphans = [IngestJob(**json.loads(job)) for job, pid in rows if not _alive(pid)]
        for job in orphans:
            job.status = "failed"
            job.error = stopped_message(job)
            self.save(job)
        return len(orphans)

    def close(self) -> None:
        self._conn.close()


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:  # a killed process nobody has reaped yet still answers to kill(pid, 0)
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as fh:
            return fh.read().rsplit(")", 1)[1].split()[0] not in ("Z", "X")
    except OSError:
        return True
