"""Keeping the database queue small: finished tasks are kept a week, then deleted."""

from __future__ import annotations

from datetime import timedelta

from django.tasks import TaskResultStatus, task
from django.utils import timezone

from cercle.tasks.models import TaskRecord

KEEP = timedelta(days=7)  # long enough to look at a failure; Redis expires its own


@task()
def prune_finished_tasks() -> int:
    """Delete the database queue's tasks finished more than a week ago; how many."""
    deleted, _by_model = TaskRecord.objects.filter(
        status__in=[TaskResultStatus.SUCCESSFUL, TaskResultStatus.FAILED],
        finished_at__lt=timezone.now() - KEEP,
    ).delete()
    return deleted
