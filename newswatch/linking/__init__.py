"""Corpus linking: decisions that look across articles (entities now; duplicates, events and stories next).

Modules here decide; the store supplies candidates and records the decisions
in the same transaction as the articles they concern.
"""
