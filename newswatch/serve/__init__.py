"""newswatch in a browser: the web pages and the JSON API over one corpus.

>>> from newswatch.serve import create_app
>>> app = create_app(":memory:")
>>> app.title
'newswatch'
"""

from .app import create_app

__all__ = ["create_app", "run"]


_ENVIRONMENT = "NEWSWATCH_SERVE_CONFIG"


def run(db_path: str, options) -> None:
    """Serve until interrupted: uvicorn with ``options.workers`` processes, each answering on a thread pool.

    Several processes share the listening socket; each builds its own
    application from the configuration passed in the environment.
    """
    import json
    import os
    from dataclasses import asdict

    import uvicorn

    # Keep-alive connections idle for 30 s are closed (uvicorn's default is 5 s). An upload being
    # analysed in the same process can hold the interpreter for seconds; when the event loop wakes
    # after such a pause, an expired idle timer could close a connection whose next request had
    # just arrived, and the client would see a reset.
    common = dict(host=options.host, port=options.port, log_level="info", access_log=False, server_header=False,
                  proxy_headers=False, timeout_graceful_shutdown=10, timeout_keep_alive=30)
    if options.workers <= 1:
        uvicorn.run(create_app(db_path, options), **common)
        return
    os.environ[_ENVIRONMENT] = json.dumps({"db": db_path, "options": asdict(options)})
    # The supervisor restarts a worker that does not answer its ping in time. An upload's ingest
    # (loading the models, then NER) can keep a worker's interpreter busy for seconds on a loaded
    # machine, so the default of 5 s would kill a healthy worker in the middle of an upload.
    uvicorn.run("newswatch.serve:app_from_environment", factory=True, workers=options.workers,
                timeout_worker_healthcheck=60, **common)


def app_from_environment():
    """The application a worker process serves (see :func:`run`)."""
    import json
    import os

    from ..config import ServeOptions

    config = json.loads(os.environ[_ENVIRONMENT])
    fields = config["options"]
    fields["allowed_hosts"] = tuple(fields.get("allowed_hosts") or ())
    return create_app(config["db"], ServeOptions(**fields))
