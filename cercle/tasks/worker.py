"""Running the queue: the library's worker, with Cercle's scheduler beside it.

``cercle worker`` (scaled mode, as many processes as needed) is
``django_tasks_db``'s ``db_worker`` plus a ``Scheduler`` thread (periodic
tasks, abandoned tasks).  In embedded mode ``cercle serve`` runs the same
two in threads of its own process (``start_in_threads``), so that one
command still does everything.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any

from django.tasks import DEFAULT_TASK_BACKEND_ALIAS, TaskResult
from django.tasks.signals import task_finished
from django.utils.crypto import get_random_string
from django_tasks_db.management.commands.db_worker import Worker

from cercle.tasks.schedule import Scheduler

POLL = 1.0  # seconds between two looks at an empty queue


def worker(*, batch: bool = False, interval: float = POLL) -> Worker:
    """The library's worker for Cercle's queue (every queue of the default backend)."""
    return Worker(
        queue_names=["*"],
        interval=interval,
        batch=batch,
        backend_name=DEFAULT_TASK_BACKEND_ALIAS,
        startup_delay=False,
        max_tasks=None,
        worker_id=get_random_string(32),
        excluded_queue_names=[],
    )


def run_pending() -> int:
    """Run every task due now, then return how many ran (tests, ``cercle worker --once``)."""
    ran: list[str] = []

    def count(sender: Any, task_result: TaskResult[Any, Any], **kwargs: Any) -> None:
        ran.append(task_result.id)

    task_finished.connect(count, weak=False)
    try:
        worker(batch=True, interval=0).run()
    finally:
        task_finished.disconnect(count)
    return len(ran)


@dataclass
class Running:
    """A worker and a scheduler running in threads of this process."""

    worker: Worker
    scheduler: Scheduler

    def stop(self) -> None:
        """The task running now finishes; the others wait in the queue."""
        self.worker.running = False
        self.scheduler.stopping.set()


def start_in_threads() -> Running:
    """A worker and a scheduler in daemon threads (``cercle serve`` in embedded mode)."""
    running = Running(worker(), Scheduler())
    threading.Thread(target=running.worker.run, name="cercle-worker", daemon=True).start()
    running.scheduler.start()
    return running
