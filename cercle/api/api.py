"""The JSON API (``/api/v1/``): one NinjaAPI, two ways in, one error shape.

Authentication: the browser session (with CSRF on unsafe methods) or a
personal access token sent as ``Authorization: Bearer ccl_…``.  Either way
``request.auth`` is the active ``User``.

Every error answers ``{"error": {"code", "message", "fields"}}`` so clients
can handle failures without parsing prose; ``message`` is translated.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as SchemaValidationError
from ninja.security import HttpBearer, SessionAuth

from cercle.accounts.api import router as people_router
from cercle.accounts.models import User
from cercle.accounts.services import api_token_authenticate
from cercle.communities.api import router as communities_router
from cercle.feed.api import router as feed_router
from cercle.network.api import router as network_router
from cercle.notifications.api import router as notifications_router
from cercle.posts.api import router as posts_router
from cercle.search.api import router as search_router


class TokenAuth(HttpBearer):
    """Personal access tokens (created and revoked on the settings page)."""

    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        user = api_token_authenticate(token)
        if user is not None:
            request.user = user
        return user


class ActiveSessionAuth(SessionAuth):
    def authenticate(self, request: HttpRequest, key: str | None) -> User | None:
        user = request.user
        if isinstance(user, User) and user.is_active:
            return user
        return None


api = NinjaAPI(
    title="Cercle API",
    version="1",
    description=(
        "Cercle's JSON API. Authenticate with your browser session or a personal "
        "access token (Settings → API tokens) sent as `Authorization: Bearer <token>`."
    ),
    auth=[TokenAuth(), ActiveSessionAuth()],
    urls_namespace="api",
    docs_decorator=login_required,
)
api.add_router("/", people_router)
api.add_router("/", communities_router)
api.add_router("/", posts_router)
api.add_router("/", network_router)
api.add_router("/", feed_router)
api.add_router("/", search_router)
api.add_router("/", notifications_router)


def error_response(
    request: HttpRequest,
    *,
    status: int,
    code: str,
    message: str,
    fields: dict[str, list[str]] | None = None,
) -> HttpResponse:
    body = {"error": {"code": code, "message": message, "fields": fields or {}}}
    return api.create_response(request, body, status=status)


SOURCES = ("body", "query", "path", "form", "file", "header", "cookie")


def _schema_fields(errors: list[dict[str, Any]]) -> dict[str, list[str]]:
    fields: dict[str, list[str]] = {}
    for error in errors:
        # Ninja reports (source, parameter, field...): keep the field's own path.
        loc = [str(part) for part in error.get("loc", [])]
        if loc and loc[0] in SOURCES:
            loc = loc[2:] if len(loc) > 2 else loc[1:]
        fields.setdefault(".".join(loc) or "__all__", []).append(str(error.get("msg", "")))
    return fields


@api.exception_handler(SchemaValidationError)
def on_schema_error(request: HttpRequest, exc: SchemaValidationError) -> HttpResponse:
    return error_response(
        request,
        status=422,
        code="invalid",
        message=_("Some fields are invalid."),
        fields=_schema_fields(exc.errors),
    )


def _error_code(exc: ValidationError) -> str:
    """The service's own code (e.g. ``last_owner``) when it gave one, else ``invalid``."""
    errors = (
        [e for group in exc.error_dict.values() for e in group]
        if hasattr(exc, "error_dict")
        else exc.error_list
    )
    codes = {e.code for e in errors if e.code}
    return codes.pop() if len(codes) == 1 else "invalid"


@api.exception_handler(ValidationError)
def on_validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    fields = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
    return error_response(
        request,
        status=422,
        code=_error_code(exc),
        message=_("Some fields are invalid."),
        fields=fields,
    )


@api.exception_handler(AuthenticationError)
def on_auth_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return error_response(
        request,
        status=401,
        code="not_authenticated",
        message=_("Sign in or send a valid API token."),
    )


@api.exception_handler(Http404)
def on_not_found(request: HttpRequest, exc: Exception) -> HttpResponse:
    return error_response(request, status=404, code="not_found", message=_("Not found."))


api.exception_handler(ObjectDoesNotExist)(on_not_found)


@api.exception_handler(PermissionDenied)
def on_forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return error_response(
        request, status=403, code="forbidden", message=_("You are not allowed to do this.")
    )


@api.exception_handler(HttpError)
def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    code = {
        400: "bad_request",
        403: "forbidden",
        404: "not_found",
        405: "method_not_allowed",
        413: "too_large",
        429: "throttled",
    }.get(exc.status_code, "error")
    return error_response(request, status=exc.status_code, code=code, message=str(exc))
