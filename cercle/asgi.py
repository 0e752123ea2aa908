"""ASGI entry point, for any ASGI server (``cercle serve`` runs it with granian).

Two kinds of request, two paths:

- the live stream (``/events/``, ``cercle.realtime.stream``) stays open for
  minutes: it is served natively async on the event loop and holds no
  thread; its short database reads go to a small pool of their own;
- everything else is Django's synchronous chain (middleware and views),
  served by Django's own WSGI handler on a fixed pool of threads, through
  a2wsgi's WSGI-to-ASGI adapter.

Why not Django's ``ASGIHandler`` for the second path: with synchronous
middleware and views, it adapts the chain piece by piece (several hops
between the event loop and threads per request) and runs each request's
synchronous code in a thread of its own (``ThreadSensitiveContext``), so
the thread's database connection dies with the request: a new connection
for each request (a new server process on PostgreSQL, a cold page cache on
SQLite).  Measured with ``bench/load.py`` (see ``bench/README.md``).  Under
the WSGI handler the pool's threads keep their connections between requests,
and Django's ``request_started`` / ``request_finished`` signals apply
``CONN_MAX_AGE`` and the health checks exactly as under a WSGI server: only
public APIs (``get_wsgi_application``), no Django internals.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import threading
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from typing import Any

import django
from a2wsgi import WSGIMiddleware
from django.core.exceptions import BadRequest

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cercle.settings")

# How long a stopping process waits for the requests still running (the server
# kills it 30 s after the stop: cercle.core.management.commands.serve).
DRAIN_TIMEOUT = 25.0
# Chunks of a response waiting for its client: more than a 25 MB attachment has.
SEND_QUEUE = 128
# Once the process stops, how long a request's body still on its way is waited for.
BODY_GRACE = 2.0


class UnreadableBodyError(BadRequest):
    """The request's body will not arrive: Django answers 400, and nothing is done."""


def default_threads() -> int:
    """Request threads per process: one on SQLite, three on PostgreSQL.

    Measured with bench/load.py at 1M posts on 2 cores (2 processes, c=8).
    On SQLite, a second thread only fights the first for the GIL, and a
    writer holding the database's write lock runs at half speed while it
    does: one thread gave the feed 453-455 req/s (p99 37 ms) against 403
    with two, and post creation 183-188 req/s (p99 81-89 ms) against 132
    (p99 95-110 ms).  On PostgreSQL, where a thread waits for the server's
    answers, three gave the feed 257-267 req/s against 216-241 with two
    and 237 with four.
    """
    from django.conf import settings

    engine = settings.DATABASES["default"]["ENGINE"]
    return 3 if engine == "django.db.backends.postgresql" else 1


class Application:
    """The ASGI application: the live stream natively, the rest through Django's WSGI handler."""

    STREAM_THREADS = 2
    _stopping: asyncio.Event | None = None
    _stopped_at = 0.0

    def __init__(self, threads: int | None = None) -> None:
        from django.core.wsgi import get_wsgi_application

        from cercle.realtime import stream

        self.stream = stream
        self.threads = threads or int(os.environ.get("CERCLE_THREADS", "0")) or default_threads()
        handler: Any = get_wsgi_application()  # a WSGI callable (the stubs type its response)
        # A response's chunks all go to the loop at once (downloads are sent in
        # 256 KB chunks, cercle.core.http.download): a slow client is the loop's
        # business and never holds one of the few request threads.
        self.django = WSGIMiddleware(handler, workers=self.threads, send_queue_size=SEND_QUEUE)
        # The stream's short reads (who is this, what is new): never behind a slow page.
        self.stream_executor = ThreadPoolExecutor(
            max_workers=self.STREAM_THREADS, thread_name_prefix="cercle-stream"
        )

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] == "http" and scope["path"] == self.stream.PATH:
            await self.stream.serve(scope, receive, send, executor=self.stream_executor)
        elif scope["type"] == "lifespan":
            await self.lifespan(receive, send)
        else:
            await self.django(scope, partial(self.receive, receive), send)

    async def receive(self, receive: Any) -> Any:
        """The server's ``receive``, for Django's WSGI handler: a body, or an error.

        When the client leaves before its request's body has all arrived, the
        server says ``http.disconnect``; taken for the end of the body, the
        bytes received would make a shorter, valid form, and Django would act
        on a request nobody sent (a truncated post published).  It is an error
        instead: Django answers 400 Bad Request, to nobody, and does nothing.
        Once the process stops, a body still missing ``BODY_GRACE`` seconds
        after the stop is given up too: granian no longer delivers it, and the
        thread would wait for ever.  (A coroutine, as a2wsgi needs: granian's
        ``receive`` gives a future.)
        """
        receiving = asyncio.ensure_future(receive())
        if not receiving.done():
            stopping = self.stopping()
            waiting = asyncio.ensure_future(stopping.wait())
            try:
                await asyncio.wait({receiving, waiting}, return_when=asyncio.FIRST_COMPLETED)
                if not receiving.done():  # stopping: what is left of the grace, for everyone
                    loop = asyncio.get_running_loop()
                    left = self._stopped_at + BODY_GRACE - loop.time()
                    await asyncio.wait({receiving}, timeout=max(0.0, left))
            finally:
                waiting.cancel()
        if not receiving.done():
            receiving.cancel()
            raise UnreadableBodyError("the server stopped before the request's body arrived")
        message = receiving.result()
        if message["type"] == "http.disconnect":
            raise UnreadableBodyError("the client left before its request's body arrived")
        return message

    def stopping(self) -> asyncio.Event:
        """Set when this process begins to stop (created on the running loop)."""
        if self._stopping is None:
            self._stopping = asyncio.Event()
        return self._stopping

    def stop(self) -> None:
        """This process begins to stop: the live streams end, and bodies have a grace."""
        from cercle.realtime.hub import hub

        hub.close_all()
        if not self.stopping().is_set():
            self._stopped_at = asyncio.get_running_loop().time()
            self.stopping().set()

    async def lifespan(self, receive: Any, send: Any) -> None:
        """At startup, arrange for the open live streams to end as soon as the process stops.

        A live stream stays open for minutes, and a server lets open
        responses finish before it exits: ended at once, the browser
        reconnects to another process (or to this one restarted) and misses
        nothing (``Last-Event-ID``).  The streams end at the stop signal
        itself, because granian sends ``lifespan.shutdown`` only once every
        response has finished.
        """
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                self.end_streams_on_stop(asyncio.get_running_loop())
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                self.stop()
                await self.drain()
                await send({"type": "lifespan.shutdown.complete"})
                return

    async def drain(self, timeout: float = DRAIN_TIMEOUT) -> None:
        """Wait for the requests still running in threads, while the loop takes their output.

        A request whose client left just before the server stopped is still
        running in its thread, and its thread hands its answer to the event
        loop: with the loop gone, it would wait for ever and hold the process
        up until the server kills it (measured: the whole kill timeout).
        """
        loop = asyncio.get_running_loop()
        finished = loop.run_in_executor(None, partial(self.django.executor.shutdown, wait=True))
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(finished, timeout)
        self.stream_executor.shutdown(wait=False)

    def end_streams_on_stop(self, loop: asyncio.AbstractEventLoop) -> None:
        """On SIGTERM or SIGINT, end the live streams, then let the server's own handling run.

        The server's handler stays in place: an event loop's signal handlers
        are dispatched through the loop's wake-up file descriptor, which the
        signal still reaches whatever Python-level handler is set here.
        """
        if threading.current_thread() is not threading.main_thread():
            return  # a server run in a thread (tests): signals are not its own
        for number in (signal.SIGTERM, signal.SIGINT):
            previous = signal.getsignal(number)

            def stop(signum: int, frame: Any, previous: Any = previous) -> None:
                loop.call_soon_threadsafe(self.stop)
                if callable(previous):
                    previous(signum, frame)

            signal.signal(number, stop)

    def pools(self) -> list[tuple[ThreadPoolExecutor, int]]:
        """The thread pools that hold database connections, with their sizes (tests close them)."""
        return [(self.django.executor, self.threads), (self.stream_executor, self.STREAM_THREADS)]


django.setup(set_prefix=False)

application = Application()
