"""newswatch: offline news-story intelligence.

Data flows one way: ``sources`` (files, feeds, URLs) -> ``documents`` ->
``analysis`` (per-article pipeline) -> ``store`` -> query (``api``, ``cli``).

>>> import newswatch
>>> with newswatch.open(":memory:") as nw:
...     nw.ingest_records([{"text": "Talks resumed on Monday."}]).ingested
1
"""

from .config import IngestOptions
from .errors import InputError, NewswatchError, NotFoundError, StoreError

__version__ = "0.1.0"


def __getattr__(name: str):
    # The API pulls in numpy, the extraction libraries and the store: imported on first use, so that
    # `newswatch --help` and other quick commands do not pay for them.
    if name in ("open", "Newswatch", "IngestReport"):
        from . import api

        return getattr(api, name)
    raise AttributeError(f"module 'newswatch' has no attribute {name!r}")
__all__ = ["open", "Newswatch", "IngestOptions", "IngestReport", "NewswatchError", "InputError",
           "NotFoundError", "StoreError", "__version__"]
