"""Main text, title and date from real news pages: newswatch against trafilatura's defaults.

Data: ../shared/eval/newspaper4k_pages (24 real pages in 9 languages with the
newspaper4k project's expected output; its README says why a disagreement is
not always our error). Per page:

- text: token F1 of the extracted main text against the expected text
  (bag of tokens; words, and single characters in scripts written without
  spaces: Chinese, Japanese, Thai, Burmese);
- title: equal to the expected title (case and spacing aside);
- date: the same day as the expected publication date.

newswatch is ``newswatch.sources.html.parse_html`` (what ``ingest`` does with a
page); the peer is ``trafilatura.extract`` with its defaults, and htmldate's
``find_date`` with its defaults for the date, in the same run.

Usage: ./run bench extraction.py [--pages]
"""

from __future__ import annotations

import argparse
import re
import statistics
from collections import Counter

from _shared import load_module, machine

from newswatch.errors import InputError
from newswatch.sources.html import parse_html

_UNSPACED = re.compile(r"[\u0e00-\u0eff\u1000-\u109f\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af]")
_TOKEN = re.compile(r"\w+")


def tokens(text: str) -> Counter:
    out: Counter = Counter()
    for tok in _TOKEN.findall((text or "").casefold()):
        if _UNSPACED.search(tok):
            out.update(tok)
        else:
            out[tok] += 1
    return out


def f1(got: str, want: str) -> float:
    g, w = tokens(got), tokens(want)
    common = sum((g & w).values())
    if not common:
        return 0.0
    p, r = common / sum(g.values()), common / sum(w.values())
    return 2 * p * r / (p + r)


def same(a: str | None, b: str | None) -> bool:
    # Typographic and straight quotes are the same title.
    norm = lambda s: " ".join((s or "").replace("’", "'").replace("‘", "'").split()).casefold()  # noqa: E731
    return bool(a) and norm(a) == norm(b)


def ours(html: str) -> dict:
    try:
        doc = parse_html(html, "page")
    except InputError as exc:
        return {"text": "", "title": None, "date": None, "error": exc.problem}
    return {"text": doc.text, "title": doc.title, "date": doc.published.date().isoformat() if doc.published else None}


def peer(html: str) -> dict:
    import trafilatura
    from htmldate import find_date

    meta = trafilatura.extract_metadata(html)
    return {"text": trafilatura.extract(html) or "", "title": meta.title if meta else None,
            "date": (find_date(html) or None)}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--pages", action="store_true", help="print every page's figures")
    args = ap.parse_args()
    print(f"machine: {machine()}")
    pages = load_module("newspaper4k_pages/load_pages.py", "load_pages").load()
    results = {"newswatch": [], "trafilatura defaults": []}
    for page in pages:
        want = page["expected"] or {}
        for name, method in (("newswatch", ours), ("trafilatura defaults", peer)):
            got = method(page["html"])
            row = {"page": page["name"], "f1": f1(got["text"], page["expected_text"]) if page["expected_text"] else None,
                   "title": same(got["title"], want.get("title")) if want.get("title") else None,
                   "date": (got["date"] or "")[:10] == (want.get("publish_date") or "")[:10]
                   if want.get("publish_date") else None, "got_title": got["title"], "got_date": got["date"]}
            results[name].append(row)
            if args.pages:
                print(f"  {name:22} {page['name'][:40]:40} F1 {row['f1'] if row['f1'] is None else round(row['f1'], 3)}"
                      f"  title {row['title']} {str(got['title'])[:60]!r}  date {row['date']} {got['date']}")
    print("\n| system | pages with text | median text F1 | pages under 0.5 | titles equal | dates equal |")
    print("|---|---|---|---|---|---|")
    for name, rows in results.items():
        scores = [r["f1"] for r in rows if r["f1"] is not None]
        titles = [r["title"] for r in rows if r["title"] is not None]
        dates = [r["date"] for r in rows if r["date"] is not None]
        print(f"| {name} | {len(scores)} | {statistics.median(scores):.3f} | {sum(s < 0.5 for s in scores)} "
              f"| {sum(titles)} of {len(titles)} | {sum(dates)} of {len(dates)} |")


if __name__ == "__main__":
    main()
