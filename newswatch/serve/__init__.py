"""newswatch in a browser: the web pages and the JSON API over one corpus.

>>> from newswatch.serve import create_app
>>> app = create_app(":memory:")
>>> app.title
'newswatch'
"""

from .app import create_app

__all__ = ["create_app", "run"]


def run(db_path: str, options) -> None:
    """Serve until interrupted (uvicorn, one process; requests are answered on a thread pool)."""
    import uvicorn

    uvicorn.run(create_app(db_path, options), host=options.host, port=options.port, log_level="info",
                access_log=False, server_header=False, proxy_headers=False)
