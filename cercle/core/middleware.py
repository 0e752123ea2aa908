"""Request-wide policies: the user's language, login required everywhere, security headers,
compression."""

from __future__ import annotations

import gzip
import secrets
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.auth.middleware import LoginRequiredMiddleware as DjangoLoginRequired
from django.core.exceptions import BadRequest, RequestDataTooBig
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.middleware.gzip import GZipMiddleware, re_accepts_gzip
from django.middleware.locale import LocaleMiddleware
from django.utils import translation
from django.utils.cache import patch_vary_headers

from cercle.access import NotFound

# Level 3 rather than Django's 6: a feed page (64 kB of HTML) compresses in 0.08 ms
# instead of 0.32, to 8.8 kB instead of 7.7 — nginx compresses at level 1 by default.
# Above 3, zlib's slower match search buys a few percent of bytes for 2.5x the time.
COMPRESSION_LEVEL = 3


def gzip_bytes(content: bytes, *, max_random_bytes: int) -> bytes:
    """``content`` gzip-compressed, as Django's ``compress_string`` at ``COMPRESSION_LEVEL``.

    Django's BREACH mitigation is kept: a file name of random length in the
    gzip header, so that the compressed size says less about the secrets in a page.
    """
    packed = gzip.compress(content, compresslevel=COMPRESSION_LEVEL, mtime=0)
    header = bytearray(packed[:10])
    header[3] = gzip.FNAME
    name = b"a" * secrets.randbelow(max_random_bytes) + b"\x00"
    return bytes(header) + name + packed[10:]


class CompressionMiddleware(GZipMiddleware):
    """Pages and JSON leave gzip-compressed when the browser accepts it (a feed page: 64 → 9 kB).

    Django's own middleware and rules (``Vary``, weak ``ETag``, only when it
    is shorter), at a lower level (``COMPRESSION_LEVEL``).  Left as they are:
    files (``FileResponse``: photos, PDF, static files, already compressed or
    served pre-compressed by WhiteNoise) and the real-time stream, whose
    events must leave one by one.
    """

    def process_response(
        self, request: HttpRequest, response: HttpResponseBase
    ) -> HttpResponseBase:
        if isinstance(response, FileResponse) or response.get("Content-Type", "").startswith(
            "text/event-stream"
        ):
            return response
        if response.streaming or not isinstance(response, HttpResponse):
            return super().process_response(request, response)
        content = response.content
        if (
            len(content) < 200
            or response.has_header("Content-Encoding")
            or not re_accepts_gzip.search(request.META.get("HTTP_ACCEPT_ENCODING", ""))
        ):
            return super().process_response(request, response)  # Vary, and nothing else
        patch_vary_headers(response, ("Accept-Encoding",))
        packed = gzip_bytes(content, max_random_bytes=self.max_random_bytes)
        if len(packed) >= len(content):
            return response
        response.content = packed
        response.headers["Content-Length"] = str(len(packed))
        etag = response.get("ETag")
        if etag and etag.startswith('"'):
            response.headers["ETag"] = "W/" + etag
        response.headers["Content-Encoding"] = "gzip"
        return response


class UserLocaleMiddleware(LocaleMiddleware):
    """The user's saved language wins; otherwise Django's cookie / Accept-Language rules."""

    def process_request(self, request: HttpRequest) -> None:
        user = getattr(request, "user", None)
        language = getattr(user, "language", "") if user is not None else ""
        if user is not None and user.is_authenticated and language:
            translation.activate(language)
            request.LANGUAGE_CODE = translation.get_language()
            return
        super().process_request(request)


class NulPathMiddleware:
    """A path holding a NUL character is a 400, before any view looks it up.

    PostgreSQL refuses NUL in text: ``GET /api/v1/communities/a%00b`` reached
    the slug lookup and failed as a 500.  No name in Cercle holds one, so the
    request cannot mean anything; the 400 handler answers it (JSON under
    ``/api/``, a page elsewhere).  Request bodies and queries are cleaned where
    they are read (``cercle.api.schema.In``, ``cercle.core.text``).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        if "\x00" in request.path_info:
            raise BadRequest("NUL character in the path.")
        return self.get_response(request)


class BodySizeMiddleware:
    """Refuse an oversized body before anything reads it (413).

    Django applies ``DATA_UPLOAD_MAX_MEMORY_SIZE`` only when something reads
    ``request.body`` or a form: 11 MB of JSON sent to an endpoint that takes
    a form was never read, and answered as if empty.  Declared sizes are
    checked here for every body but multipart forms, whose files have their
    own limits (attachments, photos) and whose text fields Django's parser
    limits as it reads them.  The error goes to the 400 handler
    (``core.views.bad_request``): JSON under ``/api/``, a page elsewhere.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        declared = request.META.get("CONTENT_LENGTH") or "0"
        if (
            limit is not None
            and declared.isdigit()
            and int(declared) > limit
            and not (request.content_type or "").startswith("multipart/")
        ):
            raise RequestDataTooBig("Request body exceeded settings.DATA_UPLOAD_MAX_MEMORY_SIZE.")
        return self.get_response(request)


class LoginRequiredMiddleware(DjangoLoginRequired):
    """Every page needs a signed-in employee, except views marked ``login_not_required``.

    The JSON API is excluded here because it authenticates on its own (session
    or personal access token) and answers 401 in JSON instead of redirecting.
    """

    def process_view(
        self,
        request: HttpRequest,
        view_func: Callable[..., Any],
        view_args: tuple[Any, ...],
        view_kwargs: dict[str, Any],
    ) -> HttpResponseBase | None:
        if request.path_info.startswith("/api/"):
            return None
        return super().process_view(request, view_func, view_args, view_kwargs)


# Features no page of Cercle uses: a page (or a script injected into one) may not ask.
PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer",
        "autoplay",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "usb",
        "browsing-topics",
    )
)


class SecurityHeadersMiddleware:
    """Headers Django has no setting for, on every answer of the application.

    - ``Permissions-Policy``: the powerful browser features are off.
    - ``Cache-Control: private, no-store`` on every answer that does not say
      otherwise: signed-in pages and API answers hold one person's data, and
      no shared cache (proxy, CDN) or back button on a shared computer may
      keep them.  Static files never reach this (WhiteNoise answers first).
    - ``Vary: Authorization, Cookie`` on the API: the same URL gives another
      answer for another token.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        if "Cache-Control" not in response.headers:
            response.headers["Cache-Control"] = "private, no-store"
        if request.path_info.startswith("/api/"):
            patch_vary_headers(response, ["Authorization", "Cookie"])
        return response


class DomainErrorsMiddleware:
    """The pages' one translation of the domain's refusals (the API has its own).

    ``cercle.access.NotFound`` becomes Django's 404 (its page, its logging);
    ``Forbidden`` is a ``PermissionDenied`` and needs nothing.  Views and
    services raise the domain errors and never ``Http404``.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> None:
        if isinstance(exception, NotFound):
            raise Http404 from exception
