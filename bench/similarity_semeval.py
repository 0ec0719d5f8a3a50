"""`compare`'s overall score against SemEval-2022 Task 8 (training pairs): Pearson r.

Both texts of every pair are ingested through the full pipeline (a NER model
reads English and French; other languages get the names the corpus already
knows), then `compare` scores each pair. The gold
`Overall` grade runs from 1 (very similar) to 4 (very dissimilar), so r is
reported against 4 - Overall (positive = agreement). Peers in the same run:
TF-IDF cosine (sublinear tf, fitted on all the texts) and the plain embedding
cosine (newswatch's `narrative` part alone). The pairs carry no dates, so the
time part is constant here.

Names per language: for each language, the share of texts with at least one
linked entity and their mean number of distinct entities; and the Pearson r
of compare's `entities` part against the pairs' gold `Entities` grade (also
1 = same entities ... 4), for English pairs, other same-language pairs and
cross-language pairs.

A small grid over the weights of the overall score is printed too; the
package's defaults are the grid's best on the English pairs.

Usage: ./run bench similarity_semeval.py
"""

from __future__ import annotations

import itertools
import tempfile
import time
from pathlib import Path

import numpy as np
from _shared import load_module, machine

import newswatch
from newswatch.linking import similarity as sim


def pearson(x, y) -> float:
    return float(np.corrcoef(np.asarray(x, float), np.asarray(y, float))[0, 1])


def main():
    from sklearn.feature_extraction.text import TfidfVectorizer

    rows = load_module("semeval2022_task8/load_semeval8.py", "load_semeval8").load()
    with tempfile.TemporaryDirectory() as tmp:
        nw = newswatch.open(str(Path(tmp) / "s.db"))
        records = []
        for r in rows:
            for side in ("1", "2"):
                records.append({"id": f"{r['pair_id']}#{side}", "text": r[f"text{side}"], "language": r[f"lang{side}"]})
        t0 = time.perf_counter()
        report = nw.ingest_records(records)
        seconds = time.perf_counter() - t0
        stored = {a["external_id"] for a in nw.articles(collapse=False)}
        entity_counts: dict[str, list[int]] = {}
        for r in rows:
            for side in ("1", "2"):
                key = f"{r['pair_id']}#{side}"
                if key in stored:
                    linked = {m["entity_id"] for m in nw.article(key)["mentions"] if m["entity_id"] is not None}
                    entity_counts.setdefault(r[f"lang{side}"], []).append(len(linked))
        parts, kept = [], []
        for r in rows:
            a, b = f"{r['pair_id']}#1", f"{r['pair_id']}#2"
            if a in stored and b in stored:  # identical texts are stored once: compare the survivors only
                parts.append(nw.compare(a, b)["similarity"])
                kept.append(r)
        nw.close()
    texts = [t for r in kept for t in (r["text1"], r["text2"])]
    x = TfidfVectorizer(sublinear_tf=True).fit_transform(texts)
    tfidf = [float((x[2 * i] @ x[2 * i + 1].T).toarray()[0, 0]) for i in range(len(kept))]
    gold = [4 - r["Overall"] for r in kept]
    en = [i for i, r in enumerate(kept) if r["lang1"] == r["lang2"] == "en"]
    views = {"en-en": en, "all pairs": list(range(len(kept)))}
    print(f"machine: {machine()}")
    print(f"SemEval-2022 Task 8 training set: {len(rows)} pairs, {len(kept)} scored ({len(en)} en-en); "
          f"{report.ingested} texts ingested at {len(records) / seconds:.0f}/s")
    print("| pairs | newswatch overall | narrative part alone | lexical part alone | TF-IDF cosine (fitted on the pairs) |")
    print("|---|---|---|---|---|")
    for view, idx in views.items():
        g = [gold[i] for i in idx]
        print(f"| {view} ({len(idx)}) | {pearson([parts[i]['overall'] for i in idx], g):.3f} | "
              f"{pearson([parts[i]['narrative'] for i in idx], g):.3f} | "
              f"{pearson([parts[i]['lexical'] for i in idx], g):.3f} | {pearson([tfidf[i] for i in idx], g):.3f} |")
    print("\n| language | texts | with a linked entity | mean distinct entities |")
    print("|---|---|---|---|")
    for lang, counts in sorted(entity_counts.items(), key=lambda kv: -len(kv[1])):
        with_any = sum(1 for n in counts if n) / len(counts)
        print(f"| {lang} | {len(counts)} | {with_any:.0%} | {sum(counts) / len(counts):.1f} |")
    entity_gold = [4 - float(r["Entities"]) for r in kept]
    groups = {"en-en": en,
              "other same-language": [i for i, r in enumerate(kept) if r["lang1"] == r["lang2"] != "en"],
              "cross-language": [i for i, r in enumerate(kept) if r["lang1"] != r["lang2"]]}
    print("\n| pairs | r of compare's entities part vs gold Entities |")
    print("|---|---|")
    for view, idx in groups.items():
        values = [parts[i]["entities"] for i in idx]
        r_text = f"{pearson(values, [entity_gold[i] for i in idx]):.3f}" if len(set(values)) > 1 else "constant"
        print(f"| {view} ({len(idx)}) | {r_text} |")
    print("\nweight grid (narrative, lexical, entities; time constant here), mean r of en-en and all pairs:")
    results = []
    for wn, wl, we in itertools.product((0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9), (0.0, 0.1, 0.2, 0.3, 0.4, 0.5),
                                        (0.0, 0.1, 0.2)):
        r = {}
        for view, idx in views.items():
            score = [wn * parts[i]["narrative"] + wl * parts[i]["lexical"] + we * parts[i]["entities"] for i in idx]
            r[view] = pearson(score, [gold[i] for i in idx])
        results.append(((r["en-en"] + r["all pairs"]) / 2, r["en-en"], r["all pairs"], wn, wl, we))
    for mean, r_en, r_all, wn, wl, we in sorted(results, reverse=True)[:5]:
        print(f"  mean {mean:.3f} (en-en {r_en:.3f}, all {r_all:.3f})  narrative {wn}, lexical {wl}, entities {we}")
    print(f"  current defaults: {sim.OVERALL_WEIGHTS}")


if __name__ == "__main__":
    main()
