"""The page shown while the database is away: readable on a phone and a desk, in both languages."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import OperationalError
from django.test import RequestFactory

from cercle.core.views import server_error

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _outage_page(language: str) -> str:
    request = RequestFactory().get("/", headers={"accept-language": language})
    try:
        raise OperationalError("the database is restarting")
    except OperationalError:
        return server_error(request).content.decode()


@pytest.mark.parametrize(
    ("language", "title", "width"),
    [
        ("fr", "Cercle reprend son souffle", 360),
        ("en", "Cercle is catching its breath", 1280),
        ("en", "Cercle is catching its breath", 360),
    ],
)
def test_the_outage_page_reads_well_and_passes_axe(
    new_page: Any, live_server: Any, axe: Any, language: str, title: str, width: int
) -> None:
    page = new_page(locale=language, width=width, height=740)
    page.goto(f"{live_server.url}/healthz")  # its stylesheet comes from this server
    page.set_content(_outage_page(language))
    assert page.get_by_role("heading", level=1).inner_text() == title
    again = page.get_by_role("link", name="Réessayer" if language == "fr" else "Try again")
    assert again.count() == 1
    assert page.evaluate("document.documentElement.lang") == language
    scroll = page.evaluate("document.documentElement.scrollWidth")
    assert scroll <= width  # nothing scrolls sideways on a phone
    axe(page)
