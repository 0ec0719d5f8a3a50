"""`newswatch watchlists` and `newswatch alerts`: saved queries, and what fired."""

from __future__ import annotations

import click

from . import _Context, _echo_json, _listed, _paging, cli


@cli.group(epilog="""
\b
A watchlist fires an alert for each new article that matches it (one per
group of near-duplicate copies), whether the article came by `ingest`,
`watch` or an upload. Queries: words (all of them, by default), "phrases",
AND, OR, NOT (upper case) and parentheses.
\b
Examples:
  newswatch watchlists add cable '"undersea cable" OR Balticlink'
  newswatch watchlists add nato-russia 'NATO AND (Russia OR Kremlin) NOT football'
  newswatch watchlists add lindqvist Lindqvist --entity "Mikael Lindqvist" --language en
  newswatch watchlists list
  newswatch watchlists remove cable
""")
def watchlists():
    """Saved queries that raise an alert when a new article matches."""


@watchlists.command("add")
@click.argument("name")
@click.argument("query")
@click.option("--entity", metavar="NAME_OR_ID", help="Only articles that mention this entity (any spelling).")
@click.option("--source", metavar="NAME", help="Only articles from this source (case-insensitive).")
@click.option("--language", metavar="CODE", help="Only articles in this language (ISO 639-1).")
@click.option("--json", "as_json", is_flag=True, help="Print the watchlist as JSON.")
@click.pass_obj
def watchlists_add(obj: _Context, name, query, entity, source, language, as_json):
    """Save QUERY as the watchlist NAME."""
    with obj.open() as nw:
        entity_id = nw.entity(entity)["id"] if entity else None
        try:
            saved = nw.store.add_watchlist(name, query, entity_id, source, language)
        except ValueError as exc:
            raise click.BadParameter(str(exc)) from None
    if as_json:
        _echo_json(saved)
    else:
        click.echo(f"watchlist {saved['id']} {saved['name']!r}: {saved['query']}")


@watchlists.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print the watchlists as JSON.")
@click.pass_obj
def watchlists_list(obj: _Context, as_json):
    """Every watchlist with the number of alerts it raised."""
    with obj.open(readonly=True) as nw:
        rows = nw.store.list_watchlists()
    if _listed(rows, as_json, "No watchlists. Add one: newswatch watchlists add NAME QUERY"):
        return
    for w in rows:
        limits = ", ".join(f"{k} {w[k]}" for k in ("entity_id", "source", "language") if w[k] is not None)
        click.echo(f"{w['id']:>4}  {w['name']}: {w['query']}{f' ({limits})' if limits else ''}  "
                   f"{w['alerts']} alert(s)")


@watchlists.command("remove")
@click.argument("key", metavar="NAME_OR_ID")
@click.pass_obj
def watchlists_remove(obj: _Context, key):
    """Delete a watchlist (the alerts it raised stay)."""
    with obj.open() as nw:
        gone = nw.store.remove_watchlist(key)
    click.echo(f"removed watchlist {gone['id']} {gone['name']!r}")


@cli.command(epilog="""
\b
Breaking: a story whose last hour holds at least 3 articles from at least
2 sources, and at least 3 times its own average per hour over the week
before, plus 2 (publication times; undated articles do not count).
A story breaks at most once a day. Watchlist: a new article matched a
watchlist (see `newswatch watchlists`).
\b
`newswatch watch --alerts-jsonl FILE --webhook URL` sends new alerts on;
`newswatch serve` has them at /alerts, /alerts.atom and
/watchlists/ID/alerts.atom.
""")
@click.option("--kind", type=click.Choice(["breaking", "watchlist"]), help="Only this kind.")
@click.option("--watchlist", metavar="NAME_OR_ID", help="Only the alerts of this watchlist.")
@_paging(50)
@click.option("--json", "as_json", is_flag=True, help="Print the alerts as JSON.")
@click.pass_obj
def alerts(obj: _Context, kind, watchlist, limit, offset, as_json):
    """Alerts raised so far, newest first."""
    with obj.open(readonly=True) as nw:
        watchlist_id = None
        if watchlist:
            found = nw.store.get_watchlist(watchlist)
            if found is None:
                raise click.BadParameter(f"no watchlist {watchlist!r} (see: newswatch watchlists list)")
            watchlist_id = found["id"]
        rows = nw.store.list_alerts(limit, offset, kind, watchlist_id)
    if _listed(rows, as_json, "No alerts yet."):
        return
    for a in rows:
        click.echo(f"{a['id']:>5}  {a['created_at'][:16]}  {a['kind']:<9}  {a['title']}")
