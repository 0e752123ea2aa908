"""``cercle serve`` processes started by tests, on the test database, on loopback.

A real server (cercle serve: granian, as in production) in its own process: for what crosses
processes (Redis pub/sub) and for tools that drive the API over HTTP
(schemathesis).  The caller's test must use ``transactional_db`` so that the
server sees what the test wrote.
"""

from __future__ import annotations

import http.client
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from django.conf import settings
from django.db import connection


@dataclass(frozen=True)
class Served:
    process: subprocess.Popen[bytes]
    port: int
    log: Path

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


def database_url() -> str:
    """The test database, as a URL the server processes can open."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{Path(db['NAME']).resolve()}"
    user = quote(db["USER"] or "")
    password = f":{quote(db['PASSWORD'])}" if db["PASSWORD"] else ""
    return (
        f"postgres://{user}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    )


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_ready(served: Served, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if served.process.poll() is not None:
            raise RuntimeError(f"cercle serve exited:\n{served.log.read_text()}")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", served.port, timeout=2)
            conn.request("GET", "/healthz")
            if conn.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"cercle serve did not answer on {served.url}:\n{served.log.read_text()}")


def start(tmp_path: Path, names: list[str], *, pages: bool = False, **extra: str) -> list[Served]:
    """One ``cercle serve`` process per name, on the test database (not yet ready).

    ``pages``: collect the static files first (2 s), which any HTML page,
    error pages included, needs; the API and the event stream do not.
    """
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "cercle.settings",
        "DATABASE_URL": database_url(),
        "SECRET_KEY": settings.SECRET_KEY,
        "CERCLE_DATA_DIR": str(tmp_path),
        "CERCLE_LOG_LEVEL": "WARNING",
        **extra,
    }
    if pages:  # once for all: the processes share the data directory
        subprocess.run(
            [sys.executable, "-m", "cercle", "collectstatic", "--noinput", "-v0"],
            env=env,
            check=True,
        )
    started: list[Served] = []
    for name in names:
        port, log = free_port(), tmp_path / f"{name}.log"
        command = [sys.executable, "-m", "cercle", "serve", "--no-collectstatic"]
        process = subprocess.Popen(
            [*command, "--host", "127.0.0.1", "--port", str(port)],
            env=env,
            stdout=log.open("wb"),
            stderr=subprocess.STDOUT,
        )
        started.append(Served(process, port, log))
    return started


def stop(started: list[Served]) -> None:
    for served in started:
        if served.process.poll() is None:
            served.process.terminate()
    for served in started:
        try:
            served.process.wait(10)
        except subprocess.TimeoutExpired:
            served.process.kill()
            served.process.wait()


@contextmanager
def serving(
    tmp_path: Path, names: list[str], *, pages: bool = False, **extra: str
) -> Iterator[list[Served]]:
    """Started, ready, and stopped at the end whatever happens."""
    started = start(tmp_path, names, pages=pages, **extra)
    try:
        for served in started:
            wait_ready(served)
        yield started
    finally:
        stop(started)
