"""The shared cache (scaled mode: Redis), which a Redis outage must not turn into errors.

What Cercle keeps there can be lost: sign-in throttling counters, API rate
limits, "people you may know" for ten minutes.  While Redis is away, reads
find nothing, writes are dropped, counters start afresh — throttling is
suspended (said once in the log), pages, posts and searches go on — and
everything is used again as soon as Redis answers.  Each call waits at most
``SOCKET_TIMEOUT`` for Redis.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import RedisError

log = logging.getLogger("cercle.cache")

SOCKET_TIMEOUT = 0.5  # seconds, to connect and for each answer
QUIET = 60.0  # seconds between two log lines about the same outage


class TolerantRedisCache(RedisCache):
    """Django's Redis cache that answers "nothing cached" while Redis does not answer."""

    _last_warning = float("-inf")

    def __init__(self, server: str, params: dict[str, Any]) -> None:
        options = params.setdefault("OPTIONS", {})
        options.setdefault("socket_connect_timeout", SOCKET_TIMEOUT)
        options.setdefault("socket_timeout", SOCKET_TIMEOUT)
        super().__init__(server, params)

    def _tolerate[T](self, fallback: T, call: Callable[..., T], *args: Any) -> T:
        try:
            return call(*args)
        except RedisError as error:
            now = time.monotonic()
            if now - TolerantRedisCache._last_warning > QUIET:
                TolerantRedisCache._last_warning = now
                log.warning("the cache (Redis) does not answer, going on without it: %s", error)
            return fallback

    def get(self, key: Any, default: Any = None, version: Any = None) -> Any:
        return self._tolerate(default, super().get, key, default, version)

    def get_many(self, keys: Any, version: Any = None) -> dict[Any, Any]:
        return self._tolerate({}, super().get_many, keys, version)

    def has_key(self, key: Any, version: Any = None) -> bool:
        return self._tolerate(False, super().has_key, key, version)

    def add(
        self, key: Any, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: Any = None
    ) -> bool:
        return self._tolerate(False, super().add, key, value, timeout, version)

    def set(
        self, key: Any, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: Any = None
    ) -> None:
        self._tolerate(None, super().set, key, value, timeout, version)

    def set_many(self, data: Any, timeout: Any = DEFAULT_TIMEOUT, version: Any = None) -> list[Any]:
        return self._tolerate([], super().set_many, data, timeout, version)

    def touch(self, key: Any, timeout: Any = DEFAULT_TIMEOUT, version: Any = None) -> bool:
        return self._tolerate(False, super().touch, key, timeout, version)

    def delete(self, key: Any, version: Any = None) -> bool:
        return self._tolerate(False, super().delete, key, version)

    def delete_many(self, keys: Any, version: Any = None) -> None:
        self._tolerate(None, super().delete_many, keys, version)

    def incr(self, key: Any, delta: int = 1, version: Any = None) -> int:
        """Without Redis, a counter that has just started (rate limits let the request in)."""
        return self._tolerate(delta, super().incr, key, delta, version)
