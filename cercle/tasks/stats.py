"""The queue as the metrics show it (``cercle.ops.metrics``)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Min, Q
from django.tasks import TaskResultStatus, task_backends
from django.utils import timezone
from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.models import DBTaskResult, get_date_max


@dataclass(frozen=True, slots=True)
class QueueStats:
    queue: str
    depth: int  # tasks waiting, due or deferred
    oldest_age: float  # seconds the oldest due task has waited (0 when none is due)


def queue_stats() -> list[QueueStats]:
    """Each queue of the default backend, read now (one statement)."""
    backend = task_backends["default"]
    if not isinstance(backend, DatabaseBackend):
        return []
    now = timezone.now()
    never = get_date_max()  # the library's "no run_after": due since it was enqueued
    found = {
        row["queue_name"]: row
        for row in DBTaskResult.objects.filter(
            status=TaskResultStatus.READY, backend_name=backend.alias
        )
        .values("queue_name")
        .annotate(
            depth=Count("pk"),
            enqueued=Min("enqueued_at", filter=Q(run_after=never)),
            deferred=Min("run_after", filter=Q(run_after__lte=now)),
        )
        .order_by()
    }
    stats = []
    for queue in sorted(set(backend.queues) | set(found)):
        row = found.get(queue)
        since = [t for t in (row["enqueued"], row["deferred"]) if t] if row else []
        oldest = min(since) if since else None
        stats.append(
            QueueStats(
                queue,
                row["depth"] if row else 0,
                (now - oldest).total_seconds() if oldest else 0.0,
            )
        )
    return stats
