"""Several ingest processes into one PostgreSQL database at once, with the web server answering meanwhile.

In one run on one PostgreSQL server:

1. one `newswatch ingest` of the whole set (--workers 2) into a new database: the reference;
2. the set dealt into N parts (line i to part i mod N) and N `newswatch ingest` processes
   (--workers 1 each) started together into another new database, while `newswatch serve`
   runs on it and 4 client threads ask it for pages, API answers and searches all along.

3. one process again, fed the articles in the order the concurrent writers happened to link
   them (their ids: an id is given in the linking transaction), one article per transaction.

Reported: the wall time of each; whether every article is stored exactly once (every input id
present, no id twice, the same count); whether events and stories are the same as one process's
given the same order (3: nothing was lost or interleaved between the writers) and as the
reference's in input order (1: online linking depends on arrival order; B3 F1 says how much);
and the server's latency (p50, p95, max) and errors while the ingests ran. The concurrent
processes share the machine's cores with the server and its readers; the single ones do not.

Usage: ./run bench concurrent_ingest.py [--postgres postgresql://user@host/postgres] [--set ECB+] [--processes 4]
Without --postgres a server is started for the run (newswatch.store.postgres.local).
"""

from __future__ import annotations

import argparse
import random
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

import numpy as np
from _shared import machine
from ingest import write_dataset

import psycopg

from newswatch import api
from newswatch.store.postgres import local

PAGES = ("/", "/api/stories", "/api/articles?limit=20", "/entities", "/api/events?limit=20")


def new_database(server: str, name: str) -> str:
    with psycopg.connect(server, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {name}")
    return server.rsplit("/", 1)[0] + "/" + name


def ingest(db: str, path: Path, workers: int) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "newswatch", "--db", db, "ingest", str(path), "--no-progress",
                             "--workers", str(workers)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)


def partition(db: str) -> tuple[dict, dict, list[str]]:
    """Article external id -> event key and -> story key (keys: the sorted members), and the ids stored."""
    with api.open(db, readonly=True) as nw:
        rows = nw.store.conn.execute(
            "SELECT a.external_id, a.event_id, e.story_id FROM articles a LEFT JOIN events e ON e.id = a.event_id"
            " ORDER BY a.id"
        ).fetchall()
    ids = [r[0] for r in rows]
    return {r[0]: r[1] for r in rows}, {r[0]: r[2] for r in rows}, ids


#: One process, one article per transaction, in the order of the file (run in a subprocess of its own).
REPLAY = """
import sys
from newswatch import api
from newswatch.config import IngestOptions
with api.open(sys.argv[1]) as nw:
    nw.ingest([sys.argv[2]], IngestOptions(batch_size=1, workers=2))
"""


def same_partition(a: dict, b: dict) -> bool:
    """Whether two clusterings of the same items group them alike (cluster ids aside)."""
    def groups(assign):
        out = {}
        for item, label in assign.items():
            out.setdefault(label, set()).add(item)
        return sorted(sorted(g) for g in out.values())

    return set(a) == set(b) and groups(a) == groups(b)


def b3(pred: dict, gold: dict) -> float:
    """B3 F1 of one clustering of the same items against another."""
    def groups(assign):
        out = {}
        for item, label in assign.items():
            out.setdefault(label, set()).add(item)
        return {item: out[label] for item, label in assign.items()}

    p, g = groups(pred), groups(gold)
    items = list(gold)
    precision = np.mean([len(p[i] & g[i]) / len(p[i]) for i in items])
    recall = np.mean([len(p[i] & g[i]) / len(g[i]) for i in items])
    return float(2 * precision * recall / (precision + recall))


class Readers:
    """Client threads asking the server for pages and searches until stopped; their latencies."""

    def __init__(self, base: str, words: list[str], threads: int = 4):
        self.base, self.words, self.stop = base, words, threading.Event()
        self.latencies: list[float] = []
        self.errors = 0
        self.threads = [threading.Thread(target=self._run, args=(i,), daemon=True) for i in range(threads)]

    def _run(self, seed: int) -> None:
        rng = random.Random(seed)
        while not self.stop.is_set():
            path = rng.choice(PAGES + ("search",) * 2)
            if path == "search":
                path = "/api/search?q=" + "+".join(rng.sample(self.words, 2))
            t0 = time.perf_counter()
            try:
                with urllib.request.urlopen(self.base + path, timeout=30) as reply:
                    reply.read()
                self.latencies.append((time.perf_counter() - t0) * 1000)
            except Exception:
                self.errors += 1

    def __enter__(self):
        for t in self.threads:
            t.start()
        return self

    def __exit__(self, *exc):
        self.stop.set()
        for t in self.threads:
            t.join()


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--postgres", help="a server's maintenance database URL (default: start one for the run)")
    ap.add_argument("--set", default="ECB+")
    ap.add_argument("--processes", type=int, default=4)
    ap.add_argument("--limit", type=int)
    args = ap.parse_args()
    print(f"machine: {machine()}")
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        datadir = None
        server = args.postgres
        if not server:
            datadir = Path(tempfile.mkdtemp(prefix="newswatch-bench-pg-"))
            server = local.start(datadir)
        try:
            path = tmp / "set.jsonl"
            n = write_dataset(args.set, path, args.limit)
            lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
            parts = []
            for i in range(args.processes):
                part = tmp / f"part{i}.jsonl"
                part.write_text("".join(lines[i::args.processes]), encoding="utf-8")
                parts.append(part)

            single = new_database(server, "newswatch_bench_single")
            t0 = time.perf_counter()
            run = ingest(single, path, 2)
            assert run.wait() in (0, 1), run.stderr.read()
            single_s = time.perf_counter() - t0

            multi = new_database(server, "newswatch_bench_multi")
            api.open(multi).close()  # the schema, before the server and the writers start
            port = local.free_port()
            serve = subprocess.Popen([sys.executable, "-m", "newswatch", "--db", multi, "serve", "--port", str(port)],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            for _ in range(100):
                try:
                    urllib.request.urlopen(f"http://127.0.0.1:{port}/api/stories", timeout=5).read()
                    break
                except Exception:
                    time.sleep(0.3)
            words = sorted({w for line in lines[:200] for w in line.split() if w.isalpha() and len(w) > 5})[:300]
            with Readers(f"http://127.0.0.1:{port}", words) as readers:
                t0 = time.perf_counter()
                runs = [ingest(multi, part, 1) for part in parts]
                codes = [r.wait() for r in runs]
                multi_s = time.perf_counter() - t0
            serve.terminate()
            serve.wait()
            failures = [r.stderr.read()[-300:] for r, c in zip(runs, codes) if c not in (0, 1)]

            ev_single, st_single, ids_single = partition(single)
            ev_multi, st_multi, ids_multi = partition(multi)
            by_id = {line.split('"id": "', 1)[1].split('"', 1)[0]: line for line in lines}
            replay_path = tmp / "replay.jsonl"
            replay_path.write_text("".join(by_id[i] for i in ids_multi), encoding="utf-8")
            replay = new_database(server, "newswatch_bench_replay")
            subprocess.run([sys.executable, "-c", REPLAY, replay, str(replay_path)], check=True)
            ev_replay, st_replay, _ = partition(replay)
            wanted = {line.split('"id": "', 1)[1].split('"', 1)[0] for line in lines}
            lat = np.array(readers.latencies)
            print(f"\n{args.set}: {n} articles; one process {single_s:.1f} s; {args.processes} processes at once"
                  f" {multi_s:.1f} s ({multi_s / single_s:.2f}x); ingest failures: {failures or 'none'}")
            print("| check | result |")
            print("|---|---|")
            print(f"| articles stored (one process / concurrent) | {len(ids_single)} / {len(ids_multi)} |")
            print(f"| every input stored, none twice | {set(ids_multi) == wanted and len(ids_multi) == len(set(ids_multi))} |")
            print(f"| events and stories = one process linking in the same order | "
                  f"{same_partition(ev_multi, ev_replay)} and {same_partition(st_multi, st_replay)} |")
            same_events = b3(ev_multi, ev_single) if ev_multi != ev_single else 1.0
            same_stories = b3(st_multi, st_single) if st_multi != st_single else 1.0
            print(f"| events against one process in input order: count, B3 F1 | {len(set(ev_single.values()))} / "
                  f"{len(set(ev_multi.values()))} events, {same_events:.3f} |")
            print(f"| stories against one process in input order: count, B3 F1 | {len(set(st_single.values()))} / "
                  f"{len(set(st_multi.values()))} stories, {same_stories:.3f} |")
            print(f"| server while ingesting: requests, errors | {len(lat)}, {readers.errors} |")
            print(f"| server latency p50 / p95 / max | {np.percentile(lat, 50):.0f} / {np.percentile(lat, 95):.0f}"
                  f" / {lat.max():.0f} ms |")
        finally:
            if datadir is not None:
                local.stop(datadir)


if __name__ == "__main__":
    main()
