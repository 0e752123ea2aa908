"""The queue moves to ``django_tasks_db``: what was waiting in ``TaskRecord`` is carried over."""

import django.db.models.deletion
import django.utils.timezone
from django.db import migrations, models

DATE_MAX = "9999-01-01T00:00:00+00:00"


def carry_over(apps, schema_editor):
    """Tasks still waiting or running move to the library's table; finished ones are history."""
    from datetime import datetime

    TaskRecord = apps.get_model("tasks", "TaskRecord")
    DBTaskResult = apps.get_model("django_tasks_database", "DBTaskResult")
    Attempts = apps.get_model("tasks", "Attempts")
    never = datetime.fromisoformat(DATE_MAX)
    for record in TaskRecord.objects.filter(status__in=["READY", "RUNNING"]).iterator():
        moved = DBTaskResult.objects.create(
            status="READY",  # a running one's worker is gone with the old code
            args_kwargs={"args": record.args, "kwargs": record.kwargs},
            priority=record.priority,
            task_path=record.task_path,
            queue_name=record.queue_name[:32],
            backend_name="default",
            run_after=record.run_after or never,
            worker_ids=record.worker_ids,
            exception_class_path="",
            traceback="",
        )
        if record.attempts:
            Attempts.objects.create(result=moved, count=record.attempts, errors=record.errors)


class Migration(migrations.Migration):
    dependencies = [
        ("tasks", "0001_initial"),
        ("django_tasks_database", "0021_conditional_partial_index_ordering"),
    ]

    operations = [
        migrations.CreateModel(
            name="Schedule",
            fields=[
                (
                    "task_path",
                    models.CharField(max_length=300, primary_key=True, serialize=False),
                ),
                ("next_run_at", models.DateTimeField(default=django.utils.timezone.now)),
            ],
        ),
        migrations.CreateModel(
            name="Attempts",
            fields=[
                (
                    "result",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="attempts",
                        serialize=False,
                        to="django_tasks_database.dbtaskresult",
                    ),
                ),
                ("count", models.PositiveSmallIntegerField(default=0)),
                ("errors", models.JSONField(default=list)),
            ],
        ),
        migrations.RunPython(carry_over, migrations.RunPython.noop),
        migrations.DeleteModel(name="TaskRecord"),
    ]
