"""Rate limits of the API: per person (token or session) and per client address.

Built on Django Ninja's throttling (``NinjaAPI(throttle=...)`` runs them after
authentication and answers 429 with ``Retry-After``); what ours change:

- **Storage.** Ninja's ``SimpleRateThrottle`` keeps the timestamp of every
  request of the window in one cache entry and rewrites it on each request:
  O(limit) to read and write (600 floats, about 5 kB, for "600/min"), and two
  processes can both read N-1 and both let their request pass.  Ours counts
  requests per fixed window with ``cache.add`` + ``cache.incr``: one counter,
  atomic in Redis (scaled mode, shared by every web process) and in the
  in-process cache (embedded mode).  A fixed window lets a client send up to
  twice the limit across a window boundary; for an abuse guard that is fine.
- **Address.** Ninja reads ``X-Forwarded-For`` itself unless told how many
  proxies to believe.  Ours takes ``REMOTE_ADDR``, which ``cercle serve`` sets
  to the forwarded client only for requests from ``CERCLE_TRUSTED_PROXIES``
  (``cercle.core.proxies``), like the sign-in throttle.
- **Rates** are read from ``settings.CERCLE_API_RATES`` on every request (so
  a deployment sets them by environment and a test overrides them); ``None``
  turns a limit off.
"""

from __future__ import annotations

import hashlib
import logging
import re
import threading
import time
from functools import lru_cache

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest
from ninja.throttling import SimpleRateThrottle

log = logging.getLogger("cercle.security")

_PERIODS = {"s": 1, "sec": 1, "m": 60, "min": 60, "h": 3600, "hour": 3600, "d": 86400, "day": 86400}


_RATE = re.compile(r"^\s*(\d+)\s*/\s*(\d*)\s*([a-z]+)\s*$")


@lru_cache(maxsize=32)
def parse_rate(rate: str) -> tuple[int, int]:
    """``"600/min"`` → (600, 60); ``"20/5s"`` → (20, 5).  Raises ``ValueError`` when malformed."""
    match = _RATE.match(rate)
    if match is None or match[3] not in _PERIODS or int(match[1]) < 1:
        raise ValueError(f"Invalid rate {rate!r}: expected e.g. '600/min' or '20/5s'")
    return int(match[1]), int(match[2] or 1) * _PERIODS[match[3]]


class WindowThrottle(SimpleRateThrottle):
    """A fixed-window counter per key; subclasses say what the key is (``ident``)."""

    scope = ""

    def __init__(self) -> None:
        # The rate is read per request (``_limits``); Ninja's constructor parses a fixed one.
        # One instance serves every request: what ``wait()`` reports is per thread.
        self._last = threading.local()

    def ident(self, request: HttpRequest) -> str | None:
        raise NotImplementedError

    def _limits(self) -> tuple[int, int] | None:
        rate = settings.CERCLE_API_RATES.get(self.scope)
        return parse_rate(rate) if rate else None

    def allow_request(self, request: HttpRequest) -> bool:
        limits = self._limits()
        ident = self.ident(request)
        self._last.wait = None
        if limits is None or ident is None:
            return True
        limit, period = limits
        now = time.time()
        window = int(now // period)
        key = f"api-rate:{self.scope}:{ident}:{period}:{window}"
        # add() creates the counter for this window (no-op when it exists); incr() is atomic.
        cache.add(key, 0, timeout=period + 1)
        try:
            count = cache.incr(key)
        except ValueError:  # expired between add and incr: this request opens the window
            cache.set(key, 1, timeout=period + 1)
            count = 1
        if count <= limit:
            return True
        self._last.wait = (window + 1) * period - now
        if count == limit + 1:  # once per window and key, not for every refused request
            log.warning(
                "API rate limit %s reached by %s (%d requests in %d s)",
                self.scope,
                ident,
                limit,
                period,
            )
        return False

    def wait(self) -> float | None:
        wait: float | None = getattr(self._last, "wait", None)
        return wait


class PersonThrottle(WindowThrottle):
    """Every request of one person, whether by session or by any of their tokens."""

    scope = "person"

    def ident(self, request: HttpRequest) -> str | None:
        auth = getattr(request, "auth", None)
        pk = getattr(auth, "pk", None)
        return f"u{pk}" if pk is not None else None


class AddressThrottle(WindowThrottle):
    """Every request from one client address (a whole office behind one NAT counts once)."""

    scope = "address"

    def ident(self, request: HttpRequest) -> str | None:
        address = str(request.META.get("REMOTE_ADDR", ""))
        return hashlib.sha256(address.encode()).hexdigest()[:24] if address else None
