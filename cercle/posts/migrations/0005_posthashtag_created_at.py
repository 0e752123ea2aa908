"""A topic's uses carry their post's date, so its page walks one index newest first."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("posts", "0004_post_pinned_index"),
    ]

    operations = [
        migrations.AddField(
            model_name="posthashtag",
            name="created_at",
            field=models.DateTimeField(null=True),
        ),
        migrations.RunSQL(
            "UPDATE posts_posthashtag SET created_at = ("
            "SELECT posts_post.created_at FROM posts_post "
            "WHERE posts_post.id = posts_posthashtag.post_id)",
            reverse_sql=migrations.RunSQL.noop,
        ),
        migrations.AlterField(
            model_name="posthashtag",
            name="created_at",
            field=models.DateTimeField(),
        ),
        migrations.RemoveIndex(
            model_name="posthashtag",
            name="posts_posth_hashtag_4777f7_idx",
        ),
        migrations.AddIndex(
            model_name="posthashtag",
            index=models.Index(
                fields=["hashtag", "-created_at", "-post"], name="posthashtag_newest"
            ),
        ),
    ]
