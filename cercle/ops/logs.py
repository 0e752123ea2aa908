"""Log records with the request they belong to, as text or as JSON lines.

``CERCLE_LOG_FORMAT=json`` (scaled mode, ``deploy/``) writes one JSON object
per line (``python-json-logger``): what log collectors (Loki, Elastic,
journald) index without parsing.  Every record carries ``request_id``, the
``X-Request-ID`` of the request being served ("-" outside one).
"""

from __future__ import annotations

import logging

from cercle.ops.context import request_id


class RequestIdFilter(logging.Filter):
    """Adds ``request_id`` to every record (a filter on the handlers, so all loggers get it)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id.get()
        return True
