"""Redis stopped under a running site: signing in, the API and pages go on; Redis comes back.

A Redis server of the test's own (``redis-server`` on a free loopback port), so that
stopping it touches nothing else.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.core.cache import cache
from django.test import Client, override_settings

from tests.conftest import PASSWORD

REDIS_SERVER = shutil.which("redis-server") or "redis-server"
pytestmark = pytest.mark.django_db


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class PrivateRedis:
    def __init__(self, directory: Path) -> None:
        self.port = _free_port()
        self.directory = directory
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                REDIS_SERVER,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.directory),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while True:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                return
            except OSError:
                assert time.monotonic() < deadline, "redis-server did not start"
                time.sleep(0.05)

    def stop(self) -> None:
        if self.process is not None:
            self.process.kill()
            self.process.wait(5)
            self.process = None


@pytest.fixture
def redis(tmp_path: Path) -> Iterator[PrivateRedis]:
    if shutil.which("redis-server") is None:
        if os.environ.get("CERCLE_REDIS") == "required":
            pytest.fail("redis-server is required here (the Redis outage test)")
        pytest.skip("redis-server is not installed: the Redis outage test is skipped")
    server = PrivateRedis(tmp_path)
    server.start()
    caches = {
        "default": {
            "BACKEND": "cercle.core.cache.TolerantRedisCache",
            "LOCATION": f"redis://127.0.0.1:{server.port}/0",
        }
    }
    try:
        with override_settings(CACHES=caches):
            yield server
    finally:
        server.stop()


def _sign_in(user) -> Client:
    client = Client()
    response = client.post("/login/", {"username": user.email, "password": PASSWORD})
    assert response.status_code == 302, response.content.decode()[:300]
    return client


def test_the_site_goes_on_while_redis_is_away_and_uses_it_again_after(redis, user) -> None:
    cache.set("probe", "up")
    assert cache.get("probe") == "up"
    working = _sign_in(user)
    assert working.get("/api/v1/feed").status_code == 200

    redis.stop()
    start = time.monotonic()
    assert cache.get("probe") is None  # nothing cached while it is away
    assert cache.incr("api-rate:test", 1) == 1  # a counter starts afresh
    assert time.monotonic() - start < 3  # each call gives up quickly
    again = _sign_in(user)  # throttling reads and writes the cache: suspended, not failing
    assert again.get("/").status_code == 200
    assert again.get("/api/v1/feed").status_code == 200
    assert working.get("/search/", {"q": "bonjour"}).status_code == 200

    redis.start()  # the same port: the pool reconnects
    cache.set("probe", "back")
    assert cache.get("probe") == "back"
