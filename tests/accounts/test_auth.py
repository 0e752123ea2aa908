from __future__ import annotations

import re

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.core import mail
from django.test import Client, override_settings
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from cercle.accounts.models import User
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def login(client: Client, email: str, password: str):
    return client.post("/login/", {"username": email, "password": password})


def test_login_by_email_is_case_insensitive(client: Client, user: User) -> None:
    response = login(client, "  Thomas@Example.COM ", PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == "/"


def test_wrong_password_gives_a_clear_error(user: User) -> None:
    client = Client(headers={"accept-language": "en"})
    response = login(client, user.email, "wrong")
    assert response.status_code == 200
    assert "do not match" in response.content.decode()


def test_deactivated_user_cannot_sign_in(client: Client, user: User) -> None:
    user.is_active = False
    user.save()
    assert login(client, user.email, PASSWORD).status_code == 200
    assert "_auth_user_id" not in client.session


@override_settings(CERCLE_LOGIN_FREE_FAILURES_PER_PAIR=3)
def test_success_resets_the_counter(client: Client, user: User) -> None:
    for _ in range(2):
        login(client, user.email, "wrong")
    assert login(client, user.email, PASSWORD).status_code == 302
    client.logout()
    for _ in range(2):
        login(client, user.email, "wrong")
    assert login(client, user.email, PASSWORD).status_code == 302


def test_logout_is_a_post(logged_client: Client) -> None:
    assert logged_client.get("/logout/").status_code == 405
    assert logged_client.post("/logout/").status_code == 302
    assert logged_client.get("/").status_code == 302


def test_password_reset_by_email_end_to_end(client: Client, user: User) -> None:
    response = client.post("/password/reset/", {"email": "thomas@example.com"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    link = re.search(r"https?://[^\s]+/password/reset/[^\s]+/", mail.outbox[0].body)
    assert link is not None
    path = link.group(0).split("testserver", 1)[1]
    form_page = client.get(path, follow=True)
    assert form_page.context["validlink"]
    done = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": "Nouveau-mot-2-passe!", "new_password2": "Nouveau-mot-2-passe!"},
    )
    assert done.status_code == 302
    user.refresh_from_db()
    assert user.check_password("Nouveau-mot-2-passe!")


def test_password_reset_for_unknown_email_reveals_nothing(client: Client, db) -> None:
    response = client.post("/password/reset/", {"email": "nobody@example.com"})
    assert response.status_code == 302  # same answer as for a known address
    assert len(mail.outbox) == 0


def test_expired_or_used_reset_token_is_refused(client: Client, user: User) -> None:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    # Changing the password invalidates the token (same mechanism as expiry).
    user.set_password("Another-pass-42")
    user.save()
    page = client.get(f"/password/reset/{uid}/{token}/", follow=True)
    assert page.status_code == 200
    assert page.context["validlink"] is False
    with override_settings(PASSWORD_RESET_TIMEOUT=-1):
        fresh = default_token_generator.make_token(user)
        expired = client.get(f"/password/reset/{uid}/{fresh}/", follow=True)
        assert expired.context["validlink"] is False
    user.refresh_from_db()
    assert user.check_password("Another-pass-42")


def test_password_change(logged_client: Client, user: User) -> None:
    bad = logged_client.post(
        "/password/change/",
        {
            "old_password": "wrong",
            "new_password1": "Tres-bon-mot-2-passe",
            "new_password2": "Tres-bon-mot-2-passe",
        },
    )
    assert bad.status_code == 200
    ok = logged_client.post(
        "/password/change/",
        {
            "old_password": PASSWORD,
            "new_password1": "Tres-bon-mot-2-passe",
            "new_password2": "Tres-bon-mot-2-passe",
        },
    )
    assert ok.status_code == 302
    user.refresh_from_db()
    assert user.check_password("Tres-bon-mot-2-passe")


def test_language_follows_the_user_then_the_browser(client_for, user: User) -> None:
    browser_en = client_for(user, language="en")
    assert '<html lang="en">' in browser_en.get("/").content.decode()
    user.language = "fr"
    user.save()
    assert '<html lang="fr">' in browser_en.get("/").content.decode()


def test_admin_is_for_staff(client_for, user: User, staff: User) -> None:
    assert client_for(user).get("/admin/").status_code == 302
    staff.is_superuser = True
    staff.save()
    assert client_for(staff).get("/admin/accounts/user/").status_code == 200
