"""Tasks the queue tests enqueue (module level, as ``django.tasks`` requires)."""

from __future__ import annotations

import time
from pathlib import Path

from django.tasks import task

# How many times each ``flaky`` key was attempted, in this process.
ATTEMPTS: dict[str, int] = {}


@task()
def add(a: int, b: int) -> int:
    return a + b


@task()
def flaky(key: str, failures: int) -> int:
    """Fails ``failures`` times, then succeeds; returns the attempt that did."""
    ATTEMPTS[key] = ATTEMPTS.get(key, 0) + 1
    if ATTEMPTS[key] <= failures:
        raise RuntimeError(f"attempt {ATTEMPTS[key]} of {key} fails")
    return ATTEMPTS[key]


@task()
def stuck_once(marker: str) -> str:
    """The first run says it started, then hangs (its worker gets killed); the next one finishes."""
    path = Path(marker)
    if not path.exists():
        path.write_text("started")
        time.sleep(120)
    return "finished"


@task()
def tick() -> str:
    """A periodic task of the scheduler's tests."""
    return "tick"
