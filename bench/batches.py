"""One batch or several later batches: how alike are the events and stories?

The same articles are ingested (a) in one call, (b) in 5 calls of
chronological slices, (c) in 5 calls of random slices (late arrivals of old
news). Agreement with (a) is measured as B-cubed F1 and adjusted Rand index
between the clusterings (1.0 = identical).

Sets: the bundled demo corpus (dated), and GoogleNews-TS items (undated,
first 2,000 after a fixed shuffle).

Usage: ./run bench batches.py
"""

from __future__ import annotations

import random
import tempfile
from importlib import resources
from pathlib import Path

from _shared import load_module, machine
from clustering import bcubed

import newswatch


def demo_records() -> list[dict]:
    corpus = resources.files("newswatch.demo") / "corpus"
    with resources.as_file(corpus) as path, tempfile.TemporaryDirectory() as tmp:
        nw = newswatch.open(str(Path(tmp) / "d.db"))
        nw.ingest([str(path)])
        out = []
        for art in nw.store.iter_articles():
            out.append({"id": art["external_id"] or f"n{art['id']}", "title": art["title"], "text": art["raw_text"],
                        "published": art["published"], "source": art["source"]})
        nw.close()
    return out


def assignments(records, slices) -> dict[str, tuple[int, int]]:
    with tempfile.TemporaryDirectory() as tmp:
        nw = newswatch.open(str(Path(tmp) / "b.db"))
        for part in slices:
            nw.ingest_records([records[i] for i in part])
        rows = {ext: (e, s) for ext, e, s in nw.store.conn.execute(
            "SELECT a.external_id, a.event_id, e.story_id FROM articles a JOIN events e ON e.id = a.event_id")}
        nw.close()
    return rows


def agreement(a: dict, b: dict, level: int) -> str:
    from sklearn.metrics import adjusted_rand_score

    keys = sorted(a)
    x, y = [a[k][level] for k in keys], [b[k][level] for k in keys]
    return f"{bcubed(x, y)[2]:.3f} / {adjusted_rand_score(x, y):.3f}"


def main():
    sets = {"demo corpus": demo_records()}
    rows = load_module("googlenews_ts/load_googlenews.py", "load_googlenews").load("TS")
    items = [{"id": f"gn-{i}", "text": t} for i, (_, t) in enumerate(rows)]
    random.Random(13).shuffle(items)
    sets["GoogleNews-TS (2,000)"] = items[:2000]
    print(f"machine: {machine()}")
    print("| set | batches | events: B3 F1 / ARI vs one batch | stories: B3 F1 / ARI vs one batch |")
    print("|---|---|---|---|")
    for name, records in sets.items():
        n = len(records)
        order = sorted(range(n), key=lambda i: (records[i].get("published") is None, records[i].get("published") or "", i))
        one = assignments(records, [order])
        chrono = [order[k * n // 5:(k + 1) * n // 5] for k in range(5)]
        shuffled = order[:]
        random.Random(5).shuffle(shuffled)
        rand = [shuffled[k * n // 5:(k + 1) * n // 5] for k in range(5)]
        for label, slices in (("5 chronological", chrono), ("5 random", rand)):
            other = assignments(records, slices)
            print(f"| {name} | {label} | {agreement(one, other, 0)} | {agreement(one, other, 1)} |", flush=True)


if __name__ == "__main__":
    main()
