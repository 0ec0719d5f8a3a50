"""`newswatch sources` and `newswatch watch`: the sources to poll, and the polling."""

from __future__ import annotations

import signal
import sys

import click

from ..config import DEFAULT_INTERVAL_SECONDS, MIN_INTERVAL_SECONDS, IngestOptions
from . import _Context, _echo_json, _listed, cli

INTERVAL = click.IntRange(min=MIN_INTERVAL_SECONDS)


def _add_sources(nw, urls: list[str], interval: int) -> list[tuple[dict, bool]]:
    from ..sources import is_url

    out = []
    for url in urls:
        if not is_url(url):
            raise click.BadParameter(f"{url!r} is not a URL (http:// or https://); a file of URLs goes with --from")
        out.append(nw.store.add_source(url, interval))
    return out


@cli.group(epilog="""
\b
Examples:
  newswatch sources add https://www.example.org/rss.xml --interval 600
  newswatch sources add --from feeds.opml      # or a file with one URL a line
  newswatch sources list
  newswatch sources remove 3                   # by id or URL; its articles stay
""")
def sources():
    """The feeds and pages `newswatch watch` polls."""


@sources.command("add")
@click.argument("urls", nargs=-1, metavar="URL...")
@click.option("--from", "from_file", metavar="FILE", help="Add every URL in FILE (one a line, or OPML).")
@click.option("--interval", type=INTERVAL, default=DEFAULT_INTERVAL_SECONDS, show_default=True,
              help="Seconds between polls of these sources.")
@click.option("--json", "as_json", is_flag=True, help="Print the sources as JSON.")
@click.pass_obj
def sources_add(obj: _Context, urls, from_file, interval, as_json):
    """Watch these sources (a source already watched gets the new interval)."""
    from ..watch import read_source_list

    urls = list(urls) + (read_source_list(from_file) if from_file else [])
    if not urls:
        raise click.UsageError("give one or more URLs, or --from FILE")
    with obj.open() as nw:
        added = _add_sources(nw, urls, interval)
    if as_json:
        _echo_json([dict(s, added=new) for s, new in added])
        return
    for source, new in added:
        click.echo(f"{'added' if new else 'updated'} {source['id']}: {source['url']} (every {interval} s)")


@sources.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print the sources as JSON.")
@click.pass_obj
def sources_list(obj: _Context, as_json):
    """Every watched source with its last poll, status and counts."""
    with obj.open(readonly=True) as nw:
        rows = nw.store.list_sources()
    if _listed(rows, as_json, "No sources. Add one: newswatch sources add URL"):
        return
    for s in rows:
        state = s["last_status"] or "not polled yet"
        if s["consecutive_errors"]:
            state += f" ({s['consecutive_errors']} failures in a row: {s['last_error']})"
        click.echo(f"{s['id']:>4}  {s['url']}")
        click.echo(f"      {s['title'] or ''}{' | ' if s['title'] else ''}every {s['interval_seconds']} s, "
                   f"last poll {s['last_polled_at'] or 'never'}: {state}; next {s['next_poll_at'] or 'now'}; "
                   f"{s['items_new']} new of {s['items_seen']} entries read")


@sources.command("remove")
@click.argument("keys", nargs=-1, required=True, metavar="ID_OR_URL...")
@click.pass_obj
def sources_remove(obj: _Context, keys):
    """Stop watching these sources (the articles they brought stay)."""
    missing = []
    with obj.open() as nw:
        for key in keys:
            gone = nw.store.remove_source(key)
            if gone:
                click.echo(f"removed {gone['id']}: {gone['url']}")
            else:
                missing.append(key)
    for key in missing:
        click.echo(f"newswatch: no source {key!r} (see: newswatch sources list)", err=True)
    if missing:
        sys.exit(1)


def _describe(outcome) -> str:
    if outcome.status == "failed":
        return f"failed: {outcome.url}: {outcome.error} (next try {outcome.next_poll_at})"
    if outcome.status == "not modified":
        return f"not modified: {outcome.url}"
    return f"{outcome.new} new, {outcome.duplicates} already stored: {outcome.url}"


@cli.command(epilog="""
\b
SOURCES files hold one URL a line (lines starting with # are comments) or
are OPML, as feed readers export; their URLs are added to the watched sources
(see `newswatch sources`), and the watcher polls every watched source.
\b
Each source is polled every --interval seconds (or its own interval);
a source that fails is retried after a back-off that doubles with each
failure, up to a day. Requests carry ETag / Last-Modified, so a feed that
has not changed costs one short answer; at most one request at a time goes
to a host, a second apart at least, and robots.txt is respected.
A feed entry with only a headline is stored as an article.
\b
Examples:
  newswatch watch feeds.txt --once          # poll everything once (cron)
  newswatch watch feeds.opml --interval 600 # keep polling; Ctrl-C stops
  newswatch watch                           # poll the sources already added
\b
Stopping (Ctrl-C, SIGTERM, or kill -9) loses nothing: run it again and it
goes on; what was stored is never stored twice.
Exit status with --once: 0 every source was polled, 1 some failed, 2 usage.
""")
@click.argument("lists", nargs=-1, metavar="[SOURCES_FILE]...")
@click.option("--once", is_flag=True, help="Poll each source once, then exit.")
@click.option("--interval", type=INTERVAL, default=DEFAULT_INTERVAL_SECONDS, show_default=True,
              help="Seconds between polls, for the sources in SOURCES_FILE.")
@click.option("--max-bytes", type=click.IntRange(min=1), default=IngestOptions.max_bytes, show_default=True,
              help="Refuse downloads larger than this.")
@click.option("--timeout", type=click.FloatRange(min=0.1), default=IngestOptions.fetch_timeout, show_default=True,
              help="Seconds a fetch may take in all.")
@click.option("--allow-private", is_flag=True, help="Allow sources on loopback/private networks.")
@click.option("--delay", type=click.FloatRange(min=0.0), default=1.0, show_default=True,
              help="Seconds between two requests to the same host.")
@click.option("--no-robots", is_flag=True, help="Do not read robots.txt (only for your own sites).")
@click.option("--fetch-articles", is_flag=True,
              help="Fetch each new feed entry's page and store its full text (same politeness and limits); "
                   "without it an entry's title and summary are the article. A URL already stored is not fetched.")
@click.option("--alerts-jsonl", metavar="FILE", help="Append each new alert to FILE as a JSON line.")
@click.option("--webhook", "webhooks", metavar="URL", multiple=True,
              help="POST each new alert as JSON to URL (retried with back-off; repeatable).")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object per poll (JSON lines).")
@click.pass_obj
def watch(obj: _Context, lists, once, interval, max_bytes, timeout, allow_private, delay, no_robots, fetch_articles,
          alerts_jsonl, webhooks, as_json):
    """Poll feeds and pages for new articles, once or until stopped."""
    import json

    from ..watch import Poller, Watcher, read_source_list
    from ..watch.polite import HostGate

    urls = [url for path in lists for url in read_source_list(path)]
    with obj.open() as nw:
        _add_sources(nw, urls, interval)
        if not nw.store.list_sources():
            raise click.UsageError("no sources to watch: give a SOURCES_FILE or run `newswatch sources add URL`")
    # One process analyses; the pipeline's worker processes are for large one-off ingests.
    options = IngestOptions(max_bytes=max_bytes, fetch_timeout=timeout, allow_private=allow_private, workers=1)
    failed = []

    def report(outcome) -> None:
        if outcome.status == "failed":
            failed.append(outcome)
        if as_json:
            click.echo(json.dumps(outcome.as_dict(), ensure_ascii=False))
        else:
            click.echo(_describe(outcome), err=outcome.status == "failed")
            for err in outcome.entry_errors:
                click.echo(f"  entry failed [{err.code}]: {err}", err=True)
            for alert in outcome.alerts:
                click.echo(f"  alert: {alert['title']}")

    from ..alerts.deliver import JsonlChannel, WebhookChannel
    from ..sources import is_url

    for url in webhooks:
        if not is_url(url):
            raise click.BadParameter(f"{url!r} is not an http(s) URL", param_hint="--webhook")
    channels = ([JsonlChannel(alerts_jsonl)] if alerts_jsonl else []) + [WebhookChannel(u, options) for u in webhooks]
    with obj.open() as nw:  # a new channel gets the alerts raised from here on
        for channel in channels:
            nw.store.open_channel(channel.name)
    def stored_urls(urls: list[str]) -> set[str]:
        with obj.open(readonly=True) as nw:
            return nw.store.stored_urls(urls)

    poller = Poller(options, HostGate(delay), robots=not no_robots, fetch_articles=fetch_articles,
                    stored_urls=stored_urls)
    watcher = Watcher(obj.open, poller, on_poll=report,
                      channels=channels, on_delivery_failure=lambda line: click.echo(f"  alert not delivered: {line}",
                                                                                     err=True))
    if once:
        watcher.once()
        sys.exit(1 if failed else 0)
    signal.signal(signal.SIGTERM, lambda *_: watcher.stop())
    if not as_json:
        click.echo("watching; Ctrl-C stops", err=True)
    try:
        watcher.run()
    except KeyboardInterrupt:
        watcher.stop()
    click.echo("newswatch: watch stopped; run it again to go on", err=True)
