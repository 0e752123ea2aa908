from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.conf import settings
from django.test import Client

from cercle.accounts import services as accounts
from cercle.accounts.models import User
from tests.asgi import Server, SSEClient, asgi_server


@pytest.fixture
def server(transactional_db: Any) -> Iterator[Server]:
    with asgi_server() as running:
        yield running


def session_cookie(person: User) -> str:
    client = Client()
    client.force_login(person)
    return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"


@pytest.fixture
def stream_for(server: Server) -> Iterator[Callable[..., SSEClient]]:
    """Open an SSE stream as ``person`` (session cookie), optionally resuming at ``last_id``."""
    opened: list[SSEClient] = []

    def open_stream(
        person: User | None, *, last_id: str | None = None, **headers: str
    ) -> SSEClient:
        sent = {"Accept": "text/event-stream", **headers}
        if person is not None:
            sent["Cookie"] = session_cookie(person)
        if last_id is not None:
            sent["Last-Event-ID"] = last_id
        stream = SSEClient(server.port, sent)
        opened.append(stream)
        return stream

    yield open_stream
    for stream in opened:
        stream.close()


def bearer(person: User) -> str:
    return "Bearer " + accounts.api_token_create(user=person, name="live").secret
