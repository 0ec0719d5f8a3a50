"""Commands that read articles, entities and quotes: articles, show, export, entities, entity, quotes, search."""

from __future__ import annotations

import sys
import textwrap

import click

from . import _Context, _day, _echo_json, _filter_options, _listed, _make_filter, _paging, cli


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
    from ..analysis.published import describe as describe_estimate

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


# -- corrections ------------------------------------------------------------------

_CORRECTION_EPILOG = """
\b
Corrections are kept by spelling: articles ingested later, and a full
`newswatch reanalyze`, follow them.
"""


def _echo_corrected(e: dict, as_json: bool, what: str) -> None:
    if as_json:
        _echo_json(e)
        return
    spellings = ", ".join(v["text"] for v in e["variants"])
    click.echo(f"{what}: {e['name']} ({e['type']}, id {e['id']}, {e['article_count']} articles; spellings: {spellings})")


@cli.command("merge-entities", epilog="Example: newswatch merge-entities 'Jens Stoltenberg' 'J. Stoltenberg'\n"
             + _CORRECTION_EPILOG)
@click.argument("keep", metavar="KEEP")
@click.argument("drop", metavar="DROP")
@click.option("--json", "as_json", is_flag=True, help="Print the merged entity as JSON.")
@click.pass_obj
def merge_entities(obj: _Context, keep: str, drop: str, as_json: bool):
    """Merge entity DROP into KEEP (ids or any spelling): two entities that are one."""
    with obj.open() as nw:
        _echo_corrected(nw.merge_entities(keep, drop), as_json, "merged")


@cli.command("split-entity", epilog="Example: newswatch split-entity 'George Bush' 'George H. W. Bush'\n"
             + _CORRECTION_EPILOG)
@click.argument("key", metavar="NAME_OR_ID")
@click.argument("spelling", metavar="SPELLING")
@click.option("--json", "as_json", is_flag=True, help="Print the new entity as JSON.")
@click.pass_obj
def split_entity(obj: _Context, key: str, spelling: str, as_json: bool):
    """Take the mentions spelled SPELLING out of an entity into a new one (one entity that is two)."""
    with obj.open() as nw:
        _echo_corrected(nw.split_entity(key, spelling), as_json, "split off")


@cli.command("rename-entity", epilog="Example: newswatch rename-entity 'NATO' 'North Atlantic Treaty Organization'\n"
             + _CORRECTION_EPILOG)
@click.argument("key", metavar="NAME_OR_ID")
@click.argument("name", metavar="NEW_NAME")
@click.option("--json", "as_json", is_flag=True, help="Print the renamed entity as JSON.")
@click.pass_obj
def rename_entity(obj: _Context, key: str, name: str, as_json: bool):
    """Give an entity the name you choose; later spellings will not change it."""
    with obj.open() as nw:
        _echo_corrected(nw.rename_entity(key, name), as_json, "renamed")
