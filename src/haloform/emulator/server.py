"""The emulator on a real socket: ``serve`` for ``haloform emulator serve``, and
``running_server`` for tests that need real HTTP (other clients, dropped sockets)."""

from __future__ import annotations

import logging
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import uvicorn

from haloform.emulator.emulator import Emulator
from haloform.emulator.faults import ConnectionDropped

_STARTUP_TIMEOUT_S = 10.0


class _HideDrops(logging.Filter):
    """A dropped connection is a fault asked for, not a crash: keep its traceback
    out of uvicorn's error log."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not (record.exc_info and isinstance(record.exc_info[1], ConnectionDropped))


_HIDE_DROPS = _HideDrops()


def serve(emulator: Emulator, host: str = "127.0.0.1", port: int = 8080) -> None:
    """Serve until interrupted (blocking)."""
    logging.getLogger("uvicorn.error").addFilter(_HIDE_DROPS)
    uvicorn.run(emulator.app, host=host, port=port, lifespan="off")


@contextmanager
def running_server(emulator: Emulator, host: str = "127.0.0.1") -> Iterator[str]:
    """Serve on a free loopback port in a background thread; yields the base URL
    (``http://127.0.0.1:PORT``) and stops the server on exit."""
    logging.getLogger("uvicorn.error").addFilter(_HIDE_DROPS)
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind((host, 0))
    port = sock.getsockname()[1]
    config = uvicorn.Config(emulator.app, lifespan="off", log_config=None, access_log=False)
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    try:
        _wait_started(server, thread)
        yield f"http://{host}:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=_STARTUP_TIMEOUT_S)
        sock.close()


def _wait_started(server: uvicorn.Server, thread: threading.Thread) -> None:
    deadline = time.monotonic() + _STARTUP_TIMEOUT_S
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the emulator's server did not start")
        time.sleep(0.005)
