"""The JSON API (``/api/v1/``): one NinjaAPI, two ways in, one error shape.

Authentication: the browser session (with CSRF on unsafe methods) or a
personal access token sent as ``Authorization: Bearer ccl_…``.  Either way
``request.auth`` is the active ``User``.

Every error answers ``{"error": {"code", "message", "fields"}}`` so clients
can handle failures without parsing prose; ``message`` is translated.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import (
    ObjectDoesNotExist,
    PermissionDenied,
    RequestDataTooBig,
    TooManyFieldsSent,
    TooManyFilesSent,
    ValidationError,
)
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, Throttled
from ninja.errors import ValidationError as SchemaValidationError
from ninja.openapi.schema import OpenAPISchema
from ninja.security import HttpBearer, SessionAuth

from cercle.accounts.api import router as people_router
from cercle.accounts.models import User
from cercle.accounts.services import api_token_authenticate
from cercle.api.schema import ErrorOut
from cercle.api.throttling import AddressThrottle, PersonThrottle
from cercle.communities.api import router as communities_router
from cercle.documents.api import router as documents_router
from cercle.feed.api import router as feed_router
from cercle.follows.api import router as follows_router
from cercle.notifications.api import router as notifications_router
from cercle.posts.api import router as posts_router
from cercle.projects.api import router as projects_router
from cercle.search.api import router as search_router


class TokenAuth(HttpBearer):
    """Personal access tokens (created and revoked on the settings page)."""

    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        user = api_token_authenticate(token)
        if user is not None:
            request.user = user
        return user


class ActiveSessionAuth(SessionAuth):
    def __call__(self, request: HttpRequest) -> Any:
        # Without a signed-in session there is nothing to protect from CSRF:
        # answer 401 (sign in), not a CSRF complaint, to a request with no credentials.
        if not (isinstance(request.user, User) and request.user.is_active):
            return None
        return super().__call__(request)

    def authenticate(self, request: HttpRequest, key: str | None) -> User | None:
        user = request.user
        if isinstance(user, User) and user.is_active:
            return user
        return None


# What every operation may answer besides its own results, and when.  Each is
# ``ErrorOut``; the OpenAPI document lists them so that clients (and the
# schemathesis run in the test suite) know every status the API can return.
_ERROR_DESCRIPTIONS = {
    400: "Malformed request (e.g. a body that is not valid JSON or multipart).",
    401: "Not signed in, or the API token is missing, unknown or revoked.",
    403: "Not allowed (for writes also: the session's CSRF token is missing or wrong).",
    404: "Not found, or not visible to you: the two are never told apart.",
    409: "The request conflicts with the object's current state.",
    413: "The body or an uploaded file is over its size limit.",
    422: "Some fields are invalid: ``error.fields`` says which and why.",
    429: "Too many requests: wait the number of seconds in ``Retry-After``.",
}
_UNSAFE = {"post", "put", "patch", "delete"}


def documented_errors(method: str, operation: dict[str, Any]) -> set[int]:
    """The error statuses one operation can answer, from what it takes.

    Every operation authenticates (401) and is rate-limited (429); one that
    takes parameters or a body validates them (422); a path parameter names
    something that may be missing or hidden (404); a write may be refused
    (403: not allowed, or a failed CSRF check on a session) or conflict with
    the state (409); a body may be malformed (400) or too large (413).
    """
    codes = {401, 429}
    params = operation.get("parameters", [])
    has_body = "requestBody" in operation
    if params or has_body:
        codes.add(422)
    if any(p.get("in") == "path" for p in params):
        codes.add(404)
    if method in _UNSAFE:
        codes |= {403, 409}
    if has_body:
        codes |= {400, 413}
    return codes


class CercleAPI(NinjaAPI):
    """Ninja, with every operation's error answers in its OpenAPI document."""

    def get_openapi_schema(
        self, *, path_prefix: str | None = None, path_params: dict[str, Any] | None = None
    ) -> OpenAPISchema:
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        schemas = schema.setdefault("components", {}).setdefault("schemas", {})
        for name, definition in (
            ErrorOut.model_json_schema(ref_template="#/components/schemas/{model}")
            .pop("$defs", {})
            .items()
        ):
            schemas[name] = definition
        schemas["ErrorOut"] = ErrorOut.model_json_schema(
            ref_template="#/components/schemas/{model}"
        )
        schemas["ErrorOut"].pop("$defs", None)
        error = {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorOut"}}}
        for operations in schema["paths"].values():
            for method, operation in operations.items():
                responses = operation.setdefault("responses", {})
                for code in sorted(documented_errors(method, operation)):
                    responses.setdefault(
                        code, {"description": _ERROR_DESCRIPTIONS[code], "content": error}
                    )
        return schema


api = CercleAPI(
    title="Cercle API",
    version="1",
    description=(
        "Cercle's JSON API. Authenticate with your browser session or a personal "
        "access token (Settings → API tokens) sent as `Authorization: Bearer <token>`."
    ),
    auth=[TokenAuth(), ActiveSessionAuth()],
    urls_namespace="api",
    docs_decorator=login_required,
    throttle=[PersonThrottle(), AddressThrottle()],
)
api.add_router("/", people_router)
api.add_router("/", communities_router)
api.add_router("/", posts_router)
api.add_router("/", documents_router)
api.add_router("/", projects_router)
api.add_router("/", follows_router)
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
        fields.setdefault(".".join(loc) or "__all__", []).append(field_message(error))
    return fields


def field_message(error: dict[str, Any]) -> str:
    """Pydantic's error for one field, said in the caller's language.

    Pydantic speaks English only; the types below are the ones our request
    shapes can raise.  Anything else keeps pydantic's text rather than a vague one.
    """
    kind = str(error.get("type", ""))
    ctx = error.get("ctx") or {}
    match kind:
        case "missing":
            return _("This field is required.")
        case "value_error":
            return str(ctx.get("error", error.get("msg", "")))
        case "string_too_short" if ctx.get("min_length") == 1:
            return _("This field cannot be empty.")
        case "string_too_short" | "too_short":
            return _("At least %(n)s characters or items.") % {"n": ctx.get("min_length")}
        case "string_too_long" | "too_long":
            return _("At most %(n)s characters or items.") % {"n": ctx.get("max_length")}
        case "greater_than_equal":
            return _("Enter a number of at least %(n)s.") % {"n": ctx.get("ge")}
        case "less_than_equal":
            return _("Enter a number of at most %(n)s.") % {"n": ctx.get("le")}
        case "int_parsing" | "int_type" | "int_from_float":
            return _("Enter a whole number.")
        case "bool_parsing" | "bool_type":
            return _("Enter true or false.")
        case "string_type":
            return _("Enter text.")
        case "list_type":
            return _("Enter a list.")
        case "model_type" | "model_attributes_type" | "dict_type":
            return _("Send a JSON object with the fields of this request.")
        case "enum" | "literal_error":
            return _("Choose one of: %(choices)s.") % {"choices": ctx.get("expected", "")}
        case "date_parsing" | "date_from_datetime_parsing" | "date_type":
            return _("Enter a date as YYYY-MM-DD.")
        case "json_invalid":
            return _("This is not valid JSON.")
    return str(error.get("msg", ""))


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


# Service error codes that say "not now, given the current state" rather than
# "this input is wrong": the same request may succeed once the state changes.
CONFLICT_CODES = frozenset({"last_owner"})


@api.exception_handler(ValidationError)
def on_validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    fields = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
    code = _error_code(exc)
    if code in CONFLICT_CODES:
        return error_response(
            request, status=409, code=code, message=" ".join(exc.messages), fields=fields
        )
    return error_response(
        request, status=422, code=code, message=_("Some fields are invalid."), fields=fields
    )


# Exceptions whose answer is always the same: (status, code, message).
FIXED_ERRORS: dict[type[Exception], tuple[int, str, Promise]] = {
    AuthenticationError: (
        401,
        "not_authenticated",
        gettext_lazy("Sign in or send a valid API token."),
    ),
    PermissionDenied: (403, "forbidden", gettext_lazy("You are not allowed to do this.")),
    Http404: (404, "not_found", gettext_lazy("Not found.")),
    ObjectDoesNotExist: (404, "not_found", gettext_lazy("Not found.")),
    Throttled: (
        429,
        "throttled",
        gettext_lazy("Too many requests: wait a moment, then try again."),
    ),
    TooManyFieldsSent: (400, "bad_request", gettext_lazy("The request is malformed.")),
    TooManyFilesSent: (400, "bad_request", gettext_lazy("The request is malformed.")),
}


def _fixed_error(request: HttpRequest, exc: Exception | type[Exception]) -> HttpResponse:
    raised = exc if isinstance(exc, type) else type(exc)
    kind = next(k for k in raised.__mro__ if k in FIXED_ERRORS)
    status, code, message = FIXED_ERRORS[kind]
    return error_response(request, status=status, code=code, message=str(message))


for _kind in FIXED_ERRORS:
    api.add_exception_handler(_kind, _fixed_error)


@api.exception_handler(RequestDataTooBig)
def on_too_large(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
    return too_large_response(request)


def too_large_response(request: HttpRequest) -> HttpResponse:
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE // (1024 * 1024)
    return error_response(
        request,
        status=413,
        code="too_large",
        message=_("The request is too large: at most %(limit)d MB of text and fields.")
        % {"limit": limit},
    )


# What Ninja itself raises as an ``HttpError``, in our words.
NINJA_ERRORS: dict[int, tuple[str, Promise]] = {
    # "Cannot parse request body": not JSON, not the declared encoding.
    400: (
        "bad_request",
        gettext_lazy(
            "The request body could not be read: send valid JSON, or multipart "
            "form data where the operation says so."
        ),
    ),
    # Session authentication refusing a write without a valid CSRF token.
    403: (
        "csrf_failed",
        gettext_lazy(
            "Send the csrftoken cookie's value in the X-CSRFToken header, or use an API token."
        ),
    ),
}


@api.exception_handler(HttpError)
def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    status = exc.status_code
    if isinstance(exc.__cause__, RequestDataTooBig):
        # Ninja reads the body inside a catch-all and re-raises it as a 400.
        return too_large_response(request)
    if status in NINJA_ERRORS:
        code, message = NINJA_ERRORS[status]
        return error_response(request, status=status, code=code, message=str(message))
    codes = {404: "not_found", 405: "method_not_allowed", 409: "conflict", 413: "too_large"}
    return error_response(request, status=status, code=codes.get(status, "error"), message=str(exc))
