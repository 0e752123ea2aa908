"""The Jinja2 environment's helpers write what Django's would (``cercle.core.jinja``)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.utils import formats, timezone, translation

from cercle.core.jinja import datetime_format, gettext_in

MOMENTS = [
    datetime(2026, 3, 1, 9, 5, 7, tzinfo=UTC),
    datetime(2026, 7, 14, 23, 59, tzinfo=UTC),  # the next day in Paris
    datetime(2026, 12, 31, 12, 0, tzinfo=UTC),
]


@pytest.mark.parametrize("language", ["fr", "en"])
@pytest.mark.parametrize("name", ["SHORT_DATETIME_FORMAT", "DATETIME_FORMAT", "DATE_FORMAT"])
def test_dates_are_written_as_djangos_date_format_writes_them(language: str, name: str) -> None:
    with translation.override(language):
        for moment in MOMENTS:
            expected = formats.date_format(timezone.localtime(moment), name)
            assert datetime_format(moment, name) == expected
    assert datetime_format(None) == ""


def test_labels_are_remembered_per_language() -> None:
    assert gettext_in("fr")("Delete") == "Supprimer"
    assert gettext_in("en")("Delete") == "Delete"
    assert gettext_in("fr")("Delete") == "Supprimer"
