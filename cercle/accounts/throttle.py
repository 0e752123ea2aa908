"""Sign-in throttling that slows an attacker down without locking the owner out.

Failed sign-ins are counted for two keys: the pair (client address, account)
and the client address alone.  Past a few free failures, each further failure
makes that key wait before the next attempt, twice as long each time (1 s,
2 s, 4 s… up to ``CERCLE_LOGIN_MAX_DELAY_SECONDS``); an attempt made while a
key waits is refused with HTTP 429 before any password is checked.  Nothing
is ever counted for the account alone: guessing someone's password from one
address does not stop them signing in from theirs, and a password-reset link
clears every count of the account (``forget_account``).

The client address is ``REMOTE_ADDR``, which the server sets: ``cercle serve``
replaces it with the ``X-Forwarded-For`` client only for requests that come
from an address in ``CERCLE_TRUSTED_PROXIES`` (see ``cercle serve``).
Counters live in the cache (in process in embedded mode, Redis in scaled mode,
shared by every web process).  Failures and refusals are logged on
``cercle.security`` for the administrators.
"""

from __future__ import annotations

import hashlib
import logging
import math
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest

from cercle.core.text import fold

log = logging.getLogger("cercle.security")


def client_address(request: HttpRequest) -> str:
    """The client's address as the server established it (forwarded only by trusted proxies)."""
    return str(request.META.get("REMOTE_ADDR", ""))


def _digest(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()[:32]


def _generation(email: str) -> int:
    """Bumped by ``forget_account``: every (address, account) count of the account restarts."""
    return int(cache.get("login-gen:" + _digest(fold(email))) or 0)


def _keys(email: str, address: str) -> list[tuple[str, int]]:
    """The throttled keys of an attempt, each with its number of free failures."""
    account = fold(email)
    pair = f"{address}|{account}|{_generation(account)}"
    return [
        ("login-pair:" + _digest(pair), settings.CERCLE_LOGIN_FREE_FAILURES_PER_PAIR),
        ("login-address:" + _digest(address), settings.CERCLE_LOGIN_FREE_FAILURES_PER_ADDRESS),
    ]


@dataclass(frozen=True, slots=True)
class _State:
    failures: int = 0
    wait_until: float = 0.0


def _read(key: str) -> _State:
    value = cache.get(key)
    if isinstance(value, tuple) and len(value) == 2:
        return _State(int(value[0]), float(value[1]))
    return _State()


def retry_after(*, email: str, address: str) -> int:
    """Seconds before this attempt may be made (0: now)."""
    now = time.time()
    wait = max((_read(key).wait_until - now for key, _free in _keys(email, address)), default=0)
    return math.ceil(wait) if wait > 0 else 0


def refused(*, email: str, address: str, wait: int) -> None:
    """Log an attempt refused because its key still waits."""
    log.warning("sign-in throttled: account=%s address=%s retry_in=%ss", email, address, wait)


def record_failure(*, email: str, address: str) -> None:
    """Count a failed sign-in; past the free ones, the key waits twice as long each time."""
    now = time.time()
    window = settings.CERCLE_LOGIN_WINDOW_SECONDS
    longest = settings.CERCLE_LOGIN_MAX_DELAY_SECONDS
    counts = []
    for key, free in _keys(email, address):
        state = _read(key)
        failures = state.failures + 1
        beyond = failures - free
        wait_until = now + min(longest, 2 ** (beyond - 1)) if beyond > 0 else 0.0
        # Not atomic across processes: two failures at the same instant may count once.
        # The cost of that is one extra attempt for the attacker, never a locked owner.
        # Kept for the window after the wait ends: the next failure doubles it again.
        cache.set(key, (failures, wait_until), math.ceil(max(0.0, wait_until - now)) + window)
        counts.append(failures)
    log.warning(
        "sign-in failed: account=%s address=%s failures(pair, address)=%s",
        email,
        address,
        tuple(counts),
    )


def record_success(*, email: str, address: str) -> None:
    """A good password from this address: its (address, account) count starts again."""
    cache.delete(_keys(email, address)[0][0])


def forget_account(*, email: str) -> None:
    """The owner proved themselves another way (a password-reset link): no count holds them."""
    key = "login-gen:" + _digest(fold(email))
    cache.set(key, _generation(email) + 1, None)
    log.info("sign-in counts cleared after a password reset: account=%s", email)
