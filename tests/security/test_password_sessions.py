"""Finding M4: a password change or reset must end the other sessions and revoke API tokens."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.test import Client

from cercle.accounts import services
from cercle.accounts.models import ApiToken, User
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

NEW = "Nouveau-mot-2-passe!"


def _signed_in(user: User) -> Client:
    client = Client(headers={"accept-language": "en"})
    assert client.post("/login/", {"username": user.email, "password": PASSWORD}).status_code == 302
    return client


def _tokens(user: User) -> list[str]:
    return [services.api_token_create(user=user, name=n).secret for n in ("cli", "bot")]


def _api_status(secret: str) -> int:
    return Client().get("/api/v1/me", headers={"Authorization": f"Bearer {secret}"}).status_code


def test_changing_the_password_signs_out_elsewhere_and_revokes_tokens(user: User) -> None:
    desk, phone = _signed_in(user), _signed_in(user)
    secrets = _tokens(user)
    assert [_api_status(s) for s in secrets] == [200, 200]
    done = desk.post(
        "/password/change/",
        {"old_password": PASSWORD, "new_password1": NEW, "new_password2": NEW},
        follow=True,
    )
    assert done.status_code == 200
    page = done.content.decode()
    assert "Every other session was signed out" in page
    assert "2 API tokens were revoked" in page
    assert desk.get("/").status_code == 200  # this session stays
    assert phone.get("/").status_code == 302  # the other one is signed out
    assert [_api_status(s) for s in secrets] == [401, 401]
    assert not ApiToken.objects.filter(user=user, revoked_at__isnull=True).exists()


def test_resetting_the_password_signs_out_everywhere_and_revokes_tokens(user: User) -> None:
    desk = _signed_in(user)
    secrets = _tokens(user)
    stranger = Client(headers={"accept-language": "en"})
    stranger.post("/password/reset/", {"email": user.email})
    link = re.search(r"https?://[^\s]+/password/reset/[^\s]+/", mail.outbox[-1].body)
    assert link is not None
    form = stranger.get(link.group(0).split("testserver", 1)[1], follow=True)
    done = stranger.post(
        form.redirect_chain[-1][0], {"new_password1": NEW, "new_password2": NEW}, follow=True
    )
    assert "Every other session was signed out" in done.content.decode()
    assert desk.get("/").status_code == 302
    assert [_api_status(s) for s in secrets] == [401, 401]


def test_a_wrong_old_password_changes_nothing(user: User) -> None:
    desk, phone = _signed_in(user), _signed_in(user)
    secrets = _tokens(user)
    bad = desk.post(
        "/password/change/", {"old_password": "nope", "new_password1": NEW, "new_password2": NEW}
    )
    assert bad.status_code == 200
    assert phone.get("/").status_code == 200
    assert [_api_status(s) for s in secrets] == [200, 200]
