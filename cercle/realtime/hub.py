"""The connections of one web process, and what each should be told.

One ``Hub`` per process, living on the server's event loop.  Each open
stream has an ``Inbox``: a set of pending signals ("notifications", "feed")
and a flag, so a burst of events coalesces into one read of the database
and a slow client never makes a queue grow.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from asgiref.sync import sync_to_async
from django.db import close_old_connections

log = logging.getLogger(__name__)

# What travels from a write to the streams: {"kind": ..., ...}; brokers carry it.
Message = dict[str, Any]

NOTIFICATIONS = "notifications"
FEED = "feed"
CLOSE = "close"


async def in_thread[T](
    executor: ThreadPoolExecutor | None, function: Callable[..., T], *args: Any
) -> T:
    """Run database work on the request threads, closing stale connections as a request does."""

    def run() -> T:
        close_old_connections()
        try:
            return function(*args)
        finally:
            close_old_connections()

    return await sync_to_async(run, thread_sensitive=False, executor=executor)()


class Inbox:
    """What one open stream still has to look at."""

    def __init__(self, user_id: int) -> None:
        self.user_id = user_id
        self.pending: set[str] = set()
        self.ready = asyncio.Event()

    def signal(self, kind: str) -> None:
        self.pending.add(kind)
        self.ready.set()

    async def wait(self, timeout: float) -> set[str]:
        """The signals received, or an empty set after ``timeout`` seconds."""
        try:
            await asyncio.wait_for(self.ready.wait(), timeout)
        except TimeoutError:
            return set()
        self.ready.clear()
        kinds, self.pending = self.pending, set()
        return kinds


class Hub:
    def __init__(self) -> None:
        self.loop: asyncio.AbstractEventLoop | None = None
        self.executor: ThreadPoolExecutor | None = None
        self.inboxes: dict[int, set[Inbox]] = {}
        self._tasks: set[asyncio.Task[None]] = set()

    def bind(self, executor: ThreadPoolExecutor | None) -> bool:
        """Attach to the running loop; True if it is a new loop (a new server)."""
        loop = asyncio.get_running_loop()
        self.executor = executor
        if self.loop is loop:
            return False
        self.loop, self.inboxes = loop, {}
        return True

    def open(self, user_id: int) -> Inbox:
        inbox = Inbox(user_id)
        self.inboxes.setdefault(user_id, set()).add(inbox)
        return inbox

    def close(self, inbox: Inbox) -> None:
        mine = self.inboxes.get(inbox.user_id)
        if mine is not None:
            mine.discard(inbox)
            if not mine:
                del self.inboxes[inbox.user_id]

    def close_all(self) -> None:
        """The server is stopping: every open stream ends now (browsers reconnect elsewhere)."""
        for inboxes in self.inboxes.values():
            for inbox in inboxes:
                inbox.signal(CLOSE)

    def post(self, message: Message) -> None:
        """Hand ``message`` to the loop, from any thread (the request threads publish)."""
        loop = self.loop
        if loop is None or loop.is_closed() or not self.inboxes:
            return
        with contextlib.suppress(RuntimeError):  # the loop closed meanwhile: nobody listens
            loop.call_soon_threadsafe(self.deliver, message)

    def deliver(self, message: Message) -> None:
        """Signal the connections concerned (runs on the loop)."""
        kind = message.get("kind")
        if kind == "notifications":
            for user_id in message.get("users", ()):
                for inbox in self.inboxes.get(user_id, ()):
                    inbox.signal(NOTIFICATIONS)
        elif kind == "post" and self.inboxes:
            task = asyncio.ensure_future(self._new_post(int(message["post"])))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)
        elif kind == "resync":  # events may have been missed (the broker reconnected)
            for inboxes in self.inboxes.values():
                for inbox in inboxes:
                    inbox.signal(NOTIFICATIONS)
                    inbox.signal(FEED)

    async def _new_post(self, post_id: int) -> None:
        """One query for all the users connected here: whose feed has this post?"""
        from cercle.feed.selectors import new_post_audience

        try:
            users = await in_thread(self.executor, new_post_audience, post_id, list(self.inboxes))
        except Exception:
            log.exception("live updates: finding who sees post %s failed", post_id)
            return
        for user_id in users:
            for inbox in self.inboxes.get(user_id, ()):
                inbox.signal(FEED)


hub = Hub()
