"""Alerts: something is breaking, or a watched subject was reported.

Two kinds, decided as articles are stored (``store.alerts``) and kept in the
database, each under a key that makes it fire once however often the
decision is taken again (a re-poll, a restart):

- *breaking* (``rules.breaking``): a story whose latest window holds far more
  articles, from several sources, than its own past rate;
- *watchlist*: a saved query (words with AND, OR, NOT, "phrases" and
  parentheses; optionally an entity, a source, a language) that a new
  article matches (``rules.watchlist_query``).

``deliver`` sends them on: a JSONL file, a webhook (JSON POST, retried with
back-off) and the Atom feeds of ``newswatch serve``.
"""

from .rules import BreakingRule, breaking, watchlist_query

__all__ = ["BreakingRule", "breaking", "watchlist_query"]
