"""The ``newswatch`` command: a thin layer over ``newswatch.api``.

Exit status: 0 when everything asked for was done, 1 when some inputs failed
(the good ones are stored) or the command failed, 2 on usage errors.
"""

from __future__ import annotations

import json
import sqlite3
import sys
import textwrap
from datetime import date, datetime
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

import click

from . import __version__, errors
from .config import DEFAULT_DB, IngestOptions
from .errors import NewswatchError, UsageError

if TYPE_CHECKING:
    from . import api
    from .store import ArticleFilter

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
NEWSWATCH_DB environment variable says otherwise. Every command that prints
data takes --json for scripts.
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


class _Context:
    def __init__(self, db: str | None):
        self.db = db

    def open(self, readonly: bool = False) -> api.Newswatch:
        # Imported here, not at the top: `newswatch --help` should not wait for numpy and the extractors.
        from . import api

        return api.open(self.db, readonly=readonly)


@click.group(epilog=EPILOG_MAIN, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.option("--db", metavar="PATH", envvar="NEWSWATCH_DB",
              help=f"Database file (SQLite). Default: $NEWSWATCH_DB, else ./{DEFAULT_DB}.")
@click.version_option(__version__, prog_name="newswatch")
@click.pass_context
def cli(ctx: click.Context, db: str | None):
    """newswatch reads news (text, HTML, JSONL, RSS/Atom) and keeps it clean, dated and searchable."""
    ctx.obj = _Context(db)


# -- ingest -------------------------------------------------------------------

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
    f = click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")(f)
    return f


def _run_ingest(obj: _Context, inputs, reference_date, max_bytes, timeout, allow_private, default_source,
                progress, as_json, reference_as_published=False) -> None:
    if reference_as_published and reference_date is None:
        raise click.UsageError("--reference-as-published needs --reference-date")
    options = IngestOptions(max_bytes=max_bytes, fetch_timeout=timeout, allow_private=allow_private,
                            reference_date=_day(reference_date), default_source=default_source,
                            reference_as_published=reference_as_published)
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
    from .store import ArticleFilter

    try:
        return ArticleFilter(_day(since), _day(until), source, language, limit, offset)
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from None


@cli.command()
@_filter_options
@click.option("--limit", type=click.IntRange(min=0), help="Show at most this many.")
@click.option("--offset", type=click.IntRange(min=0), default=0, help="Skip this many first.")
@click.option("--all", "show_all", is_flag=True, help="List near-duplicate copies too (default: each group once).")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list.")
@click.pass_obj
def articles(obj: _Context, since, until, source, language, limit, offset, show_all, as_json):
    """List stored articles, oldest publication first (undated last).

    Syndicated copies are shown once, by their canonical article, with the
    number of copies; --all lists every article.
    """
    flt = _make_filter(since, until, source, language, limit, offset)
    with obj.open(readonly=True) as nw:
        rows = nw.store.list_articles(flt, collapse=not show_all)
    if _listed(rows, as_json, "no articles match (ingest some with: newswatch ingest PATH)"):
        return
    for r in rows:
        published = (r["published"] or "undated")[:10]
        ext = r["external_id"] or "-"
        copies = f"  (and {r['copies']} cop{'y' if r['copies'] == 1 else 'ies'})" if r["copies"] else ""
        click.echo(f"{r['id']:>6}  {ext[:22]:<22}  {published:<10}  {r['language'] or '??':<2}  "
                   f"{(r['source'] or '-')[:18]:<18}  {r['title'] or '(untitled)'}{copies}")


@cli.command(epilog="ID is the internal number shown by 'articles' or the external id given at ingest.")
@click.argument("article_id", metavar="ID")
@click.option("--raw", is_flag=True, help="Also print the original text as the source gave it.")
@click.option("--json", "as_json", is_flag=True, help="Print the article as JSON.")
@click.pass_obj
def show(obj: _Context, article_id: str, raw: bool, as_json: bool):
    """Show one article: clean text, metadata, dates found, cleaning applied."""
    with obj.open(readonly=True) as nw:
        art = nw.article(article_id)
    if as_json:
        _echo_json(art)
        return
    click.secho(art["title"] or "(untitled)", bold=True)
    from .analysis.published import describe as describe_estimate

    published = art["published"] or describe_estimate(art.get("published_estimate")) or "unknown"
    meta = [("id", art["id"]), ("external id", art["external_id"]), ("published", published),
            ("source", art["source"]), ("author", art["author"]), ("language", art["language"]),
            ("url", art["url"]), ("from", f"{art['origin']} ({art['format']})"),
            ("dates resolved against", art["reference_date"] or "nothing (no publication or reference date)")]
    for key, value in meta:
        if value is not None:
            click.echo(f"  {key}: {value}")
    click.echo()
    for para in art["text"].split("\n\n"):
        click.echo(textwrap.fill(para, width=88))
        click.echo()
    if art.get("event"):
        ev = art["event"]
        click.echo(f"  event: #{ev['id']} {ev['title']} ({ev['article_count']} articles, "
                   f"{ev['start'] or '?'} .. {ev['end'] or '?'})")
    if art.get("story"):
        click.echo(f"  story: #{art['story']['id']} {art['story']['title']}")
    for d in art.get("duplicates", []):
        click.echo(f"  near-duplicate: {d['id']} [{d['external_id'] or '-'}] {d['source'] or ''} {d['title'] or ''}")
    people = {}
    for m in art.get("mentions", []):
        if m["entity_id"] is not None:
            people.setdefault((m["type"], m["entity_name"]), set()).add(m["text"])
    if people:
        click.secho("Who and what", bold=True)
        for (kind, name), forms in sorted(people.items()):
            others = sorted(f for f in forms if f != name)
            click.echo(f"  {kind:<6} {name}" + (f"  (as {', '.join(others)})" if others else ""))
    if art.get("quotes"):
        click.secho("Quotes", bold=True)
        for q in art["quotes"]:
            _echo_quote(q)
    if art["dates"]:
        click.secho("Dates in the text", bold=True)
        for d in art["dates"]:
            span = f" ({d['date_from']} .. {d['date_to']})" if d["date_from"] and d["date_from"] != d["date_to"] else ""
            click.echo(f"  {d['text']!r} -> {d['value'] or 'unresolved'}{span}")
    if art["cleaning"]:
        click.secho("Cleaning applied", bold=True)
        for step in art["cleaning"]:
            click.echo(f"  {step['step']}: {step['detail']}")
    if raw:
        click.secho("\nOriginal text", bold=True)
        click.echo(art["raw_text"])


@cli.command(epilog="""
\b
JSONL exports keep each article's external id as "id" (or "newswatch:N"
when it had none), so an export can be ingested again elsewhere.
""")
@_filter_options
@click.option("--format", "fmt", type=click.Choice(["jsonl", "csv"]), default="jsonl", show_default=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True), help="File to write (default: stdout).")
@click.pass_obj
def export(obj: _Context, since, until, source, language, fmt, output):
    """Export articles (clean text, metadata, dates) as JSONL or CSV."""
    flt = _make_filter(since, until, source, language)
    with obj.open(readonly=True) as nw:
        if output:
            with open(output, "w", encoding="utf-8", newline="") as out:
                n = nw.export(out, fmt, flt)
            click.echo(f"wrote {n} article(s) to {output}", err=True)
        else:
            nw.export(sys.stdout, fmt, flt)


def _echo_quote(q: dict, width: int = 160) -> None:
    who = q["speaker"]["name"] if q["speaker"] else f"unresolved: {q['speaker_text']!r}"
    words = q["text"] if len(q["text"]) <= width else q["text"][: width - 1] + "…"
    shown = f"“{words}”" if q["direct"] else f"(reported) {words}"
    click.echo(f"  {who} {q['cue']}: {shown}")


@cli.command(epilog="""
\b
Spelling variants, short forms and typos of one name are merged into one
entity ("Jens Stoltenberg", "Stoltenberg", "Stolteberg"); different people
who share a surname are kept apart.
\b
Examples:
  newswatch entities --type PERSON
  newswatch entities --name lavrov
""")
@click.option("--type", "kind", type=click.Choice(["PERSON", "ORG", "PLACE", "EVENT"], case_sensitive=False),
              help="Only entities of this type.")
@click.option("--name", metavar="TEXT", help="Only entities with a spelling containing TEXT.")
@_paging(50)
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list.")
@click.pass_obj
def entities(obj: _Context, kind, name, limit, offset, as_json):
    """People, organisations, places and events, most widely reported first."""
    with obj.open(readonly=True) as nw:
        rows = nw.entities(kind, limit, offset, name)
    if _listed(rows, as_json, "no entities yet (ingest some articles with: newswatch ingest PATH)"):
        return
    for e in rows:
        other = [v["text"] for v in e["variants"] if v["text"] != e["name"]]
        role = f"  [{e['roles'][0]}]" if e["roles"] else ""
        click.echo(f"{e['id']:>6}  {e['type']:<6}  {e['articles']:>4} art.  {e['name']}{role}"
                   + (f"  (also: {', '.join(other[:4])})" if other else ""))


@cli.command(epilog="NAME_OR_ID is an entity id or any spelling of its name: newswatch entity Stoltenberg")
@click.argument("key", metavar="NAME_OR_ID")
@click.option("--json", "as_json", is_flag=True, help="Print the entity as JSON.")
@click.pass_obj
def entity(obj: _Context, key: str, as_json: bool):
    """One entity: spellings, roles, the articles it appears in, its quotes."""
    with obj.open(readonly=True) as nw:
        e = nw.entity(key)
    if as_json:
        _echo_json(e)
        return
    click.secho(f"{e['name']} ({e['type']}, id {e['id']})", bold=True)
    click.echo("  spellings: " + ", ".join(f"{v['text']} ×{v['count']}" for v in e["variants"]))
    if e["roles"]:
        click.echo("  roles: " + "; ".join(e["roles"]))
    click.secho(f"Articles ({e['article_count']})", bold=True)
    for a in e["articles"]:
        click.echo(f"  {a['id']:>6}  {(a['published'] or 'undated')[:10]}  {a['title'] or '(untitled)'}")
    if e["quotes"]:
        click.secho(f"Quotes ({len(e['quotes'])})", bold=True)
        for q in e["quotes"]:
            _echo_quote(q)


@cli.command(epilog="""
\b
Direct quotes are words in quotation marks with a speech cue ("said",
"told journalists", "according to"); reported speech is "X said that ...".
A speaker given as "he" or "the spokesman" is resolved only when the article
makes clear who is meant; otherwise it is shown as unresolved.
""")
@click.option("--speaker", metavar="NAME_OR_ID", help="Only quotes by this entity.")
@click.option("--direct/--all", "direct_only", default=False, help="Only quotes in quotation marks.")
@_paging(100)
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list.")
@click.pass_obj
def quotes(obj: _Context, speaker, direct_only, limit, offset, as_json):
    """Who said what: direct quotes and reported speech with their speakers."""
    with obj.open(readonly=True) as nw:
        rows = nw.quotes(speaker, limit, offset, True if direct_only else None)
    if _listed(rows, as_json, "no quotes found"):
        return
    for q in rows:
        click.echo(f"[{q['external_id'] or q['article_id']}]")
        _echo_quote(q)


@cli.command(epilog="""
\b
Modes: hybrid (default) fuses full-text (every word, accents ignored, bm25,
titles count 5x) and semantic (meaning, via the text embeddings) rankings;
text or semantic use one of them. Copies of one report show once.
\b
Examples:
  newswatch search Lindqvist
  newswatch search "volcano evacuation" --since 2025-01-01
  newswatch search drought --entity "Laia Ferrer" --json
""")
@click.argument("query", nargs=-1, required=True)
@click.option("--mode", type=click.Choice(["hybrid", "text", "semantic"]), default="hybrid", show_default=True)
@_filter_options
@click.option("--entity", metavar="NAME_OR_ID", help="Only articles that mention this entity.")
@_paging(20)
@click.option("--json", "as_json", is_flag=True, help="Print the results as JSON.")
@click.pass_obj
def search(obj: _Context, query, mode, since, until, source, language, entity, limit, offset, as_json):
    """Search articles by words and by meaning."""
    _make_filter(since, until, source, language)  # validates the range
    with obj.open(readonly=True) as nw:
        found = nw.search(" ".join(query), mode, _day(since), _day(until), source, language, entity, limit, offset)
    if as_json:
        _echo_json(found)
        return
    if _listed(found["results"], False, "no articles match"):
        return
    click.echo(f"{found['total']} result(s)")
    for r in found["results"]:
        copies = f" (+{r['copies']} cop{'y' if r['copies'] == 1 else 'ies'})" if r["copies"] else ""
        click.secho(f"{r['id']:>6}  {(r['published'] or 'undated')[:10]}  {r['title'] or '(untitled)'}{copies}",
                    bold=True)
        snippet, marked, last = r["snippet"], [], 0
        for start, end in r["highlights"]:
            marked.append(snippet[last:start] + click.style(snippet[start:end], bold=True, underline=True))
            last = end
        click.echo("        " + ("".join(marked) + snippet[last:]).replace("\n", " "))


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
    click.echo("similarity: " + ", ".join(f"{k} {v:.2f}" for k, v in result["similarity"].items()))
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
Examples:
  newswatch serve                                # http://127.0.0.1:8000, read-only
  newswatch serve --port 9000 --db news.db
  newswatch serve --host 0.0.0.0 --allow-host news.example.org
  NEWSWATCH_INGEST_TOKEN=$(openssl rand -hex 16) newswatch serve   # uploads allowed
\b
Pages: / (stories), /stories/N, /events/N, /articles/ID, /entities, /search,
/compare, /upload. JSON: /api/... (the same objects as --json here), described
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
@click.pass_obj
def serve(obj: _Context, host: str, port: int, workers: int | None, allowed_hosts: tuple[str, ...],
          ingest_token: str | None):
    """Browse the corpus in a web browser, and query it over a JSON API.

    Stories with their timelines, events, articles with entities and quotes
    marked, entity pages, search and compare. Every asset is served from the
    package, so it works offline.
    """
    from .config import ServeOptions, default_db_path
    from .serve import run

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
    run(db, options)


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
    except sqlite3.Error as exc:
        click.echo(f"newswatch: error [E202]: database error: {exc}", err=True)
        sys.exit(1)
    except BrokenPipeError:
        sys.exit(0)
    sys.exit(0)


if __name__ == "__main__":
    main()
