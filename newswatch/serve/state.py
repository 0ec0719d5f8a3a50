"""What the server holds between requests: read connections, the embedding index, ingest jobs.

Requests are answered from worker threads, each with its own read-only
connection (SQLite connections are cheap to keep and must not be shared
mid-query). Writes happen in one place only: a single ingest thread with the
one writable connection, so uploads queue behind each other instead of
fighting over the database lock.
"""

from __future__ import annotations

import logging
import secrets
import shutil
import tempfile
import threading
import time
import uuid
from collections import deque
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from .. import api
from ..config import IngestOptions, ServeOptions
from ..errors import InputError
from ..store import is_postgres
from ..store.search import ChangeProbe, EmbeddingIndex
from .jobs import IngestJob, JobBook, stopped_message

log = logging.getLogger("newswatch.serve")


class ServerStopping(Exception):
    """Raised inside an ingest job, between two stored batches, when the server is shutting down."""


class TooManyAttempts(Exception):
    """Too many wrong ingest tokens from one client in a minute."""

    def __init__(self, retry_after: int):
        super().__init__(f"too many wrong ingest tokens; try again in {retry_after} s")
        self.retry_after = max(1, retry_after)



@dataclass
class Upload:
    """What one upload asks for: saved files (with the names the user gave them), URLs and pasted texts."""

    files: list[tuple[str, bytes]] = field(default_factory=list)
    urls: list[str] = field(default_factory=list)
    texts: list[dict] = field(default_factory=list)

    @property
    def labels(self) -> list[str]:
        return [n for n, _ in self.files] + self.urls + [t.get("title") or f"pasted text {i}"
                                                        for i, t in enumerate(self.texts, 1)]

    def __bool__(self) -> bool:
        return bool(self.files or self.urls or self.texts)


class ServerState:
    def __init__(self, db_path: str, options: ServeOptions):
        self.db_path = db_path
        self.options = options
        # Create and migrate the database once, so that read-only connections
        # (and the empty-state pages) work on a fresh path too.
        api.open(db_path).close()
        self._local = threading.local()
        self._readers: list[api.Newswatch] = []
        self._readers_lock = threading.Lock()
        self.index = EmbeddingIndex(db_path)
        # Figures that every page shows (counts, sources, languages) cost full scans at 100k
        # articles; they are kept until another connection commits (PRAGMA data_version).
        self._probe = ChangeProbe(db_path)
        self._cache: dict[str, object] = {}
        self._cache_lock = threading.Lock()
        self.jobs = JobBook(db_path)
        self.jobs.fail_orphans()
        self._wrong_tokens: dict[str, deque] = {}
        self._attempts_lock = threading.Lock()
        self._stopping = threading.Event()
        self._queued: list[IngestJob] = []
        self._writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="newswatch-ingest") \
            if options.ingest_token else None

    @property
    def uploads_enabled(self) -> bool:
        return self._writer is not None

    def token_ok(self, given: str | None, client: str = "") -> bool:
        """Whether ``given`` is the ingest token (compared in constant time).

        A client that gave too many wrong tokens in the last minute is refused
        with :class:`TooManyAttempts` before its token is even compared, so the
        token cannot be guessed at the speed of the network.
        """
        expected = self.options.ingest_token
        with self._attempts_lock:
            now = time.monotonic()
            recent = self._wrong_tokens.setdefault(client, deque())
            while recent and now - recent[0] > 60:
                recent.popleft()
            if len(recent) >= self.options.token_attempts_per_minute:
                raise TooManyAttempts(int(61 - (now - recent[0])))
            ok = bool(expected and given) and secrets.compare_digest(given.encode(), expected.encode())
            if not ok and given:
                recent.append(now)
            elif not recent:
                del self._wrong_tokens[client]
            if len(self._wrong_tokens) > 10_000:  # bounded memory under a spray of addresses
                self._wrong_tokens.pop(next(iter(self._wrong_tokens)))
            return ok

    def cached(self, key: str, compute):
        """``compute()``, remembered until the database changes."""
        with self._cache_lock:
            if self._probe.changed():
                self._cache.clear()
            if key not in self._cache:
                self._cache[key] = compute()
            return self._cache[key]

    def reader(self) -> api.Newswatch:
        """This thread's read-only corpus."""
        nw = getattr(self._local, "nw", None)
        if nw is None:
            nw = api.open(self.db_path, readonly=True)
            if not is_postgres(self.db_path):
                # Up to one connection per server thread: a modest page cache each (reads go through mmap).
                nw.store.conn.execute("PRAGMA cache_size = -16384")
            nw.embedding_index = self.index
            self._local.nw = nw
            with self._readers_lock:
                self._readers.append(nw)
        return nw

    # -- uploads ------------------------------------------------------------

    def submit(self, upload: Upload) -> IngestJob:
        if self._writer is None:
            raise RuntimeError("uploads are disabled: the server was started without an ingest token")
        job = IngestJob(id=uuid.uuid4().hex[:12], inputs=upload.labels)
        self.jobs.save(job)
        self._queued.append(job)
        self._writer.submit(self._run, job, upload)
        return job

    def job(self, job_id: str) -> IngestJob | None:
        """An upload job of any of the server's processes."""
        return self.jobs.get(job_id)

    def _run(self, job: IngestJob, upload: Upload) -> None:
        self._queued.remove(job)
        job.status = "running"
        self.jobs.save(job)
        folder = Path(tempfile.mkdtemp(prefix="newswatch-upload-"))
        # Error messages should name the file as the user knows it, not our temporary copy.
        names: dict[str, str] = {}
        try:
            paths = []
            for i, (name, data) in enumerate(upload.files):
                safe = "".join(c if c.isalnum() or c in "._-" else "_" for c in Path(name).name)[:80] or "upload"
                path = folder / f"{i:03d}-{safe}"
                path.write_bytes(data)
                names[str(path)] = name
                paths.append(str(path))
            # One process only: forking worker processes from a threaded server is unsafe.
            options = IngestOptions(workers=1)
            reports: list[api.IngestReport] = []  # the finished parts of this job

            def progress(running: api.IngestReport) -> None:
                job.ingested = sum(r.ingested for r in reports) + running.ingested
                job.duplicates = sum(r.duplicates for r in reports) + running.duplicates
                self.jobs.save(job)
                # Called after each stored batch: stopping here leaves the database consistent.
                if self._stopping.is_set():
                    raise ServerStopping()

            with api.open(self.db_path) as nw:
                if paths or upload.urls:
                    reports.append(nw.ingest(paths + upload.urls, options, progress))
                if upload.texts:
                    reports.append(nw.ingest_records(upload.texts, options, progress))
            for report in reports:
                job.new_ids += report.new_ids
                for err in report.failed:
                    item = err.as_dict()
                    item["input"] = _user_name(item["input"], names)
                    job.failed.append(item)
            job.ingested = sum(r.ingested for r in reports)
            job.duplicates = sum(r.duplicates for r in reports)
            job.status = "done"
        except ServerStopping:
            job.status = "failed"
            job.error = stopped_message(job)
            log.warning("ingest job %s stopped by shutdown: %s", job.id, job.error)
        except Exception as exc:  # the job fails, the server does not
            log.exception("ingest job %s failed", job.id)
            job.status = "failed"
            job.error = str(exc) if isinstance(exc, (InputError, ValueError)) else \
                "the ingest stopped on an internal error (see the server log); nothing from the unfinished batch was stored"
        finally:
            job.finished = datetime.now(timezone.utc).isoformat(timespec="seconds")
            self.jobs.save(job)
            shutil.rmtree(folder, ignore_errors=True)

    def close(self) -> None:
        """Stop: queued uploads are dropped, a running one ends after the batch it is storing."""
        self._stopping.set()
        if self._writer is not None:
            self._writer.shutdown(wait=True, cancel_futures=True)
            for job in list(self._queued):
                job.status, job.error = "failed", "the server was stopped before this upload started; send it again"
                self.jobs.save(job)
                log.warning("ingest job %s dropped by shutdown", job.id)
        with self._readers_lock:
            for nw in self._readers:
                nw.close()
            self._readers.clear()
        self.index.close()
        self._probe.close()
        self.jobs.close()


def _user_name(origin: str, names: dict[str, str]) -> str:
    for saved, given in names.items():
        if origin.startswith(saved):
            return given + origin[len(saved):]
    if origin.startswith("<record "):
        return "pasted text " + origin[len("<record "):].rstrip(">")
    return origin
