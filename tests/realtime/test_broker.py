"""The hub and the brokers: signals reach the right connections, coalesce, and wait for commit."""

from __future__ import annotations

import asyncio
import os
import threading
from typing import Any

import pytest
from django.db import transaction

from cercle.realtime import broker as brokers
from cercle.realtime import events
from cercle.realtime.hub import FEED, NOTIFICATIONS, Hub, hub
from cercle.realtime.stream import EPOCH, decode, encode

REDIS_TEST_URL = os.environ.get("CERCLE_TEST_REDIS_URL", "redis://127.0.0.1:6379/5")


def redis_or_skip() -> str:
    import redis

    try:
        redis.Redis.from_url(REDIS_TEST_URL, socket_connect_timeout=1).ping()
    except (redis.RedisError, OSError) as error:
        reason = f"Redis is unreachable at {REDIS_TEST_URL} ({error})"
        if os.environ.get("CERCLE_REDIS") == "required":
            pytest.fail(f"Redis tests are required here: {reason}")
        pytest.skip(f"{reason}; scaled-mode test skipped (set CERCLE_TEST_REDIS_URL)")
    return REDIS_TEST_URL


def run(scenario: Any) -> None:
    """``asyncio.run`` in a thread of its own (Playwright's loop may run in this one)."""
    errors: list[BaseException] = []

    def target() -> None:
        try:
            asyncio.run(scenario())
        except BaseException as error:  # re-raised in the test's thread
            errors.append(error)

    thread = threading.Thread(target=target)
    thread.start()
    thread.join(30)
    if errors:
        raise errors[0]


def test_signals_reach_only_the_users_concerned_from_another_thread() -> None:
    async def scenario() -> None:
        local = Hub()
        local.bind(None)
        thomas, thomas_tab2, alexandra = local.open(1), local.open(1), local.open(2)
        sender = threading.Thread(
            target=local.post, args=({"kind": "notifications", "users": [1, 3]},)
        )
        sender.start()
        sender.join()
        assert await thomas.wait(1) == {NOTIFICATIONS}
        assert await thomas_tab2.wait(1) == {NOTIFICATIONS}
        assert await alexandra.wait(0.1) == set()
        local.close(thomas)
        local.close(thomas_tab2)
        assert 1 not in local.inboxes and 2 in local.inboxes

    run(scenario)


def test_a_burst_coalesces_into_one_wake_up() -> None:
    async def scenario() -> None:
        local = Hub()
        local.bind(None)
        inbox = local.open(1)
        for _ in range(50):
            local.deliver({"kind": "notifications", "users": [1]})
        local.deliver({"kind": "resync"})
        assert await inbox.wait(1) == {NOTIFICATIONS, FEED}
        assert await inbox.wait(0.05) == set()

    run(scenario)


def test_nothing_is_queued_when_nobody_listens() -> None:
    idle = Hub()
    idle.post({"kind": "notifications", "users": [1]})  # no loop yet: a no-op
    assert idle.inboxes == {}


def test_positions_round_trip_and_garbage_is_refused() -> None:
    from datetime import timedelta

    at = EPOCH + timedelta(days=9000, microseconds=123457)
    assert decode(encode((at, 42))) == (at, 42)
    for bad in ["", "x", "12", "1-x", "9" * 400 + "-1"]:
        assert decode(bad) is None


@pytest.mark.django_db(transaction=True)
def test_events_are_published_after_commit_only(monkeypatch: pytest.MonkeyPatch) -> None:
    published: list[Any] = []
    monkeypatch.setattr(brokers.LocalBroker, "publish", lambda self, m: published.append(m))
    with transaction.atomic():
        events.notifications_changed([3, 1, 3])
        events.post_published(7)
        assert published == []
    assert published == [{"kind": "notifications", "users": [1, 3]}, {"kind": "post", "post": 7}]
    published.clear()

    @transaction.atomic
    def rolled_back() -> None:
        events.notifications_changed([1])
        raise RuntimeError

    with pytest.raises(RuntimeError):
        rolled_back()
    events.notifications_changed([])
    assert published == []


@pytest.mark.django_db(transaction=True)
def test_a_failing_broker_never_fails_the_write(monkeypatch: pytest.MonkeyPatch, user: Any) -> None:
    tried: list[Any] = []

    def down(self: Any, message: Any) -> None:
        tried.append(message)
        raise ConnectionError("broker down")

    monkeypatch.setattr(brokers.LocalBroker, "publish", down)
    from cercle.follows import services as network
    from tests.factories import UserFactory

    network.follow(follower=UserFactory(), followee=user)  # logged, not raised
    assert tried == [{"kind": "notifications", "users": [user.pk]}]


def test_the_mode_follows_the_settings(settings: Any) -> None:
    settings.CERCLE_REALTIME = ""
    settings.REDIS_URL = ""
    assert isinstance(brokers.broker(), brokers.LocalBroker)
    settings.REDIS_URL = "redis://127.0.0.1:6379/5"
    assert isinstance(brokers.broker(), brokers.RedisBroker)
    settings.CERCLE_REALTIME = "local"
    assert isinstance(brokers.broker(), brokers.LocalBroker)


def test_redis_carries_events_between_brokers() -> None:
    url = redis_or_skip()
    channel = f"cercle:test:{os.getpid()}"

    async def scenario() -> None:
        listening = brokers.RedisBroker(url, channel)  # the other process's, say
        hub.bind(None)
        inbox = hub.open(99)
        listening.start()
        await asyncio.wait_for(listening.subscribed.wait(), 5)
        speaking = brokers.RedisBroker(url, channel)
        await asyncio.to_thread(speaking.publish, {"kind": "notifications", "users": [99]})
        try:
            assert await inbox.wait(1) == {NOTIFICATIONS}
        finally:
            hub.close(inbox)
            assert listening._listener is not None
            listening._listener.cancel()

    run(scenario)


def test_deployments_on_other_redis_databases_do_not_hear_each_other() -> None:
    """Pub/sub channels are server-wide in Redis: the channel carries the database number."""
    url = redis_or_skip()
    base = url.rsplit("/", 1)[0]
    assert brokers.channel_for(f"{base}/1") != brokers.channel_for(f"{base}/2")
    assert brokers.channel_for(f"{base}/1") == brokers.channel_for(
        f"{base}/1?health_check_interval=5"
    )

    async def scenario() -> None:
        listening = brokers.RedisBroker(f"{base}/1")
        hub.bind(None)
        inbox = hub.open(98)
        listening.start()
        await asyncio.wait_for(listening.subscribed.wait(), 5)
        elsewhere, same = brokers.RedisBroker(f"{base}/2"), brokers.RedisBroker(f"{base}/1")
        try:
            await asyncio.to_thread(elsewhere.publish, {"kind": "notifications", "users": [98]})
            assert await inbox.wait(0.5) == set()  # nothing: another deployment's event
            await asyncio.to_thread(same.publish, {"kind": "notifications", "users": [98]})
            assert await inbox.wait(1) == {NOTIFICATIONS}
        finally:
            hub.close(inbox)
            assert listening._listener is not None
            listening._listener.cancel()

    run(scenario)


def test_after_losing_redis_every_stream_looks_again() -> None:
    """Events published while the subscription was down are not lost: all streams re-read."""
    import redis

    url = redis_or_skip()
    channel, name = f"cercle:test:{os.getpid()}:drop", f"cercle-test-{os.getpid()}"

    async def scenario() -> None:
        listening = brokers.RedisBroker(url, channel, name=name)
        hub.bind(None)
        inbox = hub.open(99)
        listening.start()
        try:
            await asyncio.wait_for(listening.subscribed.wait(), 5)
            admin = redis.Redis.from_url(url)
            [mine] = [c["id"] for c in admin.client_list() if c["name"] == name]
            admin.client_kill_filter(_id=mine)  # the subscription drops
            assert await inbox.wait(5) == {NOTIFICATIONS, FEED}  # resubscribed: look again
            await asyncio.wait_for(listening.subscribed.wait(), 5)
            admin.publish(channel, '{"kind": "notifications", "users": [99]}')
            assert await inbox.wait(1) == {NOTIFICATIONS}  # and events flow again
        finally:
            hub.close(inbox)
            assert listening._listener is not None
            listening._listener.cancel()

    run(scenario)
