"""The analysis on a Dask cluster (a real LocalCluster of worker processes) gives what a plain ingest gives."""

import pyarrow as pa
import pyarrow.parquet as pq

from newswatch import api
from newswatch.config import IngestOptions

from .test_store_contract import HARBOUR, VOLCANO

BROKEN = {"id": "broken", "title": "Nothing", "html": "<html><script>only()</script></html>"}


def _corpus(nw):
    store = nw.store
    events = {}
    for a in store.list_articles():
        events.setdefault(store.get_article(a["id"])["event_id"], set()).add(a["external_id"])
    return {
        "articles": [(a["external_id"], a["title"], a["language"]) for a in store.list_articles()],
        "events": sorted(sorted(v) for v in events.values()),
        "entities": sorted((e["name"], e["type"], e["mentions"]) for e in store.list_entities(limit=None)),
        "quotes": sorted((q["text"], (q.get("speaker") or {}).get("name")) for q in store.list_quotes(limit=None)),
    }


def test_a_parquet_archive_ingested_on_a_local_dask_cluster_equals_a_plain_ingest(tmp_path):
    records = HARBOUR + VOLCANO + [BROKEN]
    archive = tmp_path / "archive.parquet"
    columns = sorted({key for record in records for key in record})  # from_pylist would take the first row's
    pq.write_table(pa.table({c: [r.get(c) for r in records] for c in columns}), archive, row_group_size=2)
    with api.open(str(tmp_path / "plain.db")) as plain:
        expected = plain.ingest_records(records, IngestOptions(workers=1))
        plain_corpus = _corpus(plain)
    with api.open(str(tmp_path / "dask.db")) as nw:
        report = nw.ingest([str(archive)], IngestOptions(workers=2, dask="local"))
        assert report.ingested == expected.ingested == 5
        # the article with no text fails alone, with the same reason
        assert [f.code for f in report.failed] == [f.code for f in expected.failed] and len(report.failed) == 1
        assert _corpus(nw) == plain_corpus
