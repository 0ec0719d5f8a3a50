"""`compare`'s overall score against SemEval-2022 Task 8 (training pairs): Pearson r.

Both texts of every pair are ingested through the full pipeline (a NER model
reads English and French; other languages get the names the corpus already
knows), then `compare` scores each pair. The gold
`Overall` grade runs from 1 (very similar) to 4 (very dissimilar), so r is
reported against 4 - Overall (positive = agreement). Peers in the same run:
TF-IDF cosine (sublinear tf, fitted on all the texts) and each of compare's
parts alone: `narrative` (the stored multilingual sentence encoder),
`meaning` (the close reading, multilingual-e5-small) and `lexical`. The
pairs carry no dates, so the time part is constant here.

Names per language: for each language, the share of texts with at least one
linked entity and their mean number of distinct entities; and the Pearson r
of compare's `entities` part against the pairs' gold `Entities` grade (also
1 = same entities ... 4), for English pairs, other same-language pairs and
cross-language pairs.

A small grid over the weights of the overall score is printed too (the
package's defaults come from it: the best mean of the two views), and the
same choice made on one half of the pairs and scored on the other, both
ways, which says what the weights give pairs they were not chosen on.

Usage: ./run bench similarity_semeval.py
"""

from __future__ import annotations

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
    print("| pairs | newswatch overall | narrative part alone | meaning part alone | lexical part alone | "
          "TF-IDF cosine (fitted on the pairs) |")
    print("|---|---|---|---|---|---|")
    for view, idx in views.items():
        g = [gold[i] for i in idx]
        alone = " | ".join(f"{pearson([parts[i][k] or 0.0 for i in idx], g):.3f}" for k in ("narrative", "meaning", "lexical"))
        print(f"| {view} ({len(idx)}) | {pearson([parts[i]['overall'] for i in idx], g):.3f} | {alone} | "
              f"{pearson([tfidf[i] for i in idx], g):.3f} |")
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
    print("\nweight grid (narrative, meaning, lexical; time constant here), mean r of en-en and all pairs:")
    steps = [round(0.05 * k, 2) for k in range(21)]
    grid = [(wn, wm, round(1.0 - wn - wm, 2)) for wn in steps for wm in steps if wn + wm <= 1.0 + 1e-9]

    def score(weights, i):
        wn, wm, wl = weights
        return 0.9 * (wn * parts[i]["narrative"] + wm * (parts[i]["meaning"] or 0.0) + wl * parts[i]["lexical"])

    def mean_r(weights, idx_en, idx_all):
        r_en = pearson([score(weights, i) for i in idx_en], [gold[i] for i in idx_en])
        r_all = pearson([score(weights, i) for i in idx_all], [gold[i] for i in idx_all])
        return (r_en + r_all) / 2, r_en, r_all

    results = sorted(((*mean_r(w, en, views["all pairs"]), w) for w in grid), reverse=True)
    for mean, r_en, r_all, (wn, wm, wl) in results[:5]:
        print(f"  mean {mean:.3f} (en-en {r_en:.3f}, all {r_all:.3f})  narrative {0.9 * wn:.3f}, "
              f"meaning {0.9 * wm:.3f}, lexical {0.9 * wl:.3f}")
    print(f"  current defaults: {sim.OVERALL_WEIGHTS}")
    order = np.random.default_rng(7).permutation(len(kept))
    halves = (set(order[: len(kept) // 2].tolist()), set(order[len(kept) // 2:].tolist()))
    print("\nweights chosen on one half of the pairs, scored on the other (seeded split):")
    for chosen_on, scored_on in (halves, halves[::-1]):
        best = max(grid, key=lambda w: mean_r(w, [i for i in en if i in chosen_on], sorted(chosen_on))[0])
        _, r_en, r_all = mean_r(best, [i for i in en if i in scored_on], sorted(scored_on))
        shown = ", ".join(f"{k} {0.9 * x:.3f}" for k, x in zip(("narrative", "meaning", "lexical"), best))
        print(f"  chosen {shown}: held-out en-en {r_en:.3f}, all pairs {r_all:.3f}")

if __name__ == "__main__":
    main()
