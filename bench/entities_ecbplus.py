"""Entity merging on ECB+ person chains: over-merging and under-merging.

Every ECB+ document is ingested through the full pipeline into a fresh
database. Gold: HUMAN_PART_PER mentions in CROSS_DOC_COREF chains (the chain's
instance id is the person's identity across documents). Only gold mentions
that newswatch found as a PERSON mention are scored (so this measures
merging, not the NER model's recall, which is reported separately).

Scores over those mentions, B-cubed:
- precision: how pure our entities are; 1 - precision is **over-merging**
  (different people put into one entity);
- recall: how complete; 1 - recall is **under-merging** (one person split).
Also counted: predicted entities that hold mentions of two or more gold people.

Baselines from the same run, on the same aligned mentions:
- exact string: mentions with the same folded text are one entity;
- surname: mentions with the same last word are one entity (the over-merging extreme).

Usage: ./run bench entities_ecbplus.py
"""

from __future__ import annotations

import glob
import tempfile
import time
import xml.etree.ElementTree as ET
from collections import defaultdict
from pathlib import Path

from _shared import EVAL, machine, peak_rss_mb

import newswatch
from newswatch.analysis.names import fold, name_tokens


def load():
    docs = []
    for f in sorted(glob.glob(str(EVAL / "ecbplus" / "ECB+" / "*" / "*.xml"))):
        root = ET.parse(f).getroot()
        tokens = sorted(((int(t.get("t_id")), int(t.get("sentence")), t.text or "") for t in root.iter("token")))
        offsets, parts, pos, sentence = {}, [], 0, None
        for tid, sent, word in tokens:
            if sentence is not None:
                sep = "\n" if sent != sentence else " "
                parts.append(sep)
                pos += 1
            offsets[tid] = (pos, pos + len(word))
            parts.append(word)
            pos += len(word)
            sentence = sent
        text = "".join(parts)
        spans = {}
        for el in root.find("Markables"):
            anchors = [int(a.get("t_id")) for a in el.findall("token_anchor")]
            if el.tag == "HUMAN_PART_PER" and anchors:
                spans[el.get("m_id")] = (offsets[min(anchors)][0], offsets[max(anchors)][1])
        gold = []
        for rel in root.find("Relations") or []:
            if rel.tag == "CROSS_DOC_COREF":
                for src in rel.findall("source"):
                    if src.get("m_id") in spans:
                        gold.append((*spans[src.get("m_id")], rel.get("note")))
        docs.append((Path(f).stem, text, gold))
    return docs


def bcubed(items: list[tuple[str, str]]) -> tuple[float, float]:
    """items: (gold cluster, predicted cluster) per mention."""
    by_gold, by_pred = defaultdict(list), defaultdict(list)
    for i, (g, p) in enumerate(items):
        by_gold[g].append(i)
        by_pred[p].append(i)
    precision = recall = 0.0
    for g, p in items:
        same_pred = by_pred[p]
        same_gold = by_gold[g]
        both = sum(1 for j in same_pred if items[j][0] == g)
        precision += both / len(same_pred)
        recall += both / len(same_gold)
    return precision / len(items), recall / len(items)


def row(name, items):
    p, r = bcubed(items)
    f = 2 * p * r / (p + r)
    golds_per_pred = defaultdict(set)
    for g, pr in items:
        golds_per_pred[pr].add(g)
    mixed = sum(1 for s in golds_per_pred.values() if len(s) > 1)
    return (f"| {name} | {p:.3f} | {r:.3f} | {f:.3f} | {1 - p:.3f} | {1 - r:.3f} | "
            f"{len(golds_per_pred)} | {mixed} |")


def main():
    docs = load()
    with tempfile.TemporaryDirectory() as tmp:
        nw = newswatch.open(str(Path(tmp) / "ecb.db"))
        t0 = time.perf_counter()
        nw.ingest_records({"id": doc_id, "text": text} for doc_id, text, _ in docs)
        seconds = time.perf_counter() - t0
        conn = nw.store.conn
        predicted = defaultdict(list)
        for ext, start, end, text, kind, entity in conn.execute(
                'SELECT a.external_id, m.start, m."end", m.text, m.type, m.entity_id FROM mentions m'
                " JOIN articles a ON a.id = m.article_id"):
            predicted[ext].append((start, end, text, kind, entity))
        nw.close()
    ours, exact, surname = [], [], []
    gold_total = found = 0
    for doc_id, text, gold in docs:
        for start, end, person in gold:
            gold_total += 1
            hits = [p for p in predicted[doc_id] if p[0] < end and start < p[1] and p[3] == "PERSON"]
            if not hits:
                continue
            found += 1
            _, _, mtext, _, entity = hits[0]
            ours.append((person, f"e{entity}"))
            exact.append((person, fold(mtext)))
            tokens = name_tokens(mtext)
            surname.append((person, tokens[-1] if tokens else fold(mtext)))
    print(f"machine: {machine()}")
    print(f"ECB+: {len(docs)} documents, {gold_total} gold person mentions in cross-document chains, "
          f"{found} found by NER as PERSON ({found / gold_total:.1%}; the rest are mostly pronouns and "
          f"common nouns such as 'the actor'); {len({g for g, _ in ours})} gold people among them")
    print("| linking | B3 precision | B3 recall | B3 F1 | over-merging | under-merging | entities | mixed entities |")
    print("|---|---|---|---|---|---|---|---|")
    print(row("newswatch", ours))
    print(row("exact string (baseline)", exact))
    print(row("same surname (baseline)", surname))
    print(f"full pipeline: {len(docs) / seconds:.0f} docs/s, peak {peak_rss_mb():.0f} MB")


if __name__ == "__main__":
    main()
