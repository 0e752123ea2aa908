"""Login throttling: count failed sign-ins per account and per client address.

Counters live in the cache (in-process in embedded mode, Redis in scaled mode,
shared by every web process).  A success clears the account's counter.
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest

from cercle.core.text import fold


def _key(kind: str, value: str) -> str:
    return "login-fail:" + kind + ":" + hashlib.sha256(value.encode()).hexdigest()[:32]


def client_address(request: HttpRequest) -> str:
    return str(request.META.get("REMOTE_ADDR", ""))


def is_locked(*, email: str, address: str) -> bool:
    account = cache.get(_key("account", fold(email)), 0)
    by_address = cache.get(_key("address", address), 0)
    return bool(
        account >= settings.CERCLE_LOGIN_MAX_FAILURES_PER_ACCOUNT
        or by_address >= settings.CERCLE_LOGIN_MAX_FAILURES_PER_ADDRESS
    )


def record_failure(*, email: str, address: str) -> None:
    window = settings.CERCLE_LOGIN_WINDOW_SECONDS
    for key in (_key("account", fold(email)), _key("address", address)):
        cache.add(key, 0, window)
        try:
            cache.incr(key)
        except ValueError:  # expired between add() and incr()
            cache.set(key, 1, window)


def record_success(*, email: str) -> None:
    cache.delete(_key("account", fold(email)))
