"""Findings M2 and M3: sign-in throttling slows an attacker, never locks the owner out.

Before: five wrong passwords locked the account for everyone (anyone could lock
anyone out), and the address counted was whatever ``X-Forwarded-For`` said.
"""

from __future__ import annotations

import logging
import re

import pytest
from django.core import mail
from django.test import Client, override_settings

from cercle.accounts import throttle
from cercle.accounts.models import User
from tests.conftest import PASSWORD
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

ATTACKER = "203.0.113.7"
OWNER = "198.51.100.20"


def _from(address: str, language: str = "fr") -> Client:
    return Client(REMOTE_ADDR=address, headers={"accept-language": language})


def _login(client: Client, email: str, password: str, **extra):
    return client.post("/login/", {"username": email, "password": password}, **extra)


class _Clock:
    """``time.time`` as the throttle reads it, moved by the test."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.now = 1_800_000_000.0
        monkeypatch.setattr(throttle.time, "time", lambda: self.now)


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> _Clock:
    return _Clock(monkeypatch)


def test_past_the_free_failures_an_address_waits_with_429_and_retry_after(
    user: User, clock: _Clock
) -> None:
    attacker = _from(ATTACKER, "en")
    for _ in range(5):  # free
        assert _login(attacker, user.email, "wrong").status_code == 200
    assert _login(attacker, user.email, "wrong").status_code == 200  # counted: now waits 1 s
    refused = _login(attacker, user.email, PASSWORD)  # even the right password, meanwhile
    assert refused.status_code == 429
    assert refused["Retry-After"] == "1"
    assert "Too many failed attempts from this connection" in refused.content.decode()
    assert "wait 1 second" in refused.content.decode()
    assert "_auth_user_id" not in attacker.session
    french = _login(_from(ATTACKER, "fr"), user.email, PASSWORD)
    assert french.status_code == 429
    assert "Trop de tentatives" in french.content.decode()


def test_delays_grow_with_each_further_failure(user: User, clock: _Clock) -> None:
    attacker = _from(ATTACKER)
    waits = []
    for _ in range(14):
        assert _login(attacker, user.email, "wrong").status_code == 200
        wait = throttle.retry_after(email=user.email, address=ATTACKER)
        waits.append(wait)
        clock.now += wait  # the attacker waits exactly as long as told
    assert waits[:5] == [0, 0, 0, 0, 0]
    assert waits[5:] == [1, 2, 4, 8, 16, 32, 64, 128, 256]
    for _ in range(2):
        assert _login(attacker, user.email, "wrong").status_code == 200
        clock.now += throttle.retry_after(email=user.email, address=ATTACKER)
    assert _login(attacker, user.email, "wrong").status_code == 200
    assert throttle.retry_after(email=user.email, address=ATTACKER) == 15 * 60  # the cap


def test_the_owner_signs_in_from_another_address_while_the_attacker_waits(
    user: User, clock: _Clock
) -> None:
    attacker = _from(ATTACKER)
    for _ in range(10):
        clock.now += throttle.retry_after(email=user.email, address=ATTACKER)
        _login(attacker, user.email, "wrong")
    assert _login(attacker, user.email, PASSWORD).status_code == 429
    owner = _from(OWNER)
    assert _login(owner, user.email, PASSWORD).status_code == 302
    assert owner.session["_auth_user_id"] == str(user.pk)


def test_one_address_trying_many_accounts_is_slowed_down(db, clock: _Clock) -> None:
    people = [UserFactory() for _ in range(31)]
    attacker = _from(ATTACKER)
    for person in people[:30]:  # one try each: never the pair's limit, but the address's
        assert _login(attacker, person.email, "wrong").status_code == 200
    assert _login(attacker, people[30].email, "wrong").status_code == 200  # the 31st: waits
    assert _login(attacker, people[30].email, PASSWORD).status_code == 429
    assert _login(_from(OWNER), people[30].email, PASSWORD).status_code == 302


def test_a_password_reset_link_lifts_the_wait_of_the_owner(user: User, clock: _Clock) -> None:
    shared = _from(ATTACKER)  # the owner behind the same address as the attacker
    for _ in range(12):
        clock.now += throttle.retry_after(email=user.email, address=ATTACKER)
        _login(shared, user.email, "wrong")
    assert _login(shared, user.email, PASSWORD).status_code == 429
    # The reset pages are never throttled by sign-in failures.
    assert shared.post("/password/reset/", {"email": user.email}).status_code == 302
    link = re.search(r"https?://[^\s]+/password/reset/[^\s]+/", mail.outbox[-1].body)
    assert link is not None
    form = shared.get(link.group(0).split("testserver", 1)[1], follow=True)
    new = "Nouveau-mot-2-passe!"
    done = shared.post(form.redirect_chain[-1][0], {"new_password1": new, "new_password2": new})
    assert done.status_code == 302
    assert _login(shared, user.email, new).status_code == 302


def test_a_forged_x_forwarded_for_does_not_change_the_address_counted(
    user: User, clock: _Clock
) -> None:
    attacker = _from(ATTACKER)
    codes = [
        _login(attacker, user.email, "wrong", HTTP_X_FORWARDED_FOR=f"192.0.2.{i}").status_code
        for i in range(1, 9)
    ]
    assert codes[:6] == [200] * 6 and 429 in codes[6:]


def test_failures_and_refusals_are_logged_for_the_admins(
    user: User, clock: _Clock, caplog: pytest.LogCaptureFixture
) -> None:
    attacker = _from(ATTACKER)
    with caplog.at_level(logging.INFO, logger="cercle.security"):
        for _ in range(7):
            _login(attacker, user.email, "wrong")
    lines = [r.getMessage() for r in caplog.records if r.name == "cercle.security"]
    failed = [line for line in lines if line.startswith("sign-in failed")]
    throttled = [line for line in lines if line.startswith("sign-in throttled")]
    assert len(failed) == 6 and len(throttled) == 1
    assert user.email in failed[0] and ATTACKER in failed[0]


@override_settings(CERCLE_LOGIN_FREE_FAILURES_PER_PAIR=2)
def test_free_failures_come_from_the_settings(user: User, clock: _Clock) -> None:
    attacker = _from(ATTACKER)
    for _ in range(3):
        _login(attacker, user.email, "wrong")
    assert _login(attacker, user.email, PASSWORD).status_code == 429
