import io
import json

import newswatch
from newswatch import IngestOptions


def test_notebook_workflow_ingest_list_fetch_export(tmp_path):
    with newswatch.open(str(tmp_path / "nb.db")) as nw:
        report = nw.ingest_records([
            {"id": "r1", "title": "Talks", "text": "Talks resumed on Monday.", "published": "2024-03-06"},
            {"id": "r2", "title": "Rain", "text": "Es regnete gestern den ganzen Tag in Berlin und Hamburg.",
             "published": "2024-03-07", "source": "Wire"},
            {"title": "broken"},
        ])
        assert (report.ingested, report.duplicates, len(report.failed)) == (2, 0, 1)
        assert [a["external_id"] for a in nw.articles(language="de")] == ["r2"]
        assert nw.article("r1")["dates"][0]["value"] == "2024-03-04"
        out = io.StringIO()
        assert nw.export(out, "jsonl") == 2
        rows = [json.loads(line) for line in out.getvalue().splitlines()]
        assert [r["id"] for r in rows] == ["r1", "r2"] and rows[1]["language"] == "de"


def test_default_source_fills_only_missing_sources(tmp_path):
    with newswatch.open(str(tmp_path / "s.db")) as nw:
        nw.ingest_records([{"text": "One thing happened.", "source": "Own"}, {"text": "Another thing happened."}],
                          IngestOptions(default_source="Desk"))
        assert sorted(a["source"] for a in nw.articles()) == ["Desk", "Own"]
