"""Language of English headlines: how often newswatch calls one another language.

Data: GoogleNews-TS, the title-only variant (``T.tsv``: 11,108 English Google
News headlines, lowercased with stop words removed, which makes them harder
than headlines as published) and the title+snippet variant (``TS.tsv``).
Every item is English, so any other answer is wrong; "unknown" is newswatch
declining to guess (the article then keeps its entities' language-neutral
parts and is not filtered out as another language).

Peer in the same run: lingua's trigram-only detector over the same language
list, which is what newswatch used on every text before short texts got the
full models and a confidence floor.

Usage: ./run bench language_headlines.py [--limit N]
"""

from __future__ import annotations

import argparse
import time
from collections import Counter

from _shared import load_module, machine

from newswatch.analysis.language import _detector, detect_language
from newswatch.config import DEFAULT_LANGUAGES


def trigram_only(text: str) -> str | None:
    found = _detector(DEFAULT_LANGUAGES).detect_language_of(text)
    return found.iso_code_639_1.name.lower() if found else None


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--limit", type=int, help="only the first N items of each variant")
    args = ap.parse_args()
    loader = load_module("googlenews_ts/load_googlenews.py", "load_googlenews")
    print(f"machine: {machine()}")
    print("| items | detector | n | wrong | unknown | texts/s |")
    print("|---|---|---|---|---|---|")
    for variant, label in (("T", "headlines (T)"), ("TS", "headline + snippet (TS)")):
        texts = [t for _, t in loader.load(variant)][:args.limit]
        for name, detect in (("newswatch", lambda t: detect_language(t, DEFAULT_LANGUAGES)),
                             ("trigram models only (before)", trigram_only)):
            start = time.perf_counter()
            answers = Counter(detect(t) for t in texts)
            rate = len(texts) / (time.perf_counter() - start)
            wrong = sum(n for code, n in answers.items() if code not in ("en", None))
            print(f"| {label} | {name} | {len(texts)} | {wrong / len(texts):.2%} | "
                  f"{answers[None] / len(texts):.2%} | {rate:.0f} |")


if __name__ == "__main__":
    main()
