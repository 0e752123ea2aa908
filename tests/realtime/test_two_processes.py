"""Scaled mode: two ``cercle serve`` processes sharing the database and Redis.

Alexandra publishes through process A; Thomas's stream is open on process B.
Nothing but Redis pub/sub connects the two processes' event loops.
"""

from __future__ import annotations

import http.client
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

import pytest
from django.conf import settings
from django.db import connection

from cercle.network import services as network
from cercle.notifications.models import Event, Notification
from tests.asgi import SSEClient
from tests.realtime.conftest import bearer
from tests.realtime.test_broker import redis_or_skip

pytestmark = pytest.mark.django_db(transaction=True)


def _database_url() -> str:
    """The test database, as a URL the server processes can open."""
    db = connection.settings_dict
    if db["ENGINE"] == "django.db.backends.sqlite3":
        return f"sqlite:///{Path(db['NAME']).resolve()}"
    user = quote(db["USER"] or "")
    password = f":{quote(db['PASSWORD'])}" if db["PASSWORD"] else ""
    return (
        f"postgres://{user}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    )


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _wait_ready(port: int, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"cercle serve exited:\n{log.read_text()}")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/healthz")
            if conn.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"cercle serve did not answer on port {port}:\n{log.read_text()}")


def _start(tmp_path: Path, names: list[str], **extra: str) -> list[tuple[Any, int, Path]]:
    """``cercle serve`` processes on the test database; (process, port, log) each."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "cercle.settings",
        "DATABASE_URL": _database_url(),
        "SECRET_KEY": settings.SECRET_KEY,
        "CERCLE_DATA_DIR": str(tmp_path),
        "CERCLE_LOG_LEVEL": "WARNING",
        **extra,
    }
    started: list[tuple[Any, int, Path]] = []
    for name in names:
        port, log = _free_port(), tmp_path / f"{name}.log"
        command = [sys.executable, "-m", "cercle", "serve", "--no-collectstatic"]
        process = subprocess.Popen(
            [*command, "--host", "127.0.0.1", "--port", str(port)],
            env=env,
            stdout=log.open("wb"),
            stderr=subprocess.STDOUT,
        )
        started.append((process, port, log))
    return started


def _stop(started: list[tuple[Any, int, Path]]) -> None:
    for process, _port, _log in started:
        if process.poll() is None:
            process.terminate()
    for process, _port, _log in started:
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture
def two_processes(transactional_db: Any, tmp_path: Path) -> Iterator[tuple[int, int]]:
    redis_url = redis_or_skip()
    started = _start(tmp_path, ["a", "b"], REDIS_URL=redis_url, CERCLE_REALTIME="")
    try:
        for process, port, log in started:
            _wait_ready(port, process, log)
        yield started[0][1], started[1][1]
    finally:
        _stop(started)


def test_an_event_created_on_one_process_reaches_a_stream_on_the_other(
    two_processes: tuple[int, int], user: Any, other: Any
) -> None:
    port_a, port_b = two_processes
    thomas, alexandra = user, other
    network.follow(follower=thomas, followee=alexandra)
    stream = SSEClient(port_b, {"Authorization": bearer(thomas)})
    try:
        assert stream.status == 200
        assert stream.next(timeout=5).event == "notifications"  # B now listens to Redis

        conn = http.client.HTTPConnection("127.0.0.1", port_a, timeout=10)
        body = urlencode({"body": f"Retour terrain, merci @{thomas.handle} !"})
        headers = {
            "Authorization": bearer(alexandra),
            "Content-Type": "application/x-www-form-urlencoded",
        }
        conn.request("POST", "/api/v1/posts", body=body, headers=headers)
        response = conn.getresponse()
        assert response.status == 201, response.read()
        created = time.monotonic()

        received = {e.event: e for e in (stream.next(timeout=1.0), stream.next(timeout=1.0))}
        assert time.monotonic() - created < 1.0
        assert set(received) == {"notifications", "feed"}
        mention = Notification.objects.get(recipient=thomas, event=Event.MENTION)
        assert [n["id"] for n in received["notifications"].json()["notifications"]] == [mention.pk]
    finally:
        stream.close()


def test_stopping_a_server_ends_its_open_streams_at_once(
    transactional_db: Any, tmp_path: Path, user: Any
) -> None:
    [(process, port, log)] = started = _start(tmp_path, ["solo"], REDIS_URL="")
    try:
        _wait_ready(port, process, log)
        stream = SSEClient(port, {"Authorization": bearer(user)})
        assert stream.next(timeout=5).event == "notifications"
        stopping = time.monotonic()
        process.terminate()
        with pytest.raises(ConnectionError):  # the stream ends, no event
            stream.next(timeout=5)
        process.wait(5)
        assert time.monotonic() - stopping < 3  # not MAX_AGE (5 min) later
        stream.close()
    finally:
        _stop(started)
