"""Finding M5: security headers on signed-in pages and API answers."""

from __future__ import annotations

import pytest
from django.test import Client

from cercle.accounts.models import User
from tests.accounts.test_api import bearer

pytestmark = pytest.mark.django_db


def _directives(header: str) -> dict[str, str]:
    return {
        part.strip().split(" ", 1)[0]: part.strip().partition(" ")[2]
        for part in header.split(";")
        if part.strip()
    }


def test_signed_in_pages_carry_a_strict_policy(logged_client: Client) -> None:
    response = logged_client.get("/")
    assert response.status_code == 200
    csp = _directives(response["Content-Security-Policy"])
    assert csp["script-src"] == "'self'" and csp["style-src"] == "'self'"
    assert csp["object-src"] == "'none'" and csp["frame-ancestors"] == "'none'"
    assert csp["base-uri"] == "'self'" and csp["form-action"] == "'self'"
    assert "unsafe" not in response["Content-Security-Policy"]
    assert "camera=()" in response["Permissions-Policy"]
    assert "geolocation=()" in response["Permissions-Policy"]
    assert response["Cache-Control"] == "private, no-store"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_no_page_has_inline_script_or_style(logged_client: Client, user: User) -> None:
    for url in ("/", f"/people/{user.pk}/", f"/people/{user.pk}/edit/", "/settings/"):
        page = logged_client.get(url).content.decode()
        assert ' style="' not in page, url
        assert "<script>" not in page and "<style" not in page, url


def test_api_answers_are_private_and_vary_on_the_token(client: Client, user: User) -> None:
    for headers in (bearer(user), {}):
        response = client.get("/api/v1/me", headers=headers)
        assert response["Cache-Control"] == "private, no-store"
        vary = {v.strip().lower() for v in response["Vary"].split(",")}
        assert {"authorization", "cookie"} <= vary
        assert response["X-Content-Type-Options"] == "nosniff"


def test_the_sign_in_page_is_not_cached_either(client: Client) -> None:
    response = client.get("/login/")  # Django's own never_cache answer there
    assert {"private", "no-store"} <= {v.strip() for v in response["Cache-Control"].split(",")}
    assert "Content-Security-Policy" in response
