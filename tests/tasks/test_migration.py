"""Upgrading moves the tasks still waiting in the old queue to the library's, nothing lost."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("tasks", "0001_initial")]


def test_waiting_tasks_are_carried_over_and_finished_ones_left_behind() -> None:
    executor = MigrationExecutor(connection)
    latest = executor.loader.graph.leaf_nodes("tasks")
    executor.migrate(BEFORE)
    try:
        old = executor.loader.project_state(BEFORE).apps.get_model("tasks", "TaskRecord")
        due = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)
        old.objects.create(
            id="a" * 32,
            task_path="cercle.notifications.delivery.send_notification_emails",
            args=[[41, 42]],
            kwargs={},
            status="READY",
            run_after=due,
            attempts=2,
            errors=[{"exception_class_path": "smtplib.SMTPServerDisconnected", "traceback": "…"}],
        )
        old.objects.create(id="b" * 32, task_path="x.y", status="SUCCESSFUL", run_after=due)
        executor = MigrationExecutor(connection)
        executor.migrate(latest)
        new = executor.loader.project_state(latest)
        results = new.apps.get_model("django_tasks_database", "DBTaskResult")
        attempts = new.apps.get_model("tasks", "Attempts")
        [moved] = results.objects.all()
        assert moved.task_path == "cercle.notifications.delivery.send_notification_emails"
        assert moved.args_kwargs == {"args": [[41, 42]], "kwargs": {}}
        assert (moved.status, moved.run_after, moved.backend_name) == ("READY", due, "default")
        kept = attempts.objects.get(result_id=moved.pk)
        assert kept.count == 2 and kept.errors[0]["exception_class_path"].startswith("smtplib")
    finally:
        MigrationExecutor(connection).migrate(latest)
