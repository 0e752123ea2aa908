"""The request being served, as the logs name it."""

from __future__ import annotations

from contextvars import ContextVar

# The id of the request this thread serves ("-" outside requests: tasks, commands).
request_id: ContextVar[str] = ContextVar("request_id", default="-")
