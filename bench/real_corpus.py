"""A large corpus of real news text for the scale and web benchmarks, as JSONL for `newswatch ingest`.

The pool is every article of the shared sets that has running text:
timeline17 (dated wire and newspaper reports, stories over months), PolNeAR
(dated political news, its outlet and day in the document name), ECB+
(undated reports of the same happenings) and GoogleNews-TS (headline-and-
snippet items, lower-cased; each of its events is given a day). Past the pool's size, articles come back as
re-dated copies: copy k is moved k times `--shift-years` later and varied
(a third of its sentences dropped, paragraphs reordered), so it is new text
about an old-looking story; one copy in ten is instead a verbatim syndicated
copy from another outlet, so the near-duplicate path meets real duplicates.
A tenth of the dated articles lose their date, so the undated path is run.

Articles are written in publication order (undated ones spread through),
as a feed would bring them.

Usage:
  ./run bench real_corpus.py --articles 20000 --out /tmp/real20k.jsonl
  newswatch --db /tmp/real20k.db ingest /tmp/real20k.jsonl
"""

from __future__ import annotations

import argparse
import json
import random
import re
from datetime import datetime, timedelta

from _shared import load_module

SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z“\"'])")


def pool() -> list[dict]:
    """Every real article of the shared sets, as ingest records (dated where the set says when)."""
    out = []
    arts, _ = load_module("timeline17/load_t17.py", "load_t17").load()
    for a in arts:
        text = a["text"].strip()
        first = SENTENCE.split(text, 1)[0]
        out.append({"id": f"t17/{a['collection']}/{a['uid']}", "title": first[:140], "text": text,
                    "published": a["dct"][:10], "source": a["collection"].split("_")[1]})
    loader = load_module("polnear/load_polnear.py", "load_polnear")
    seen = set()
    for split in ("train", "dev"):
        for d in loader.load(split):
            if d["doc"] in seen:
                continue
            seen.add(d["doc"])
            outlet, day = (d["doc"].split("_") + ["", ""])[:2]
            title, _, body = d["text"].strip().partition("\n")
            record = {"id": f"polnear/{d['doc']}", "title": title[:200], "text": body.strip() or title,
                      "source": outlet}
            if re.fullmatch(r"\d{4}-\d{2}-\d{2}", day):
                record["published"] = day
            out.append(record)
    for d in load_module("ecbplus/load_ecbplus.py", "load_ecbplus").load():
        title, _, body = d["text"].strip().partition("\n")
        out.append({"id": f"ecbplus/{d['doc_id']}", "title": title[:200], "text": body.strip() or title})
    # GoogleNews-TS items carry no date. Each of its events is given a day (items within three days of
    # it), so that its reports arrive together as a real event's would.
    rows = load_module("googlenews_ts/load_googlenews.py", "load_googlenews").load("TS")
    rng = random.Random(5)
    event_day = {}
    for i, (label, text) in enumerate(rows):
        day = event_day.setdefault(label, datetime(2013, 1, 1) + timedelta(days=rng.randrange(730)))
        published = (day + timedelta(days=rng.randint(0, 3))).date().isoformat()
        out.append({"id": f"gnts/{i}", "title": " ".join(text.split()[:10]), "text": text,
                    "source": "Google News", "published": published})
    return out


def varied(record: dict, k: int, rng: random.Random, shift_years: int) -> dict:
    """Copy ``k`` of a record: later by k * shift_years, either syndicated verbatim or rewritten."""
    copy = dict(record, id=f"{record['id']}#copy{k}")
    if copy.get("published"):
        day = datetime.fromisoformat(copy["published"][:10])
        copy["published"] = (day + timedelta(days=round(365.25 * shift_years * k))).date().isoformat()
    if rng.random() < 0.1:
        # A syndicated copy: the same report under another outlet's dateline (a near-duplicate, not identical).
        copy["source"] = f"{record.get('source') or 'wire'} (syndicated {k})"
        copy["text"] = f"Via {copy['source']}:\n\n{copy['text']}"
        return copy
    paragraphs = [p for p in copy["text"].split("\n") if p.strip()]
    rng.shuffle(paragraphs)
    kept = []
    for p in paragraphs:
        sentences = SENTENCE.split(p)
        if len(sentences) == 1:  # a headline-and-snippet item: drop words instead
            words = sentences[0].split()
            sentences = [" ".join(w for w in words if rng.random() > 1 / 4) or sentences[0]]
        chosen = [s for s in sentences if rng.random() > 1 / 3] or sentences[:1]
        kept.append(" ".join(chosen))
    copy["text"] = "\n\n".join(kept)
    return copy


def build(n: int, seed: int = 17, shift_years: int = 3, base: list[dict] | None = None) -> list[dict]:
    rng = random.Random(seed)
    base = [r for r in (base if base is not None else pool()) if r["text"].strip()]
    rng.shuffle(base)
    records = []
    k = 0
    while len(records) < n:
        for record in base:
            if len(records) >= n:
                break
            r = dict(record) if k == 0 else varied(record, k, rng, shift_years)
            if r.get("published") and rng.random() < 0.1:
                del r["published"]
            records.append(r)
        k += 1
    # Publication order, with each undated article placed where a random dated one would be.
    dated = sorted((r for r in records if r.get("published")), key=lambda r: r["published"])
    undated = [r for r in records if not r.get("published")]
    order = [(i, 0, r) for i, r in enumerate(dated)] + [(rng.randrange(len(dated) + 1), 1, r) for r in undated]
    return [r for _, _, r in sorted(order, key=lambda t: (t[0], t[1]))]


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--articles", type=int, default=20_000)
    ap.add_argument("--out", required=True, help="JSONL file to write")
    ap.add_argument("--seed", type=int, default=17)
    ap.add_argument("--shift-years", type=int, default=3)
    args = ap.parse_args()
    real = pool()
    records = build(args.articles, args.seed, args.shift_years, real)
    with open(args.out, "w", encoding="utf-8") as fh:
        for r in records:
            fh.write(json.dumps(r, ensure_ascii=False) + "\n")
    dated = sum(1 for r in records if r.get("published"))
    print(f"{len(records):,} articles ({dated:,} dated, {len(records) - dated:,} undated; "
          f"{len(real):,} distinct real articles in the pool) -> {args.out}")


if __name__ == "__main__":
    main()
