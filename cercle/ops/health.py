"""Is each part this process needs reachable?  What ``/readyz`` answers.

Each check is bounded in time (a dependency that hangs must not hang the
probe: the load balancer's own timeout is typically 5 s) and reports how long
it took.  Only what is configured is checked: Redis only in scaled mode.

Redis is checked but not *required*: while it is away, Cercle reads, posts
and searches on (its cache answers "nothing cached", live updates fall back
to polling), so a process is still ready, only "degraded".  Taking every
process out of the load balancer because Redis blinked would turn a small
fault into an outage.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection

TIMEOUT = 2.0  # seconds, for each check that can be told


@dataclass(frozen=True, slots=True)
class Check:
    name: str
    ok: bool
    ms: float
    error: str = ""  # the exception's class: what failed, without secrets from its message
    required: bool = True  # False: the process serves without it (degraded)


def _timed(name: str, probe: Callable[[], None], *, required: bool = True) -> Check:
    start = time.perf_counter()
    try:
        probe()
    except Exception as exc:  # any failure is reported, with its kind
        ms = round((time.perf_counter() - start) * 1000, 1)
        return Check(name, False, ms, type(exc).__name__, required)
    return Check(name, True, round((time.perf_counter() - start) * 1000, 1), required=required)


def _database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def _redis() -> None:
    import redis

    client = redis.Redis.from_url(
        settings.REDIS_URL, socket_timeout=TIMEOUT, socket_connect_timeout=TIMEOUT
    )
    try:
        client.ping()
    finally:
        client.close()


def _storage() -> None:
    """Write, read back and delete a small file where uploads go."""
    name = default_storage.save(f"readyz/{uuid.uuid4().hex}.txt", ContentFile(b"ok"))
    try:
        with default_storage.open(name) as probe:
            if probe.read() != b"ok":
                raise OSError("the storage gave back another content")
    finally:
        default_storage.delete(name)


def checks() -> list[Check]:
    """Every dependency of this deployment, checked now."""
    found = [_timed("database", _database), _timed("storage", _storage)]
    if settings.REDIS_URL:
        found.append(_timed("redis", _redis, required=False))
    return found
