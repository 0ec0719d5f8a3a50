"""newswatch in a browser: the web pages and the JSON API over one corpus.

>>> from newswatch.serve import create_app
>>> app = create_app(":memory:")
>>> app.title
'newswatch'
"""

import sys

from .app import create_app

__all__ = ["create_app", "run"]


def run(db_path: str, options) -> None:
    """Serve until interrupted: ``options.workers`` processes on one port, each answering on a thread pool."""
    import uvicorn

    # Keep-alive connections idle for 30 s are closed (uvicorn's default is 5 s). An upload being
    # analysed in the same process can hold the interpreter for seconds; when the event loop wakes
    # after such a pause, an expired idle timer could close a connection whose next request had
    # just arrived, and the client would see a reset.
    common = dict(log_level="info", access_log=False, server_header=False, proxy_headers=False,
                  timeout_graceful_shutdown=10, timeout_keep_alive=30)
    if options.workers <= 1:
        uvicorn.run(create_app(db_path, options), host=options.host, port=options.port, **common)
        return
    from .processes import listening_socket, serve_forked

    sock = listening_socket(options.host, options.port)

    def make_server():
        return uvicorn.Server(uvicorn.Config(create_app(db_path, options), **common))

    print(f"INFO:     Serving on http://{options.host}:{options.port} with {options.workers} processes",
          file=sys.stderr, flush=True)
    code = serve_forked(make_server, sock, options.workers)
    if code:
        sys.exit(code)
