"""Language of English headlines: how often newswatch calls one another language.

Data: GoogleNews-TS, the title-only variant (``T.tsv``: 11,108 English Google
News headlines, lowercased with stop words removed, which makes them harder
than headlines as published) and the title+snippet variant (``TS.tsv``).
Every item is English, so any other answer is wrong; "unknown" is newswatch
declining to guess (the article then keeps its entities' language-neutral
parts and is not filtered out as another language).

Beside them, what the rules for short text must not cost: the openings
(first 90 characters, cut at a word) of SemEval-2022 Task 8's reports in
nine other languages (ar, de, es, fr, it, pl, ru, tr, zh), each scored
against its own language.

Peer in the same run: lingua's trigram-only detector over the same language
list, which is what newswatch used on every text before short texts got the
full models and a confidence floor.

Usage: ./run bench language_headlines.py [--limit N]
"""

from __future__ import annotations

import argparse
import time

from _shared import load_module, machine

from newswatch.analysis import language
from newswatch.analysis.language import _detector, detect_language
from newswatch.config import DEFAULT_LANGUAGES


def trigram_only(text: str) -> str | None:
    found = _detector(DEFAULT_LANGUAGES).detect_language_of(text)
    return found.iso_code_639_1.name.lower() if found else None


def without_margin(text: str) -> str | None:
    saved, language.MIN_SHORT_MARGIN = language.MIN_SHORT_MARGIN, 0.0
    try:
        return detect_language(text, DEFAULT_LANGUAGES)
    finally:
        language.MIN_SHORT_MARGIN = saved


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--limit", type=int, help="only the first N items of each variant")
    args = ap.parse_args()
    loader = load_module("googlenews_ts/load_googlenews.py", "load_googlenews")
    print(f"machine: {machine()}")
    print("| items | detector | n | wrong | unknown | texts/s |")
    print("|---|---|---|---|---|---|")
    sets = [(label, [(t, "en") for _, t in loader.load(variant)][:args.limit])
            for variant, label in (("T", "headlines (T)"), ("TS", "headline + snippet (TS)"))]
    sets.append(("openings in 9 other languages (SemEval)", other_languages()[:args.limit]))
    for label, items in sets:
        for name, detect in (("newswatch", lambda t: detect_language(t, DEFAULT_LANGUAGES)),
                             ("newswatch without the lead over the runner-up (before)", without_margin),
                             ("trigram models only (earlier)", trigram_only)):
            start = time.perf_counter()
            answers = [(detect(t), want) for t, want in items]
            rate = len(items) / (time.perf_counter() - start)
            wrong = sum(1 for got, want in answers if got not in (want, None))
            unknown = sum(1 for got, _ in answers if got is None)
            print(f"| {label} | {name} | {len(items)} | {wrong / len(items):.2%} | "
                  f"{unknown / len(items):.2%} | {rate:.0f} |")


def other_languages() -> list[tuple[str, str]]:
    """Headline-length openings (the first 90 characters, cut at a word) of SemEval-2022 Task 8's
    non-English reports, with their language: what the rules for short text must not cost."""
    rows = load_module("semeval2022_task8/load_semeval8.py", "load_semeval8").load()
    seen: dict[str, str] = {}
    for r in rows:
        for text, lang in ((r["text1"], r["lang1"]), (r["text2"], r["lang2"])):
            if lang != "en" and text and text.strip():
                seen.setdefault(text.strip()[:90].rsplit(" ", 1)[0], lang)
    return sorted(seen.items())


if __name__ == "__main__":
    main()
