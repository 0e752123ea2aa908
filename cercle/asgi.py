"""ASGI entry point (``cercle serve`` runs it with uvicorn).

Cercle's middleware and views are synchronous.  Django's stock ASGI handler
adapts each synchronous middleware hook on its own, which costs a hop between
the event loop and the worker thread per hook: about sixteen per request,
5.5 ms of the 6.8 ms an authenticated no-op took through uvicorn (wrk, c=1,
`bench/load.py`).  Here the whole chain — middleware and view — runs in one
hop, as it would under WSGI, while the server stays ASGI.
"""

from __future__ import annotations

import os
from typing import Any

import django
from asgiref.sync import sync_to_async
from django.core.handlers.asgi import ASGIHandler

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cercle.settings")


class CercleASGIHandler(ASGIHandler):
    """Django's ASGI handler with the synchronous request chain run in one thread hop."""

    def load_middleware(self, is_async: bool = False) -> None:
        super().load_middleware(is_async=False)
        chain: Any = self._middleware_chain  # type: ignore[has-type]  # the sync chain just built
        self._middleware_chain = sync_to_async(chain, thread_sensitive=True)


django.setup(set_prefix=False)
application = CercleASGIHandler()
