from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from PIL import Image

from cercle.accounts.models import User
from tests.factories import UserFactory
from tests.sites import make_template

PASSWORD = "secret-pass-123"


@pytest.fixture(autouse=True)
def _fresh_cache() -> Any:
    """Login throttling counters live in the cache: no test inherits another's."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _worker_keeps_the_test_transaction(monkeypatch: pytest.MonkeyPatch) -> None:
    """The task worker checks its connections as a request does, and inside a test's
    transaction that check closes the connection.  Django's test client skips it for
    requests (it disconnects ``close_old_connections``); the same here for the worker."""
    from django_tasks_db.management.commands import db_worker

    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)


@pytest.fixture(scope="session")
def site_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated site with its static files, for ``tests.sites.own_site`` to copy."""
    return make_template(tmp_path_factory.mktemp("site-template"))


@pytest.fixture
def user(db: Any) -> User:
    return UserFactory(first_name="Thomas", last_name="Lefebvre", email="thomas@example.com")


@pytest.fixture
def other(db: Any) -> User:
    return UserFactory(first_name="Alexandra", last_name="Girard", email="alexandra@example.com")


@pytest.fixture
def staff(db: Any) -> User:
    return UserFactory(
        first_name="Sophie", last_name="Marchand", email="sophie@example.com", is_staff=True
    )


@pytest.fixture
def client_for():
    def make(person: User, *, language: str = "fr") -> Client:
        c = Client(headers={"accept-language": language})
        c.force_login(person)
        return c

    return make


@pytest.fixture
def logged_client(client_for: Any, user: User) -> Client:
    return client_for(user)


def make_image(fmt: str = "PNG", size: tuple[int, int] = (300, 200)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (40, 80, 200)).save(buffer, format=fmt)
    return buffer.getvalue()
