"""`newswatch serve`: the web pages and the JSON API."""

from __future__ import annotations

import subprocess
import sys

import click

from . import _Context, cli


@cli.command(epilog="""
\b
Examples:
  newswatch serve                                # http://127.0.0.1:8000, read-only
  newswatch serve --port 9000 --db news.db
  newswatch serve --host 0.0.0.0 --allow-host news.example.org
  NEWSWATCH_INGEST_TOKEN=$(openssl rand -hex 16) newswatch serve   # uploads allowed
  newswatch serve --watch feeds.txt              # and poll these feeds while serving
\b
Pages: / (stories), /stories/N, /events/N, /articles/ID, /entities, /search,
/compare, /alerts (with the watched sources), /upload; /alerts.atom. JSON: /api/... (the same objects as --json here), described
at /docs and /openapi.json.""")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Interface to listen on. Anything but loopback exposes the corpus to the network.")
@click.option("--port", type=click.IntRange(1, 65535), default=8000, show_default=True)
@click.option("--workers", type=click.IntRange(1, 64), default=None, metavar="N",
              help="Server processes sharing the port (default: one per core, at most 2).")
@click.option("--allow-host", "allowed_hosts", multiple=True, metavar="NAME",
              help="A host name the server answers to, besides loopback and --host (repeatable; '*' for any, "
                   "when a proxy in front checks the name). Requests naming any other host get 421, which "
                   "stops DNS-rebinding pages from reading the corpus.")
@click.option("--ingest-token", envvar="NEWSWATCH_INGEST_TOKEN", metavar="SECRET",
              help="Allow uploads (web form and POST /api/ingest) to those who give this token. "
                   "Default: $NEWSWATCH_INGEST_TOKEN; without it the server is read-only.")
@click.option("--watch", "watch_lists", multiple=True, metavar="SOURCES_FILE", is_flag=False, flag_value="",
              help="Also poll the watched sources while serving (as `newswatch watch`, in a child process "
                   "stopped with the server); give a sources file to add its URLs first. Repeatable.")
@click.option("--allow-private-sources", is_flag=True, help="With --watch: allow sources on private addresses.")
@click.pass_obj
def serve(obj: _Context, host: str, port: int, workers: int | None, allowed_hosts: tuple[str, ...],
          ingest_token: str | None, watch_lists: tuple[str, ...], allow_private_sources: bool):
    """Browse the corpus in a web browser, and query it over a JSON API.

    Stories with their timelines, events, articles with entities and quotes
    marked, entity pages, search and compare. Every asset is served from the
    package, so it works offline.
    """
    from ..config import ServeOptions, default_db_path
    from ..serve import run

    options = ServeOptions(host=host, port=port, ingest_token=ingest_token or None, allowed_hosts=allowed_hosts,
                           **({"workers": workers} if workers else {}))
    if host in ("0.0.0.0", "::") and not allowed_hosts:
        click.echo("newswatch: warning: only requests naming localhost are answered; add --allow-host NAME "
                   "for each name this machine is reached by", err=True)
    if host not in ("127.0.0.1", "localhost", "::1") and ingest_token:
        click.echo("newswatch: warning: the ingest token travels unencrypted; put a TLS proxy in front "
                   "before exposing uploads beyond this machine", err=True)
    db = obj.db or default_db_path()
    click.echo(f"newswatch: serving {db} on http://{host}:{port}/ "
               f"({'uploads allowed with the token' if ingest_token else 'read-only'}); Ctrl-C stops", err=True)
    watcher = _start_watcher(db, [f for f in watch_lists if f], allow_private_sources) if watch_lists else None
    try:
        run(db, options)
    finally:
        if watcher is not None:
            watcher.terminate()  # SIGTERM: the watcher finishes what it is storing and exits
            try:
                watcher.wait(timeout=30)
            except subprocess.TimeoutExpired:
                watcher.kill()


def _start_watcher(db: str, lists: list[str], allow_private: bool) -> subprocess.Popen:
    """`newswatch watch` beside the server: its own process, so polling never slows a page down."""
    args = [sys.executable, "-m", "newswatch", "--db", db, "watch", *lists]
    if allow_private:
        args.append("--allow-private")
    click.echo("newswatch: watching the sources too (see /alerts for their last poll)", err=True)
    return subprocess.Popen(args)
