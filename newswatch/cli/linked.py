"""Commands over the linked corpus: events, stories, duplicates, compare, relink, reanalyze, stats."""

from __future__ import annotations

import sys

import click

from .. import errors
from . import _Context, _echo_json, _listed, _paging, cli


@cli.command(epilog="""
\b
An event is a set of articles about one happening (a summit, an eruption, a
verdict), built as articles arrive from text, shared entities and dates.
""")
@click.option("--story", "story_id", type=int, metavar="ID", help="Only the events of this story.")
@_paging(50)
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list.")
@click.pass_obj
def events(obj: _Context, story_id, limit, offset, as_json):
    """Events, most recent first, with their articles and key entities."""
    with obj.open(readonly=True) as nw:
        rows = nw.events(limit, offset, story_id)
    if _listed(rows, as_json, "no events yet (ingest some articles with: newswatch ingest PATH)"):
        return
    for e in rows:
        names = ", ".join(x["name"] for x in e["entities"][:4])
        click.echo(f"{e['id']:>6}  {e['start'] or 'undated':<10} {e['article_count']:>3} art.  {e['title']}"
                   + (f"  [{names}]" if names else ""))


@cli.command(epilog="""
\b
A story links events about one ongoing matter over weeks or years; it can
fall silent and return. Each story prints its timeline of events.
""")
@_paging(50)
@click.option("--by", "order", type=click.Choice(["importance", "recent"]), default="importance", show_default=True,
              help="importance: distinct sources and articles in the last week of the corpus, and growth; "
                   "recent: last activity.")
@click.option("--min-articles", type=click.IntRange(min=1), default=1, show_default=True,
              help="Leave out stories with fewer articles.")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list.")
@click.pass_obj
def stories(obj: _Context, limit, offset, order, min_articles, as_json):
    """Stories, most important now first, each with its timeline of events."""
    with obj.open(readonly=True) as nw:
        rows = nw.stories(limit, offset, order, min_articles)
    if _listed(rows, as_json, "no stories yet (ingest some articles with: newswatch ingest PATH)"):
        return
    for s_ in rows:
        click.secho(f"#{s_['id']} {s_['title']}  ({s_['article_count']} articles, "
                    f"{s_['start'] or '?'} .. {s_['end'] or '?'})", bold=True)
        for e in s_["timeline"]:
            click.echo(f"    {e['start'] or 'undated':<10}  {e['articles']:>3} art.  {e['title']}")


@cli.command(epilog="Copies are grouped when their texts share most word sequences (MinHash, Jaccard >= 0.5).")
@_paging(100)
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list.")
@click.pass_obj
def duplicates(obj: _Context, limit, offset, as_json):
    """Groups of near-duplicate articles (syndicated copies, light edits)."""
    with obj.open(readonly=True) as nw:
        rows = nw.duplicates(limit, offset)
    if _listed(rows, as_json, "no near-duplicates found"):
        return
    for g in rows:
        c = g["canonical"]
        click.echo(f"{c['id']:>6}  {(c['source'] or '-')[:18]:<18}  {c['title']}  (+{g['size'] - 1})")
        for m in g["copies"]:
            click.echo(f"        copy {m['id']:>6}  {(m['source'] or '-')[:18]:<18}  {m['title']}")


@cli.command(epilog="""
\b
A and B are internal or external article ids. Example:
  newswatch compare demo-cable-01 demo-cable-07
""")
@click.argument("a", metavar="A")
@click.argument("b", metavar="B")
@click.option("--json", "as_json", is_flag=True, help="Print the comparison as JSON.")
@click.pass_obj
def compare(obj: _Context, a: str, b: str, as_json: bool):
    """Why two articles are related: same event, same story, or only the same topic."""
    with obj.open(readonly=True) as nw:
        result = nw.compare(a, b)
    if as_json:
        _echo_json(result)
        return
    click.secho(f"A: {result['a']['title']}\nB: {result['b']['title']}", bold=True)
    click.echo(result["explanation"])
    flags = ", ".join(f"{k.replace('_', ' ')}: {'yes' if result[k] else 'no'}"
                      for k in ("duplicate", "same_event", "same_story"))
    click.echo(flags)
    click.echo("similarity: " + ", ".join(f"{k} {v:.2f}" if v is not None else f"{k} n/a"
                                          for k, v in result["similarity"].items()))
    evidence = result.get("evidence") or {}
    for level in ("event", "story"):
        if level in evidence:
            parts = sorted(evidence[level]["contributions"].items(), key=lambda kv: -abs(kv[1]))
            shown = ", ".join(f"{k} {v:+.2f}" for k, v in parts if abs(v) >= 0.05)
            click.echo(f"same-{level} model: p={evidence[level]['probability']:.2f} "
                       f"(log-odds parts: {shown or 'none'}; base {evidence[level]['bias']:+.2f})")


@cli.command(epilog="Cheap: reuses stored fingerprints, embeddings and entities; one transaction.")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@click.pass_obj
def relink(obj: _Context, as_json: bool):
    """Rebuild near-duplicate groups, events and stories from stored features."""
    with obj.open() as nw:
        n = nw.relink()
        figures = nw.stats()
    result = {"relinked": n, "events": figures["events"], "stories": figures["stories"],
              "duplicate_groups": figures["duplicate_groups"]}
    if as_json:
        _echo_json(result)
    else:
        click.echo(f"relinked {n} articles: {result['events']} events, {result['stories']} stories, "
                   f"{result['duplicate_groups']} near-duplicate groups")


@cli.command(epilog="""
\b
Use after upgrading newswatch: articles stored by an older version get the
analysis stages they lack (entities, quotes), and entities, events and
stories are rebuilt over the whole corpus, in the order the articles were
stored (what a fresh ingest of the same inputs gives). It works in batches
of 100 articles, each stored in a transaction of its own, so an ingest can
run meanwhile; interrupted, run it again and it carries on where it stopped.
""")
@click.option("--progress/--no-progress", default=None, help="Show a progress bar (default: on a terminal).")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@click.pass_obj
def reanalyze(obj: _Context, progress, as_json):
    """Run the current analysis again over every stored article."""
    show_bar = sys.stderr.isatty() if progress is None else progress
    bar = None

    def on_progress(done: int, total: int) -> None:
        nonlocal bar
        if show_bar and bar is None:
            from tqdm import tqdm

            bar = tqdm(total=total, desc="reanalysing", unit=" articles", file=sys.stderr)
        if bar is not None:
            bar.update(done - bar.n)

    with obj.open() as nw:
        n = nw.reanalyze(progress=on_progress)
        failures = nw.store.reanalyze_failures
        figures = nw.stats()
    if bar is not None:
        bar.close()
    for failure in failures:
        click.echo(f"newswatch: failed [{errors.ANALYSIS_FAILED}]: {failure} (its text is kept, without entities)",
                   err=True)
    result = {"reanalyzed": n, "entities": figures["entities"], "quotes": figures["quotes"], "failed": failures}
    if as_json:
        _echo_json(result)
    else:
        click.echo(f"reanalysed {n} articles: {result['entities']} entities, {result['quotes']} quotes")
    if failures:
        sys.exit(1)


@cli.command()
@click.option("--json", "as_json", is_flag=True, help="Print the figures as JSON.")
@click.pass_obj
def stats(obj: _Context, as_json: bool):
    """Counts: articles, languages, sources, date range."""
    with obj.open(readonly=True) as nw:
        figures = nw.stats()
    if as_json:
        _echo_json(figures)
        return
    click.echo(f"database:      {figures['database']} (schema v{figures['schema_version']})")
    click.echo(f"articles:      {figures['articles']} ({figures['undated']} undated)")
    click.echo(f"published:     {figures['first_published'] or '-'} .. {figures['last_published'] or '-'}")
    click.echo(f"date mentions: {figures['date_mentions']}")
    click.echo(f"entities:      {figures['entities']} ({figures['entity_mentions']} mentions)")
    click.echo(f"quotes:        {figures['quotes']}")
    click.echo(f"events:        {figures['events']} in {figures['stories']} stories; "
               f"{figures['duplicate_groups']} near-duplicate groups")
    for title, key in (("languages", "languages"), ("sources", "sources"), ("formats", "formats")):
        items = ", ".join(f"{k} {v}" for k, v in list(figures[key].items())[:12])
        click.echo(f"{title + ':':<14} {items or '-'}")


@cli.command(epilog="""
\b
Example:
  newswatch --db newswatch.db migrate postgresql://news@dbhost/corpus
\b
The target database must exist and hold no articles (CREATE DATABASE corpus;
the schema is made on the way). Every table is copied with its ids: entities,
events, stories, alerts and watched sources come over as they are, and nothing
is analysed again. One transaction on the target: interrupted, it leaves the
target empty, and running it again starts afresh. The source is only read.
""")
@click.argument("target", metavar="POSTGRESQL_URL")
@click.option("--progress/--no-progress", default=None, help="Show a progress bar (default: on a terminal).")
@click.option("--json", "as_json", is_flag=True, help="Print the rows copied per table as JSON.")
@click.pass_obj
def migrate(obj: _Context, target: str, progress, as_json: bool):
    """Copy this (SQLite) corpus into a PostgreSQL database."""
    from ..errors import UsageError
    from ..store import is_postgres, open_store
    from ..store.postgres.migrate import copy_corpus

    if not is_postgres(target):
        raise UsageError(f"the target {target!r} is not a PostgreSQL URL: give postgresql://user@host/dbname")
    show_bar = sys.stderr.isatty() if progress is None else progress
    bars: dict = {}

    def on_progress(table: str, done: int, total: int) -> None:
        if not show_bar:
            return
        from tqdm import tqdm

        bar = bars.get(table) or bars.setdefault(table, tqdm(total=total, desc=table, unit=" rows", file=sys.stderr))
        bar.update(done - bar.n)

    with obj.open(readonly=True) as source, open_store(target) as store:
        if is_postgres(source.store.location):
            raise UsageError("the source is already a PostgreSQL database: migrate copies an SQLite corpus")
        copied = copy_corpus(source.store, store, on_progress)
    for bar in bars.values():
        bar.close()
    if as_json:
        _echo_json({"target": store.location, "copied": copied})
    else:
        click.echo(f"copied {copied['articles']} articles, {copied['entities']} entities, {copied['events']} events"
                   f" and {copied['stories']} stories into {store.location}")
