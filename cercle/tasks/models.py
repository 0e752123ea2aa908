"""What Cercle keeps beside the library's queue (``django_tasks_db``): attempts and schedules.

The queue itself is ``django_tasks_db.models.DBTaskResult``: one row per task,
claimed with ``SELECT ... FOR UPDATE SKIP LOCKED`` on PostgreSQL and an
exclusive transaction on SQLite.  The library runs a task once; the
retries, the recovery of tasks whose worker died and the periodic tasks are
Cercle's (``cercle.tasks.retries``, ``cercle.tasks.schedule``), and need these.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django_tasks_db.models import DBTaskResult


class Attempts(models.Model):
    """How many times a task was tried, and why each failed attempt failed."""

    result = models.OneToOneField(
        DBTaskResult, models.CASCADE, primary_key=True, related_name="attempts"
    )
    count = models.PositiveSmallIntegerField(default=0)
    errors = models.JSONField(default=list)  # [{"exception_class_path", "traceback"}], oldest first

    def __str__(self) -> str:
        return f"{self.result_id}: {self.count} attempt(s)"


class Schedule(models.Model):
    """When a periodic task is next due; the worker that moves it on enqueues it, once."""

    task_path = models.CharField(max_length=300, primary_key=True)
    next_run_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.task_path} at {self.next_run_at:%Y-%m-%d %H:%M:%S}"
