"""Helpers for endpoints that report a service's errors in the API's own words."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.core.exceptions import ValidationError


@contextmanager
def fields_renamed(**names: str) -> Iterator[None]:
    """Report a service's field errors under the API's field names.

    Services name the model's field (``manager``, ``shared_post``); the API
    takes ``manager_email`` or ``shared_post_id``, and a client must find the
    error under the name it sent.  Codes and messages are kept.
    """
    try:
        yield
    except ValidationError as exc:
        if not hasattr(exc, "error_dict"):
            raise
        raise ValidationError(
            {names.get(field, field): errors for field, errors in exc.error_dict.items()}
        ) from exc
