"""Helpers for raising the translated errors services promise."""

from __future__ import annotations

from django.core.exceptions import ValidationError


def invalid(field: str, message: str, code: str = "invalid") -> ValidationError:
    """A one-field ``ValidationError`` (``field="__all__"`` for the whole request)."""
    return ValidationError({field: [ValidationError(message, code=code)]})
