"""The worker: claims tasks from a queue backend, runs them, retries the failures.

Run by ``cercle worker`` (scaled mode, as many processes as needed) and, in
embedded mode, by ``cercle serve`` in a thread of its own, so that the one
command still does everything.  It also enqueues the periodic tasks
(``CERCLE_PERIODIC_TASKS``, e.g. the e-mail digests); when several workers
do, a periodic task may be enqueued more than once, which is harmless
because every task is idempotent.
"""

from __future__ import annotations

import logging
import threading
import time
from traceback import format_exception
from typing import Any

from django.conf import settings
from django.db import close_old_connections
from django.tasks import TaskContext, task_backends
from django.tasks.base import TaskError
from django.tasks.signals import task_finished, task_started
from django.utils import timezone
from django.utils.crypto import get_random_string
from django.utils.json import normalize_json
from django.utils.module_loading import import_string

from cercle.tasks.backends import Claim, QueueBackend, _result

logger = logging.getLogger("cercle.tasks")


class Worker:
    def __init__(
        self,
        backend: str = "default",
        queues: list[str] | None = None,
        periodic: dict[str, float] | None = None,
    ) -> None:
        queue = task_backends[backend]
        if not isinstance(queue, QueueBackend):
            raise TypeError(f"The {backend!r} task backend has no queue to work from")
        self.backend = queue
        self.queues = queues or sorted(queue.queues)
        self.id = get_random_string(12)
        self.periodic = (
            dict(getattr(settings, "CERCLE_PERIODIC_TASKS", {})) if periodic is None else periodic
        )
        self._last_periodic: dict[str, float] = {}
        self.stopping = threading.Event()

    def run_once(self) -> bool:
        """Claim and run one task; whether there was one."""
        claim = self.backend.claim(self.id, self.queues)
        if claim is None:
            return False
        self._run(claim)
        return True

    def run_pending(self, limit: int = 1000) -> int:
        """Run what is due now, then return how many tasks ran (tests, ``--once``)."""
        ran = 0
        while ran < limit and self.run_once():
            ran += 1
        return ran

    def run(self) -> None:
        """Work until ``stopping`` is set; a task running then is finished first."""
        logger.info("worker %s: queues %s", self.id, ", ".join(self.queues))
        while not self.stopping.is_set():
            try:
                close_old_connections()  # as around a request: drop broken or expired ones
                self._enqueue_periodic()
                ran = self.run_once()
                close_old_connections()
                if not ran:
                    self.backend.wait(self.backend.poll_interval)
            except Exception:  # the queue itself failed (database or Redis away): wait, retry
                logger.exception("worker %s: cannot reach the task queue", self.id)
                self.stopping.wait(5)

    def _enqueue_periodic(self) -> None:
        now = time.monotonic()
        for path, every in self.periodic.items():
            if now - self._last_periodic.get(path, -every) >= every:
                self._last_periodic[path] = now
                import_string(path).using(backend=self.backend.alias).enqueue()

    def _run(self, claim: Claim) -> None:
        result = _result(
            backend=self.backend.alias,
            id=claim.id,
            task_path=claim.task_path,
            status="RUNNING",
            args=claim.args,
            kwargs=claim.kwargs,
            enqueued_at=claim.enqueued_at,
            started_at=timezone.now(),
            last_attempted_at=timezone.now(),
            finished_at=None,
            errors=claim.errors,
            worker_ids=claim.worker_ids,
        )
        task_started.send(type(self.backend), task_result=result)
        try:
            task = result.task
            value: Any
            if task.takes_context:
                value = task.call(TaskContext(task_result=result), *claim.args, **claim.kwargs)
            else:
                value = task.call(*claim.args, **claim.kwargs)
        except Exception as error:
            failure = TaskError(
                exception_class_path=f"{type(error).__module__}.{type(error).__qualname__}",
                traceback="".join(format_exception(error)),
            )
            retry_at = (
                timezone.now() + self.backend.backoff(claim.attempts)
                if claim.attempts < claim.max_attempts
                else None
            )
            self.backend.fail(claim, failure, retry_at)
            logger.warning(
                "task %s (%s) failed, attempt %d of %d%s: %s",
                claim.task_path,
                claim.id,
                claim.attempts,
                claim.max_attempts,
                f", retried at {retry_at:%H:%M:%S}" if retry_at else ", given up",
                error,
            )
            object.__setattr__(result, "status", "FAILED")
        else:
            self.backend.succeed(claim, normalize_json(value))
            object.__setattr__(result, "status", "SUCCESSFUL")
        task_finished.send(type(self.backend), task_result=result)


def start_in_thread(**options: Any) -> tuple[Worker, threading.Thread]:
    """A worker in a daemon thread of this process (``cercle serve`` in embedded mode)."""
    worker = Worker(**options)
    thread = threading.Thread(target=worker.run, name="cercle-worker", daemon=True)
    thread.start()
    return worker, thread
