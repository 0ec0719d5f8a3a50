"""Sending alerts on: a JSONL file, a webhook, an Atom feed.

A channel gets the alerts raised after it was first used, each once: the
store records every delivery (``alert_deliveries``), so a restart does not
send again what was sent. A webhook that fails is tried again after a wait
that doubles each time (``RETRY_BASE`` up to ``RETRY_MAX``), ``MAX_ATTEMPTS``
times at most; it is a POST of the alert as JSON, made by the same guarded
fetcher as everything else (no private addresses unless allowed, a deadline
on the whole request). A receiver that must never see an alert twice (a
crash between its answer and our record of it) can use the alert's ``id``.
"""

from __future__ import annotations

import json
import os
import xml.etree.ElementTree as ET
from datetime import datetime, timedelta, timezone
from pathlib import Path

from ..config import IngestOptions
from ..errors import InputError
from ..sources.fetch import fetch

RETRY_BASE = timedelta(seconds=30)
RETRY_MAX = timedelta(hours=1)
MAX_ATTEMPTS = 8


def payload(alert: dict) -> dict:
    """The alert as sent and written: what it is, why it fired, and the article it points at."""
    return {k: alert.get(k) for k in ("id", "kind", "title", "created_at", "article", "article_id", "event_id",
                                      "story_id", "watchlist_id", "detail")}


class JsonlChannel:
    """Appends each alert as one JSON line to ``path``."""

    def __init__(self, path: str):
        self.path = Path(path)
        self.name = f"jsonl:{self.path.resolve()}"

    def _written(self) -> set[int]:
        """Alert ids already at the end of the file (a crash can come between the write and its record)."""
        try:
            with self.path.open("rb") as f:
                f.seek(max(0, self.path.stat().st_size - 262_144))
                tail = f.read().decode("utf-8", "replace").splitlines()
        except FileNotFoundError:
            return set()
        ids = set()
        for line in tail:
            try:
                ids.add(int(json.loads(line)["id"]))
            except (ValueError, KeyError, TypeError):
                continue
        return ids

    def send_all(self, alerts: list[dict]) -> list[tuple[dict, str | None]]:
        written = self._written()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self.path.open("a", encoding="utf-8") as f:
            for alert in alerts:
                if alert["id"] not in written:
                    f.write(json.dumps(payload(alert), ensure_ascii=False) + "\n")
            f.flush()
            os.fsync(f.fileno())
        return [(alert, None) for alert in alerts]


class WebhookChannel:
    """POSTs each alert as JSON to ``url``."""

    def __init__(self, url: str, options: IngestOptions):
        self.url = url
        self.options = options
        self.name = f"webhook:{url}"

    def send_all(self, alerts: list[dict]) -> list[tuple[dict, str | None]]:
        out = []
        for alert in alerts:
            try:
                fetch(self.url, self.options, post_json=json.dumps(payload(alert), ensure_ascii=False).encode())
                out.append((alert, None))
            except InputError as exc:
                out.append((alert, exc.problem))
        return out


def deliver(store, channels: list) -> list[str]:
    """Send every channel the alerts it has not had; the failures, one line each."""
    failures = []
    for channel in channels:
        pending = store.undelivered_alerts(channel.name)
        for alert, error in channel.send_all(pending) if pending else []:
            if error is None:
                store.record_delivery(alert["id"], channel.name)
                continue
            attempts = store.delivery_attempts(alert["id"], channel.name) + 1
            if attempts >= MAX_ATTEMPTS:
                retry = datetime.max.replace(tzinfo=timezone.utc)  # given up: kept, with its reason
                note = f"{error}; gave up after {attempts} attempts"
            else:
                retry = datetime.now(timezone.utc) + min(RETRY_BASE * 2 ** (attempts - 1), RETRY_MAX)
                note = error
            store.record_delivery(alert["id"], channel.name, note, retry)
            failures.append(f"alert {alert['id']} to {channel.name}: {note}")
    return failures


def atom(alerts: list[dict], title: str, self_url: str, site_url: str) -> bytes:
    """An Atom feed of alerts (newest first), for feed readers."""
    ns = "http://www.w3.org/2005/Atom"
    feed = ET.Element("feed", xmlns=ns)
    ET.SubElement(feed, "title").text = title
    ET.SubElement(feed, "id").text = self_url
    ET.SubElement(feed, "link", rel="self", href=self_url)
    updated = alerts[0]["created_at"] if alerts else datetime.now(timezone.utc).isoformat(timespec="seconds")
    ET.SubElement(feed, "updated").text = updated
    for alert in alerts:
        entry = ET.SubElement(feed, "entry")
        ET.SubElement(entry, "title").text = alert["title"]
        ET.SubElement(entry, "id").text = f"{site_url}/alerts#{alert['id']}"
        ET.SubElement(entry, "updated").text = alert["created_at"]
        target = f"{site_url}/stories/{alert['story_id']}" if alert.get("story_id") else f"{site_url}/alerts"
        if alert.get("kind") == "watchlist" and alert.get("article_id"):
            target = f"{site_url}/articles/{alert['article_id']}"
        ET.SubElement(entry, "link", href=target)
        article = alert.get("article") or {}
        summary = ", ".join(f"{k}: {v}" for k, v in (alert.get("detail") or {}).items())
        if article.get("source"):
            summary = f"{article['source']}. {summary}".strip(". ")
        ET.SubElement(entry, "summary").text = summary or alert["kind"]
    return b'<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(feed, encoding="utf-8")
