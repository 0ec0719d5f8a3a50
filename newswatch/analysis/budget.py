"""A time budget for one analysis step, so that one runaway article fails alone.

Every step is written to be linear in its input, and the model sees a bounded
slice of the text (``config.ANALYSED_CHARS``); the budget is the last line of
defence against whatever input still makes a library slow. On a process's
main thread (the CLI and its worker processes) it is a real-time timer
(``SIGALRM``). On any other thread (the web server's ingest thread, a Dask
worker's task threads) a timer thread raises the exception in the analysing
thread (``PyThreadState_SetAsyncExc``). Either way Python delivers it between
two bytecodes: a single call into C that never returns is not cut short.

>>> import time
>>> try:
...     with time_budget(0.05, "sleeping"):
...         time.sleep(1)
... except AnalysisTimeout as exc:
...     print(exc)
sleeping took longer than 0.05 s
"""

from __future__ import annotations

import ctypes
import signal
import threading
from contextlib import contextmanager


class AnalysisTimeout(Exception):
    """Raised inside a step whose budget ran out."""


@contextmanager
def time_budget(seconds: float, what: str):
    if threading.current_thread() is not threading.main_thread() or not hasattr(signal, "setitimer"):
        with _thread_budget(seconds, what):
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


@contextmanager
def _thread_budget(seconds: float, what: str):
    """The budget on a thread that is not the main one: a timer raises AnalysisTimeout in it."""
    target = threading.get_ident()
    lock = threading.Lock()
    state = {"active": True}

    def expire():
        with lock:
            if state["active"]:
                exc = type("AnalysisTimeout", (AnalysisTimeout,), {"message": f"{what} took longer than {seconds:g} s"})
                ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(target), ctypes.py_object(exc))

    timer = threading.Timer(seconds, expire)
    timer.daemon = True
    timer.start()
    try:
        yield
    except AnalysisTimeout as exc:
        # An asynchronous exception is raised as a class, without arguments: give it its message.
        raise AnalysisTimeout(getattr(exc, "message", None) or f"{what} took longer than {seconds:g} s") from None
    finally:
        with lock:
            state["active"] = False
        timer.cancel()
