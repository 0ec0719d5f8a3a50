"""Speaker attribution on PolNeAR (dev split): precision, recall, F1.

Each dev article (one annotator's file per article) is analysed on its
original text (so offsets line up with the annotation) with newswatch's
entity and quote stages. A predicted quote is correct when its content
overlaps a gold attribution's Content and its speaker phrase overlaps that
attribution's Source. Precision = correct / predicted; recall = gold
attributions (with a Source) that a correct prediction covers / all of them.

Three views:
- quotation marks: gold attributions whose content has a quotation mark,
  against newswatch's direct quotes;
- all attributions: every gold attribution against every prediction;
- named direct quotes, "found and right": gold attributions whose content has
  a quotation mark and whose Source is a name (a capitalised word that is not
  a pronoun or a determiner). Found = a quote newswatch shows overlaps the
  content (a direct quote, or indirect speech that carries the quoted words:
  "X said that the convention “will be open”"); right = that quote's speaker
  phrase overlaps the Source, or its speaker was resolved to an entity one of
  whose mentions overlaps the Source. Reported:
  found, right when found, and found-and-right (the product of the two), the
  share of such quotes a reader sees with the right person.

Baseline in the same run ("nearest name"): every span in quotation marks of
four words or more is a quote of the PERSON mention closest to it in the same
paragraph (the usual simple heuristic).

Usage: ./run bench quotes_polnear.py [--split dev]
"""

from __future__ import annotations

import argparse
import time

from _shared import load_module, machine

from newswatch.analysis import Pipeline
from newswatch.analysis.quotes import _paragraph_bounds, _quote_spans, _strip_content
from newswatch.documents import Article, RawDocument


def overlaps(a: tuple[int, int], segments) -> bool:
    return any(a[0] < e and s < a[1] for s, e in segments)


def has_quote_mark(text: str) -> bool:
    return any(ch in text for ch in "“”\"")


def nearest_name(art: Article):
    people = [m for m in art.mentions if m.type == "PERSON"]
    out = []
    for mark_start, cs, ce, mark_end in _quote_spans(art.text):
        s, e = _strip_content(art.text, cs, ce)
        if len(art.text[s:e].split()) < 4:
            continue
        p0, p1 = _paragraph_bounds(art.text, mark_start)
        near = [m for m in people if p0 <= m.start < p1 and not (s <= m.start < e)]
        if not near:
            continue
        best = min(near, key=lambda m: min(abs(m.start - mark_end), abs(mark_start - m.end)))
        out.append(((s, e), (best.start, best.end), True))
    return out


def score(pred_by_doc, gold_by_doc, quoted_only: bool):
    predicted = correct_pred = 0
    gold_total = gold_hit = 0
    for doc, gold in gold_by_doc.items():
        gold = [g for g in gold if g.get("Source") and g.get("Content")]
        if quoted_only:
            gold = [g for g in gold if has_quote_mark(g["Content"]["text"])]
        preds = [p for p in pred_by_doc[doc] if p[1] is not None and (p[2] or not quoted_only)]
        predicted += len(preds)
        hit_gold = set()
        for content, speaker, _ in preds:
            ok = [i for i, g in enumerate(gold) if overlaps(content, g["Content"]["segments"])
                  and overlaps(speaker, g["Source"]["segments"])]
            if ok:
                correct_pred += 1
                hit_gold.update(ok)
        gold_total += len(gold)
        gold_hit += len(hit_gold)
    p = correct_pred / max(predicted, 1)
    r = gold_hit / max(gold_total, 1)
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f, predicted, gold_total


_NOT_NAMES = {"he", "she", "they", "we", "i", "it", "you", "the", "a", "an", "his", "her", "their", "its", "this",
              "that", "these", "those", "one", "some", "many", "both"}


def is_named(source: dict) -> bool:
    words = [w.strip(".,'’\"()") for w in source["text"].split()]
    return any(w[:1].isupper() and w.lower() not in _NOT_NAMES for w in words if w)


def named_view(arts: dict, gold_by_doc: dict):
    """(gold named direct quotes, found, found and right) over every article."""
    total = found = right = 0
    for doc, gold in gold_by_doc.items():
        art = arts[doc]
        chain_spans: dict[int, list] = {}
        for m in art.mentions:
            chain_spans.setdefault(m.chain, []).append((m.start, m.end))
        for g in gold:
            if not (g.get("Source") and g.get("Content") and has_quote_mark(g["Content"]["text"])
                    and is_named(g["Source"])):
                continue
            total += 1
            hits = [q for q in art.quotes if q.speaker_start is not None and overlaps((q.start, q.end), g["Content"]["segments"])]
            if not hits:
                continue
            found += 1
            src = g["Source"]["segments"]
            if any(overlaps((q.speaker_start, q.speaker_end), src)
                   or (q.chain is not None and any(overlaps(span, src) for span in chain_spans.get(q.chain, ())))
                   for q in hits):
                right += 1
    return total, found, right


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--split", default="dev", choices=["dev", "train"])
    args = ap.parse_args()
    docs = load_module("polnear/load_polnear.py", "load_polnear").load(args.split)
    first = {}
    for d in docs:  # one annotator per article
        first.setdefault(d["doc"], d)
    nlp = Pipeline(["entities", "quotes"])
    ours, base, gold, analysed = {}, {}, {}, {}
    t0 = time.perf_counter()
    for doc_id, d in first.items():
        art = nlp(Article(RawDocument(origin=doc_id, format="text", text=d["text"]), text=d["text"]))
        ours[doc_id] = [((q.start, q.end), (q.speaker_start, q.speaker_end) if q.speaker_start is not None else None,
                         q.direct) for q in art.quotes]
        base[doc_id] = nearest_name(art)
        analysed[doc_id] = art
        gold[doc_id] = d["attributions"]
    seconds = time.perf_counter() - t0
    print(f"machine: {machine()}")
    print(f"PolNeAR {args.split}: {len(first)} articles, {sum(len(g) for g in gold.values())} gold attributions; "
          f"entities+quotes at {len(first) / seconds:.1f} articles/s")
    print("| view | system | predicted | gold | precision | recall | F1 |")
    print("|---|---|---|---|---|---|---|")
    for view, quoted in (("quotation marks", True), ("all attributions", False)):
        for name, preds in (("newswatch", ours), ("nearest name (baseline)", base)):
            p, r, f, n_pred, n_gold = score(preds, gold, quoted)
            print(f"| {view} | {name} | {n_pred} | {n_gold} | {p:.3f} | {r:.3f} | {f:.3f} |")
    total, found, right = named_view(analysed, gold)
    print("\n| direct quotes with a named source | found | right when found | found and right |")
    print("|---|---|---|---|")
    print(f"| {total} | {found / max(total, 1):.3f} | {right / max(found, 1):.3f} | {right / max(total, 1):.3f} |")


if __name__ == "__main__":
    main()
