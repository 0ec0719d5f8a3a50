"""Full-text search on PostgreSQL's own text search (a ``store.search.FullText``).

Each article's ``search`` column is a tsvector in its own
language's configuration (``newswatch_ts_config``: English stems as English,
German as German, anything else as 'simple'), title words weighted A and text
words B. A query does not know its language, so it is read in every
configuration the corpus holds and the readings are OR-ed: "every word" means
every word in one reading. Ranking is ``ts_rank`` with a title word worth 5 of
the text's (as SQLite's bm25 weights are set), divided by the log of the
length; snippets are ``ts_headline`` in the article's configuration.

The configurations are newswatch's copies of PostgreSQL's (schema 0002),
which fold accents through the ``unaccent`` extension as FTS5 folds them
('sigrun' finds 'Sigrún'); on a server without that extension the copies do
not fold, and everything else is the same.

>>> tsquery_text(["nato", "russia"], "&")
'nato & russia'
>>> watchlist_tsquery('"security conference" OR ( "Stoltenberg" NOT "Trump" )')
'(security <-> conference) | ( Stoltenberg & !Trump )'
"""

from __future__ import annotations

import re
import time

from ..search import _CLOSE, _OPEN, _TOKEN, FullText, filter_sql, spelling_phrases

#: Weights of D, C, B and A lexemes: title words (A) count 5 times text words (B).
RANK_WEIGHTS = "{0.1, 0.2, 0.2, 1.0}"
CONFIG_TTL_SECONDS = 300.0  # how long the list of configurations in use is trusted


def tsquery_text(words: list[str], joiner: str) -> str:
    """Words (``\\w+`` only, so no tsquery syntax) joined by ``&`` or ``|``."""
    return f" {joiner} ".join(words)


def _phrase(words) -> str:
    return words[0] if len(words) == 1 else "(" + " <-> ".join(words) + ")"


def watchlist_tsquery(expression: str) -> str:
    """``alerts.rules.watchlist_query``'s output (FTS5 syntax) as tsquery text.

    FTS5's binary NOT ("a NOT b") is "a & !b"; AND and OR are & and |; a quoted
    phrase is its words in a row (<->). tsquery binds ! before & before |, as
    FTS5 binds NOT before AND before OR.
    """
    out = []
    for token in re.findall(r'"[^"]*"|\(|\)|AND|OR|NOT', expression):
        if token == "AND":
            out.append("&")
        elif token == "OR":
            out.append("|")
        elif token == "NOT":
            out.append("& !")
        elif token in "()":
            out.append(token)
        else:
            words = _TOKEN.findall(token)
            if words:
                out.append(_phrase(words))
    return " ".join(out).replace("& ! ", "& !")


class TsSearch(FullText):
    def __init__(self, conn, configs_cache: dict):
        self.conn = conn
        self._cache = configs_cache  # kept by the store: {"at": time, "configs": [...]}

    def _configs(self) -> list[str]:
        if time.monotonic() - self._cache.get("at", -1e9) > CONFIG_TTL_SECONDS:
            found = {r[0] for r in self.conn.execute(
                "SELECT DISTINCT CAST(newswatch_ts_config(language) AS TEXT) FROM articles")}
            # Names from the server's own catalogue, checked again here before they are written into SQL.
            self._cache["configs"] = sorted(c for c in found | {"simple"} if re.fullmatch(r"\w+", c))
            self._cache["at"] = time.monotonic()
        return self._cache["configs"]

    def _query_sql(self, text: str) -> tuple[str, list]:
        configs = self._configs()
        sql = " || ".join(f"to_tsquery('{c}', ?)" for c in configs)
        return f"({sql})", [text] * len(configs)

    def hits(self, query, flt, entity_id, limit, variants=None):
        words = _TOKEN.findall(query)
        if not words:
            return [], None
        attempts = [" | ".join(_phrase(p) for p in spelling_phrases(query, variants))] if variants else []
        attempts += [tsquery_text(words, "&"), tsquery_text(words, "|")]
        for text in attempts:
            tsquery, params = self._query_sql(text)
            where, filters = filter_sql(flt, entity_id, "a.search @@ q.query", [])
            rows = self.conn.execute(
                f"SELECT a.id, ts_rank('{RANK_WEIGHTS}', a.search, q.query, 1) AS rank"
                f" FROM articles a, (SELECT {tsquery} AS query) q{where} ORDER BY rank DESC, a.id LIMIT ?",
                [*params, *filters, limit]).fetchall()
            if rows:
                return [(r[0], float(r[1])) for r in rows], text
        return [], None

    def snippets(self, found, ids):
        if not ids or not found:
            return {}
        tsquery, params = self._query_sql(found)
        options = f"StartSel={_OPEN}, StopSel={_CLOSE}, MaxWords=30, MinWords=12, MaxFragments=1, FragmentDelimiter=…"
        return dict(self.conn.execute(
            f"SELECT a.id, ts_headline(newswatch_ts_config(a.language), a.text, q.query, ?)"
            f" FROM articles a, (SELECT {tsquery} AS query) q WHERE a.id IN ({','.join('?' * len(ids))})",
            [options, *params, *ids]).fetchall())

    def matching(self, expression, ids):
        if not ids:
            return set()
        # Each article read in its own configuration: exact (a NOT stays a NOT), and only a few rows to check.
        return {r[0] for r in self.conn.execute(
            "SELECT id FROM articles WHERE search @@ to_tsquery(newswatch_ts_config(language), ?)"
            f" AND id IN ({','.join('?' * len(ids))})", [watchlist_tsquery(expression), *ids])}



