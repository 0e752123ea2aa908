"""Carrying events to every web process: in-process, or through Redis pub/sub.

- *Embedded* mode (one process): ``LocalBroker`` hands the event straight to
  this process's ``Hub``.
- *Scaled* mode (``REDIS_URL`` set, N processes): ``RedisBroker`` PUBLISHes
  it on one channel; each process runs one subscriber task that passes what
  it hears to its own ``Hub``.  When that subscription drops and comes back,
  events may have been missed, so every open stream is told to look again
  (the content is read from the database, so that is exact).

``publish`` is synchronous: it is called after commit, on the request threads.
"""

from __future__ import annotations

import asyncio
import json
import logging
from functools import cache
from typing import Protocol

from django.conf import settings

from cercle.realtime.hub import Message, hub

log = logging.getLogger(__name__)

__all__ = ["Message", "broker"]
CHANNEL = "cercle:events"


def channel_for(url: str) -> str:
    """The channel of the deployment using Redis at ``url``: one per database number.

    Redis keeps keys apart by database number but not pub/sub channels, which
    are server-wide: two Cercle deployments (or test runs) given databases 1
    and 2 of one Redis must not hear each other's events.
    """
    from redis.connection import parse_url

    return f"{CHANNEL}:{parse_url(url).get('db', 0)}"  # type: ignore[no-untyped-call]


class Broker(Protocol):
    def publish(self, message: Message) -> None: ...

    def start(self) -> None:
        """Called on the event loop when a stream opens: start listening if not yet."""

    async def ready(self, timeout: float) -> None:
        """Wait (``timeout`` at most) until events published from now on will be heard."""


class LocalBroker:
    def publish(self, message: Message) -> None:
        hub.post(message)

    def start(self) -> None:
        pass

    async def ready(self, timeout: float) -> None:
        pass


class RedisBroker:
    def __init__(self, url: str, channel: str = "", name: str = "cercle-realtime") -> None:
        import redis

        self.url, self.channel, self.name = url, channel or channel_for(url), name
        self.client = redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2)
        self._listener: asyncio.Task[None] | None = None
        self.subscribed = asyncio.Event()

    def publish(self, message: Message) -> None:
        self.client.publish(self.channel, json.dumps(message))

    def start(self) -> None:
        listener = self._listener
        loop = asyncio.get_running_loop()
        if listener is not None and not listener.done() and listener.get_loop() is loop:
            return
        self.subscribed = asyncio.Event()
        self._listener = loop.create_task(self._listen())

    async def ready(self, timeout: float) -> None:
        try:
            await asyncio.wait_for(self.subscribed.wait(), timeout)
        except TimeoutError:  # Redis is down: the stream still serves what the database says
            log.warning("live updates: not subscribed to Redis yet")

    async def _listen(self) -> None:
        import redis.asyncio as aredis
        from redis.exceptions import RedisError

        connected_before = False
        while True:
            client = aredis.Redis.from_url(
                self.url, socket_connect_timeout=2, client_name=self.name
            )
            try:
                async with client.pubsub(ignore_subscribe_messages=True) as pubsub:
                    await pubsub.subscribe(self.channel)
                    self.subscribed.set()
                    if connected_before:
                        hub.deliver({"kind": "resync"})
                    connected_before = True
                    async for item in pubsub.listen():
                        if item.get("type") != "message":
                            continue
                        try:
                            message = json.loads(item["data"])
                        except ValueError:
                            log.warning("live updates: ignored a malformed event")
                            continue
                        hub.deliver(message)
            except (RedisError, OSError) as error:
                self.subscribed.clear()
                log.warning("live updates: Redis subscription lost (%s); retrying", error)
                await asyncio.sleep(1)
            finally:
                await client.aclose()


def mode() -> str:
    """``redis`` or ``local``, as ``CERCLE_REALTIME`` says (``redis`` with ``REDIS_URL``)."""
    chosen = getattr(settings, "CERCLE_REALTIME", "")
    return str(chosen or ("redis" if settings.REDIS_URL else "local"))


@cache
def _make(kind: str, url: str) -> Broker:
    if kind == "redis":
        return RedisBroker(url)
    return LocalBroker()


def broker() -> Broker:
    kind = mode()
    return _make(kind, settings.REDIS_URL if kind == "redis" else "")
