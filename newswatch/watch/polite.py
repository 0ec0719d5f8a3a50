"""Politeness towards the sites polled: one request at a time per host, a pause between them, robots.txt.

A watcher polling hundreds of feeds must not hammer any one server: requests
to a host wait for each other (``HostGate``) and leave ``min_delay`` seconds
between them; ``Robots`` reads each host's robots.txt once a day (through the
same guarded fetch as everything else) and says whether a URL may be fetched.
A robots.txt that cannot be read allows everything, as crawlers commonly
treat a missing one.
"""

from __future__ import annotations

import threading
import time
import urllib.robotparser
from collections.abc import Callable
from contextlib import contextmanager
from urllib.parse import urlsplit

from ..errors import InputError

ROBOTS_MAX_AGE = 24 * 3600.0


def host_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}".lower()


class _PerHost:
    """One lock per host, made on first use."""

    def __init__(self):
        self._locks: dict[str, threading.Lock] = {}
        self._guard = threading.Lock()

    def __call__(self, host: str) -> threading.Lock:
        with self._guard:
            return self._locks.setdefault(host, threading.Lock())


class HostGate:
    """``with gate.visit(url):`` waits for the host's previous request and its pause, then lets one through."""

    def __init__(self, min_delay: float = 1.0, clock: Callable[[], float] = time.monotonic):
        self.min_delay = min_delay
        self._clock = clock
        self._lock = _PerHost()
        self._last: dict[str, float] = {}

    @contextmanager
    def visit(self, url: str):
        host = host_of(url)
        with self._lock(host):
            wait = self._last.get(host, -1e18) + self.min_delay - self._clock()
            if wait > 0:
                time.sleep(wait)
            try:
                yield
            finally:
                self._last[host] = self._clock()


class Robots:
    """robots.txt per host, fetched with ``fetch_text(url) -> str`` and kept ``ROBOTS_MAX_AGE`` seconds."""

    def __init__(self, fetch_text: Callable[[str], str], user_agent: str):
        self._fetch_text = fetch_text
        self.user_agent = user_agent
        self._rules: dict[str, tuple[float, urllib.robotparser.RobotFileParser | None]] = {}
        self._lock = _PerHost()

    def allowed(self, url: str) -> bool:
        host = host_of(url)
        with self._lock(host):  # one reading of a host's robots.txt, however many of its sources are due
            cached = self._rules.get(host)
            if cached is None or time.monotonic() - cached[0] > ROBOTS_MAX_AGE:
                try:
                    parser = urllib.robotparser.RobotFileParser()
                    parser.parse(self._fetch_text(f"{host}/robots.txt").splitlines())
                except InputError:
                    parser = None  # none, or unreadable: everything is allowed
                cached = self._rules[host] = (time.monotonic(), parser)
        return cached[1] is None or cached[1].can_fetch(self.user_agent, url)
