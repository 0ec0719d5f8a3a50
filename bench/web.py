"""Requests per second and latency of the web server: home page, a story page, search.

Starts a real `newswatch serve` (uvicorn, one process) on a corpus, warms it
up, then sends each kind of request from several client threads at once and
reports throughput and p50/p95 latency. The baseline, measured in the same
run, is a static file (the stylesheet): what the server costs before any
database work, so the ratio says what each page adds on a noisy machine.

The client threads run on the same 2 cores as the server, so absolute
figures are lower bounds; compare ratios across runs.

Usage:
  ./run bench web.py                       # the bundled demo corpus (ingested into a temporary file)
  ./run bench web_corpus.py --articles 100000 --db /tmp/nw100k.db
  ./run bench web.py --db /tmp/nw100k.db   # the same requests at 100k articles
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx
from _shared import machine

QUERIES = ["cable", "Lindqvist", "drought emergency", "volcano eruption", "trade deal", "court trial anchor",
           "bank customers data", "marathon record", "reservoirs", "prime minister"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start(db: str) -> tuple[subprocess.Popen, str]:
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "newswatch", "--db", db, "serve", "--port", str(port)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            if httpx.get(url + "/api/stats", timeout=60).status_code == 200:
                return proc, url
        except httpx.TransportError:
            time.sleep(0.3)
    proc.kill()
    sys.exit("bench: the server did not start")


def load(url: str, paths: list[str], total: int, concurrency: int) -> dict:
    latencies: list[float] = []
    failures = []
    lock = threading.Lock()
    counter = iter(range(total))

    def worker():
        with httpx.Client(base_url=url, timeout=120) as client:
            while True:
                with lock:
                    i = next(counter, None)
                if i is None:
                    return
                t0 = time.perf_counter()
                r = client.get(paths[i % len(paths)])
                ms = (time.perf_counter() - t0) * 1000
                with lock:
                    latencies.append(ms)
                    if r.status_code != 200:
                        failures.append(r.status_code)

    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    t0 = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - t0
    latencies.sort()
    return {"rps": total / wall, "p50": statistics.median(latencies),
            "p95": latencies[int(0.95 * (len(latencies) - 1))], "failures": len(failures)}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--db", help="corpus to serve (default: the demo corpus, ingested into a temporary file)")
    ap.add_argument("--requests", type=int, default=300, help="requests per kind of page")
    ap.add_argument("--concurrency", type=int, default=4)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        db = args.db
        if db is None:
            db = str(Path(tmp) / "demo.db")
            subprocess.run([sys.executable, "-m", "newswatch", "--db", db, "demo"], check=True,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        proc, url = start(db)
        try:
            stats = httpx.get(url + "/api/stats", timeout=60).json()
            stories = httpx.get(url + "/api/stories", params={"limit": 20}, timeout=60).json()
            # The biggest of the stories on the front page: the story page a reader is most likely to open.
            story = max(stories, key=lambda s: s["article_count"])
            kinds = {
                "static file (baseline)": ["/static/style.css"],
                "home page": ["/"],
                f"story page ({story['article_count']} articles)": [f"/stories/{story['id']}"],
                "search page": [f"/search?q={q}" for q in QUERIES],
                "search API": [f"/api/search?q={q}" for q in QUERIES],
            }
            for paths in kinds.values():  # warm-up: templates compiled, embedding index loaded, pages cached
                load(url, paths, 2 * len(paths), 1)
            results = {name: load(url, paths, args.requests, args.concurrency) for name, paths in kinds.items()}
        finally:
            proc.terminate()
            proc.wait(timeout=30)
    print(f"machine: {machine()}")
    print(f"corpus: {stats['articles']:,} articles, {stats['stories']:,} stories, {stats['events']:,} events; "
          f"{args.requests} requests per kind, {args.concurrency} client threads")
    print("| request | req/s | p50 ms | p95 ms | p95 vs static | failures |")
    print("|---|---|---|---|---|---|")
    base = results["static file (baseline)"]["p95"]
    for name, r in results.items():
        print(f"| {name} | {r['rps']:.0f} | {r['p50']:.1f} | {r['p95']:.1f} | {r['p95'] / base:.1f}x | {r['failures']} |")


if __name__ == "__main__":
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    main()
