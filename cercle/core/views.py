"""The product shell: home, health check, error pages."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import RequestDataTooBig
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET


@login_not_required
@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """200 when the database answers; 503 otherwise (for load balancers)."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:  # any database failure means "unhealthy"
        return JsonResponse({"status": "error", "database": "unreachable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """Django's 400 handler: JSON for the API, 413 for a body over the size limit.

    Reached when a request fails before any view runs (a middleware reading an
    oversized or malformed form body, a disallowed host...).  The API's own
    errors never come here: ``cercle.api.api`` answers them in the same shape.
    """
    too_big = isinstance(exception, RequestDataTooBig)
    status = 413 if too_big else 400
    if too_big:
        message = _("The request is too large: at most %(limit)d MB of text and fields.") % {
            "limit": settings.DATA_UPLOAD_MAX_MEMORY_SIZE // (1024 * 1024)
        }
    else:
        message = _("The request could not be understood.")
    if request.path_info.startswith("/api/"):
        code = "too_large" if too_big else "bad_request"
        body = {"error": {"code": code, "message": message, "fields": {}}}
        return JsonResponse(body, status=status)
    return render(request, "400.html", {"message": message}, status=status)
