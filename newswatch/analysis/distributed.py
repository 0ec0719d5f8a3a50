"""Per-article analysis on a Dask cluster: ``newswatch ingest --dask local`` or ``--dask tcp://host:8786``.

The analysis (cleaning, language, dates, names, quotes, embeddings) is
independent per article and is nearly all of an ingest's cost, so it is what
goes to the cluster. Linking stays in the ingesting process: it is sequential
by nature (each article is compared with what the articles before it made),
and it is cheap beside the analysis. The articles come back in the order they
were sent and are stored in the same batches as a plain ingest, so the stored
result is the same as that of a plain ``ingest`` of the same inputs.

- Work goes out in tasks of ``TASK_ARTICLES`` articles, at most ``IN_FLIGHT``
  tasks per worker thread at a time: memory stays bounded on any input size,
  and every worker stays busy.
- Each worker process builds the pipeline (and loads the models) once, on its
  first task, and keeps it (``_worker_pipeline``): not once per task.
- ``local`` starts a ``LocalCluster`` of ``workers`` processes on this machine,
  one thread each (the models are not shared between threads); an address
  joins an existing cluster, whose workers must have newswatch installed.
"""

from __future__ import annotations

import logging
from collections import deque
from collections.abc import Iterable, Iterator
from contextlib import contextmanager

from ..documents import Article

#: Articles per Dask task: enough to batch the NER model and to pay a task's overhead (a few ms) once.
TASK_ARTICLES = 32
#: Tasks queued per worker thread beyond the one it runs, so no worker waits for the next.
IN_FLIGHT = 3

_PIPELINES: dict[str, object] = {}


@contextmanager
def open_client(address: str, workers: int):
    """A Dask client for the ingest's length: on a new LocalCluster for 'local' (closed with it), else on
    the scheduler at ``address``."""
    from dask.distributed import Client, LocalCluster

    if address == "local":
        with LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None,
                          silence_logs=logging.ERROR) as cluster, Client(cluster) as client:
            yield client
        return
    try:
        client = Client(address, timeout=30)
    except OSError as exc:
        from ..errors import UsageError

        raise UsageError(f"cannot reach the Dask scheduler at {address} ({exc}): start one with"
                         " `dask scheduler` and workers with `dask worker ADDRESS`") from None
    with client:
        yield client


def _worker_pipeline(names: tuple[str, ...], options):
    """This worker process's pipeline, built on its first task (models loaded once per worker)."""
    from . import Pipeline

    key = repr((names, options))
    if key not in _PIPELINES:
        _PIPELINES[key] = Pipeline(names, options)
    return _PIPELINES[key]


def _analyse_task(names: tuple[str, ...], options, batch: list[Article]) -> list[Article]:
    # Every step is guarded: a failing article comes back with ``error`` set, never as an exception.
    return list(_worker_pipeline(names, options)._pipe(batch))


def analyse(client, names: tuple[str, ...], options, articles: Iterable[Article]) -> Iterator[Article]:
    """The articles analysed on the cluster, in the order given."""
    threads = max(1, sum(client.nthreads().values()))
    window = threads * (1 + IN_FLIGHT)
    pending: deque = deque()
    stream = iter(articles)
    while True:
        while len(pending) < window:
            batch = [a for _, a in zip(range(TASK_ARTICLES), stream)]
            if not batch:
                break
            # pure=False: two equal batches (a re-sent input) are two tasks, not one cached result.
            pending.append(client.submit(_analyse_task, names, options, batch, pure=False))
        if not pending:
            return
        yield from pending.popleft().result()
