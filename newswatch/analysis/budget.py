"""A time budget for one analysis step, so that one runaway article fails alone.

Every step is written to be linear in its input, and the model sees a bounded
slice of the text (``config.ANALYSED_CHARS``); the budget is the last line of
defence against whatever input still makes a library slow. It is a real-time
timer (``SIGALRM``), so it only works on a process's main thread, which is where
the CLI and its worker processes analyse; elsewhere (a server thread) the step
simply runs unbounded, as the step's own bounds allow.

>>> import time
>>> try:
...     with time_budget(0.05, "sleeping"):
...         time.sleep(1)
... except AnalysisTimeout as exc:
...     print(exc)
sleeping took longer than 0.05 s
"""

from __future__ import annotations

import signal
import threading
from contextlib import contextmanager


class AnalysisTimeout(Exception):
    """Raised inside a step whose budget ran out."""


@contextmanager
def time_budget(seconds: float, what: str):
    if not hasattr(signal, "setitimer") or threading.current_thread() is not threading.main_thread():
        yield
        return

    def expired(signum, frame):
        raise AnalysisTimeout(f"{what} took longer than {seconds:g} s")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
