"""The bases of the API's shapes: ``In`` for requests, ``Out`` for responses, ``ErrorOut``.

Request shapes are ``In``: a ``ninja.Schema`` that takes JSON objects only.
Response shapes are plain pydantic models: each ``*Out`` is built
explicitly (``from_post``, ``from_user``...), so Ninja's per-field
``DjangoGetter`` — which reads ORM attributes, calls managers and resolvers —
would add nothing but its cost.  Measured on the feed at 1M posts (``/tmp``
profile of ``GET /api/v1/feed``): that wrapper made a quarter of the
request's time, about 3,000 attribute look-ups for a page of 20 posts.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import date as date_type
from typing import Annotated, Any

from django.utils.translation import gettext as _
from ninja import Path, Schema
from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    JsonValue,
    ValidatorFunctionWrapHandler,
    model_validator,
)
from pydantic_core import PydanticCustomError


class Out(BaseModel):
    """A response shape: validated once by pydantic-core, from dicts or ``Out`` instances."""

    model_config = ConfigDict(revalidate_instances="never", extra="forbid")


class ErrorDetail(Out):
    code: str = Field(description="Stable, for programs: not_found, invalid, throttled…")
    message: str = Field(description="For people, in the caller's language.")
    fields: dict[str, list[str]] = Field(
        description="Per input field (dotted path), what is wrong with it; empty otherwise."
    )


class ErrorOut(Out):
    """Every error of the API, whatever its status."""

    error: ErrorDetail


class In(Schema):
    """A request shape (body, query or form): an object, or a 422.

    Ninja's ``Schema`` reads any value's attributes (its ``DjangoGetter``), so
    a JSON list or string sent where an object is expected passed as an
    object with every field left out: ``PATCH /me`` with ``[null, null]``
    answered 200.  A request is not an ORM object: anything but a mapping is
    refused before Ninja looks at it.
    """

    @model_validator(mode="wrap")
    @classmethod
    def _objects_only(cls, data: Any, handler: ValidatorFunctionWrapHandler) -> Any:
        if not isinstance(data, Mapping | cls):
            raise ValueError(_("Send a JSON object with the fields of this request."))
        return handler(_without_nul(data) if isinstance(data, Mapping) else data)


def _without_nul(value: Any) -> Any:
    """``value`` with NUL characters removed from every string it holds.

    PostgreSQL refuses NUL in text: left in, a slug or a name looked up in a
    query made a 500 (``POST /posts/{id}/move`` with ``"community": "a\\x00b"``,
    found by schemathesis).  Removed here, in the one place every request
    shape passes, no field of the API can carry one to the database.
    """
    if isinstance(value, str):
        return value.replace("\x00", "") if "\x00" in value else value
    if isinstance(value, Mapping):
        return {key: _without_nul(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_without_nul(item) for item in value]
    return value


# The ids of the API: BigAutoField primary keys.  Bounding them in the request
# shapes refuses a number no database column can hold with a 422, where it
# would otherwise reach the driver ("Python int too large to convert to SQLite
# INTEGER", PostgreSQL's NumericValueOutOfRange) as a 500.
MAX_ID = 2**63 - 1
Id = Annotated[int, Field(ge=1, le=MAX_ID)]
# An id in a URL (``/posts/{post_id}``): out of range is a 422 like any invalid input.
PathId = Annotated[int, Path(ge=1, le=MAX_ID)]


_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _iso_date_only(value: Any) -> Any:
    """A date is written ``YYYY-MM-DD``, as the schema says.

    Pydantic also takes a number, or a string of one, as seconds since 1970:
    ``since=-5e-139`` was read as 1 January 1970 and answered 200 (schemathesis).
    """
    if isinstance(value, str) and _ISO_DATE.fullmatch(value):
        return value
    if isinstance(value, date_type) or value is None:
        return value
    # The error type the API already translates ("Enter a date as YYYY-MM-DD.", api.py).
    raise PydanticCustomError("date_parsing", "Input should be a date as YYYY-MM-DD")


IsoDate = Annotated[date_type, BeforeValidator(_iso_date_only)]


def one_of(values: Iterable[str]) -> dict[str, JsonValue]:
    """``json_schema_extra`` documenting the values a field takes.

    For a field the service checks itself: it reports every invalid field of
    the request at once, where a pydantic enum would stop at the first.
    """
    return {"enum": [*values]}


def _not_null(value: object) -> object:
    if value is None:
        raise ValueError(_("Leave this field out to keep its value: it cannot be null."))
    return value


# A field one may leave out (unchanged) but not clear: ``null`` is refused, and
# the documented schema has no null (``SkipJsonSchema``).
NotNull = BeforeValidator(_not_null)
