"""ASGI entry point (``cercle serve`` runs it with uvicorn).

Cercle's middleware and views are synchronous, and Django's stock ASGI
handler serves them poorly (measured with ``bench/load.py`` and py-spy):

- it adapts each synchronous middleware hook on its own, a hop between the
  event loop and a worker thread per hook (about sixteen per request);
- it runs each request's synchronous code in a thread of its own
  (``ThreadSensitiveContext``), so the thread-local database connection
  dies with the request: a new connection for every request, and on SQLite
  a cold page cache every time.

Here the whole synchronous chain (middleware and view) runs in one hop, on a
fixed pool of worker threads that keep their database connections.  Each
request opens and closes with ``close_old_connections`` in its own thread,
exactly as under WSGI, so ``CONN_MAX_AGE`` and the health checks still apply.
The rest is Django's: each request keeps its ``ThreadSensitiveContext`` for
what the handler itself runs synchronously (signals, closing the response,
reading a file being sent), so a large download never holds up the others.

One path bypasses the chain: the live stream (``cercle.realtime.stream``),
which stays open for minutes and must not hold one of these threads.
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import django
from asgiref.sync import sync_to_async
from django.core.handlers.asgi import ASGIHandler
from django.db import close_old_connections
from django.http import HttpRequest, HttpResponseBase

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cercle.settings")


class CercleASGIHandler(ASGIHandler):
    """Django's ASGI handler, running the synchronous request chain on a kept thread pool."""

    def __init__(self, threads: int | None = None) -> None:
        count = threads or int(os.environ.get("CERCLE_THREADS", "0")) or self.default_threads()
        self.executor = ThreadPoolExecutor(max_workers=count, thread_name_prefix="cercle-request")
        super().__init__()

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] == "http" and scope["path"] == stream.PATH:
            await stream.serve(scope, receive, send, executor=self.executor)
            return
        await super().__call__(scope, receive, send)

    @staticmethod
    def default_threads() -> int:
        """One thread per process on SQLite, three on PostgreSQL.

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

    def load_middleware(self, is_async: bool = False) -> None:
        super().load_middleware(is_async=False)
        chain: Any = self._middleware_chain  # type: ignore[has-type]  # the sync chain just built

        def serve(request: HttpRequest) -> HttpResponseBase:
            close_old_connections()  # what request_started does under WSGI, in this thread
            try:
                response: HttpResponseBase = chain(request)
                return response
            finally:
                close_old_connections()  # and request_finished

        self._middleware_chain = sync_to_async(
            serve, thread_sensitive=False, executor=self.executor
        )


django.setup(set_prefix=False)

from cercle.realtime import stream  # noqa: E402 - needs the apps loaded

application = CercleASGIHandler()
