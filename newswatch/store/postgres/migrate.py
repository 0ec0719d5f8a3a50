"""Copy an SQLite corpus into an empty PostgreSQL database (``newswatch migrate``).

Every table is copied row for row with its ids, so what links articles,
entities, events and stories stays as it was, and nothing is analysed or
linked again. The copy is one transaction on the PostgreSQL side: interrupted,
it leaves the target empty, and running it again starts afresh. The source is
only read.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from ...errors import UsageError
from . import WRITE_LOCK, vector_text

#: Tables in an order that satisfies the foreign keys. ``ingest_jobs`` (a server's upload jobs) is not copied.
TABLES = ("articles", "entities", "stories", "events", "article_dates", "entity_variants", "entity_keys",
          "entity_roles", "mentions", "quotes", "dup_groups", "event_entities", "story_entities", "term_stats",
          "corpus_stats", "corpus_vectors", "article_bands", "entity_corrections", "sources", "watchlists", "alerts",
          "alert_channels", "alert_deliveries", "name_candidates")


def copy_corpus(source, target, progress: Callable[[str, int, int], None] | None = None) -> dict[str, int]:
    """Copy every table of ``source`` (a store) into ``target`` (a ``PostgresStore`` with no articles).

    Returns the rows copied per table. ``progress(table, done, total)`` is called as rows go.
    """
    held = target.count_articles()
    if held:
        raise UsageError(f"{target.location} already holds {held} articles:"
                         " migrate into an empty database (create one with CREATE DATABASE)")
    copied: dict[str, int] = {}
    raw = target.conn.raw
    with raw.transaction():
        raw.execute("SELECT pg_advisory_xact_lock(%s)", (WRITE_LOCK,))
        for table in TABLES:
            # The target's columns, without those PostgreSQL makes itself (the full-text vector); its identity
            # column, whose next value is set past the copied ones.
            target_columns = raw.execute(
                "SELECT column_name, is_generated = 'ALWAYS', is_identity = 'YES' FROM information_schema.columns"
                " WHERE table_schema = current_schema() AND table_name = %s ORDER BY ordinal_position",
                (table,)).fetchall()
            source_columns = {r[1] for r in source.conn.execute(f"PRAGMA table_info({table})")}
            columns = [name for name, generated, _ in target_columns if name in source_columns and not generated]
            identity = [name for name, _, is_identity in target_columns if is_identity]
            total = source.conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
            quoted = ", ".join(f'"{c}"' for c in columns)
            done = 0
            with raw.cursor().copy(f"COPY {table} ({quoted}) FROM STDIN") as copy:
                for row in source.conn.execute(f"SELECT {quoted} FROM {table}"):
                    copy.write_row(tuple(row))
                    done += 1
                    if progress and done % 1000 == 0:
                        progress(table, done, total)
            if progress:
                progress(table, done, total)
            copied[table] = done
            for column in identity:
                raw.execute(f"SELECT setval(pg_get_serial_sequence('{table}', '{column}'),"
                            f" (SELECT coalesce(max({column}), 0) + 1 FROM {table}), false)")
        if target.vectors:
            copied["article_vectors"] = _copy_vectors(source, target)
    return copied


def _copy_vectors(source, target) -> int:
    """pgvector's copy of the embeddings, for semantic search (in the same transaction)."""
    first = source.conn.execute("SELECT embedding FROM articles WHERE embedding IS NOT NULL LIMIT 1").fetchone()
    if first is None:
        return 0
    target._vector_table(len(first[0]) // 4)  # float32
    done = 0
    with target.conn.raw.cursor().copy("COPY article_vectors (article_id, embedding) FROM STDIN") as copy:
        for article_id, blob in source.conn.execute("SELECT id, embedding FROM articles WHERE embedding IS NOT NULL"):
            copy.write_row((article_id, vector_text(np.frombuffer(blob, dtype=np.float32))))
            done += 1
    return done
