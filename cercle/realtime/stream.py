"""The live stream: Server-Sent Events at ``/events/``, served natively async.

``cercle.asgi`` routes this one path here before Django's synchronous
chain: an open stream waits on the event loop and holds no request thread.
Only the short database reads (who is this, what is new) hop to a small
pool of their own, one at a time per stream.

What a client receives:

- ``retry: 3000`` then, at once, an ``event: notifications`` with the
  current unread count, and, when it reconnects with ``Last-Event-ID``,
  the notifications it missed (visible ones only, newest
  ``REPLAY_CAP``) and an ``event: feed`` hint;
- ``event: notifications`` when one of its notifications is new or merged,
  or its unread count changed (read in another tab);
  ``data`` is JSON ``{"unread": n, "notifications": [...]}`` with the fields
  of ``/api/v1/notifications`` items (without ``actor``);
- ``event: feed`` when a post enters its feed (the page then asks
  ``feed:new_count``, which applies its filter and since);
- a comment line every ``HEARTBEAT`` seconds, and the end of the stream after
  ``MAX_AGE`` seconds (the browser reconnects, which re-checks the session)
  or as soon as the server begins to stop (``cercle serve`` calls
  ``hub.close_all``), so that open streams never hold up a restart.

The event id is the position (``updated_at``, id) of the newest
notification sent.  Merges move a notification's ``updated_at``, so a
"Franck and 2 others" update is resent.  Rows are matched against what the
stream already sent within ``LOOKBACK`` of that position, so a notification
whose transaction committed after a newer one's is still sent.
"""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http.cookies import SimpleCookie
from types import SimpleNamespace
from typing import Any
from urllib.parse import parse_qs

from django.conf import settings
from django.contrib.auth import get_user
from django.http.request import split_domain_port, validate_host
from django.utils import translation
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from cercle.accounts.models import User
from cercle.ops.metrics import STREAMS
from cercle.realtime.broker import broker
from cercle.realtime.hub import CLOSE, FEED, NOTIFICATIONS, hub, in_thread

PATH = "/events/"
HEARTBEAT = 15.0
MAX_AGE = 300.0
RETRY_MS = 3000
REPLAY_CAP = 50
LOOKBACK = timedelta(seconds=10)
EPOCH = datetime(2000, 1, 1, tzinfo=UTC)

Position = tuple[datetime, int]


def encode(position: Position) -> str:
    at, pk = position
    return f"{int((at - EPOCH) / timedelta(microseconds=1))}-{pk}"


def decode(value: str) -> Position | None:
    try:
        micros, pk = value.strip().split("-", 1)
        return EPOCH + timedelta(microseconds=int(micros)), int(pk)
    except (ValueError, OverflowError):
        return None


def _cookies(headers: dict[str, str]) -> dict[str, str]:
    cookies = SimpleCookie()
    try:
        cookies.load(headers.get("cookie", ""))
    except Exception:
        return {}
    return {name: morsel.value for name, morsel in cookies.items()}


def _language(user: User | None, headers: dict[str, str]) -> str:
    """What ``UserLocaleMiddleware`` chooses for a page: the user's language, else Django's."""
    if user is not None and user.language:
        return str(user.language)
    request = SimpleNamespace(
        COOKIES=_cookies(headers), META={"HTTP_ACCEPT_LANGUAGE": headers.get("accept-language", "")}
    )
    return translation.get_language_from_request(request)  # type: ignore[arg-type]


def authenticate(headers: dict[str, str]) -> User | None:
    """The active user of a bearer token or of the session cookie, else None (sync)."""
    from cercle.accounts.services import api_token_authenticate

    scheme, _sep, secret = headers.get("authorization", "").partition(" ")
    if scheme.lower() == "bearer":
        return api_token_authenticate(secret.strip())
    session_key = _cookies(headers).get(settings.SESSION_COOKIE_NAME)
    if session_key is None:
        return None
    store = import_string(settings.SESSION_ENGINE + ".SessionStore")(session_key)
    user = get_user(SimpleNamespace(session=store))  # type: ignore[arg-type]
    if isinstance(user, User) and user.is_active:
        return user
    return None


@dataclass
class Stream:
    """One client's position, and what it was already sent near it."""

    user: User
    language: str
    position: Position | None
    sent: dict[int, datetime] = field(default_factory=dict)
    started: bool = False
    unread: int | None = None  # as last sent

    def read(self) -> dict[str, Any] | None:
        """The notifications event to send now, or None if there is nothing new (sync)."""
        from cercle.notifications import selectors

        first, self.started = not self.started, True
        with translation.override(self.language):
            visible = selectors.visible(self.user)
            if self.position is None:  # a fresh page shows the count: nothing to replay
                self.position = visible.order_by("-updated_at", "-id").values_list(
                    "updated_at", "id"
                ).first() or (EPOCH, 0)
            floor = self.position[0] - LOOKBACK
            rows = list(
                selectors.for_page(self.user)
                .filter(updated_at__gte=floor)
                .order_by("-updated_at", "-id")[:REPLAY_CAP]
            )
            rows.reverse()
            if first:  # (re)connected at ``position``: what is not after it was seen before
                for n in rows:
                    if (n.updated_at, n.pk) <= self.position:
                        self.sent[n.pk] = n.updated_at
            fresh = [n for n in rows if self.sent.get(n.pk) != n.updated_at]
            for n in rows:
                self.sent[n.pk] = n.updated_at
            self.sent = {pk: at for pk, at in self.sent.items() if at >= floor}
            event = self._event(fresh, visible)
            if not fresh and not first and event["unread"] == self.unread:
                return None
            self.unread = event["unread"]
            return event

    def _event(self, rows: list[Any], visible: Any) -> dict[str, Any]:
        from cercle.notifications import selectors

        if rows:
            newest = max((n.updated_at, n.pk) for n in rows)
            if self.position is None or newest > self.position:
                self.position = newest
        items = [
            {
                "id": item.notification.pk,
                "event": item.notification.event,
                "text": item.text,
                "excerpt": item.excerpt,
                "url": item.url,
                "actor_count": item.notification.actor_count,
                "unread": item.unread,
                "created_at": item.notification.created_at.isoformat(),
                "updated_at": item.notification.updated_at.isoformat(),
            }
            for item in selectors.items(rows)
        ]
        unread = visible.filter(read_at__isnull=True).count()
        return {"unread": unread, "notifications": items}


def _open(headers: dict[str, str], last_event_id: str) -> Stream | str:
    """The stream of the signed-in user, or the reason for refusing (sync)."""
    user = authenticate(headers)
    if user is None:
        with translation.override(_language(None, headers)):
            return _("Sign in to receive live updates.")
    position = decode(last_event_id) if last_event_id else None
    return Stream(user, _language(user, headers), position)


def _allowed_host(host: str) -> bool:
    """The ``Host`` check Django applies to every other request (``ALLOWED_HOSTS``)."""
    allowed = list(settings.ALLOWED_HOSTS)
    if settings.DEBUG and not allowed:
        allowed = [".localhost", "127.0.0.1", "[::1]"]
    domain, _port = split_domain_port(host)
    return bool(domain) and validate_host(domain, allowed)


def frame(*, event: str | None = None, data: str = "", event_id: str | None = None) -> bytes:
    lines = []
    if event_id is not None:
        lines.append(f"id: {event_id}")
    if event is not None:
        lines.append(f"event: {event}")
    lines.extend(f"data: {line}" for line in data.split("\n"))
    return ("\n".join(lines) + "\n\n").encode()


async def _refuse(send: Any, status: int, text: str) -> None:
    body = text.encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"text/plain; charset=utf-8"),
                (b"content-length", str(len(body)).encode()),
                (b"cache-control", b"no-store"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


async def serve(scope: dict[str, Any], receive: Any, send: Any, *, executor: Any) -> None:
    """The ASGI application of ``PATH``."""
    if scope["method"] != "GET":
        await _refuse(send, 405, "GET only.")
        return
    headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
    if not _allowed_host(headers.get("host", "")):
        await _refuse(send, 400, "Bad Request (Host).")
        return
    query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
    last_event_id = headers.get("last-event-id") or (query.get("last_event_id") or [""])[0]
    opened = await in_thread(executor, _open, headers, last_event_id)
    if isinstance(opened, str):
        await _refuse(send, 401, opened)
        return
    stream = opened
    hub.bind(executor)
    inbox = hub.open(stream.user.pk)
    carrier = broker()
    carrier.start()
    await carrier.ready(timeout=2.0)  # so that the first event means "listening"

    disconnected = asyncio.Event()

    async def watch() -> None:
        while (await receive())["type"] != "http.disconnect":
            pass
        disconnected.set()

    watcher = asyncio.ensure_future(watch())
    STREAMS.inc()
    try:
        await send(
            {
                "type": "http.response.start",
                "status": 200,
                "headers": [
                    (b"content-type", b"text/event-stream; charset=utf-8"),
                    (b"cache-control", b"no-store"),
                    (b"x-accel-buffering", b"no"),
                ],
            }
        )
        await _send(send, f"retry: {RETRY_MS}\n\n".encode())
        kinds = {NOTIFICATIONS, FEED} if last_event_id else {NOTIFICATIONS}
        deadline = asyncio.get_running_loop().time() + MAX_AGE
        while not disconnected.is_set():
            if NOTIFICATIONS in kinds:
                event = await in_thread(executor, stream.read)
                if event is not None:
                    assert stream.position is not None
                    await _send(
                        send,
                        frame(
                            event=NOTIFICATIONS,
                            data=json.dumps(event, ensure_ascii=False),
                            event_id=encode(stream.position),
                        ),
                    )
            if FEED in kinds:
                await _send(send, frame(event=FEED, data="{}"))
            left = deadline - asyncio.get_running_loop().time()
            if left <= 0:
                break
            waiting = asyncio.ensure_future(inbox.wait(min(HEARTBEAT, left)))
            await asyncio.wait({waiting, watcher}, return_when=asyncio.FIRST_COMPLETED)
            if not waiting.done():
                waiting.cancel()
                break
            kinds = waiting.result()
            if CLOSE in kinds:
                break
            if not kinds:
                await _send(send, b": keep-alive\n\n")
        await send({"type": "http.response.body", "body": b"", "more_body": False})
    except OSError:  # the client went away while we wrote
        pass
    finally:
        STREAMS.dec()
        hub.close(inbox)
        watcher.cancel()


async def _send(send: Any, chunk: bytes) -> None:
    await send({"type": "http.response.body", "body": chunk, "more_body": True})
