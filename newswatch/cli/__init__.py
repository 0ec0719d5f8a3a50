"""The ``newswatch`` command: a thin layer over ``newswatch.api``.

Exit status: 0 when everything asked for was done, 1 when some inputs failed
(the good ones are stored) or the command failed, 2 on usage errors.
"""

from __future__ import annotations

import json
import sqlite3
import sys
from datetime import date, datetime
from typing import TYPE_CHECKING

import click

from .. import __version__

from ..config import DEFAULT_DB
from ..errors import NewswatchError, UsageError

if TYPE_CHECKING:
    from .. import api
    from ..store import ArticleFilter

DATE = click.DateTime(formats=["%Y-%m-%d"])

EPILOG_MAIN = f"""
\b
The data flows one way: ingest -> analyse -> store -> query.
\b
Examples:
  newswatch demo                                 # ingest the bundled demo corpus
  newswatch ingest ../shared/seeds --reference-date 2017-02-20
  newswatch articles --since 2024-01-01 --language en
  newswatch show 3                               # or an external id: show wire-0012
  newswatch entities --type PERSON
  newswatch quotes --speaker Stoltenberg
  newswatch stories                              # timelines of events
  newswatch compare 3 7                          # why two articles are related
  newswatch export --format csv -o articles.csv
  newswatch serve                                # browse it at http://127.0.0.1:8000
\b
The database is {DEFAULT_DB} in the current directory unless --db or the
NEWSWATCH_DB environment variable says otherwise; a PostgreSQL database is
named by its URL (--db postgresql://user@host/dbname), and several ingests on
several machines can write into it at once. Every command that prints data
takes --json for scripts.
"""


def _echo_json(data) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))


def _listed(rows: list, as_json: bool, empty: str) -> bool:
    """Print the rows as JSON, or the empty-state line; True when that was all there was to print."""
    if as_json:
        _echo_json(rows)
        return True
    if not rows:
        click.echo(empty)
        return True
    return False


def _day(value: datetime | None) -> date | None:
    return value.date() if value else None


def _database_error(exc: BaseException) -> bool:
    """An error raised by the database driver (SQLite, or psycopg when the corpus is on PostgreSQL)."""
    if isinstance(exc, sqlite3.Error):
        return True
    psycopg = sys.modules.get("psycopg")  # loaded only when a PostgreSQL database was opened
    return psycopg is not None and isinstance(exc, psycopg.Error)


class _Context:
    def __init__(self, db: str | None):
        self.db = db

    def open(self, readonly: bool = False) -> api.Newswatch:
        # Imported here, not at the top: `newswatch --help` should not wait for numpy and the extractors.
        from .. import api

        return api.open(self.db, readonly=readonly)


@click.group(epilog=EPILOG_MAIN, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.option("--db", metavar="PATH|URL", envvar="NEWSWATCH_DB",
              help=f"Database: an SQLite file, or postgresql://user@host/dbname."
                   f" Default: $NEWSWATCH_DB, else ./{DEFAULT_DB}.")
@click.version_option(__version__, prog_name="newswatch")
@click.pass_context
def cli(ctx: click.Context, db: str | None):
    """newswatch reads news (text, HTML, JSONL, RSS/Atom) and keeps it clean, dated and searchable."""
    ctx.obj = _Context(db)


# -- reading ------------------------------------------------------------------

def _paging(default_limit: int):
    """--limit and --offset, for commands that list things."""
    def wrap(f):
        f = click.option("--offset", type=click.IntRange(min=0), default=0, help="Skip this many first.")(f)
        return click.option("--limit", type=click.IntRange(min=0), default=default_limit, show_default=True,
                            help="Show at most this many.")(f)
    return wrap


def _filter_options(f):
    f = click.option("--since", type=DATE, metavar="YYYY-MM-DD", help="Published on or after this day.")(f)
    f = click.option("--until", type=DATE, metavar="YYYY-MM-DD", help="Published on or before this day.")(f)
    f = click.option("--source", metavar="NAME", help="Only this source (case-insensitive).")(f)
    f = click.option("--language", metavar="CODE", help="Only this language (ISO 639-1, e.g. en).")(f)
    return f


def _make_filter(since, until, source, language, limit=None, offset=0) -> ArticleFilter:
    from ..store import ArticleFilter

    try:
        return ArticleFilter(_day(since), _day(until), source, language, limit, offset)
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from None


# The commands live in one module per concern; importing them registers them on ``cli``.
from . import alerts, ingest, linked, read, serve, watch  # noqa: E402,F401


def main(argv: list[str] | None = None) -> None:
    try:
        cli.main(args=argv, prog_name="newswatch", standalone_mode=False)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)  # 2 for usage errors
    except click.exceptions.Abort:
        click.echo("newswatch: aborted", err=True)
        sys.exit(130)
    except UsageError as exc:
        click.echo(f"newswatch: error [{exc.code}]: {exc}", err=True)
        sys.exit(2)
    except NewswatchError as exc:
        click.echo(f"newswatch: error [{exc.code}]: {exc}", err=True)
        sys.exit(1)
    except ValueError as exc:
        click.echo(f"newswatch: error: {exc}", err=True)
        sys.exit(2)
    except Exception as exc:
        if not _database_error(exc):
            raise
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        click.echo(f"newswatch: error [E202]: database error: {first}", err=True)
        sys.exit(1)
    except BrokenPipeError:
        sys.exit(0)
    sys.exit(0)


if __name__ == "__main__":
    main()
