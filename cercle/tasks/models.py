"""The database task queue (embedded mode): one row per enqueued task.

A row is claimed by compare-and-set (``status`` and ``locked_until`` in the
``WHERE`` of an ``UPDATE``), which works the same on SQLite and PostgreSQL
and never holds a transaction open while the task runs.  A claim is a lease:
a worker that dies mid-task leaves a ``RUNNING`` row whose ``locked_until``
passes, and the next worker to look takes it again.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.tasks import TaskResultStatus
from django.utils import timezone


class TaskRecord(models.Model):
    id = models.CharField(primary_key=True, max_length=32)
    task_path = models.CharField(max_length=300)
    queue_name = models.CharField(max_length=100, default="default")
    priority = models.SmallIntegerField(default=0)
    args = models.JSONField(default=list)
    kwargs = models.JSONField(default=dict)
    status = models.CharField(
        max_length=10, choices=TaskResultStatus.choices, default=TaskResultStatus.READY
    )
    enqueued_at = models.DateTimeField(default=timezone.now)
    run_after = models.DateTimeField(default=timezone.now)  # the next attempt, not before
    started_at = models.DateTimeField(null=True, blank=True)
    last_attempted_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    max_attempts = models.PositiveSmallIntegerField(default=5)
    locked_until = models.DateTimeField(null=True, blank=True)  # the running worker's lease
    worker_ids = models.JSONField(default=list)
    errors = models.JSONField(default=list)  # [{"exception_class_path", "traceback"}]
    return_value = models.JSONField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(
                fields=["queue_name", "-priority", "run_after"],
                condition=Q(status=TaskResultStatus.READY),
                name="task_ready",
            ),
            models.Index(
                fields=["locked_until"],
                condition=Q(status=TaskResultStatus.RUNNING),
                name="task_running",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.task_path} ({self.status})"
