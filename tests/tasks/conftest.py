from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from django.test import override_settings

REDIS_TEST_URL = os.environ.get("CERCLE_TEST_REDIS_URL", "redis://127.0.0.1:6379/7")


def redis_unreachable() -> str | None:
    import redis

    try:
        redis.Redis.from_url(REDIS_TEST_URL, socket_connect_timeout=1).ping()
    except redis.RedisError as error:
        return f"Redis is not reachable at {REDIS_TEST_URL} ({error}): Redis tests skipped"
    return None


@pytest.fixture
def redis_tasks() -> Iterator[dict[str, Any]]:
    """TASKS pointing at Redis under a prefix of its own, removed afterwards."""
    reason = redis_unreachable()
    if reason:
        pytest.skip(reason)
    prefix = f"cercle-test:{uuid.uuid4().hex[:8]}:"
    config = {
        "default": {
            "BACKEND": "cercle.tasks.backends.RedisBackend",
            "LOCATION": REDIS_TEST_URL,
            "OPTIONS": {"PREFIX": prefix},
        }
    }
    with override_settings(TASKS=config):
        yield config
    import redis

    client = redis.Redis.from_url(REDIS_TEST_URL)
    keys = list(client.scan_iter(f"{prefix}*"))
    if keys:
        client.delete(*keys)


@pytest.fixture(params=["database", "redis"])
def queue(request: pytest.FixtureRequest) -> str:
    """Each queue test runs on both backends: the database (embedded) and Redis (scaled)."""
    if request.param == "redis":
        request.getfixturevalue("redis_tasks")
    return str(request.param)
