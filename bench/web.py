"""Requests per second and latency of the web server: home page, a story page, search.

Starts a real `newswatch serve` (uvicorn, one process) on a corpus, warms it
up, then sends each kind of request from several client threads at once and
reports throughput and p50/p95 latency. The baseline, measured in the same
run, is a static file (the stylesheet): what the server costs before any
database work, so the ratio says what each page adds on a noisy machine.

The client threads run on the same 2 cores as the server, so absolute
figures are lower bounds; compare ratios across runs.

Then, with --clients N --seconds S, a mixed load: N clients, each sending its
next request as soon as the last one is answered, for S seconds, over every
kind of page a reader opens (home, stories, events, articles, entities, search
pages and the search API), picked at random from 3,000 distinct URLs with a
Zipf law (the URL of popularity rank r is asked for in proportion to 1/r),
the shape of real web traffic: a few pages are read by many, most by few. The
server keeps finished answers until the corpus changes, so the mix of
repeated and first-time requests is what this measures. The
clients are one asyncio process speaking HTTP/1.1 with keep-alive directly on
sockets, so that the load generator takes as little of the 2 cores as it can.

Usage:
  ./run bench web.py                       # the bundled demo corpus (ingested into a temporary file)
  ./run bench real_corpus.py --articles 20000 --out /tmp/real20k.jsonl
  ./run newswatch --db /tmp/real20k.db ingest /tmp/real20k.jsonl --max-bytes 100000000
  ./run bench web.py --db /tmp/real20k.db --clients 4 50 --seconds 30
"""

from __future__ import annotations

import argparse
import itertools
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


async def _get(reader, writer, host: str, path: str) -> int:
    writer.write(f"GET {path} HTTP/1.1\r\nHost: {host}\r\nAccept: */*\r\n\r\n".encode())
    await writer.drain()
    head = await reader.readuntil(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1])
    length = None
    chunked = False
    for line in head.split(b"\r\n")[1:]:
        key, _, value = line.partition(b":")
        if key.strip().lower() == b"content-length":
            length = int(value)
        elif key.strip().lower() == b"transfer-encoding" and b"chunked" in value.lower():
            chunked = True
    if chunked:
        while True:
            size = int((await reader.readuntil(b"\r\n")).split(b";")[0], 16)
            await reader.readexactly(size + 2)
            if size == 0:
                break
    elif length:
        await reader.readexactly(length)
    return status


def mixed_load(url: str, paths: list[str], clients: int, seconds: float, seed: int = 7) -> dict:
    """``clients`` closed-loop clients for ``seconds``, each picking its next URL at random from ``paths``."""
    import asyncio
    import random

    host = url.split("//", 1)[1]
    address, port = host.rsplit(":", 1)
    latencies: list[float] = []
    failures: dict[str, int] = {}

    async def client(k: int, stop_at: float):
        rng = random.Random(seed * 1000 + k)
        cumulative = list(itertools.accumulate(1 / (r + 1) for r in range(len(paths))))
        reader, writer = await asyncio.open_connection(address, int(port))
        try:
            while time.perf_counter() < stop_at:
                path = rng.choices(paths, cum_weights=cumulative)[0]
                t0 = time.perf_counter()
                try:
                    status = await _get(reader, writer, host, path)
                except (OSError, asyncio.IncompleteReadError) as exc:
                    failures[type(exc).__name__] = failures.get(type(exc).__name__, 0) + 1
                    writer.close()
                    reader, writer = await asyncio.open_connection(address, int(port))
                    continue
                latencies.append((time.perf_counter() - t0) * 1000)
                if status != 200:
                    failures[str(status)] = failures.get(str(status), 0) + 1
        finally:
            writer.close()

    async def run():
        stop_at = time.perf_counter() + seconds
        await asyncio.gather(*(client(k, stop_at) for k in range(clients)))

    t0 = time.perf_counter()
    asyncio.run(run())
    wall = time.perf_counter() - t0
    latencies.sort()

    def pct(q: float) -> float:
        return latencies[int(q * (len(latencies) - 1))]

    return {"clients": clients, "requests": len(latencies), "rps": len(latencies) / wall, "p50": pct(0.5),
            "p95": pct(0.95), "p99": pct(0.99), "max": latencies[-1], "failures": failures}


def reader_paths(url: str, n: int = 3000, seed: int = 3) -> list[str]:
    """Distinct URLs of every kind a reader opens, in the proportions of a reading session, in popularity order."""
    import random

    rng = random.Random(seed)
    stories = httpx.get(url + "/api/stories", params={"limit": 500}, timeout=60).json()
    events = httpx.get(url + "/api/events", params={"limit": 500}, timeout=60).json()
    entities = httpx.get(url + "/api/entities", params={"limit": 500}, timeout=60).json()
    total = httpx.get(url + "/api/stats", timeout=60).json()["articles"]
    words = [w for q in QUERIES for w in q.split()]
    paths = ["/"] * (n // 10) + [f"/?page={rng.randint(2, 5)}" for _ in range(n // 20)]
    paths += [f"/stories/{rng.choice(stories)['id']}" for _ in range(n // 5)]
    paths += [f"/events/{rng.choice(events)['id']}" for _ in range(n // 10)]
    paths += [f"/articles/{rng.randint(1, total)}" for _ in range(n // 4)]
    paths += [f"/entities/{rng.choice(entities)['id']}" for _ in range(n // 20)]
    paths += [f"/search?q={rng.choice(words)}+{rng.choice(words)}" for _ in range(n // 10)]
    paths += [f"/api/search?q={rng.choice(words)}" for _ in range(n // 10)]
    paths += [f"/api/articles/{rng.randint(1, total)}" for _ in range(n // 20)]
    paths = list(dict.fromkeys(paths))
    rng.shuffle(paths)
    front = [p for p in ("/", "/?page=2") if p in paths]  # the front page is the most read page on any site
    return front + [p for p in paths if p not in front]


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--db", help="corpus to serve (default: the demo corpus, ingested into a temporary file)")
    ap.add_argument("--requests", type=int, default=300, help="requests per kind of page")
    ap.add_argument("--concurrency", type=int, default=4)
    ap.add_argument("--clients", type=int, nargs="*", default=[],
                    help="mixed load with these numbers of clients (e.g. 4 50); none: skip it")
    ap.add_argument("--seconds", type=float, default=30, help="length of each mixed-load run")
    ap.add_argument("--skip-kinds", action="store_true", help="only the mixed load")
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
            results = {}
            if not args.skip_kinds:
                for paths in kinds.values():  # warm-up: templates compiled, embedding index loaded, pages cached
                    load(url, paths, 2 * len(paths), 1)
                results = {name: load(url, paths, args.requests, args.concurrency) for name, paths in kinds.items()}
            mixed = []
            if args.clients:
                paths = reader_paths(url)
                mixed_load(url, paths, 4, 5)  # warm-up
                mixed = [mixed_load(url, paths, n, args.seconds) for n in args.clients]
        finally:
            proc.terminate()
            proc.wait(timeout=30)
    print(f"machine: {machine()}")
    print(f"corpus: {stats['articles']:,} articles, {stats['stories']:,} stories, {stats['events']:,} events; "
          f"{args.requests} requests per kind, {args.concurrency} client threads")
    if results:
        print("| request | req/s | p50 ms | p95 ms | p95 vs static | failures |")
        print("|---|---|---|---|---|---|")
        base = results["static file (baseline)"]["p95"]
        for name, r in results.items():
            print(f"| {name} | {r['rps']:.0f} | {r['p50']:.1f} | {r['p95']:.1f} | {r['p95'] / base:.1f}x | "
                  f"{r['failures']} |")
    if mixed:
        print(f"\nmixed load: {len(paths)} distinct URLs (Zipf popularity), {args.seconds:.0f} s per run")
        print("| clients | requests | req/s | p50 ms | p95 ms | p99 ms | max ms | failures |")
        print("|---|---|---|---|---|---|---|---|")
        for r in mixed:
            print(f"| {r['clients']} | {r['requests']:,} | {r['rps']:.0f} | {r['p50']:.0f} | {r['p95']:.0f} | "
                  f"{r['p99']:.0f} | {r['max']:.0f} | {sum(r['failures'].values())} {r['failures'] or ''} |")


if __name__ == "__main__":
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    main()
