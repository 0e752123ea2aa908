"""Retries with back-off, and tasks whose worker died: what the library leaves to us.

``django_tasks_db`` marks a task that raised as failed, and a task whose
worker was killed stays "running" for ever.  Here:

- **A failed task is tried again**, in place (same id, so ``get_result``
  follows it), ``BACKOFF`` seconds × 4ⁿ later (10 s, 40 s, 160 s… capped at
  an hour), up to ``MAX_ATTEMPTS`` attempts; every failure is kept
  (``Attempts.errors``).  Decided when the worker says the task finished
  (``task_finished``), in the worker's own thread.
- **A task whose worker vanished** (killed, machine restarted) is one that
  has been running for longer than ``LEASE`` seconds: ``reclaim_abandoned``
  (run every few seconds by each worker's scheduler) counts that as a
  failed attempt and puts it back in the queue, or fails it for good.

Either way a task may run twice (its worker died after the work, before
saying so): tasks are idempotent, each claiming its own work by
compare-and-set (see ``cercle.notifications.delivery``).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.dispatch import receiver
from django.tasks import TaskResult, TaskResultStatus
from django.tasks.signals import task_finished
from django.utils import timezone
from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.models import DBTaskResult

from cercle.tasks.models import Attempts

logger = logging.getLogger("cercle.tasks")

READY, RUNNING = TaskResultStatus.READY, TaskResultStatus.RUNNING
FAILED = TaskResultStatus.FAILED
LOST = "cercle.tasks.retries.WorkerLost"


class WorkerLost(Exception):  # noqa: N818 - named as what happened, as the library's errors are
    """The worker running a task stopped answering (killed, machine restarted)."""


@dataclass(frozen=True, slots=True)
class Policy:
    max_attempts: int = 5
    backoff: float = 10.0  # seconds before the 2nd attempt; ×4 for each next one
    lease: float = 300.0  # seconds a task may run before its worker is presumed dead

    def delay(self, failed: int) -> timedelta:
        """How long to wait after ``failed`` failed attempts."""
        return timedelta(seconds=min(3600.0, self.backoff * 4 ** max(0, failed - 1)))


def policy() -> Policy:
    given = dict(getattr(settings, "CERCLE_TASK_RETRIES", {}))
    return Policy(
        max_attempts=int(given.get("MAX_ATTEMPTS", 5)),
        backoff=float(given.get("BACKOFF", 10)),
        lease=float(given.get("LEASE", 300)),
    )


def _attempt_failed(result_id: Any, error: dict[str, str], *, still: str) -> str:
    """Count a failed attempt of the task ``result_id`` (in status ``still``); requeue it or not.

    Returns what became of it: "retried" or "failed".  Compare-and-set on the
    status: if something else already moved the task on, nothing changes.
    """
    rules = policy()
    now = timezone.now()
    with transaction.atomic():
        attempts, _created = Attempts.objects.select_for_update().get_or_create(result_id=result_id)
        attempts.count += 1
        attempts.errors = [*attempts.errors, error]
        if attempts.count < rules.max_attempts:
            changed = DBTaskResult.objects.filter(pk=result_id, status=still).update(
                status=READY,
                run_after=now + rules.delay(attempts.count),
                started_at=None,
                finished_at=None,
            )
            outcome = "retried"
        else:
            changed = DBTaskResult.objects.filter(pk=result_id, status=still).update(
                status=FAILED,
                finished_at=now,
                exception_class_path=error["exception_class_path"],
                traceback=error["traceback"],
            )
            outcome = "failed"
        if changed:
            attempts.save()
    return outcome if changed else "unchanged"


@receiver(task_finished)
def retry_failed(sender: Any, task_result: TaskResult[Any, Any], **kwargs: Any) -> None:
    """A task of the database queue failed: try it again later, or give it up."""
    if task_result.status != FAILED or not issubclass(sender, DatabaseBackend):
        return
    last = task_result.errors[-1] if task_result.errors else None
    error = {
        "exception_class_path": last.exception_class_path if last else "",
        "traceback": last.traceback if last else "",
    }
    outcome = _attempt_failed(task_result.id, error, still=FAILED)
    logger.warning(
        "task %s (%s) failed (%s)%s",
        task_result.task.module_path,
        task_result.id,
        error["exception_class_path"],
        ", tried again later" if outcome == "retried" else ", given up",
    )


def reclaim_abandoned() -> int:
    """Tasks running for longer than the lease: their worker died.  Requeue or fail them."""
    rules = policy()
    cutoff = timezone.now() - timedelta(seconds=rules.lease)
    lost = list(
        DBTaskResult.objects.filter(status=RUNNING, started_at__lt=cutoff).values_list(
            "pk", "task_path", "worker_ids"
        )
    )
    for pk, path, workers in lost:
        error = {
            "exception_class_path": LOST,
            "traceback": f"Worker {workers[-1] if workers else '?'} stopped answering "
            f"(running for more than {rules.lease:.0f} s).",
        }
        outcome = _attempt_failed(pk, error, still=RUNNING)
        logger.warning("task %s (%s): its worker was lost, %s", path, pk, outcome)
    return len(lost)
