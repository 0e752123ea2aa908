"""Periodic tasks (``CERCLE_PERIODIC_TASKS``: the e-mail digests, the queue's pruning).

Every worker runs ``Scheduler`` in a thread of its own.  A periodic task is
enqueued by whichever worker first moves its ``Schedule`` row on (one
``UPDATE ... WHERE next_run_at <= now``): once per period however many
workers run.  The same loop reclaims the tasks whose worker died
(``retries.reclaim_abandoned``).
"""

from __future__ import annotations

import contextlib
import logging
import threading
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, close_old_connections
from django.utils import timezone
from django.utils.module_loading import import_string

from cercle.tasks.models import Schedule
from cercle.tasks.retries import reclaim_abandoned

logger = logging.getLogger("cercle.tasks")

TICK = 5.0  # seconds between two looks


def periodic() -> dict[str, float]:
    """Task path -> every how many seconds it runs."""
    return {path: float(every) for path, every in settings.CERCLE_PERIODIC_TASKS.items()}


def enqueue_due() -> list[str]:
    """Enqueue each periodic task whose time has come (and that no other worker took); which."""
    now = timezone.now()
    enqueued = []
    for path, every in periodic().items():
        with contextlib.suppress(IntegrityError):  # another worker created it at the same moment
            Schedule.objects.get_or_create(task_path=path, defaults={"next_run_at": now})
        taken = Schedule.objects.filter(task_path=path, next_run_at__lte=now).update(
            next_run_at=now + timedelta(seconds=every)
        )
        if taken:
            import_string(path).enqueue()
            enqueued.append(path)
    return enqueued


class Scheduler:
    """The loop a worker runs beside its tasks: periodic tasks due, abandoned tasks back."""

    def __init__(self, tick: float = TICK) -> None:
        self.tick = tick
        self.stopping = threading.Event()

    def run_once(self) -> None:
        close_old_connections()
        try:
            enqueue_due()
            reclaim_abandoned()
        finally:
            close_old_connections()

    def run(self) -> None:
        while not self.stopping.is_set():
            try:
                self.run_once()
            except Exception:  # the database is away: look again at the next tick
                logger.exception("task scheduler: cannot reach the database")
            self.stopping.wait(self.tick)

    def start(self) -> threading.Thread:
        thread = threading.Thread(target=self.run, name="cercle-scheduler", daemon=True)
        thread.start()
        return thread
