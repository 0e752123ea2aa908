"""Keeping the queue small: finished tasks are kept a week, then deleted."""

from __future__ import annotations

from datetime import timedelta

from django.tasks import TaskResultStatus, task
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

KEEP = timedelta(days=7)  # long enough to look at a failure


@task()
def prune_finished_tasks() -> int:
    """Delete the tasks finished more than a week ago (their attempts with them); how many."""
    _total, by_model = DBTaskResult.objects.filter(
        status__in=[TaskResultStatus.SUCCESSFUL, TaskResultStatus.FAILED],
        finished_at__lt=timezone.now() - KEEP,
    ).delete()
    return by_model.get(DBTaskResult._meta.label, 0)
