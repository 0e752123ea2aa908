"""Scaled mode: two ``cercle serve`` processes sharing the database and Redis.

Alexandra publishes through process A; Thomas's stream is open on process B.
Nothing but Redis pub/sub connects the two processes' event loops.
"""

from __future__ import annotations

import http.client
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest

from cercle.follows import services as network
from cercle.notifications.models import Event, Notification
from tests.asgi import SSEClient
from tests.realtime.conftest import bearer
from tests.realtime.test_broker import redis_or_skip
from tests.servers import serving

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def two_processes(transactional_db: Any, tmp_path: Path) -> Iterator[tuple[int, int]]:
    redis_url = redis_or_skip()
    with serving(tmp_path, ["a", "b"], REDIS_URL=redis_url, CERCLE_REALTIME="") as (a, b):
        yield a.port, b.port


def test_an_event_created_on_one_process_reaches_a_stream_on_the_other(
    two_processes: tuple[int, int], user: Any, other: Any
) -> None:
    port_a, port_b = two_processes
    thomas, alexandra = user, other
    network.follow(follower=thomas, followee=alexandra)
    stream = SSEClient(port_b, {"Authorization": bearer(thomas)})
    try:
        assert stream.status == 200
        assert stream.next(timeout=5).event == "notifications"  # B now listens to Redis

        conn = http.client.HTTPConnection("127.0.0.1", port_a, timeout=10)
        body = urlencode({"body": f"Retour terrain, merci @{thomas.handle} !"})
        headers = {
            "Authorization": bearer(alexandra),
            "Content-Type": "application/x-www-form-urlencoded",
        }
        conn.request("POST", "/api/v1/posts", body=body, headers=headers)
        response = conn.getresponse()
        assert response.status == 201, response.read()
        created = time.monotonic()

        received = {e.event: e for e in (stream.next(timeout=1.0), stream.next(timeout=1.0))}
        assert time.monotonic() - created < 1.0
        assert set(received) == {"notifications", "feed"}
        mention = Notification.objects.get(recipient=thomas, event=Event.MENTION)
        assert [n["id"] for n in received["notifications"].json()["notifications"]] == [mention.pk]
    finally:
        stream.close()


def test_stopping_a_server_ends_its_open_streams_at_once(
    transactional_db: Any, tmp_path: Path, user: Any
) -> None:
    with serving(tmp_path, ["solo"], REDIS_URL="") as [solo]:
        stream = SSEClient(solo.port, {"Authorization": bearer(user)})
        assert stream.next(timeout=5).event == "notifications"
        stopping = time.monotonic()
        solo.process.terminate()
        with pytest.raises(ConnectionError):  # the stream ends, no event
            stream.next(timeout=5)
        solo.process.wait(5)
        assert time.monotonic() - stopping < 3  # not MAX_AGE (5 min) later
        stream.close()
