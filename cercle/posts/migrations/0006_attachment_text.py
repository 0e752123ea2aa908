"""The text inside files of posts and comments (``cercle.posts.reading``), and reading the
files stored before it: each gets a reading task, done by the workers after the upgrade."""

from typing import Any

from django.db import migrations, models


def read_existing_files(apps: Any, schema_editor: Any) -> None:
    from cercle.posts.reading import READABLE, read_attachment

    attachments = apps.get_model("posts", "Attachment")
    for pk in attachments.objects.filter(kind__in=READABLE).values_list("pk", flat=True):
        read_attachment.enqueue(pk)


class Migration(migrations.Migration):
    dependencies = [
        ("posts", "0005_posthashtag_created_at"),
        # The queue the reading tasks go to.
        ("django_tasks_database", "0021_conditional_partial_index_ordering"),
    ]

    operations = [
        migrations.AddField(
            model_name="attachment",
            name="read_at",
            field=models.DateTimeField(blank=True, editable=False, null=True),
        ),
        migrations.AddField(
            model_name="attachment",
            name="text",
            field=models.TextField(blank=True, db_default="", default="", editable=False),
        ),
        migrations.RunPython(read_existing_files, migrations.RunPython.noop),
    ]
