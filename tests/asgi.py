"""A real ASGI server for tests: uvicorn in a thread (granian runs only in processes of
its own), and a small SSE client.

pytest-django's ``live_server`` is WSGI, and the live stream exists only
under ASGI (``cercle.asgi`` serves ``/events/`` natively async).  The
server runs ``cercle.asgi`` against the test database (use it from tests
marked ``django_db(transaction=True)``, so that what they write is visible
to the server's threads).
"""

from __future__ import annotations

import http.client
import json
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Server:
    url: str
    port: int
    app: Any


def _close_connections(app: Any) -> None:
    """Close the database connection of every pool thread (PostgreSQL drops the test DB)."""
    from django.db import connections

    for executor, threads in app.pools():
        barrier = threading.Barrier(threads, timeout=5)

        def close(barrier: threading.Barrier = barrier) -> None:
            barrier.wait()
            connections.close_all()

        futures = [executor.submit(close) for _ in range(threads)]
        for future in futures:
            future.result(timeout=10)
        executor.shutdown(wait=True)


@contextmanager
def asgi_server(*, static: bool = False, threads: int = 2) -> Iterator[Server]:
    import uvicorn

    from cercle.asgi import Application

    handler = Application(threads=threads)
    app: Any = handler
    if static:
        from django.contrib.staticfiles.handlers import ASGIStaticFilesHandler

        app = ASGIStaticFilesHandler(handler)
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    config = uvicorn.Config(app, lifespan="off", log_level="warning", timeout_graceful_shutdown=1)
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.02)
    try:
        yield Server(f"http://127.0.0.1:{port}", port, handler)
    finally:
        server.should_exit = True
        thread.join(10)
        sock.close()
        _close_connections(handler)


@dataclass
class Event:
    event: str = "message"
    data: str = ""
    id: str | None = None
    comments: list[str] = field(default_factory=list)

    def json(self) -> Any:
        return json.loads(self.data)


class SSEClient:
    """An EventSource, minus the automatic reconnection: tests reconnect themselves."""

    def __init__(self, port: int, headers: dict[str, str] | None = None) -> None:
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        self.connection.request("GET", "/events/", headers=headers or {})
        self.response = self.connection.getresponse()
        self.status = self.response.status
        self.retry: int | None = None

    def body(self) -> str:
        return self.response.read().decode()

    def next(self, timeout: float = 2.0, *, comments: bool = False) -> Event:
        """The next event (``timeout`` seconds at most, else ``TimeoutError``)."""
        assert self.connection.sock is not None
        deadline = time.monotonic() + timeout
        event = Event()
        seen = False
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError("no event")
            self.connection.sock.settimeout(left)
            raw = self.response.readline()
            if not raw:
                raise ConnectionError("the stream ended")
            line = raw.decode().rstrip("\n")
            if line == "":
                if seen:
                    return event
                continue
            if line.startswith(":"):
                event.comments.append(line[1:].strip())
                if comments:
                    return event
                continue
            name, _sep, value = line.partition(":")
            value = value[1:] if value.startswith(" ") else value
            if name == "retry":
                self.retry = int(value)
            elif name == "event":
                event.event, seen = value, True
            elif name == "id":
                event.id, seen = value, True
            elif name == "data":
                event.data = f"{event.data}\n{value}" if seen and event.data else value
                seen = True

    def close(self) -> None:
        self.connection.close()
