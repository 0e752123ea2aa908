"""The product shell: its error pages."""

from __future__ import annotations

import sys

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _


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


# Errors that mean "the database cannot answer now" (down, restarting, unreachable,
# too busy), not "this request is wrong": the same request will work again shortly.
OUTAGES = (OperationalError, InterfaceError)
RETRY_AFTER = 5  # seconds


def server_error(request: HttpRequest) -> HttpResponse:
    """Django's 500 handler; a database outage is a 503 that says to try again shortly.

    It reads nothing from the database (the user's saved language included): the
    language comes from the browser, and the page stands alone.
    """
    exc = sys.exc_info()[1]
    outage = isinstance(exc, OUTAGES)
    status = 503 if outage else 500
    language = translation.get_language_from_request(request)
    with translation.override(language):
        if outage:
            message = _("Cercle is briefly unavailable. Try again in a few seconds.")
        else:
            message = _("Something went wrong on our side. Please try again in a moment.")
        if request.path_info.startswith("/api/"):
            code = "unavailable" if outage else "server_error"
            response: HttpResponse = JsonResponse(
                {"error": {"code": code, "message": message, "fields": {}}}, status=status
            )
        else:
            html = render_to_string(
                "error.html",
                {"status": status, "message": message, "language": language},
            )
            response = HttpResponse(html, status=status)
    if outage:
        response["Retry-After"] = str(RETRY_AFTER)
    return response
