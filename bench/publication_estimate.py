"""How well does newswatch date an undated article from its text alone?

Sets with a known publication date (../shared/eval):
- Timeline17: 2,916 articles (CNN, BBC, Reuters, The Guardian, Fox News, The
  Washington Post; 2009-2013), ``dct`` as the truth;
- TempEval-3 TBAQ: 256 documents (TimeBank and AQUAINT, 1989-2000), the
  document creation time as the truth.

The text is given without its date, as a file with no metadata would arrive,
and ``newswatch.analysis.published.estimate_publication`` estimates a window.
Reported per set: how many texts get an estimate; of those, how many windows
hold the true day, how many are within 30 days of it and how many are off by
more than a year (the estimates that mislead linking most); the median window
width (a two-year window is safe but says little).

Peer, measured in the same run: the latest date the text spells out in full
(day, month and year, or month and year), its day or month taken as the
window, with no inference from weekdays or bare years.

Usage: ./run bench publication_estimate.py [--show-wrong N]
"""

from __future__ import annotations

import argparse
import re
import statistics
import time
from datetime import date

from _shared import load_module, machine

from newswatch.analysis.dates import find_dates
from newswatch.analysis.published import _month_end, estimate_publication


def timeline17() -> list[tuple[str, str, date]]:
    arts, _ = load_module("timeline17/load_t17.py", "load_t17").load()
    return [(f"{a['collection']}/{a['uid']}", a["text"], date.fromisoformat(a["dct"][:10])) for a in arts]


def tempeval() -> list[tuple[str, str, date]]:
    docs = load_module("tempeval3_tbaq/load_timeml.py", "load_timeml").load()
    out = []
    for d in docs:
        m = re.match(r"(\d{4})-?(\d{2})-?(\d{2})", d["dct"] or "")
        if m:
            out.append((d["doc_id"], d["text"], date(*map(int, m.groups()))))
    return out


def explicit_peer(text: str) -> dict | None:
    """The latest fully written date (YYYY-MM-DD or YYYY-MM) as the window: no inference."""
    spans = []
    for d in find_dates(text, None):
        v = d.value or ""
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", v):
            day = date.fromisoformat(v)
            spans.append((day, day))
        elif re.fullmatch(r"\d{4}-\d{2}", v):
            spans.append((date(int(v[:4]), int(v[5:]), 1), _month_end(int(v[:4]), int(v[5:]))))
    spans = [s for s in spans if s[0] <= date.today()]
    if not spans:
        return None
    first, last = max(spans)
    return {"from": first.isoformat(), "to": last.isoformat(), "evidence": ""}


def error_days(est: dict, truth: date) -> int:
    lo, hi = date.fromisoformat(est["from"]), date.fromisoformat(est["to"])
    return 0 if lo <= truth <= hi else min(abs((truth - lo).days), abs((truth - hi).days))


def score(docs, method) -> dict:
    errors, widths, wrong = [], [], []
    t0 = time.perf_counter()
    for doc_id, text, truth in docs:
        est = method(text)
        if est is None:
            continue
        e = error_days(est, truth)
        errors.append(e)
        widths.append((date.fromisoformat(est["to"]) - date.fromisoformat(est["from"])).days)
        if e > 365:
            wrong.append((doc_id, truth, est))
    n = len(errors) or 1
    return {"docs": len(docs), "estimated": len(errors) / max(len(docs), 1), "holds": sum(e == 0 for e in errors) / n,
            "within30": sum(e <= 30 for e in errors) / n, "year_off": sum(e > 365 for e in errors) / n,
            "width": statistics.median(widths) if widths else 0, "seconds": time.perf_counter() - t0, "wrong": wrong}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--show-wrong", type=int, default=0, help="print this many estimates off by over a year, per set")
    args = ap.parse_args()
    print(f"machine: {machine()}, date {date.today()}")
    print("| set | docs | method | estimated | window holds the day | within 30 days | off by > 1 year "
          "| median width (days) |")
    print("|---|---|---|---|---|---|---|---|")
    for name, docs in (("Timeline17", timeline17()), ("TempEval-3 TBAQ", tempeval())):
        for label, method in (("newswatch", estimate_publication), ("latest full date (peer)", explicit_peer)):
            r = score(docs, method)
            print(f"| {name} | {r['docs']} | {label} | {r['estimated']:.1%} | {r['holds']:.1%} | {r['within30']:.1%} "
                  f"| {r['year_off']:.1%} | {r['width']:.0f} |")
            if label == "newswatch":
                for doc_id, truth, est in r["wrong"][:args.show_wrong]:
                    print(f"    {doc_id}: true {truth}, estimated {est['from']}..{est['to']} from {est['evidence']}")


if __name__ == "__main__":
    main()
