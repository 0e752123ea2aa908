"""``/healthz`` (the process answers), ``/readyz`` (what it needs answers too), ``/metrics``."""

from __future__ import annotations

import hmac
import ipaddress

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from cercle.ops import health, metrics


@login_not_required
@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """Alive: this process serves requests.  Nothing else is asked, so that a database
    outage takes every process out of rotation (``/readyz``) without getting them all
    restarted by a liveness probe."""
    return JsonResponse({"status": "ok"})


@login_not_required
@never_cache
@require_GET
def readyz(request: HttpRequest) -> JsonResponse:
    """Ready (200) when the database and the file storage answer, else 503.

    Redis (scaled mode) is reported, and its absence makes the status
    "degraded", still 200: the process serves without it (``cercle.ops.health``).
    """
    found = health.checks()
    ready = all(check.ok for check in found if check.required)
    status = "ok" if all(check.ok for check in found) else "degraded"
    body = {
        "status": status if ready else "unavailable",
        "checks": {
            check.name: {
                "ok": check.ok,
                "ms": check.ms,
                **({"error": check.error} if check.error else {}),
            }
            for check in found
        },
    }
    return JsonResponse(body, status=200 if ready else 503)


def _may_scrape(request: HttpRequest) -> bool:
    """With ``CERCLE_METRICS_TOKEN``, its bearer; without, only this machine."""
    token = settings.CERCLE_METRICS_TOKEN
    if token:
        given = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
        return hmac.compare_digest(given.encode(), token.encode())
    try:
        return ipaddress.ip_address(request.META.get("REMOTE_ADDR", "")).is_loopback
    except ValueError:
        return False


@login_not_required
@never_cache
@require_GET
def metrics_view(request: HttpRequest) -> HttpResponse:
    """Prometheus' text format; 404 to whoever may not scrape (nothing to learn there)."""
    if not _may_scrape(request):
        return HttpResponse(status=404)
    return HttpResponse(metrics.exposition(), content_type=metrics.CONTENT_TYPE_LATEST)
