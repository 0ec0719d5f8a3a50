"""newswatch: offline news-story intelligence.

Data flows one way: ``sources`` (files, feeds, URLs) -> ``documents`` ->
``analysis`` (per-article pipeline) -> ``store`` -> query (``api``, ``cli``).

>>> import newswatch
>>> with newswatch.open(":memory:") as nw:
...     nw.ingest_records([{"text": "Talks resumed on Monday."}]).ingested
1
"""

from .api import IngestReport, Newswatch, open
from .config import IngestOptions
from .errors import InputError, NewswatchError, NotFoundError, StoreError

__version__ = "0.1.0"
__all__ = ["open", "Newswatch", "IngestOptions", "IngestReport", "NewswatchError", "InputError",
           "NotFoundError", "StoreError", "__version__"]
