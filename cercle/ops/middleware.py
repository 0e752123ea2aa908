"""Every request: an id for the logs, a line in the access log, a figure in the metrics."""

from __future__ import annotations

import logging
import re
import time
import uuid
from collections.abc import Callable

from django.http import HttpRequest, HttpResponseBase

from cercle.ops.context import request_id
from cercle.ops.metrics import REQUEST_SECONDS

access = logging.getLogger("cercle.request")

# An id a proxy in front (nginx's $request_id, a load balancer's) may hand over; any
# other value is replaced, so that nothing a client sends reaches the logs unchecked.
_GIVEN_ID = re.compile(r"[A-Za-z0-9._-]{8,128}")
_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})


class RequestMiddleware:
    """Names each request (``X-Request-ID``), times it by route, and logs it once.

    First in the chain, so that the time includes every other middleware.  The
    route is the URL pattern ("posts/<int:post_id>/"), never the path itself:
    a few hundred series, not one per post.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        start = time.perf_counter()
        given = request.headers.get("X-Request-ID", "")
        rid = given if _GIVEN_ID.fullmatch(given) else uuid.uuid4().hex
        token = request_id.set(rid)
        try:
            response = self.get_response(request)
            response["X-Request-ID"] = rid
            elapsed = time.perf_counter() - start
            match = request.resolver_match
            route = match.route if match is not None else "(unmatched)"
            method = request.method if request.method in _METHODS else "OTHER"
            REQUEST_SECONDS.labels(route, method, f"{response.status_code // 100}xx").observe(
                elapsed
            )
            if access.isEnabledFor(logging.INFO):
                user = getattr(request, "user", None)
                access.info(
                    "%s %s %s %.1f ms",
                    request.method,
                    request.path,
                    response.status_code,
                    elapsed * 1000,
                    extra={
                        "method": request.method,
                        "path": request.path,
                        "route": route,
                        "status": response.status_code,
                        "duration_ms": round(elapsed * 1000, 2),
                        "user_id": user.pk if user is not None and user.is_authenticated else None,
                    },
                )
            return response
        finally:
            request_id.reset(token)
