"""Date expressions on TempEval-3 TBAQ-cleaned: newswatch's tagger against dateparser.

For every document, expressions are found in the TEXT and resolved against
the document creation time (DCT), as newswatch does with a publication date.
Scores, over gold TIMEX3 of type DATE:

- found: share of gold DATEs that a predicted expression overlaps (lenient span recall);
- precision: share of predicted expressions that overlap any gold TIMEX3 (DATE, TIME,
  DURATION or SET: a hit on "Wednesday night" is not a false date);
- value accuracy: among found gold DATEs, share whose value is exactly the gold value;
- value recall: gold DATEs found with the exact value, over all gold DATEs (end to end).

The peer is dateparser's search_dates (the usual library answer), with
RELATIVE_BASE = DCT. It returns datetimes, so it is scored generously: a
prediction counts as correct when it agrees with the gold value at the gold
value's own granularity (gold 1998-08 matches any day in August 1998).

AQUAINT was used while developing the tagger; TimeBank was not looked at, so its
row is the held-out figure.

Usage: ./run bench tempeval.py [--no-peer] [--errors N]
"""

from __future__ import annotations

import argparse
import re
import time
from collections import defaultdict
from datetime import date, datetime

from _shared import load_module, machine

from newswatch.analysis.dates import find_dates


def ours(text: str, ref: date):
    return [(d.start, d.end, d.value) for d in find_dates(text, ref)]


def peer(text: str, ref: date):
    import warnings

    from dateparser.search import search_dates

    settings = {"RELATIVE_BASE": datetime(ref.year, ref.month, ref.day), "PREFER_DATES_FROM": "past",
                "PREFER_DAY_OF_MONTH": "first"}
    out = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        found = search_dates(text, languages=["en"], settings=settings) or []
    cursor = 0
    for surface, value in found:
        start = text.find(surface, cursor)
        if start < 0:
            start = text.find(surface)
        if start < 0:
            continue
        cursor = start + len(surface)
        out.append((start, start + len(surface), value.date().isoformat()))
    return out


def value_matches(gold: str, predicted: str | None, generous: bool) -> bool:
    if predicted is None:
        return False
    if not generous:
        return predicted == gold
    # dateparser always answers with a day: accept it when it is inside the gold period.
    if re.fullmatch(r"\d{4}(-\d{2}(-\d{2})?)?", gold):
        return predicted.startswith(gold)
    return False


def score(docs, tagger, generous: bool, errors: list | None = None):
    totals = defaultdict(lambda: defaultdict(int))
    seconds = 0.0
    for doc in docs:
        ref = date.fromisoformat(doc["dct"][:10])
        t0 = time.perf_counter()
        predicted = tagger(doc["text"], ref)
        seconds += time.perf_counter() - t0
        t = totals[doc["subset"]]
        gold_all = doc["timexes"]
        gold_dates = [g for g in gold_all if g["type"] == "DATE"]
        t["docs"] += 1
        t["gold"] += len(gold_dates)
        t["pred"] += len(predicted)
        t["pred_hit"] += sum(any(s < g["end"] and g["start"] < e for g in gold_all) for s, e, _ in predicted)
        for g in gold_dates:
            hits = [p for p in predicted if p[0] < g["end"] and g["start"] < p[1]]
            if hits:
                t["found"] += 1
                if any(value_matches(g["value"], v, generous) for _, _, v in hits):
                    t["correct"] += 1
                elif errors is not None:
                    errors.append((doc["subset"], doc["dct"][:10], g["text"], g["value"],
                                   [(doc["text"][s:e], v) for s, e, v in hits]))
            elif errors is not None:
                errors.append((doc["subset"], doc["dct"][:10], g["text"], g["value"], "MISSED"))
    return totals, seconds


def rows(name, totals, seconds):
    out = []
    grand = defaultdict(int)
    for subset in sorted(totals):
        for k, v in totals[subset].items():
            grand[k] += v
    for subset, t in [*sorted(totals.items()), ("all", grand)]:
        found = t["found"] / t["gold"]
        precision = t["pred_hit"] / max(t["pred"], 1)
        accuracy = t["correct"] / max(t["found"], 1)
        out.append(f"| {name} | {subset} | {t['docs']} | {t['gold']} | {found:.3f} | {precision:.3f} | "
                   f"{accuracy:.3f} | {t['correct'] / t['gold']:.3f} |")
    docs_per_s = grand["docs"] / seconds if seconds else float("inf")
    return out, docs_per_s


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--no-peer", action="store_true", help="skip dateparser (slow)")
    ap.add_argument("--errors", type=int, default=0, metavar="N", help="print N of newswatch's AQUAINT errors")
    args = ap.parse_args()
    docs = load_module("tempeval3_tbaq/load_timeml.py", "load_timeml").load()
    errs: list = []
    table = ["| system | subset | docs | gold DATEs | found | precision | value accuracy | value recall |",
             "|---|---|---|---|---|---|---|---|"]
    totals, seconds = score(docs, ours, generous=False, errors=errs)
    lines, speed_ours = rows("newswatch", totals, seconds)
    table += lines
    speeds = [f"newswatch {speed_ours:,.0f} docs/s"]
    if not args.no_peer:
        totals, seconds = score(docs, peer, generous=True)
        lines, speed_peer = rows("dateparser search_dates", totals, seconds)
        table += lines
        speeds.append(f"dateparser {speed_peer:,.1f} docs/s (ratio {speed_ours / speed_peer:,.0f}x)")
    print(f"machine: {machine()}")
    print("\n".join(table))
    print("speed: " + "; ".join(speeds))
    if args.errors:
        print("\nnewswatch errors on AQUAINT (the development half):")
        for e in [e for e in errs if e[0] == "AQUAINT"][: args.errors]:
            print("  ", e[1:])


if __name__ == "__main__":
    main()
