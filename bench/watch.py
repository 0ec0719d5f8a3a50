"""The watch loop at scale: 500 feeds on a local server, polled in full cycles, and the delay to an alert.

The feeds carry real headlines and snippets (GoogleNews-TS, ../shared/eval),
10 entries each, on 50 loopback addresses (127.0.0.2 to 127.0.0.51: 50 hosts,
so the per-host politeness applies as it would on the web, with the default
one-second delay between two requests to one host). Cycles, each
``Watcher.once()`` over every source as ``newswatch watch --once`` does:

1. first poll: every entry is new (5,000 articles analysed and stored);
2. nothing changed: every feed answers 304 to the conditional GET;
3. a burst: three feeds on three hosts carry a new report of one event,
   published now, and a watchlist waits for it; the figures are the cycle's
   time and the time from the cycle's start to the stored breaking and
   watchlist alerts (with a 10-minute interval, the delay from publication
   to an alert is at most the interval plus this).

CPU seconds are the process's own (user + system); the peer in the same run
is ``newswatch ingest`` of the same 5,000 entries as one JSONL file (no
fetching, no scheduling), which bounds what the first cycle can cost.

Usage: ./run bench watch.py [--feeds 500] [--per-feed 10]
"""

from __future__ import annotations

import argparse
import http.server
import json
import resource
import tempfile
import threading
import time
from datetime import datetime, timezone
from email.utils import format_datetime
from pathlib import Path
from xml.sax.saxutils import escape

from _shared import load_module, machine, peak_rss_mb

import newswatch
from newswatch.config import IngestOptions
from newswatch.watch import Poller, Watcher
from newswatch.watch.polite import HostGate

HOSTS = 50


def cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def items(n: int) -> list[tuple[str, str]]:
    rows = load_module("googlenews_ts/load_googlenews.py", "load_googlenews").load("TS")
    out = []
    for _, text in rows[:n]:
        title, _, rest = text.partition(". ")
        out.append((title.strip()[:200], rest.strip() or title.strip()))
    return out


def rss(title: str, entries: list[tuple[str, str, str, datetime]]) -> bytes:
    body = "".join(
        f"<item><guid>{escape(g)}</guid><title>{escape(t)}</title><description>{escape(s)}</description>"
        f"<pubDate>{format_datetime(d)}</pubDate></item>" for g, t, s, d in entries)
    return (f'<?xml version="1.0"?><rss version="2.0"><channel><title>{escape(title)}</title>{body}'
            "</channel></rss>").encode()


class Feeds:
    def __init__(self, n: int, per_feed: int):
        texts = items(n * per_feed)
        base = datetime(2024, 3, 1, tzinfo=timezone.utc)
        self.bodies: dict[str, bytes] = {}
        self.entries: dict[str, list] = {}
        for i in range(n):
            path = f"/feed/{i}.xml"
            self.entries[path] = [(f"f{i}-{j}", *texts[(i * per_feed + j) % len(texts)], base)
                                  for j in range(per_feed)]
            self.publish(path)

    def publish(self, path: str) -> None:
        self.bodies[path] = rss(f"Feed {path}", self.entries[path])

    def serve(self):
        feeds = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                body = feeds.bodies.get(self.path)
                if body is None:
                    self.send_response(404)
                    self.end_headers()
                    return
                etag = f'"{hash(body) & 0xffffffff:x}"'
                if self.headers.get("If-None-Match") == etag:
                    self.send_response(304)
                    self.end_headers()
                    return
                self.send_response(200)
                self.send_header("Content-Type", "application/rss+xml")
                self.send_header("ETag", etag)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        server = http.server.ThreadingHTTPServer(("0.0.0.0", 0), Handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        return server


def cycle(watcher: Watcher) -> tuple[float, float, list]:
    t0, c0 = time.perf_counter(), cpu()
    outcomes = watcher.once()
    return time.perf_counter() - t0, cpu() - c0, outcomes


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--feeds", type=int, default=500)
    ap.add_argument("--per-feed", type=int, default=10)
    args = ap.parse_args()
    print(f"machine: {machine()}, date {datetime.now().date()}")
    feeds = Feeds(args.feeds, args.per_feed)
    server = feeds.serve()
    port = server.server_address[1]
    work = Path(tempfile.mkdtemp(prefix="newswatch-watch-"))
    db = str(work / "watch.db")
    paths = sorted(feeds.bodies, key=lambda p: int(p.split("/")[-1].split(".")[0]))
    with newswatch.open(db) as nw:
        for i, path in enumerate(paths):
            nw.store.add_source(f"http://127.0.0.{2 + i % HOSTS}:{port}{path}", 600)
        nw.store.add_watchlist("bench", '"Lake Saimaa" AND ferry')
    options = IngestOptions(allow_private=True, workers=1)
    watcher = Watcher(lambda: newswatch.open(db), Poller(options, HostGate(1.0), robots=False))

    with newswatch.open(str(work / "warm.db")) as nw:  # models loaded before anything is timed
        nw.ingest_records([{"id": "warm", "text": "Models load before the timing starts, said Aino Kallio."}])
    rows = []
    wall, cpu_s, outcomes = cycle(watcher)
    new = sum(o.new for o in outcomes)
    rows.append(("1. first poll (all new)", wall, cpu_s, new, sum(o.status == "failed" for o in outcomes)))
    wall, cpu_s, outcomes = cycle(watcher)
    rows.append(("2. nothing changed (304)", wall, cpu_s, sum(o.new for o in outcomes),
                 sum(o.status == "not modified" for o in outcomes)))
    now = datetime.now(timezone.utc)
    burst = [paths[0], paths[1], paths[2]]
    for k, path in enumerate(burst):
        feeds.entries[path].append((f"burst-{k}", "Ferry runs aground on Lake Saimaa",
                                    f"A passenger ferry ran aground on Lake Saimaa near Savonlinna on {['Monday', 'Monday morning', 'Monday, officials said'][k]}; "
                                    "all 40 passengers were taken ashore, the rescue service said.", now))
        feeds.publish(path)
    start = time.perf_counter()
    wall, cpu_s, outcomes = cycle(watcher)
    raised = [a for o in outcomes for a in o.alerts]
    rows.append(("3. a burst in 3 feeds", wall, cpu_s, sum(o.new for o in outcomes), len(raised)))
    to_alert = time.perf_counter() - start
    server.shutdown()

    # The peer: the first cycle's entries as one JSONL file, through `ingest`.
    jsonl = work / "same.jsonl"
    with jsonl.open("w", encoding="utf-8") as f:
        for path in paths:
            for g, t, s, d in feeds.entries[path]:
                if not g.startswith("burst"):
                    f.write(json.dumps({"id": g, "title": t, "text": s, "published": d.isoformat(),
                                        "source": f"Feed {path}"}) + "\n")
    t0, c0 = time.perf_counter(), cpu()
    with newswatch.open(str(work / "peer.db")) as nw:
        report = nw.ingest([str(jsonl)], IngestOptions(workers=1))
    peer = (time.perf_counter() - t0, cpu() - c0, report.ingested)

    print(f"\n{args.feeds} feeds x {args.per_feed} entries on {HOSTS} hosts; peak memory {peak_rss_mb():.0f} MB\n")
    print("| cycle | wall s | CPU s | new articles | notes |")
    print("|---|---|---|---|---|")
    for name, wall, cpu_s, new, note in rows:
        label = {"1": f"{note} failed", "2": f"{note} answered 304", "3": f"{note} alerts"}[name[0]]
        print(f"| {name} | {wall:.1f} | {cpu_s:.1f} | {new} | {label} |")
    print(f"| peer: `ingest` of the same entries as JSONL | {peer[0]:.1f} | {peer[1]:.1f} | {peer[2]} | |")
    print(f"\nfrom the burst cycle's start to its alerts stored: {to_alert:.1f} s "
          f"({', '.join(a['kind'] for a in raised) or 'none'})")


if __name__ == "__main__":
    main()
