"""`newswatch ingest` and `newswatch demo`: reading news into the corpus."""

from __future__ import annotations

import sys
from importlib import resources
from typing import TYPE_CHECKING

import click

from ..config import IngestOptions
from . import DATE, _Context, _day, _echo_json, cli

if TYPE_CHECKING:
    from .. import api


def _ingest_options(f):
    f = click.option("--reference-date", type=DATE, metavar="YYYY-MM-DD",
                     help="Resolve relative dates ('2 weeks ago') against this day when an article "
                          "has no publication date of its own.")(f)
    f = click.option("--reference-as-published", is_flag=True,
                     help="Also take --reference-date as the publication date of articles that have none "
                          "(without it, linking uses the window estimated from each article's own text).")(f)
    f = click.option("--max-bytes", type=click.IntRange(min=1), default=IngestOptions.max_bytes, show_default=True,
                     help="Refuse files and downloads larger than this.")(f)
    f = click.option("--timeout", type=click.FloatRange(min=0.1), default=IngestOptions.fetch_timeout,
                     show_default=True, help="Seconds before a URL fetch gives up.")(f)
    f = click.option("--allow-private", is_flag=True,
                     help="Allow URLs on loopback/private networks (refused by default).")(f)
    f = click.option("--source", "default_source", metavar="NAME",
                     help="Source name for articles whose input does not give one.")(f)
    f = click.option("--progress/--no-progress", default=None,
                     help="Show a progress bar (default: when stderr is a terminal).")(f)
    f = click.option("--workers", type=click.IntRange(1, 256), default=IngestOptions.workers, show_default=True,
                     help="Processes analysing articles (with --dask local: the cluster's workers).")(f)
    f = click.option("--dask", metavar="local|ADDRESS",
                     help="Analyse on Dask: 'local' starts a LocalCluster here, tcp://HOST:8786 joins a running"
                          " cluster (its workers need newswatch installed). Linking stays here; the result is"
                          " the same as without.")(f)
    f = click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")(f)
    return f


def _run_ingest(obj: _Context, inputs, reference_date, max_bytes, timeout, allow_private, default_source,
                progress, as_json, reference_as_published=False, workers=IngestOptions.workers, dask=None) -> None:
    if reference_as_published and reference_date is None:
        raise click.UsageError("--reference-as-published needs --reference-date")
    options = IngestOptions(max_bytes=max_bytes, fetch_timeout=timeout, allow_private=allow_private,
                            reference_date=_day(reference_date), default_source=default_source,
                            reference_as_published=reference_as_published, workers=workers, dask=dask)
    show_bar = sys.stderr.isatty() if progress is None else progress
    bar = None
    if show_bar:
        from tqdm import tqdm

        bar = tqdm(desc="ingesting", unit=" articles", file=sys.stderr, dynamic_ncols=True)

    def on_progress(report: api.IngestReport) -> None:
        if bar is not None:
            bar.update(report.seen - bar.n)
            bar.set_postfix(new=report.ingested, duplicate=report.duplicates, failed=len(report.failed), refresh=False)

    with obj.open() as nw:
        try:
            report = nw.ingest(inputs, options, progress=on_progress)
        except KeyboardInterrupt:
            if bar is not None:
                bar.close()
            click.echo("newswatch: interrupted; what was stored is safe: run the same command again to finish",
                       err=True)
            sys.exit(130)
    if bar is not None:
        bar.close()
    if as_json:
        _echo_json(report.as_dict())
    else:
        click.echo(f"{report.ingested} new, {report.duplicates} duplicate(s) (already stored), "
                   f"{len(report.failed)} failed")
        for err in report.failed:
            click.echo(f"  failed [{err.code}]: {err}", err=True)
    if report.failed:
        sys.exit(1)


@cli.command(epilog="""
\b
Inputs:
  FILE.txt            plain text: first non-empty line is the title
  FILE.html           a web page: main text, title, author, date extracted
  FILE.jsonl          one JSON object per line: {"id", "title", "text" or "html",
                      "url", "source", "published" (ISO 8601), "language"}
  FILE.jsonl.gz       the same, gzip-compressed; read as a stream, as is a .jsonl
                      over --max-bytes (the limit then bounds each line)
  FILE.parquet        an archive: one article per row, columns named as the
                      JSONL fields (others ignored), read a few hundred rows at a time
  FILE.xml/.rss/.atom an RSS or Atom feed: one article per entry
  DIRECTORY           everything inside, recursively (hidden files skipped)
  https://...         a page or a feed, fetched with a timeout and size limit
  -                   JSONL on standard input
\b
Re-running an ingest is safe: articles already stored (same external id or
same text) are counted as duplicates, not stored twice. An interrupted ingest
resumes where it stopped when run again.
\b
Exit status: 0 all inputs ingested, 1 some failed (the rest are stored), 2 usage error.
""")
@click.argument("inputs", nargs=-1, required=True, metavar="PATH_OR_URL...")
@_ingest_options
@click.pass_obj
def ingest(obj: _Context, inputs, **kwargs):
    """Read articles from files, directories, URLs or stdin into the database."""
    _run_ingest(obj, inputs, **kwargs)


@cli.command(epilog="""
\b
The demo corpus is a set of short articles written for newswatch: six stories
over two years, with syndicated copies, misspelled names, quotes and relative
dates. Try afterwards:
  newswatch articles
  newswatch show demo-cable-01
""")
@_ingest_options
@click.pass_obj
def demo(obj: _Context, **kwargs):
    """Ingest the bundled demo corpus and summarise the result."""
    corpus = resources.files("newswatch.demo") / "corpus"
    with resources.as_file(corpus) as path:
        try:
            _run_ingest(obj, [str(path)], **kwargs)
        except SystemExit as exc:
            if exc.code:
                raise
    if not kwargs["as_json"]:
        with obj.open(readonly=True) as nw:
            stats = nw.stats()
            click.echo(f"\n{stats['articles']} articles in {stats['database']}, "
                       f"published {(stats['first_published'] or '?')[:10]} to {(stats['last_published'] or '?')[:10]}, "
                       f"from {len(stats['sources'])} sources.")
            click.echo("Next: newswatch articles | newswatch show ID | newswatch stats")
