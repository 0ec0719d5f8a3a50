"""Several server processes on one port: one listening socket, bound here, accepted from by forked workers.

uvicorn has a multi-process mode, but it hands the socket to its workers in a
way that loses the socket's protocol, so asyncio no longer turns off Nagle's
algorithm on accepted connections, and every response waited ~40 ms for the
client's delayed ACK. Here the socket is made once, with TCP_NODELAY (which
accepted connections inherit on Linux), and each worker is a fork that
serves it with uvicorn. Each worker runs in a process group of its own, so a
Ctrl-C reaches only this supervisor, which asks every worker to stop (SIGTERM)
and waits for them: each ends its upload after the batch it is storing.
"""

from __future__ import annotations

import logging
import os
import signal
import socket
import sys

from ..errors import UsageError

log = logging.getLogger("newswatch.serve")


def listening_socket(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        raise UsageError(f"cannot listen on {host}:{port}: {exc.strerror}") from None
    sock.listen(2048)
    sock.set_inheritable(True)
    return sock


def serve_forked(make_server, sock: socket.socket, workers: int) -> int:
    """Run ``make_server().run(sockets=[sock])`` in ``workers`` forked processes until told to stop."""
    children: list[int] = []
    for _ in range(workers):
        pid = os.fork()
        if pid == 0:  # a worker
            os.setpgid(0, 0)
            code = 0
            try:
                make_server().run(sockets=[sock])
            except BaseException:  # noqa: BLE001 - a worker reports and exits, the supervisor carries on
                log.exception("server worker failed")
                code = 1
            finally:
                sys.stdout.flush()
                sys.stderr.flush()
                os._exit(code)
        children.append(pid)
    sock.close()

    def stop(signum, _frame):
        for pid in children:
            try:
                os.kill(pid, signal.SIGTERM)
            except ProcessLookupError:
                pass

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    failed = 0
    while children:
        try:
            pid, status = os.wait()
        except ChildProcessError:
            break
        if pid in children:
            children.remove(pid)
            if os.waitstatus_to_exitcode(status) not in (0, -signal.SIGTERM):
                failed += 1
                log.error("server worker %d stopped unexpectedly (%s)", pid, os.waitstatus_to_exitcode(status))
    return 1 if failed else 0
